"""A real PTB Application, polling the simulator: messages, buttons and callback answers."""

from __future__ import annotations

import html
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    filters,
)
from telegram.request import HTTPXRequest

from bot.simulator import BotApiSimulator


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greet with the deep-link payload and offer a consent button."""
    assert update.message is not None
    payload = " ".join(context.args or [])
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton("Setuju", callback_data="consent:yes")],
         [InlineKeyboardButton("Tidak", callback_data="consent:no")]]
    )  # fmt: skip
    await update.message.reply_text(
        f"<b>Halo</b> dari {html.escape(payload)}", reply_markup=keyboard
    )


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Echo the text back, escaped."""
    assert update.message is not None and update.message.text is not None
    await update.message.reply_text(f"Anda menulis: <i>{html.escape(update.message.text)}</i>")


async def consent(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer the button and replace the keyboard by the choice."""
    query = update.callback_query
    assert query is not None and query.data is not None
    await query.answer("Tersimpan")
    await query.edit_message_text(f"Pilihan: {query.data.split(':')[1]}")


def build_app(simulator: BotApiSimulator) -> Application:  # type: ignore[type-arg]
    app = (
        Application.builder()
        .token("123:ABC")
        .base_url(simulator.base_url)
        .base_file_url(simulator.base_file_url)
        .defaults(Defaults(parse_mode=ParseMode.HTML))
        .request(HTTPXRequest(httpx_kwargs={"trust_env": False}))
        .get_updates_request(HTTPXRequest(httpx_kwargs={"trust_env": False}))
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(consent))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    return app


@asynccontextmanager
async def polling(simulator: BotApiSimulator) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    app = build_app(simulator)
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0, timeout=1)
    try:
        yield app
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()


@pytest.fixture
async def running_app(simulator: BotApiSimulator) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    async with polling(simulator) as app:
        yield app


async def test_ptb_application_talks_to_simulated_user(
    simulator: BotApiSimulator,
    running_app: Application,  # type: ignore[type-arg]
) -> None:
    assert running_app.bot.username == "serang_pmi_bot"
    user = simulator.user(user_id=1001, first_name="Siti", language_code="id")

    await user.send("/start kel_cipocok")
    greeting = await user.next_message()
    assert greeting.text == "Halo dari kel_cipocok"
    assert greeting.html == "<b>Halo</b> dari kel_cipocok"
    assert greeting.buttons == ["Setuju", "Tidak"]

    await user.send("a < b & c")
    reply = await user.next_message()
    assert reply.text == "Anda menulis: a < b & c"

    query = await user.tap("Setuju")
    edited = await user.next_message()
    assert edited.message_id == greeting.message_id
    assert edited.text == "Pilihan: yes"
    assert edited.edits == ["Halo dari kel_cipocok"]
    assert edited.reply_markup is None
    await user.wait_idle(quiet=0.05)
    assert query.answered and query.answer_text == "Tersimpan"
    assert simulator.unanswered_callbacks() == []

    transcript = user.transcript()
    assert "> /start kel_cipocok" in transcript
    assert "< Halo dari kel_cipocok [Setuju] [Tidak]" in transcript
    assert "> [tap: Setuju]" in transcript
    stats = simulator.stats()
    assert (stats["sends"], stats["edits"], stats["400s"]) == (2, 1, 0)


async def test_ptb_files_commands_and_actions(
    simulator: BotApiSimulator,
    running_app: Application,  # type: ignore[type-arg]
) -> None:
    from telegram import BotCommand, BotCommandScopeAllPrivateChats, MenuButtonCommands
    from telegram.constants import ChatAction

    from bot.simulator.users import TINY_PNG

    bot = running_app.bot
    scope = BotCommandScopeAllPrivateChats()
    await bot.set_my_commands([BotCommand("start", "Mulai")], scope=scope, language_code="id")
    assert [c.command for c in await bot.get_my_commands(scope=scope, language_code="id")] == [
        "start"
    ]
    assert simulator.commands({"type": "all_private_chats"}, "id") == [
        {"command": "start", "description": "Mulai"}
    ]
    await bot.set_chat_menu_button(menu_button=MenuButtonCommands())
    await bot.send_chat_action(chat_id=1001, action=ChatAction.UPLOAD_DOCUMENT)
    assert simulator.chat(1001).chat_actions == ["upload_document"]

    document = await bot.send_document(1001, document=b"nik,nama\n", filename="rekap.csv",
                                       caption="<b>Rekap</b>")  # fmt: skip
    assert document.document is not None and document.document.file_name == "rekap.csv"
    assert document.caption == "Rekap"
    photo = await bot.send_photo(1001, photo=TINY_PNG, caption="Grafik")
    assert photo.photo[-1].width == 4
    messages = simulator.chat(1001).messages
    assert messages[0].document is not None and messages[0].document.data == b"nik,nama\n"
    assert messages[1].photo is not None and messages[1].photo.data == TINY_PNG

    user = simulator.user(1001, "Siti")
    sent = await user.send_document("daftar.csv", b"1,2\n", caption="impor")
    file = await bot.get_file(sent["document"]["file_id"])
    assert bytes(await file.download_as_bytearray()) == b"1,2\n"


async def test_a_restarted_application_takes_over_polling(simulator: BotApiSimulator) -> None:
    import time

    user = simulator.user(1001, "Siti")
    async with polling(simulator):
        await user.send("satu")
        assert (await user.next_message()).text == "Anda menulis: satu"
    started = time.monotonic()
    async with polling(simulator):
        await user.send("dua")
        assert (await user.next_message()).text == "Anda menulis: dua"
    assert time.monotonic() - started < 2
    assert simulator.pending_updates() == 0


# PTB itself reads RetryAfter.retry_after while building the error, which warns in 22.x.
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_ptb_sees_telegram_errors_as_its_exceptions(simulator: BotApiSimulator) -> None:
    from telegram import Bot
    from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter

    bot = Bot("123:ABC", base_url=simulator.base_url,
              request=HTTPXRequest(httpx_kwargs={"trust_env": False}))  # fmt: skip
    async with bot:
        simulator.inject_error("sendMessage", status=429, retry_after=7)
        with pytest.raises(RetryAfter) as retry:
            await bot.send_message(1001, "x")
        assert retry.value.message == "Flood control exceeded. Retry in 7 seconds"
        simulator.block(1001)
        with pytest.raises(Forbidden, match=r"(?i)bot was blocked by the user"):
            await bot.send_message(1001, "x")
        simulator.unblock(1001)
        with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
            await bot.send_message(1001, "1 < 2", parse_mode=ParseMode.HTML)
        simulator.inject_network_drop()
        with pytest.raises(NetworkError):
            await bot.send_message(1001, "x")
        sent = await bot.send_message(1001, "x")
        with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
            await sent.edit_text("x")
