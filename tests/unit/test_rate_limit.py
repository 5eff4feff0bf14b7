"""The limiter's promises, checked as lower bounds on time (a sleep is never early), so the
tests cannot fail on a slow or busy machine."""

from __future__ import annotations

import asyncio
import bisect
from typing import Any

from telegram.error import RetryAfter

from bot.rate_limit import Lane, SmoothRateLimiter


async def test_sends_to_chats_are_spaced_not_burst() -> None:
    limiter = SmoothRateLimiter(limit=100)  # one slot every 10 ms
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


async def test_a_429_holds_back_its_own_chat_only_and_is_retried() -> None:
    limiter = SmoothRateLimiter(limit=1000)
    order: list[int] = []
    refused = asyncio.Event()

    def sender(n: int) -> Any:
        async def send() -> dict[str, Any]:
            order.append(n)
            if n == 0 and order.count(0) == 1:
                refused.set()
                raise RetryAfter(retry_after=1)
            return {}

        return send

    first = asyncio.create_task(
        limiter.process_request(sender(0), (), {}, "sendMessage", {"chat_id": 0}, None)
    )
    await refused.wait()
    assert order == [0]  # refused: chat 0 waits a second
    others = await asyncio.gather(
        *(limiter.process_request(sender(n), (), {}, "sendMessage", {"chat_id": n}, None)
          for n in range(1, 5))
    )  # fmt: skip
    assert others == [{}] * 4
    assert order == [0, 1, 2, 3, 4]  # the other chats did not wait for chat 0's second
    assert await first == {}  # then chat 0's send was retried
    assert order == [0, 1, 2, 3, 4, 0]


async def test_429s_for_several_chats_at_once_hold_back_every_send() -> None:
    # Two chats refused within a second: that is the bot's overall limit, not theirs.
    limiter = SmoothRateLimiter(limit=1000)
    loop = asyncio.get_running_loop()
    calls: list[tuple[int, float]] = []
    refused: list[float] = []
    both_refused = asyncio.Event()

    def sender(n: int) -> Any:
        async def send() -> dict[str, Any]:
            calls.append((n, loop.time()))
            if n < 2 and [c for c, _ in calls].count(n) == 1:
                refused.append(loop.time())
                if len(refused) == 2:
                    both_refused.set()
                raise RetryAfter(retry_after=1)
            return {}

        return send

    first = [asyncio.create_task(
        limiter.process_request(sender(n), (), {}, "sendMessage", {"chat_id": n}, None)
    ) for n in range(2)]  # fmt: skip
    await both_refused.wait()
    results = await asyncio.gather(
        *first,
        *(limiter.process_request(sender(n), (), {}, "sendMessage", {"chat_id": n}, None)
          for n in range(2, 5)),
    )  # fmt: skip
    assert results == [{}] * 5
    later = [at for _n, at in calls if at > refused[1]]
    assert len(later) == 5 and all(at >= refused[1] + 1.0 for at in later)


async def test_one_chat_gets_a_burst_then_its_rate_and_others_do_not_wait_for_it() -> None:
    # A burst of three, then one message per 200 ms: wide enough that a loaded machine
    # (six test workers on two cores) stalling the loop for tens of milliseconds cannot let
    # chat 7's paced messages overtake the other chats (it did at 50 ms).
    limiter = SmoothRateLimiter(limit=1000, chat_burst=3, chat_rate=5, chat_pacing=True)
    loop = asyncio.get_running_loop()
    sent: list[tuple[int, str, float]] = []

    def sender(chat: int) -> Any:
        async def send() -> dict[str, Any]:
            sent.append((chat, "send", loop.time()))
            return {}

        return send

    started = loop.time()
    await asyncio.gather(
        *(limiter.process_request(sender(7), (), {}, "sendMessage", {"chat_id": 7}, None)
          for _ in range(6)),
        *(limiter.process_request(sender(n), (), {}, "sendMessage", {"chat_id": n}, None)
          for n in range(8, 11)),
    )  # fmt: skip
    seven = [at for chat, _k, at in sent if chat == 7]
    for k, at in enumerate(seven[3:], start=1):  # past the burst: one per 200 ms at most
        assert at >= started + k * 0.2 - 1e-6
    # The other chats were not queued behind chat 7's paced messages.
    order = [chat for chat, _k, _at in sent]
    assert order.index(10) < order.index(7, 4)


async def test_chats_are_paced_once_telegram_has_refused_one() -> None:
    # No per-chat limit known at first (a test server may have none): six at once go.
    limiter = SmoothRateLimiter(limit=1000, chat_burst=3, chat_rate=0.001)
    refused = False

    async def send() -> dict[str, Any]:
        return {}

    async def refuse_once() -> dict[str, Any]:
        nonlocal refused
        if not refused:
            refused = True
            raise RetryAfter(retry_after=0)
        return {}

    def request(chat: int, callback: Any = send) -> Any:
        return limiter.process_request(callback, (), {}, "sendMessage", {"chat_id": chat}, None)

    await asyncio.wait_for(asyncio.gather(*(request(7) for _ in range(6))), 5)
    assert not limiter.chat_pacing
    await request(8, refuse_once)  # Telegram's per-chat limit shows itself
    assert limiter.chat_pacing
    await asyncio.wait_for(asyncio.gather(*(request(9) for _ in range(3))), 5)  # the burst
    fourth = asyncio.ensure_future(request(9))
    done, _pending = await asyncio.wait({fourth}, timeout=0.2)
    assert not done  # chat 9's bucket is empty: its next message waits (for ~1000 s here)
    fourth.cancel()


