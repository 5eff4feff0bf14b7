"""Unexpected errors in a handler or a job reach the admins: one short alert per kind per
ALERT_EVERY, with the count since the last one, never the update's content."""

from __future__ import annotations

import re
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import Forbidden
from telegram.ext import CallbackContext, CallbackQueryHandler, CommandHandler

from bot.app import FEATURES
from bot.clock import FixedClock
from bot.feature import Feature, Group
from bot.simulator import BotApiSimulator
from tests.conftest import ADMIN_ID, RunnerFactory
from tests.e2e.residents import until

NIK = "3673014501900003"
USER_ID = 4_870_123
BLOCKED_ADMIN = 900_077


async def fails(update: Update, context: CallbackContext[Any, Any, Any, Any]) -> None:
    """A handler with a bug: its error's message quotes what the person sent."""
    message = update.effective_message
    sent = update.callback_query.data if update.callback_query else message and message.text
    raise RuntimeError(f"broken while handling {sent}")


async def failing_job(context: CallbackContext[Any, Any, Any, Any]) -> None:
    raise KeyError(f"job broke on {NIK}")


async def offers_a_button(update: Update, context: CallbackContext[Any, Any, Any, Any]) -> None:
    assert update.effective_message is not None
    button = InlineKeyboardButton("Rusak", callback_data=f"rusak:{NIK}")
    markup = InlineKeyboardMarkup([[button]])
    await update.effective_message.reply_text("Tekan", reply_markup=markup)


async def blocked_mid_reply(update: Update, context: CallbackContext[Any, Any, Any, Any]) -> None:
    raise Forbidden("Forbidden: bot was blocked by the user")


FAILING = Feature(
    name="failing",
    handlers={
        Group.MAIN: [
            CommandHandler("gagal", fails),
            CommandHandler("tombol", offers_a_button),
            CallbackQueryHandler(fails, pattern="^rusak:"),
            CommandHandler("diblokir", blocked_mid_reply),
        ]
    },
)
RAISE_LINE = next(
    n
    for n, line in enumerate(open(__file__, encoding="utf-8"), start=1)  # noqa: SIM115
    if line.strip().startswith('raise RuntimeError(f"broken')
)


def alerts(sim: BotApiSimulator) -> list[str]:
    return [m.text for m in sim.chat(ADMIN_ID).messages if "kesalahan tak terduga" in m.text]


def count_in(alert: str) -> int:
    found = re.search(r"peringatan terakhir untuk kesalahan ini: (\d+) kali", alert)
    assert found is not None, alert
    return int(found.group(1))


async def test_errors_alert_the_admins_once_per_kind_and_count_the_rest(
    sim: BotApiSimulator, make_runner: RunnerFactory, clock: FixedClock
) -> None:
    sim.block(BLOCKED_ADMIN)  # an admin who blocked the bot costs nothing but their alert
    runner = make_runner(
        features=(*FEATURES, FAILING), admin_ids=frozenset({ADMIN_ID, BLOCKED_ADMIN})
    )
    app = await runner.start()
    try:
        user = sim.user(USER_ID, first_name="Kartika")
        await user.send(f"/gagal {NIK}")
        await until(lambda: len(alerts(sim)) == 1, within=30)
        await user.send(f"/gagal {NIK}")
        await user.send("/gagal")
        await until(lambda: len(user.chat.messages) == 3, within=30)  # each one apologised
        clock.advance(minutes=9)
        await user.send("/gagal")
        await until(lambda: len(user.chat.messages) == 4, within=30)
        assert len(alerts(sim)) == 1  # within ALERT_EVERY: held back, counted

        clock.advance(minutes=2)  # 11 minutes after the first alert
        await user.send("/gagal")
        await until(lambda: len(alerts(sim)) == 2, within=30)

        assert app.job_queue is not None
        app.job_queue.run_once(failing_job, 0, name="uji:42")
        await until(lambda: len(alerts(sim)) == 3, within=30)
    finally:
        await runner.stop()
    first, second, job = alerts(sim)
    assert "Jenis: RuntimeError" in first and "perintah /gagal" in first
    assert f"tests/e2e/test_alerts.py:{RAISE_LINE} (fails)" in first
    assert count_in(first) == 1
    assert count_in(second) == 4  # the three held back, and this one
    assert "Jenis: KeyError" in job and "tugas terjadwal failing_job" in job
    assert count_in(job) == 1
    for text in (first, second, job):
        for personal in (NIK, str(USER_ID), "Kartika", "broken", "42"):
            assert personal not in text
    assert all("kesalahan tak terduga" not in m.text for m in user.chat.messages)
    assert user.chat.messages[0].text.startswith("Maaf, sistem kami")


