"""Telling one applicant something (bot/services/notify.py) through Telegram's Sender
(bot/channels/telegram/send.py): through PTB to the strict simulator, with a real SQLite file.
A 403 marks the applicant inactive; a 429 or network trouble is RETRY (never dropped, never
marked); a refusal is FAILED; a channel with no Sender is FAILED, and logged as such."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from telegram import Bot
from telegram.constants import ParseMode
from telegram.ext import Defaults, ExtBot

from bot.channels.telegram.send import TelegramSender, send
from bot.config import Settings
from bot.conversation.views import Option
from bot.deps import Deps
from bot.http import AiohttpRequest
from bot.services.notify import Delivery, tell
from bot.simulator import BotApiSimulator
from bot.storage import applicants as repo
from bot.storage import message_log
from bot.storage.applicants import Applicant
from bot.storage.contacts import TELEGRAM
from bot.storage.db import Database
from bot.storage.message_log import Kind

RESIDENT = 640_001


@pytest.fixture
async def d(tmp_path: Path, bot: Bot) -> AsyncIterator[Deps]:
    db = await Database.open(tmp_path / "notify.sqlite3")
    deps = Deps(Settings(bot_token="1:x", database_path=tmp_path / "notify.sqlite3"), db)
    deps.senders[TELEGRAM] = TelegramSender(bot)  # as bot/app.py registers it
    yield deps
    await db.close()


@pytest.fixture
async def bot(sim: BotApiSimulator) -> AsyncIterator[Bot]:
    # The application's bot (HTML by default) but no rate limiter: the limiter would wait
    # out a 429 itself; here we see what tell() does with one.
    plain = ExtBot(
        "123456:TEST-TOKEN",
        base_url=sim.base_url,
        request=AiohttpRequest(),
        defaults=Defaults(parse_mode=ParseMode.HTML),
    )
    async with plain:
        yield plain


async def applicant(d: Deps) -> Applicant:
    return await repo.create(d.db, RESIDENT, locale="id", source=None)


async def stored(d: Deps) -> Applicant:
    found = await repo.get(d.db, RESIDENT)
    assert found is not None
    return found


async def test_sent(sim: BotApiSimulator, d: Deps, bot: Bot) -> None:
    told = await tell(d, await applicant(d), "Tahap Anda: <b>wawancara</b>")
    assert told.outcome is Delivery.SENT and told.sent
    message = sim.chat(RESIDENT).messages[-1]
    assert told.message_id == message.message_id and message.text == "Tahap Anda: wawancara"
    assert not (await stored(d)).inactive


@pytest.mark.parametrize("gone", ["block", "deactivate"])
async def test_blocked_marks_the_applicant_inactive(
    sim: BotApiSimulator, d: Deps, bot: Bot, gone: str
) -> None:
    getattr(sim, gone)(RESIDENT)
    told = await tell(d, await applicant(d), "Tahap Anda: wawancara")
    assert told.outcome is Delivery.BLOCKED and not told.sent
    assert (await stored(d)).inactive
    assert sim.chat(RESIDENT).messages == []


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_throttled_is_retry_with_telegrams_wait(
    sim: BotApiSimulator, d: Deps, bot: Bot
) -> None:
    sim.inject_error("sendMessage", status=429, retry_after=7, chat_id=RESIDENT)
    told = await tell(d, await applicant(d), "Pengingat")
    assert told.outcome is Delivery.RETRY and told.retry_after == 7
    assert not (await stored(d)).inactive


async def test_network_trouble_is_retry(sim: BotApiSimulator, d: Deps, bot: Bot) -> None:
    sim.inject_error("sendMessage", status=502)
    told = await tell(d, await applicant(d), "Pengingat")
    assert told.outcome is Delivery.RETRY and told.retry_after is None
    assert not (await stored(d)).inactive


async def test_refused_is_failed(sim: BotApiSimulator, d: Deps, bot: Bot) -> None:
    sim.mark_missing(RESIDENT)  # 400 "chat not found"
    told = await tell(d, await applicant(d), "Halo")
    assert told.outcome is Delivery.FAILED
    assert "BadRequest" in told.error and "Halo" not in told.error
    assert not (await stored(d)).inactive


async def test_send_to_a_chat_that_is_no_applicant(sim: BotApiSimulator, bot: Bot) -> None:
    # Staff members are told things too; nobody is marked, there is no applicant row.
    assert (await send(bot, 900_002, "Jadwal dibatalkan")).sent
    sim.block(900_002)
    assert (await send(bot, 900_002, "Jadwal dibatalkan")).outcome is Delivery.BLOCKED


async def test_options_are_buttons_side_by_side(sim: BotApiSimulator, d: Deps) -> None:
    options = (Option("sa:1:hadir", "Hadir"), Option("sa:1:tidak", "Tidak bisa hadir"))
    told = await tell(d, await applicant(d), "Jadwal wawancara", options, kind=Kind.SCHEDULE)
    assert told.sent
    markup = sim.chat(RESIDENT).messages[-1].reply_markup
    assert markup == {"inline_keyboard": [[
        {"text": "Hadir", "callback_data": "sa:1:hadir"},
        {"text": "Tidak bisa hadir", "callback_data": "sa:1:tidak"},
    ]]}  # fmt: skip
    logged = await message_log.of_person(d.db, RESIDENT, 5)
    assert [(m.kind, m.outcome) for m in logged] == [("schedule", "sent")]


async def test_a_channel_without_a_sender_fails_and_is_logged(
    sim: BotApiSimulator, d: Deps
) -> None:
    del d.senders[TELEGRAM]  # the channel is off: nothing can reach its residents now
    told = await tell(d, await applicant(d), "Tahap Anda", kind=Kind.STAGE)
    assert told.outcome is Delivery.FAILED and told.error == "telegram: off"
    assert sim.chat(RESIDENT).messages == []
    logged = await message_log.of_person(d.db, RESIDENT, 5)
    assert [(m.kind, m.outcome) for m in logged] == [("stage", "failed")]
    assert not (await stored(d)).inactive
