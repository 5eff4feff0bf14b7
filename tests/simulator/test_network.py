"""The simulator's network (issue 11): a round trip with jitter, and flood control counting a
call when it arrives, half a round trip after it left. Lower bounds only: a sleep is never
early, so these cannot fail on a busy machine."""

from __future__ import annotations

import time

from bot.simulator import BotApiSimulator
from tests.simulator.conftest import Api


async def test_every_call_takes_at_least_the_round_trip_less_the_jitter(
    simulator: BotApiSimulator, api: Api
) -> None:
    simulator.rtt, simulator.jitter = 0.2, 0.04
    for _ in range(3):
        began = time.monotonic()
        await api.ok("getMe")
        assert time.monotonic() - began >= 0.16


async def test_a_call_is_seen_by_telegram_when_it_arrives_not_when_it_leaves(
    simulator: BotApiSimulator, api: Api
) -> None:
    simulator.rtt = 0.2
    began = time.monotonic()
    await api.ok("sendMessage", chat_id=5, text="halo")
    (call,) = [c for c in simulator.calls if c.method == "sendMessage"]
    assert call.at >= began + 0.1  # recorded (and flood-counted) after the way there
    assert time.monotonic() >= call.at + 0.1  # and the answer took the way back


def test_two_legs_are_drawn_apart() -> None:
    sim = BotApiSimulator(rtt=0.2, jitter=0.1, random_seed=3)
    legs = [sim._leg() for _ in range(200)]
    assert all(0.05 - 1e-9 <= leg <= 0.15 + 1e-9 for leg in legs)
    assert len({round(leg, 6) for leg in legs}) > 100  # not one fixed half