async def test_a_failed_backup_and_a_handler_error_are_different_kinds(
    sim: BotApiSimulator, make_runner: RunnerFactory, tmp_path: Any
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the backup folder should be")
    runner = make_runner(features=(*FEATURES, FAILING), backup_dir=blocker / "backups")
    app = await runner.start()
    try:
        await sim.user(USER_ID).send("/gagal")
        await until(lambda: len(alerts(sim)) == 1, within=30)
        assert app.job_queue is not None
        (backup,) = app.job_queue.get_jobs_by_name("backup")
        await backup.run(app)
        await backup.run(app)  # the same failure again within ALERT_EVERY: held back
        await until(lambda: any("Cadangan" in m.text for m in sim.chat(ADMIN_ID).messages))
    finally:
        await runner.stop()
    backups = [m.text for m in sim.chat(ADMIN_ID).messages if "Cadangan" in m.text]
    assert len(backups) == 1 and "not-a-folder" in backups[0]


async def test_a_button_names_no_data_and_a_blocked_person_is_no_alert(
    sim: BotApiSimulator, make_runner: RunnerFactory
) -> None:
    runner = make_runner(features=(*FEATURES, FAILING))
    await runner.start()
    try:
        user = sim.user(USER_ID)
        await user.send("/diblokir")  # not the bot's fault: logged, no alert
        await until(lambda: len(user.chat.messages) == 1, within=30)
        await user.send("/tombol")
        await until(lambda: any(m.inline_keyboard for m in user.chat.messages), within=30)
        await user.tap("Rusak")
        await until(lambda: len(alerts(sim)) == 1, within=30)
    finally:
        await runner.stop()
    (alert,) = alerts(sim)
    assert "Saat menangani: tombol yang ditekan" in alert
    assert f"test_alerts.py:{RAISE_LINE} (fails)" in alert
    assert NIK not in alert and "rusak" not in alert


async def test_an_alert_telegram_throttled_is_told_by_the_next_one(
    sim: BotApiSimulator, make_runner: RunnerFactory
) -> None:
    runner = make_runner(features=(*FEATURES, FAILING))
    await runner.start()
    try:
        # Every try of the first alert meets a 429, the rate limiter's retries included.
        sim.inject_error("sendMessage", 429, retry_after=1, times=9, chat_id=ADMIN_ID)
        user = sim.user(USER_ID)
        await user.send("/gagal")
        await until(lambda: len(user.chat.messages) == 1, within=30)
        await until(lambda: sim.stats()["429s"] >= 9, within=60)
        await user.send("/gagal")  # within ALERT_EVERY, but nobody has heard of the first
        await until(lambda: len(alerts(sim)) == 1, within=60)
    finally:
        await runner.stop()
    (alert,) = alerts(sim)
    assert count_in(alert) == 2


async def test_a_second_copy_of_the_bot_polling_alerts_the_admins(
    sim: BotApiSimulator, make_runner: RunnerFactory
) -> None:
    runner = make_runner()
    await runner.start()
    try:
        sim.inject_error(
            "getUpdates", 409, "Conflict: terminated by other getUpdates request", times=3
        )
        await until(lambda: len(alerts(sim)) == 1, within=60)
        # The bot polls on after it: a resident is still answered.
        await sim.user(USER_ID).send("/bantuan")
        await until(lambda: len(sim.chat(USER_ID).messages) >= 1, within=30)
    finally:
        await runner.stop()
    (alert,) = alerts(sim)
    assert "Jenis: Conflict" in alert and "(polling)" in alert