async def test_edits_do_not_use_the_chats_budget() -> None:
    # One new message, ever.
    limiter = SmoothRateLimiter(limit=1000, chat_burst=1, chat_rate=0.001, chat_pacing=True)
    called: list[str] = []

    def sender(name: str) -> Any:
        async def send() -> dict[str, Any]:
            called.append(name)
            return {}

        return send

    await limiter.process_request(sender("send"), (), {}, "sendMessage", {"chat_id": 7}, None)
    await asyncio.wait_for(asyncio.gather(
        *(limiter.process_request(sender("edit"), (), {}, "editMessageText", {"chat_id": 7},
                                  None) for _ in range(3))
    ), 5)  # fmt: skip
    assert called == ["send", "edit", "edit", "edit"]


async def test_a_chat_refused_once_is_then_sent_to_at_its_rate() -> None:
    limiter = SmoothRateLimiter(limit=1000, chat_rate=20)  # one message per 50 ms
    loop = asyncio.get_running_loop()
    refused: list[float] = []
    sent: list[float] = []

    async def send() -> dict[str, Any]:
        if not refused:
            refused.append(loop.time())
            raise RetryAfter(retry_after=1)
        sent.append(loop.time())
        return {}

    await limiter.process_request(send, (), {}, "sendMessage", {"chat_id": 7}, None)
    await asyncio.gather(
        *(limiter.process_request(send, (), {}, "sendMessage", {"chat_id": 7}, None)
          for _ in range(4))
    )  # fmt: skip
    assert len(sent) == 5
    # Not a 429 every other send: after its wait the chat gets one message, then its rate,
    # not a new burst of ten.
    for k, at in enumerate(sent):
        assert at >= refused[0] + 1.0 + k * 0.05 - 1e-6


async def test_a_retried_send_goes_before_its_chats_later_sends() -> None:
    limiter = SmoothRateLimiter(limit=1000)
    order: list[str] = []
    refused = asyncio.Event()

    def sender(name: str) -> Any:
        async def send() -> dict[str, Any]:
            order.append(name)
            if name == "first" and order.count("first") == 1:
                refused.set()
                raise RetryAfter(retry_after=1)
            return {}

        return send

    first = asyncio.create_task(
        limiter.process_request(sender("first"), (), {}, "sendMessage", {"chat_id": 3}, None)
    )
    await refused.wait()  # chat 3 waits a second
    second = asyncio.create_task(
        limiter.process_request(sender("second"), (), {}, "sendMessage", {"chat_id": 3}, None)
    )
    await asyncio.gather(first, second)
    assert order == ["first", "first", "second"]


async def test_requests_without_a_chat_do_not_wait_for_a_slot() -> None:
    limiter = SmoothRateLimiter(limit=1)  # a slot a second: any wait would show
    limiter._next_slot = asyncio.get_running_loop().time() + 3600  # all slots taken for an hour

    async def answer() -> bool:
        return True

    # answerCallbackQuery has no chat_id: it is not a message and is not held back.
    assert await asyncio.wait_for(
        limiter.process_request(answer, (), {}, "answerCallbackQuery", {}, None), 5
    )


def _most_counted_at_once(spans: list[tuple[float, float]], window: float) -> int:
    """The most spans [start, end + window) covering one moment (a sweep over the edges)."""
    edges = sorted([(start, 1) for start, _ in spans] + [(end + window, -1) for _, end in spans])
    most = now = 0
    for _at, step in edges:  # at a tie the end (-1) sorts first: half-open spans
        now += step
        most = max(most, now)
    return most


async def test_never_more_than_the_limit_counted_however_long_the_answers_take() -> None:
    # Telegram received each send between its start and its answer; if no moment has more
    # than `limit` spans [start, answer + window), no window at Telegram's end can either.
    limiter = SmoothRateLimiter(limit=5, window=0.1)
    loop = asyncio.get_running_loop()
    spans: list[tuple[float, float]] = []

    def sender(n: int) -> Any:
        async def send() -> dict[str, Any]:
            start = loop.time()
            await asyncio.sleep((n * 7 % 5) * 0.01)  # answers taking 0 to 40 ms
            spans.append((start, loop.time()))
            return {}

        return send

    await asyncio.gather(
        *(limiter.process_request(sender(n), (), {}, "sendMessage", {"chat_id": n}, None)
          for n in range(40))
    )  # fmt: skip
    assert len(spans) == 40
    assert _most_counted_at_once(spans, 0.1) <= 5


