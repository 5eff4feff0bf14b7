"""Updates from different residents are handled at the same time; updates from one chat are
handled in order, one after another; a chat that sends faster than a person can is answered
once more when it pauses, not once per message.

PTB's SimpleUpdateProcessor either serialises everything (slow for a crowd) or nothing (a
double tap could then race with itself). Ordering per chat gives both.

Fair slots. PTB takes one of its ``max_concurrent_updates`` slots *before* handing an update
here, so a chat with 500 queued updates, each waiting for that chat's turn, held every slot
and stalled everyone (issue 10: /info unanswered for minutes while one person flooded). So
PTB's own bound is lifted and the slots are taken here *after* the chat's turn comes: a
chat's backlog waits on its own lock, holding at most one slot however long it is.

Flooding. Telegram lets the bot answer one chat about once a second after a short burst, so
a chat that writes faster than that builds a backlog that only grows: answered one by one,
its 500th message would be answered minutes later. Each chat has a bucket of ``flood_burst``
updates refilled at ``flood_rate`` per second (20, then one a second: more than anyone types
or taps in a conversation, and enough for someone asking /info twice a second for ten
seconds). An update that finds the bucket empty while at least ``flood_backlog`` earlier ones
of its chat still wait their turn is surplus (a backlog is what merging cures: someone who
answers each question as soon as it comes, however fast, as the scripted residents of the
tests do, has none, or one when a busy bot answered in two parts), and the chat is
flooding: of its updates not yet begun, only the newest waits (the earlier ones, surplus or
not, are dropped: answered one by one they would keep the person waiting for minutes), and
it is handled once the chat has been quiet for ``quiet`` seconds. So a typed answer is never
lost, the latest one counts (a dropped button press is still answered, so its spinner
stops). The first surplus update calls ``on_flood`` (the bot sends one polite "please
wait"), at most once per ``notice_every`` seconds per chat.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import BaseUpdateProcessor

log = logging.getLogger(__name__)

FLOOD_BURST = 20  # updates from one chat at once, then ...
FLOOD_RATE = 1.0  # ... this many a second; more is a flood ...
FLOOD_BACKLOG = 3  # ... when this many of the chat's updates are still waiting their turn
QUIET = 2.0  # a flooding chat's newest update is handled after this long a pause
NOTICE_EVERY = 60.0  # at most one "please wait" per chat this often
# PTB's semaphore, taken before the chat is known, must never be what holds an update back.
_UNBOUNDED = 1 << 30

FloodHook = Callable[[Update], Awaitable[None]]


@dataclass(eq=False)
class _Chat:
    tokens: float
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    tasks: int = 0  # this chat's updates in the processor, handled or waiting
    waiting: int = 0  # of those, the ones not begun
    newest: int = 0  # the number of the newest surplus update
    numbered: int = 0
    last_arrival: float = 0.0
    noticed_at: float | None = None


class PerChatUpdateProcessor(BaseUpdateProcessor):
    def __init__(
        self,
        max_concurrent_updates: int = 64,
        *,
        flood_burst: int = FLOOD_BURST,
        flood_rate: float = FLOOD_RATE,
        flood_backlog: int = FLOOD_BACKLOG,
        quiet: float = QUIET,
        notice_every: float = NOTICE_EVERY,
        on_flood: FloodHook | None = None,
    ) -> None:
        super().__init__(_UNBOUNDED)
        self.slots = max_concurrent_updates
        self._slots = asyncio.Semaphore(max_concurrent_updates)
        self.flood_burst = flood_burst
        self.flood_rate = flood_rate
        self.flood_backlog = flood_backlog
        # A chat quiet this long has a full bucket again: nothing about it needs keeping.
        self._forget_after = flood_burst / flood_rate
        self.quiet = quiet
        self.notice_every = notice_every
        self.on_flood = on_flood
        self.dropped = 0  # surplus updates not handled (a newer one from the chat counted)
        # Chats whose bucket is not full, least recently active first.
        self._chats: OrderedDict[int, _Chat] = OrderedDict()

    @property
    def busy_slots(self) -> int:
        """Slots taken by updates being handled now (not by those waiting their chat's turn)."""
        return self.slots - self._slots._value

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = _chat_key(update)
        if key is None:
            async with self._slots:
                await coroutine
            return
        now = asyncio.get_running_loop().time()
        chat = self._chat(key, now)
        chat.tokens = min(float(self.flood_burst),
                          chat.tokens + (now - chat.last_arrival) * self.flood_rate)  # fmt: skip
        chat.last_arrival = now
        chat.numbered += 1
        number = chat.numbered
        surplus = chat.tokens < 1.0 and chat.waiting >= self.flood_backlog
        if not surplus:
            chat.tokens = max(0.0, chat.tokens - 1.0)
        chat.tasks += 1
        chat.waiting += 1
        begun = False
        try:
            if surplus:
                chat.newest = number
                if chat.noticed_at is None or now - chat.noticed_at >= self.notice_every:
                    chat.noticed_at = now
                    await self._notify(update)
            async with chat.lock:
                if chat.newest > number or (
                    surplus and not await self._still_newest(chat, number)
                ):
                    chat.waiting -= 1
                    begun = True
                    self.dropped += 1
                    await _drop(update, coroutine)
                    return
                chat.waiting -= 1
                begun = True
                async with self._slots:
                    await coroutine
        finally:
            if not begun:  # cancelled while waiting its turn
                chat.waiting -= 1
            chat.tasks -= 1

    async def _still_newest(self, chat: _Chat, number: int) -> bool:
        """Wait for a pause in the chat's flood; True if no newer update came meanwhile."""
        loop = asyncio.get_running_loop()
        while chat.newest == number:
            left = chat.last_arrival + self.quiet - loop.time()
            if left <= 0:
                return True
            await asyncio.sleep(left)
        return False

    def _chat(self, key: int, now: float) -> _Chat:
        chat = self._chats.get(key)
        if chat is None:
            chat = self._chats[key] = _Chat(tokens=float(self.flood_burst), last_arrival=now)
        else:
            self._chats.move_to_end(key)
        # Forget chats with a full bucket and nothing in the processor: bounded memory.
        while self._chats:
            oldest_key, oldest = next(iter(self._chats.items()))
            if oldest.tasks or oldest.last_arrival > now - self._forget_after or oldest is chat:
                break
            del self._chats[oldest_key]
        return chat

    async def _notify(self, update: object) -> None:
        if self.on_flood is None or not isinstance(update, Update):
            return
        try:
            await self.on_flood(update)
        except Exception:  # a notice is a courtesy: never a reason to lose the update
            log.warning("could not send the flood notice", exc_info=True)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""


async def _drop(update: object, coroutine: Awaitable[Any]) -> None:
    if isinstance(coroutine, Coroutine):
        coroutine.close()  # never started: close it so Python does not warn
    if isinstance(update, Update) and update.callback_query is not None:
        with contextlib.suppress(TelegramError):
            await update.callback_query.answer()


def _chat_key(update: object) -> int | None:
    if isinstance(update, Update):
        if update.effective_chat is not None:
            return update.effective_chat.id
        if update.effective_user is not None:
            return update.effective_user.id
    return None
