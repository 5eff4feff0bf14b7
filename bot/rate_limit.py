"""Keeping the bot under Telegram's 30 messages per second, without dropping a reply.

PTB's AIORateLimiter was measured losing replies in a rush of residents (benchmark 1b): its
leaky bucket lets 30 requests through at once after a quiet moment, so one second can hold
up to 60 and Telegram answers 429; and its "pause everyone for retry_after" is undone by
the first other request that finishes, so the paused crowd floods in again and the 429s
cascade until a request runs out of retries and its reply is lost.

Spacing sends evenly (this limiter's first version, at 27/s) was not enough either: a busy
event loop sends a few slots late and then together, and a thousand residents at once still
met a few 429s. So this limiter counts what Telegram counts. A send is counted from the
moment it is let go until one second after its answer came back: Telegram received it
somewhere in between, so if at most ``limit`` sends are counted at any moment, no one-second
window at Telegram's end can hold more than ``limit`` of them, however late the loop ran.
(Two sends Telegram received less than a second apart have overlapping counted spans, and
intervals that overlap pairwise all share a moment.) Sends are also spaced ``1/limit`` apart
so they do not leave in bursts.

Over a real network that span is longer than Telegram's window by a whole round trip, so the
ceiling fell with it: 30 / (1 + RTT), 24/s at 250 ms (issue 11). But Telegram cannot have
received a send the moment it left, nor the moment its answer came back: the request needed
its way there and the answer its way back. With ``F`` a floor under each way (no request
reaches Telegram sooner, no answer comes back sooner), a send let go at ``t`` and answered at
``t'`` arrived at Telegram within ``[t + F, t' - F]``, so counting it over
``[t + F, t' - F + window)`` keeps the argument above whole: that interval holds
``[arrival, arrival + window)``, and sends Telegram received within one window have pairwise
overlapping intervals, so they share a moment. The rule stays "fewer than ``limit`` counted",
now at the moment ``now + F`` where a send let go now could first arrive: every other send
counted there is in flight or counted past it (an interval that started later and overlaps
the new one is counted too: the count over-estimates, never under-estimates). Each send then
takes ``RTT - 2F + window`` of the budget instead of ``RTT + window``: at 250 ms ± 50 ms with
``F`` near 100 ms, about 1.05 s, so 28-29 sends/s instead of 24.

``F`` is learnt: half the shortest round trip of the last minute (``FLOOR_SPAN``), less a
share for a path slower one way than the other (``FLOOR_SHARE``) and a few milliseconds, and
0 until ``FLOOR_SAMPLES`` round trips were seen. A round trip is timed from when the send
was let go to when its answer was read, so a busy event loop only lengthens it (a smaller
share of it is then taken as the floor) and never makes a send look faster than it was. On
loopback ``F`` is 0 and the limiter is exactly the one that met no 429 in the rush.

Replies to residents go first: a send marked ``Lane.BULK`` (announcements) waits while any reply
is waiting, so a broadcast fills what the residents leave. Requests without a chat
(answerCallbackQuery, getUpdates, setMyCommands) are not messages and pass at once.

One chat is one person's phone: Telegram lets a bot send it about one message a second,
after a short burst (documented as "about 1/s per chat"; the burst is not published, the
simulator assumes 10). New messages to a chat are paced by a bucket per chat of
``chat_burst`` refilled at ``chat_rate`` (a little under 1/s, so that two sends a second
apart cannot reach Telegram closer together than that); edits are not (Telegram does not
count them per chat). A send whose chat has no budget left is set aside, holding no slot,
and others go on: one person who is sent many messages (a flood of their own, issue 10) waits
alone, without meeting a 429 every other send. Since the limit is not published and a test
server may have none, the pacing begins with the first 429 Telegram gives for one chat (it
shows the limit is there) and then applies to every chat; ``chat_pacing=True`` starts with it.

A 429 holds back its own chat only. Since no second here holds more than ``limit`` sends, a
429 is Telegram's limit for that one chat: pausing every send for it, as this limiter first
did, let one person who sent 500 messages stall everyone. So the refused chat waits
``retry_after`` and then goes on at its rate, without a new burst; other chats go on. Only
429s for ``GLOBAL_CHATS`` different chats within a second mean the bot's overall limit, and
pause every send. The refused request is retried, first among its chat's waiting sends, a
bounded number of times.

A reply that meets a 5xx or a network error is retried too, after ``NETWORK_BACKOFF`` (half a
second, then doubling, 7.5 s in all: enough for a blip): without it the resident's answer was
stored and the next question never came. Announcements (``Lane.BULK``) are not: their sender
keeps an outbox and retries on its own. A retry can repeat a message Telegram did take when
only its answer was lost; a question asked twice is better than one never asked. An edit
retried after such a loss is refused as "message is not modified": that means it arrived.
"""

