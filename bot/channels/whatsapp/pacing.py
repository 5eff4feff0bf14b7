"""WhatsApp's own pace: at most 80 messages a second from the number, independent of
Telegram's limiter (bot/rate_limit.py), so a broadcast to both channels uses both fully.

A send counts from when it leaves until one second after its answer, and never more than
``limit`` are counted at once. Meta receives each message somewhere between those two
moments, so no second at Meta's end can hold more than ``limit``, however slow the network
or the event loop; on a quick network that is close to ``limit`` a second. Places are
also handed out ``1/limit`` s apart, so they come free one by one rather than all at once a
second later (a reply would then wait up to a second for the next wave), and a reply waiting
for one gets the next before any announcement (``bulk``).
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class Pacer:
    def __init__(self, limit: int = 80, window: float = 1.0) -> None:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        self.limit = limit
        self.window = window
        self.interval = window / limit
        self._free = limit
        self._next_start = 0.0  # the event loop's time the next send may leave
        self._replies: deque[asyncio.Future[None]] = deque()
        self._bulk: deque[asyncio.Future[None]] = deque()
        self._timer: asyncio.TimerHandle | None = None

    @property
    def counted(self) -> int:
        """Sends counted now (in flight, or answered less than a window ago)."""
        return self.limit - self._free

    @asynccontextmanager
    async def slot(self, *, bulk: bool = False) -> AsyncIterator[None]:
        """Hold one of the places for the send inside the block, and a window after it."""
        await self._acquire(bulk)
        try:
            yield
        finally:
            asyncio.get_running_loop().call_later(self.window, self._release)

    async def _acquire(self, bulk: bool) -> None:
        now = asyncio.get_running_loop().time()
        ahead = self._replies or (bulk and self._bulk)
        if self._free > 0 and now >= self._next_start and not ahead:
            self._take(now)
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        lane = self._bulk if bulk else self._replies
        lane.append(waiter)
        self._wake()
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self._release()  # the place came as the waiter gave up: pass it on
            else:
                lane.remove(waiter)
            raise

    def _take(self, now: float) -> None:
        self._free -= 1
        # A little lateness of the event loop is caught up, never a whole idle stretch:
        # places are handed out one by one, so they also come free one by one.
        self._next_start = max(self._next_start, now - 4 * self.interval) + self.interval

    def _release(self) -> None:
        self._free += 1
        self._wake()

    def _wake(self) -> None:
        """Hand free places to waiters, replies first, one per interval."""
        loop = asyncio.get_running_loop()
        while self._free > 0 and (self._replies or self._bulk):
            now = loop.time()
            if now < self._next_start:
                if self._timer is None:
                    self._timer = loop.call_later(self._next_start - now, self._tick)
                return
            waiter = (self._replies or self._bulk).popleft()
            if not waiter.done():
                self._take(now)
                waiter.set_result(None)

    def _tick(self) -> None:
        self._timer = None
        self._wake()
