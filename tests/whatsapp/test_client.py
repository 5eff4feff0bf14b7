"""The bot's WhatsApp client against the simulator: what Meta answers becomes the outcome
Telegram's table would give (sent, throttled and retried, blocked, failed, retry, stop)."""

from __future__ import annotations

import asyncio

import pytest

from bot.channels.whatsapp.client import THROTTLE_RETRIES, WhatsAppClient
from bot.services.delivery import Outcome
from bot.simulator_whatsapp import WhatsAppSimulator
from tests.helpers.whatsapp import receiving

RESIDENT = "6281234567890"


@pytest.fixture
async def resident(wa: WhatsAppSimulator) -> str:
    async with receiving(wa):
        await wa.user(RESIDENT, "Siti").send_text("halo")
    return RESIDENT


async def test_a_text_reaches_the_resident(
    wa: WhatsAppSimulator, client: WhatsAppClient, resident: str
) -> None:
    delivery = await client.text(resident, "Terima kasih, pesan Anda kami terima.")
    assert delivery.outcome is Outcome.SENT and delivery.attempts == 1
    received = wa.users[resident].last
    assert (received.id, received.text) == (
        delivery.message_id,
        "Terima kasih, pesan Anda kami terima.",
    )


async def test_a_refused_message_is_failed_with_metas_code(
    wa: WhatsAppSimulator, client: WhatsAppClient, resident: str
) -> None:
    delivery = await client.text(resident, "x" * 4097)
    assert (delivery.outcome, delivery.code) == (Outcome.FAILED, 131009)
    assert wa.users[resident].received == []


@pytest.mark.parametrize("code", [130429, 131056, 80007])
async def test_a_rate_limit_is_throttled_and_retried(
    wa: WhatsAppSimulator, client: WhatsAppClient, resident: str, code: int
) -> None:
    wa.inject(code)
    delivery = await client.text(resident, "pengumuman")
    assert (delivery.outcome, delivery.attempts) == (Outcome.SENT, 2)
    assert [r.text for r in wa.users[resident].received] == ["pengumuman"]


async def test_a_lasting_rate_limit_is_throttled_after_bounded_retries(
    wa: WhatsAppSimulator, client: WhatsAppClient, resident: str
) -> None:
    wa.inject(130429, count=THROTTLE_RETRIES + 1)
    delivery = await client.text(resident, "pengumuman")
    assert (delivery.outcome, delivery.code) == (Outcome.THROTTLED, 130429)
    assert delivery.attempts == THROTTLE_RETRIES + 1
    assert wa.users[resident].received == []


@pytest.mark.parametrize(
    ("code", "status", "outcome"),
    [
        (131026, 400, Outcome.BLOCKED),  # undeliverable: blocked the business, left WhatsApp
        (131047, 400, Outcome.FAILED),  # outside the 24-hour window
        (131030, 400, Outcome.FAILED),  # invalid recipient
        (100, 400, Outcome.FAILED),
        (132001, 404, Outcome.FAILED),  # no such approved template
        (190, 401, Outcome.STOP),  # token expired
        (131031, 400, Outcome.STOP),  # account locked
    ],
)
async def test_each_code_maps_to_its_outcome_without_a_retry(
    wa: WhatsAppSimulator,
    client: WhatsAppClient,
    resident: str,
    code: int,
    status: int,
    outcome: Outcome,
) -> None:
    wa.inject(code, status=status)
    delivery = await client.text(resident, "halo")
    assert (delivery.outcome, delivery.code, delivery.attempts) == (outcome, code, 1)
    assert f"whatsapp {code}" in delivery.error


async def test_a_5xx_is_retried_with_backoff(
    wa: WhatsAppSimulator, client: WhatsAppClient, resident: str
) -> None:
    wa.inject(None, status=502)
    wa.inject(131000, status=500)
    delivery = await client.text(resident, "halo")
    assert (delivery.outcome, delivery.attempts) == (Outcome.SENT, 3)


async def test_a_lasting_5xx_is_retry_after_the_backoff(
    wa: WhatsAppSimulator, client: WhatsAppClient, resident: str
) -> None:
    wa.inject(None, status=503, count=len(client.network_backoff) + 1)
    delivery = await client.text(resident, "halo")
    assert delivery.outcome is Outcome.RETRY
    assert delivery.attempts == len(client.network_backoff) + 1


async def test_no_answer_at_all_is_retry(client: WhatsAppClient, wa: WhatsAppSimulator) -> None:
    await wa.stop()
    delivery = await client.text(RESIDENT, "halo")
    assert (delivery.outcome, delivery.code) == (Outcome.RETRY, None)


async def test_marking_a_message_read(wa: WhatsAppSimulator, client: WhatsAppClient) -> None:
    assert await client.mark_read("wamid.ABC")
    assert wa.read_marks == ["wamid.ABC"]


async def test_pacing_keeps_every_second_at_80(
    wa: WhatsAppSimulator, client: WhatsAppClient
) -> None:
    """200 residents at once: every message goes, none meets Meta's 130429, and no second
    at the simulator's end held more than 80 (the figure itself is a benchmark's)."""
    people = [f"62813000{n:05d}" for n in range(200)]
    async with receiving(wa):
        for number in people:
            await wa.user(number).send_text("halo")
    deliveries = await asyncio.gather(*(client.text(n, "pengumuman", bulk=True) for n in people))
    assert [d.outcome for d in deliveries] == [Outcome.SENT] * 200
    assert [d.attempts for d in deliveries] == [1] * 200
    assert wa.errors[130429] == 0
    assert wa.throughput.peak <= 80
    assert all(len(wa.users[n].received) == 1 for n in people)
