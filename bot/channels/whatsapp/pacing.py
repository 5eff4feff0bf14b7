"""WhatsApp's own pace: at most 80 messages a second from the number, independent of
Telegram's limiter (bot/rate_limit.py), so a broadcast to both channels uses both fully.

A send counts from when it leaves until one second after its answer, and never more than
``limit`` are counted at once. Meta receives each message somewhere between those two
moments, so no second at Meta's end can hold more than ``limit``, however slow the network
or the event loop; on a quick network that is close to ``limit`` a second. Replies to
residents take a free place before announcements (``bulk``).
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
        self._free = limit
        self._replies: deque[asyncio.Future[None]] = deque()
        self._bulk: deque[asyncio.Future[None]] = deque()

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
        if self._free > 0 and not self._replies and (not bulk or not self._bulk):
            self._free -= 1
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        (self._bulk if bulk else self._replies).append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self._release()  # the place came as the waiter gave up: pass it on
            else:
                (self._bulk if bulk else self._replies).remove(waiter)
            raise

    def _release(self) -> None:
        self._free += 1
        while self._free > 0 and (self._replies or self._bulk):
            waiter = (self._replies or self._bulk).popleft()
            if not waiter.done():
                self._free -= 1
                waiter.set_result(None)
