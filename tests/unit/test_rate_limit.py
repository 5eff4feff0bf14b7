"""The limiter's promises, checked as lower bounds on time (a sleep is never early), so the
tests cannot fail on a slow or busy machine."""

from __future__ import annotations

import asyncio
from typing import Any

from telegram.error import RetryAfter

from bot.rate_limit import SmoothRateLimiter


async def test_sends_to_chats_are_spaced_not_burst() -> None:
    limiter = SmoothRateLimiter(rate=100.0)  # one slot every 10 ms
    called: list[float] = []
    loop = asyncio.get_running_loop()

    async def send() -> dict[str, Any]:
        called.append(loop.time())
        return {}

    started = loop.time()
    await asyncio.gather(
        *(limiter.process_request(send, (), {}, "sendMessage", {"chat_id": i}, None)
          for i in range(30))
    )  # fmt: skip
    called.sort()
    # PTB's AIORateLimiter lets 30 go at once; here the i-th waits for its own slot.
    for i, at in enumerate(called):
        assert at >= started + i * 0.01 - 1e-6


async def test_a_429_holds_back_every_later_send_and_is_retried() -> None:
    limiter = SmoothRateLimiter(rate=1000.0)
    loop = asyncio.get_running_loop()
    calls: list[tuple[int, float]] = []
    refused_at: list[float] = []

    def sender(n: int) -> Any:
        async def send() -> dict[str, Any]:
            calls.append((n, loop.time()))
            if n == 0 and not refused_at:
                refused_at.append(loop.time())
                raise RetryAfter(retry_after=1)
            return {}

        return send

    results = await asyncio.gather(
        *(limiter.process_request(sender(n), (), {}, "sendMessage", {"chat_id": n}, None)
          for n in range(5))
    )  # fmt: skip

    assert results == [{}] * 5  # the refused one was retried, nothing raised
    later = [at for n, at in calls if at > refused_at[0]]
    assert later and all(at >= refused_at[0] + 1.0 for at in later)


async def test_requests_without_a_chat_do_not_wait_for_a_slot() -> None:
    limiter = SmoothRateLimiter(rate=1.0)  # a slot a second: any wait would show
    limiter._next_slot = asyncio.get_running_loop().time() + 3600  # all slots taken for an hour

    async def answer() -> bool:
        return True

    # answerCallbackQuery has no chat_id: it is not a message and is not held back.
    assert await asyncio.wait_for(
        limiter.process_request(answer, (), {}, "answerCallbackQuery", {}, None), 5
    )
