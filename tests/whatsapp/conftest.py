"""Fixtures for the bot's WhatsApp channel: the WhatsApp simulator and the bot's client."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.channels.whatsapp.channel import WhatsAppChannel
from bot.channels.whatsapp.client import WhatsAppClient
from bot.channels.whatsapp.webhook import WEBHOOK_PATH
from bot.runner import BotRunner
from bot.simulator_whatsapp import WhatsAppSimulator
from tests.conftest import RunnerFactory
from tests.helpers.whatsapp import bot_settings


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


@pytest.fixture
async def wa_bot(wa: WhatsAppSimulator, make_runner: RunnerFactory) -> AsyncIterator[BotRunner]:
    """The bot with WhatsApp on, against both simulators; Meta delivers to its webhook."""
    runner = make_runner(**bot_settings(wa))
    await runner.start()
    assert runner.http is not None
    wa.webhook_url = runner.http.base_url + WEBHOOK_PATH
    yield runner
    await runner.stop()


def channel_of(runner: BotRunner) -> WhatsAppChannel:
    assert runner.deps is not None and runner.deps.whatsapp is not None
    return runner.deps.whatsapp
