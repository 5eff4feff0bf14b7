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

Replies to residents go first: a send marked ``Lane.BULK`` (announcements) waits while any reply
is waiting, so a broadcast fills what the residents leave. Requests without a chat
(answerCallbackQuery, getUpdates, setMyCommands) are not messages and pass at once. A 429
pauses every send for ``retry_after``; the request is retried a bounded number of times.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
from collections import deque
from collections.abc import Callable, Coroutine
from enum import IntEnum
from typing import Any

from telegram._utils.types import JSONDict
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)

# Telegram's documented ceiling for one bot; the counting above keeps it exact.
DEFAULT_LIMIT = 30
DEFAULT_RETRIES = 8
# How long a send stays counted after its answer: Telegram's window.
WINDOW = 1.0


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


class SmoothRateLimiter(BaseRateLimiter[Lane]):
    """At most ``limit`` sends to chats counted at once, spaced, replies before bulk."""

    def __init__(
        self,
        limit: int = DEFAULT_LIMIT,
        max_retries: int = DEFAULT_RETRIES,
        window: float = WINDOW,
    ) -> None:
        self.limit = limit
        self.window = window
        self.interval = window / limit
        self.max_retries = max_retries
        self._in_flight = 0
        self._counted_until: deque[float] = deque()  # finished sends, in order of finishing
        self._waiting: list[tuple[int, int, asyncio.Future[None]]] = []  # (lane, seq, future)
        self._seq = itertools.count()
        self._next_slot = 0.0
        self._paused_until = 0.0
        self._timer: asyncio.TimerHandle | None = None

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    @property
    def counted(self) -> int:
        """Sends counted against the limit now (in flight, or answered within the window)."""
        self._forget_old(asyncio.get_running_loop().time())
        return self._in_flight + len(self._counted_until)

    def _forget_old(self, now: float) -> None:
        while self._counted_until and self._counted_until[0] <= now:
            self._counted_until.popleft()

    def _dispatch(self) -> None:
        """Let the first waiter go if the slot, the pause and the count allow; else set a
        timer for when one of them will."""
        self._timer = None
        loop = asyncio.get_running_loop()
        while self._waiting and self._waiting[0][2].done():  # cancelled while waiting
            heapq.heappop(self._waiting)
        if not self._waiting:
            return
        now = loop.time()
        self._forget_old(now)
        wake = max(self._next_slot, self._paused_until)
        if self._in_flight + len(self._counted_until) >= self.limit:
            if not self._counted_until:
                return  # all in flight: the next one to finish calls _dispatch
            wake = max(wake, self._counted_until[0])
        if wake > now:
            self._timer = loop.call_at(wake, self._dispatch)
            return
        _lane, _seq, future = heapq.heappop(self._waiting)
        self._in_flight += 1
        # From the slot this send was due, not from when the timer fired: a timer a little
        # late each time would otherwise lose a few sends a second. After a quiet spell the
        # slot is now.
        due = self._next_slot if now - self._next_slot < self.interval else now
        self._next_slot = due + self.interval
        future.set_result(None)
        if self._waiting:
            self._timer = loop.call_at(self._next_slot, self._dispatch)

    def _wake(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._dispatch()

    async def _acquire(self, lane: Lane) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiting, (lane, next(self._seq), future))
        self._wake()
        try:
            await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():  # let go, then cancelled: unused
                self._in_flight -= 1
                self._wake()
            raise

    def _release(self) -> None:
        self._in_flight -= 1
        self._counted_until.append(asyncio.get_running_loop().time() + self.window)
        self._wake()

    def _pause(self, seconds: float) -> None:
        until = asyncio.get_running_loop().time() + seconds
        self._paused_until = max(self._paused_until, until)
        self._wake()

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
        to_chat = data.get("chat_id") is not None
        lane = Lane.REPLY if rate_limit_args is None else rate_limit_args
        for attempt in range(self.max_retries + 1):
            if to_chat:
                await self._acquire(lane)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                wait = retry_seconds(exc)
                self._pause(wait)
                if attempt == self.max_retries:
                    raise
                log.info("429 on %s: every send waits %.0f s", endpoint, wait)
            finally:
                if to_chat:
                    self._release()
        raise AssertionError("unreachable")  # the loop returns or raises
