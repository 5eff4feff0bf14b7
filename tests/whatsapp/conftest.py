"""Fixtures for the bot's WhatsApp channel: the WhatsApp simulator and the bot's client."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.channels.whatsapp.client import WhatsAppClient
from bot.simulator_whatsapp import WhatsAppSimulator


@pytest.fixture
async def wa() -> AsyncIterator[WhatsAppSimulator]:
    simulator = WhatsAppSimulator()
    await simulator.start()
    yield simulator
    await simulator.stop()


@pytest.fixture
async def client(wa: WhatsAppSimulator) -> AsyncIterator[WhatsAppClient]:
    # Meta's waits and the network backoff, a hundredth and a tenth: the tests count retries.
    async with WhatsAppClient(
        wa.base_url,
        wa.phone_number_id,
        wa.token,
        network_backoff=(0.05, 0.1, 0.2, 0.4),
        throttle_wait_scale=0.01,
    ) as whatsapp:
        yield whatsapp