async def test_replies_go_before_announcements_waiting_longer() -> None:
    limiter = SmoothRateLimiter(limit=2, window=0.05)
    hold = asyncio.Event()
    both_in_flight = asyncio.Event()
    order: list[str] = []

    def sender(name: str, held: bool = False) -> Any:
        async def send() -> dict[str, Any]:
            order.append(name)
            if held:
                if len(order) == 2:
                    both_in_flight.set()
                await hold.wait()
            return {}

        return send

    def request(name: str, lane: Lane | None, held: bool = False) -> Any:
        return limiter.process_request(sender(name, held), (), {}, "sendMessage", {"chat_id": 1},
                                       lane)  # fmt: skip

    # Two announcements in flight fill the limit; three more and then a reply queue behind.
    first = [asyncio.create_task(request(f"held{i}", Lane.BULK, True)) for i in range(2)]
    await both_in_flight.wait()
    queued = [asyncio.create_task(request(f"bulk{i}", Lane.BULK)) for i in range(3)]
    await asyncio.sleep(0.01)
    reply = asyncio.create_task(request("reply", None))
    await asyncio.sleep(0.01)
    assert order == ["held0", "held1"]  # nothing passes while the limit is full
    hold.set()
    await asyncio.gather(*first, *queued, reply)
    assert order[2] == "reply"
    assert order[3:] == ["bulk0", "bulk1", "bulk2"]


async def test_a_send_waits_for_an_answer_when_all_are_in_flight() -> None:
    limiter = SmoothRateLimiter(limit=2, window=0.2)
    loop = asyncio.get_running_loop()
    answered: list[float] = []
    started: list[float] = []

    async def slow() -> dict[str, Any]:
        started.append(loop.time())
        await asyncio.sleep(0.1)
        answered.append(loop.time())
        return {}

    await asyncio.gather(
        *(limiter.process_request(slow, (), {}, "sendMessage", {"chat_id": n}, None)
          for n in range(3))
    )  # fmt: skip
    # The third could not start until the first answer plus the window.
    assert started[2] >= answered[0] + 0.2 - 1e-6


async def test_a_send_cancelled_while_waiting_leaves_nothing_counted() -> None:
    limiter = SmoothRateLimiter(limit=1, window=0.05)
    hold = asyncio.Event()

    async def held() -> dict[str, Any]:
        await hold.wait()
        return {}

    async def quick() -> dict[str, Any]:
        return {}

    first = asyncio.create_task(
        limiter.process_request(held, (), {}, "sendMessage", {"chat_id": 1}, None)
    )
    waiting = asyncio.create_task(
        limiter.process_request(quick, (), {}, "sendMessage", {"chat_id": 2}, None)
    )
    await asyncio.sleep(0.01)
    assert limiter.counted == 1
    waiting.cancel()
    hold.set()
    await first
    # A later send still gets through, and once the window passes nothing is counted.
    await asyncio.wait_for(
        limiter.process_request(quick, (), {}, "sendMessage", {"chat_id": 3}, None), 5
    )
    await asyncio.sleep(0.06)
    assert limiter.counted == 0


async def test_over_a_network_no_window_at_telegram_holds_more_than_the_limit() -> None:
    # Each send takes 20-80 ms to reach "Telegram" and 20-80 ms to come back (sleeps are never
    # early, so on a busy machine only longer). With the floor of 20 ms each way, a send is
    # counted from 20 ms after it leaves until 20 ms before its answer plus the window: no
    # window of arrivals may then hold more than the limit, however late the loop runs.
    limiter = SmoothRateLimiter(limit=5, window=0.1, one_way=0.02)
    loop = asyncio.get_running_loop()
    arrivals: list[float] = []

    def sender(n: int) -> Any:
        async def send() -> dict[str, Any]:
            await asyncio.sleep(0.02 + (n * 7 % 5) * 0.015)  # on the way there
            arrivals.append(loop.time())
            await asyncio.sleep(0.02 + (n * 3 % 5) * 0.015)  # and back
            return {}

        return send

    await asyncio.gather(
        *(limiter.process_request(sender(n), (), {}, "sendMessage", {"chat_id": n}, None)
          for n in range(60))
    )  # fmt: skip
    assert len(arrivals) == 60
    arrivals.sort()
    # The most arrivals in any half-open window [a, a + 0.1).
    most = max(bisect.bisect_left(arrivals, a + 0.1) - i for i, a in enumerate(arrivals))
    assert most <= 5


async def test_the_floor_is_learnt_from_the_shortest_round_trip_and_never_more() -> None:
    limiter = SmoothRateLimiter(limit=1000)
    loop = asyncio.get_running_loop()

    async def slow() -> dict[str, Any]:
        await asyncio.sleep(0.05)  # a 50 ms round trip at least
        return {}

    assert limiter.floor == 0.0  # nothing seen yet: the limiter of loopback
    started = loop.time()
    await asyncio.gather(
        *(limiter.process_request(slow, (), {}, "sendMessage", {"chat_id": n}, None)
          for n in range(25))
    )  # fmt: skip
    longest = loop.time() - started
    # Each round trip lasted 50 ms or more (a sleep is never early) and at most the whole run:
    # the floor is a share of half the shortest, so never more than half of any.
    assert 0.0 < limiter.floor <= 0.025
    assert limiter.floor <= longest / 2