from __future__ import annotations

import asyncio
import bisect
import heapq
import itertools
import logging
from collections import OrderedDict, deque
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from telegram._utils.types import JSONDict
from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.ext import BaseRateLimiter

from bot.config import Settings

log = logging.getLogger(__name__)

# Telegram's documented ceiling for one bot; the counting above keeps it exact.
DEFAULT_LIMIT = 30
DEFAULT_RETRIES = 8
# How long a send stays counted after its answer: Telegram's window.
WINDOW = 1.0
# The floor under each way to Telegram: this share of half the shortest round trip seen in
# the last FLOOR_SPAN seconds, less FLOOR_MARGIN; 0 before FLOOR_SAMPLES round trips.
FLOOR_SHARE = 0.9
FLOOR_MARGIN = 0.002
FLOOR_SPAN = 60.0
FLOOR_SAMPLES = 20
# New messages to one chat: a burst, then a little under one a second.
CHAT_BURST = 10
CHAT_RATE = 1 / 1.05
# 429s for this many different chats within GLOBAL_SPAN seconds: the bot's overall limit.
GLOBAL_CHATS = 2
GLOBAL_SPAN = 1.0
# Waits before each retry of a reply after a 5xx or a network error (Settings.network_backoff).
NETWORK_BACKOFF = Settings.network_backoff


class Lane(IntEnum):
    """Who waits for whom: lower goes first. Passed to a send as ``rate_limit_args``."""

    REPLY = 0
    BULK = 1


def retry_seconds(exc: RetryAfter) -> float:
    """RetryAfter's wait in seconds (PTB 22 keeps a timedelta; the public attribute warns)."""
    value = getattr(exc, "_retry_after", None)
    if value is not None and hasattr(value, "total_seconds"):
        return float(value.total_seconds())
    return float(value) if isinstance(value, int | float) else 1.0


# A waiting send: (lane, order, chat, uses the chat's budget, future). Ordered by lane, then
# by when it first asked (order is unique: the later fields are never compared).
_Entry = tuple[int, int, int, bool, "asyncio.Future[None]"]


@dataclass(slots=True)
class _ChatBudget:
    tokens: float
    updated: float
    not_before: float = 0.0  # after a 429: retry_after


