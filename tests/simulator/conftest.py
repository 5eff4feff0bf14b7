"""Fixtures for the simulator's own tests: a running simulator and an HTTP client for it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from bot.simulator import BotApiSimulator

TOKEN = "123:ABC"


class Api:
    """Calls the simulator over HTTP the way PTB does (form-encoded, JSON for non-strings)."""

    def __init__(self, client: httpx.AsyncClient, base_url: str) -> None:
        self.client = client
        self.base_url = base_url

    async def call(self, method: str, **params: Any) -> httpx.Response:
        data = {
            key: value if isinstance(value, str) else _json(value)
            for key, value in params.items()
            if value is not None
        }
        return await self.client.post(f"{self.base_url}{TOKEN}/{method}", data=data)

    async def ok(self, method: str, **params: Any) -> Any:
        response = await self.call(method, **params)
        body = response.json()
        assert response.status_code == 200 and body["ok"], body
        return body["result"]

    async def error(self, method: str, **params: Any) -> tuple[int, str, dict[str, Any]]:
        response = await self.call(method, **params)
        body = response.json()
        assert not body["ok"], body
        assert response.status_code == body["error_code"]
        return body["error_code"], body["description"], body.get("parameters", {})


def _json(value: Any) -> str:
    import json

    return json.dumps(value)


@pytest.fixture
async def simulator() -> AsyncIterator[BotApiSimulator]:
    sim = BotApiSimulator(bot_username="serang_pmi_bot", flood_limit=False)
    await sim.start()
    yield sim
    await sim.stop()


@pytest.fixture
async def api(simulator: BotApiSimulator) -> AsyncIterator[Api]:
    async with httpx.AsyncClient(trust_env=False, timeout=5) as client:
        yield Api(client, simulator.base_url)
