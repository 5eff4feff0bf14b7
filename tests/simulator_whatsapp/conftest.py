"""Fixtures for the WhatsApp simulator's own tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from bot.simulator_whatsapp import WhatsAppSimulator
from tests.helpers.whatsapp import Graph, Receiver, receiving


@pytest.fixture
async def wa() -> AsyncIterator[WhatsAppSimulator]:
    simulator = WhatsAppSimulator()
    await simulator.start()
    yield simulator
    await simulator.stop()


@pytest.fixture
async def hook(wa: WhatsAppSimulator) -> AsyncIterator[Receiver]:
    async with receiving(wa) as receiver:
        yield receiver


@pytest.fixture
async def graph(wa: WhatsAppSimulator) -> AsyncIterator[Graph]:
    async with httpx.AsyncClient(trust_env=False) as client:
        yield Graph(client, wa)