class SmoothRateLimiter(BaseRateLimiter[Lane]):
    """At most ``limit`` sends to chats counted at once, spaced, replies before bulk; a chat
    Telegram refused waits alone."""

    def __init__(
        self,
        limit: int = DEFAULT_LIMIT,
        max_retries: int = DEFAULT_RETRIES,
        window: float = WINDOW,
        network_backoff: tuple[float, ...] = NETWORK_BACKOFF,
        chat_burst: int = CHAT_BURST,
        chat_rate: float = CHAT_RATE,
        chat_pacing: bool = False,
        one_way: float | None = None,
    ) -> None:
        self.limit = limit
        self.window = window
        self.interval = window / limit
        self.max_retries = max_retries
        self.network_backoff = network_backoff
        self.chat_burst = chat_burst
        self.chat_rate = chat_rate
        self.chat_pacing = chat_pacing  # turned on by the first 429 for one chat
        self._in_flight = 0
        self._counted_until: list[float] = []  # finished sends' ends, sorted
        # The floor under each way: fixed (one_way, for tests) or learnt from round trips,
        # kept as a sliding minimum: (answered at, round trip), increasing round trips.
        self._fixed_floor = one_way
        self._round_trips: deque[tuple[float, float]] = deque()
        self._samples = 0
        self._waiting: list[_Entry] = []
        self._seq = itertools.count()
        self._next_slot = 0.0
        self._paused_until = 0.0
        self._timer: asyncio.TimerHandle | None = None
        # Chats sent to lately, least recently first; a full bucket is forgotten.
        self._budgets: OrderedDict[int, _ChatBudget] = OrderedDict()
        self._held: dict[int, list[_Entry]] = {}  # sends set aside while their chat waits
        self._recent_429s: deque[tuple[float, int]] = deque()

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    @property
    def counted(self) -> int:
        """Sends counted against the limit now (in flight, or answered within the window)."""
        now = asyncio.get_running_loop().time()
        self._forget_old(now)
        return self._in_flight + self._counted_after(now + self.floor)

    @property
    def floor(self) -> float:
        """The floor under each way to Telegram now (seconds)."""
        if self._fixed_floor is not None:
            return self._fixed_floor
        if self._samples < FLOOR_SAMPLES or not self._round_trips:
            return 0.0
        return max(0.0, FLOOR_SHARE * self._round_trips[0][1] / 2 - FLOOR_MARGIN)

    def _round_trip(self, left: float, answered: float) -> None:
        rtt = answered - left
        trips = self._round_trips
        while trips and trips[-1][1] >= rtt:
            trips.pop()
        trips.append((answered, rtt))
        while trips[0][0] <= answered - FLOOR_SPAN:
            trips.popleft()
        self._samples += 1

    def _forget_old(self, now: float) -> None:
        # Ends at or before now can matter to no send let go from now on (they arrive later).
        ends = self._counted_until
        gone = bisect.bisect_right(ends, now)
        if gone:
            del ends[:gone]

    def _counted_after(self, moment: float) -> int:
        ends = self._counted_until
        return len(ends) - bisect.bisect_right(ends, moment)

    def _dispatch(self) -> None:
        """Let the first waiter go if the slot, the pause and the count allow; else set a
        timer for when one of them will."""
        self._timer = None
        loop = asyncio.get_running_loop()
        now = loop.time()
        while self._waiting:
            _lane, _seq, chat, budgeted, future = self._waiting[0]
            if future.done():  # cancelled while waiting
                heapq.heappop(self._waiting)
                continue
            ready = self._chat_ready_at(chat, budgeted, now)
            if ready <= now:
                break
            self._hold(heapq.heappop(self._waiting), ready)  # its chat must wait: set aside
        if not self._waiting:
            return
        self._forget_old(now)
        wake = max(self._next_slot, self._paused_until)
        floor = self.floor
        first = bisect.bisect_right(self._counted_until, now + floor)
        if self._in_flight + len(self._counted_until) - first >= self.limit:
            if first == len(self._counted_until):
                return  # all in flight: the next one to finish calls _dispatch
            wake = max(wake, self._counted_until[first] - floor)
        if wake > now:
            self._timer = loop.call_at(wake, self._dispatch)
            return
        _lane, _seq, chat, budgeted, future = heapq.heappop(self._waiting)
        self._in_flight += 1
        # From the slot this send was due, not from when the timer fired: a timer a little
        # late each time would otherwise lose a few sends a second. After a quiet spell the
        # slot is now.
        due = self._next_slot if now - self._next_slot < self.interval else now
        self._next_slot = due + self.interval
        if budgeted:
            self._spend(chat, now)
        future.set_result(None)
        if self._waiting:
            self._timer = loop.call_at(self._next_slot, self._dispatch)

    def _budget(self, chat: int, now: float) -> _ChatBudget | None:
        budget = self._budgets.get(chat)
        if budget is not None:
            refill = (now - budget.updated) * self.chat_rate
            budget.tokens = min(float(self.chat_burst), budget.tokens + refill)
            budget.updated = now
        return budget

    def _chat_ready_at(self, chat: int, budgeted: bool, now: float) -> float:
        """When a send to ``chat`` may go: after a 429's wait and, for a new message, when
        the chat's bucket holds one."""
        budget = self._budget(chat, now)
        if budget is None:
            return now
        ready = budget.not_before
        if budgeted and budget.tokens < 1.0 and self.chat_pacing:
            ready = max(ready, now + (1.0 - budget.tokens) / self.chat_rate)
        return ready

    def _spend(self, chat: int, now: float) -> None:
        budget = self._budget(chat, now)
        if budget is None:
            budget = self._budgets[chat] = _ChatBudget(float(self.chat_burst), now)
        else:
            self._budgets.move_to_end(chat)
        budget.tokens -= 1.0
        # Forget chats whose bucket is full again (a broadcast touches thousands once).
        full_after = self.chat_burst / self.chat_rate
        while self._budgets:
            oldest_chat, oldest = next(iter(self._budgets.items()))
            if oldest.updated > now - full_after or oldest.not_before > now:
                break
            del self._budgets[oldest_chat]

    def _hold(self, entry: _Entry, until: float) -> None:
        chat = entry[2]
        held = self._held.get(chat)
        if held is None:
            self._held[chat] = [entry]
            asyncio.get_running_loop().call_at(until, self._release_chat, chat)
        else:
            held.append(entry)

    def _release_chat(self, chat: int) -> None:
        """The chat's wait is over: its held sends queue again, in their first order."""
        for entry in self._held.pop(chat, []):
            heapq.heappush(self._waiting, entry)
        self._wake()

    def _wake(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._dispatch()

    async def _acquire(self, lane: Lane, order: int, chat: int, budgeted: bool) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiting, (lane, order, chat, budgeted, future))
        self._wake()
        try:
            await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():  # let go, then cancelled: unused
                self._in_flight -= 1
                self._wake()
            raise

    def _release(self, left: float | None) -> None:
        """A send is over. Answered (``left``: when it was let go): it arrived at least the
        floor before its answer came; otherwise it may have arrived up to now."""
        self._in_flight -= 1
        now = asyncio.get_running_loop().time()
        if left is not None:
            self._round_trip(left, now)
            end = now - self.floor + self.window
        else:
            end = now + self.window
        bisect.insort(self._counted_until, end)
        self._wake()

    def _refused(self, chat: int, seconds: float) -> bool:
        """A 429 for ``chat``: that chat waits, its bucket empty. True when 429s for several
        chats came within a second, which is the bot's overall limit: every send waits."""
        now = asyncio.get_running_loop().time()
        self.chat_pacing = True
        budget = self._budget(chat, now)
        if budget is None:
            budget = self._budgets[chat] = _ChatBudget(0.0, now)
        # One message when the wait is over, then the chat's rate: not a new burst.
        budget.tokens = min(budget.tokens, 1.0 - seconds * self.chat_rate)
        budget.not_before = max(budget.not_before, now + seconds)
        recent = self._recent_429s
        recent.append((now, chat))
        while recent and recent[0][0] <= now - GLOBAL_SPAN:
            recent.popleft()
        overall = len({c for _at, c in recent}) >= GLOBAL_CHATS
        if overall:
            self._paused_until = max(self._paused_until, now + seconds)
        return overall

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Lane | None,
    ) -> bool | JSONDict | list[JSONDict]:
        """Wait for a turn (requests to a chat only), send, and retry after a 429."""
        chat = _chat_of(data)
        budgeted = endpoint.startswith("send") and endpoint != "sendChatAction"
        lane = Lane.REPLY if rate_limit_args is None else rate_limit_args
        order = next(self._seq)  # kept across retries: a retry goes before later sends
        throttled = failed = 0  # 429s, and 5xx or network errors, met so far
        loop = asyncio.get_running_loop()
        while True:
            backoff = 0.0
            left: float | None = None  # set when an answer came: the round trip is known
            if chat is not None:
                await self._acquire(lane, order, chat, budgeted)
            started = loop.time()
            try:
                result = await callback(*args, **kwargs)
                left = started
                return result
            except BadRequest as exc:
                left = started
                if failed and "message is not modified" in str(exc).lower():
                    return True  # the edit had arrived; only its answer was lost
                raise
            except RetryAfter as exc:
                left = started
                wait = retry_seconds(exc)
                if throttled == self.max_retries:
                    if chat is not None:
                        self._refused(chat, wait)
                    raise
                throttled += 1
                if chat is None:  # not a message (a button's answer): it alone waits
                    backoff = wait
                elif self._refused(chat, wait):
                    log.info("429s for several chats: every send waits %.0f s", wait)
                else:
                    log.info("429 on %s for one chat: it waits %.0f s", endpoint, wait)
            except NetworkError as exc:
                if not self._retries_failure(exc, chat, lane, failed):
                    raise
                backoff = self.network_backoff[failed]
                failed += 1
                log.info("%s failed (%s): retry %d in %.1f s", endpoint, type(exc).__name__,
                         failed, backoff)  # fmt: skip
            finally:
                if chat is not None:
                    self._release(left)
            if backoff:
                await asyncio.sleep(backoff)

    def _retries_failure(
        self, exc: NetworkError, chat: int | None, lane: Lane, failed: int
    ) -> bool:
        """A 5xx or a lost connection on a reply to a chat: retried a bounded number of times.
        A body too large for Telegram would be refused again."""
        return (
            chat is not None
            and lane is Lane.REPLY
            and failed < len(self.network_backoff)
            and "too large" not in str(exc).lower()
        )


def _chat_of(data: dict[str, Any]) -> int | None:
    """The chat a request writes to; a username (@channel) counts as a chat of its own."""
    chat = data.get("chat_id")
    if chat is None:
        return None
    if isinstance(chat, int):
        return chat
    try:
        return int(chat)
    except (TypeError, ValueError):
        return hash(chat)
