"""The WhatsApp pacer: never more than its limit counted at once, replies before bulk."""

from __future__ import annotations

import asyncio

from bot.channels.whatsapp.pacing import Pacer


async def test_never_more_than_the_limit_counted_and_replies_first() -> None:
    pacer = Pacer(limit=3, window=0.05)
    order: list[str] = []
    most = 0

    async def send(name: str, bulk: bool) -> None:
        nonlocal most
        async with pacer.slot(bulk=bulk):
            most = max(most, pacer.counted)
            order.append(name)
            await asyncio.sleep(0)

    held = [asyncio.create_task(send(f"b{n}", True)) for n in range(3)]
    await asyncio.sleep(0)  # the three places are taken
    late = [asyncio.create_task(send(f"bulk{n}", True)) for n in range(2)]
    await asyncio.sleep(0)
    reply = asyncio.create_task(send("reply", False))
    await asyncio.gather(*held, *late, reply)
    assert most == 3
    assert order[:3] == ["b0", "b1", "b2"]
    assert order[3] == "reply"  # it came after the bulk sends but went before them
    assert sorted(order[4:]) == ["bulk0", "bulk1"]


async def test_a_cancelled_waiter_gives_its_place_on() -> None:
    pacer = Pacer(limit=1, window=0.01)
    async with pacer.slot():
        waiter = asyncio.create_task(pacer.slot().__aenter__())
        await asyncio.sleep(0)
        waiter.cancel()
    await asyncio.sleep(0.05)
    assert pacer.counted == 0
    async with pacer.slot():
        assert pacer.counted == 1
