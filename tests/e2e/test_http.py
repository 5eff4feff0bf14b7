"""The bot's HTTP server: /healthz, /metrics, and Telegram's updates by webhook.

Real parts only: the bot's uvicorn server on 127.0.0.1, the simulator delivering updates to
it with the secret header as Telegram does, aiohttp as the monitoring or the attacker.
"""

from __future__ import annotations

import json
import socket
from collections.abc import AsyncIterator

import aiohttp
import pytest

from bot.runner import BotRunner
from bot.simulator import BotApiSimulator
from bot.storage import applicants as repo
from tests.conftest import RunnerFactory
from tests.e2e.residents import Person, register, say, until

SECRET = "Webhook-Secret_123"
NIK = Person().nik


@pytest.fixture
async def sim() -> AsyncIterator[BotApiSimulator]:
    """As the shared one, and it may deliver to the bot's plain-http server on 127.0.0.1."""
    simulator = BotApiSimulator(flood_limit=False, allow_http_webhook=True)
    await simulator.start()
    yield simulator
    await simulator.stop()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def get(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession(trust_env=False) as http, http.get(url) as response:
        return response.status, await response.text()


async def post(url: str, body: bytes, headers: dict[str, str]) -> int:
    async with (
        aiohttp.ClientSession(trust_env=False) as http,
        http.post(url, data=body, headers=headers) as response,
    ):
        return response.status


def base(runner: BotRunner) -> str:
    assert runner.http is not None
    return runner.http.base_url


@pytest.fixture
async def webhook_bot(make_runner: RunnerFactory) -> AsyncIterator[BotRunner]:
    port = free_port()
    runner = make_runner(
        http_port=port, webhook_url=f"http://127.0.0.1:{port}", webhook_secret=SECRET
    )
    await runner.start()
    yield runner
    await runner.stop()


# health ---------------------------------------------------------------------------------
async def test_healthz_in_polling_mode(bot: BotRunner) -> None:
    status, text = await get(base(bot) + "/healthz")
    body = json.loads(text)
    assert status == 200, body
    assert body["status"] == "ok" and body["mode"] == "polling"
    assert body["database"] == "writable"
    assert body["receiving"]["status"] == "ok"
    assert {"broadcast_backlog", "reminders_pending", "reminders_late", "version"} <= set(body)


async def test_healthz_is_503_with_the_reason_when_the_database_takes_no_write(
    bot: BotRunner,
) -> None:
    assert bot.deps is not None
    await bot.deps.db.conn.execute("PRAGMA query_only = ON")  # SQLite refuses every write
    status, text = await get(base(bot) + "/healthz")
    body = json.loads(text)
    assert status == 503
    assert body["status"] == "unhealthy"
    assert body["reasons"][0].startswith("database: not writable")
    await bot.deps.db.conn.execute("PRAGMA query_only = OFF")
    assert (await get(base(bot) + "/healthz"))[0] == 200


async def test_healthz_is_503_when_polling_stopped(bot: BotRunner) -> None:
    assert bot.app is not None and bot.app.updater is not None
    await bot.app.updater.stop()
    status, text = await get(base(bot) + "/healthz")
    assert status == 503
    assert json.loads(text)["reasons"] == ["updates: polling stopped"]


# metrics --------------------------------------------------------------------------------
async def test_metrics_count_a_registration_without_personal_data(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    status, before = await get(base(bot) + "/metrics")
    assert status == 200
    assert 'bot_registrations{verdict="memenuhi_syarat"}' not in before
    reg_no = await register(sim, 5101)
    _, text = await get(base(bot) + "/metrics")
    assert 'bot_registrations{verdict="memenuhi_syarat"} 1.0' in text
    assert value(text, 'bot_updates_total{kind="callback_query"}') >= 10
    assert value(text, 'bot_updates_total{kind="message"}') >= 3
    assert value(text, 'bot_api_calls_total{method="sendMessage",outcome="ok"}') >= 1
    assert value(text, 'bot_api_calls_total{method="getUpdates",outcome="ok"}') >= 1
    assert value(text, "bot_update_seconds_count") >= 13
    for personal in ("5101", reg_no, NIK, "Siti", "Aminah", "+62"):
        assert personal not in text


def value(text: str, series: str) -> float:
    for line in text.splitlines():
        if line.startswith(series + " "):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{series} not in /metrics")


# webhook --------------------------------------------------------------------------------
async def test_a_whole_registration_by_webhook(
    sim: BotApiSimulator, webhook_bot: BotRunner
) -> None:
    info = await webhook_info(sim)
    assert info["url"] == base(webhook_bot) + "/webhooks/telegram"
    reg_no = await register(sim, 5201)
    assert reg_no.startswith("SRG-")
    assert sim.stats()["webhook_deliveries"] >= 20
    assert "getUpdates" not in {call.method for call in sim.calls}
    status, text = await get(base(webhook_bot) + "/healthz")
    assert status == 200 and json.loads(text)["mode"] == "webhook"


async def webhook_info(sim: BotApiSimulator) -> dict[str, object]:
    url = sim.base_url + "123456:TEST-TOKEN/getWebhookInfo"
    async with aiohttp.ClientSession(trust_env=False) as http, http.get(url) as response:
        result = (await response.json())["result"]
    assert isinstance(result, dict)
    return result


def start_update(user_id: int) -> bytes:
    message = {
        "message_id": 1, "date": 1_700_000_000, "text": "/start",
        "chat": {"id": user_id, "type": "private", "first_name": "X"},
        "from": {"id": user_id, "is_bot": False, "first_name": "X"},
        "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
    }  # fmt: skip
    return json.dumps({"update_id": 990001, "message": message}).encode()


@pytest.mark.parametrize("header", [None, "", "wrong-secret", SECRET + "x", SECRET[:-1]])
async def test_a_forged_update_is_refused_and_never_handled(
    sim: BotApiSimulator, webhook_bot: BotRunner, header: str | None
) -> None:
    headers = {"Content-Type": "application/json"}
    if header is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = header
    url = base(webhook_bot) + "/webhooks/telegram"
    assert await post(url, start_update(5301), headers) == 403
    # The same update with the secret is handled: the refusal was the header, nothing else.
    assert webhook_bot.deps is not None
    assert await repo.get(webhook_bot.deps.db, 5301) is None
    assert sim.user(5301).messages == []
    headers["X-Telegram-Bot-Api-Secret-Token"] = SECRET
    assert await post(url, start_update(5301), headers) == 200
    await until(lambda: bool(sim.user(5301).messages), 10)


@pytest.mark.parametrize(
    "body", [b"", b"not json", b"[1, 2]", b'{"message": {}}', b'{"update_id": "x"}', b"\xff\xfe"]
)
async def test_a_body_that_is_not_an_update_gets_400(webhook_bot: BotRunner, body: bytes) -> None:
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    assert await post(base(webhook_bot) + "/webhooks/telegram", body, headers) == 400


async def test_no_webhook_endpoint_in_polling_mode(bot: BotRunner) -> None:
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    assert await post(base(bot) + "/webhooks/telegram", start_update(5401), headers) == 404


async def test_back_to_polling_deletes_the_webhook_and_nothing_is_lost(
    sim: BotApiSimulator, make_runner: RunnerFactory
) -> None:
    port = free_port()
    hooked = make_runner(
        http_port=port, webhook_url=f"http://127.0.0.1:{port}", webhook_secret=SECRET
    )
    await hooked.start()
    user = sim.user(5501, first_name="Warga", language_code="id")
    await say(user, "/start")
    await hooked.stop()
    assert (await webhook_info(sim))["url"] != ""  # kept while stopped: Telegram holds updates
    await user.send("/bantuan")  # sent while no bot runs
    polling = make_runner()
    await polling.start()
    try:
        assert (await webhook_info(sim))["url"] == ""
        await user.wait_idle(quiet=0.3, timeout=10)  # what was sent before the stop
        assert "/daftar" in user.messages[-1].text  # the help, sent while no bot ran
    finally:
        await polling.stop()
