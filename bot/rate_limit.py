"""Keeping the bot under Telegram's ~30 messages per second, without dropping a reply.

PTB's AIORateLimiter was measured losing replies in a rush of residents (benchmark 1b): its
leaky bucket lets 30 requests through at once after a quiet moment, so one second can hold
up to 60 and Telegram answers 429; and its "pause everyone for retry_after" is undone by
the first other request that finishes, so the paused crowd floods in again and the 429s
cascade until a request runs out of retries and its reply is lost.

This limiter gives every request to a chat its own time slot, evenly spaced at ``rate`` per
second (no bursts), and on a 429 moves every later slot past ``retry_after``. Requests
without a chat (answerCallbackQuery, getUpdates, setMyCommands) are not messages and pass.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram._utils.types import JSONDict
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)

# Under Telegram's ~30/s with room for the jitter between taking a slot and the request
# reaching Telegram (a busy event loop sends a few slots late, then together).
DEFAULT_RATE = 27.0
DEFAULT_RETRIES = 8


def retry_seconds(exc: RetryAfter) -> float:
    """RetryAfter's wait in seconds (PTB 22 keeps a timedelta; the public attribute warns)."""
    value = getattr(exc, "_retry_after", None)
    if value is not None and hasattr(value, "total_seconds"):
        return float(value.total_seconds())
    return float(value) if isinstance(value, int | float) else 1.0


class SmoothRateLimiter(BaseRateLimiter[int]):
    """Evenly spaced sends to chats; a 429 pauses every later send; bounded retries."""

    def __init__(self, rate: float = DEFAULT_RATE, max_retries: int = DEFAULT_RETRIES) -> None:
        self.interval = 1.0 / rate
        self.max_retries = max_retries
        self._next_slot = 0.0
        self._paused_until = 0.0
        self._lock = asyncio.Lock()

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    async def _wait_for_slot(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            async with self._lock:
                now = loop.time()
                start = max(now, self._next_slot, self._paused_until)
                self._next_slot = start + self.interval
            await asyncio.sleep(start - now)
            # A 429 that arrived while this request slept moved the pause past its slot.
            if loop.time() >= self._paused_until:
                return

    def _pause(self, seconds: float) -> None:
        until = asyncio.get_running_loop().time() + seconds
        self._paused_until = max(self._paused_until, until)
        self._next_slot = max(self._next_slot, self._paused_until)

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | JSONDict | list[JSONDict]:
        """Wait for a slot (requests to a chat only), send, and retry after a 429."""
        to_chat = data.get("chat_id") is not None
        retries = self.max_retries if rate_limit_args is None else rate_limit_args
        for attempt in range(retries + 1):
            if to_chat:
                await self._wait_for_slot()
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                wait = retry_seconds(exc)
                self._pause(wait)
                if attempt == retries:
                    raise
                log.info("429 on %s: every send waits %.0f s", endpoint, wait)
        raise AssertionError("unreachable")  # the loop returns or raises
