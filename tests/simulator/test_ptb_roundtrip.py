"""A real PTB Application, polling the simulator: messages, buttons and callback answers."""

from __future__ import annotations

import html
from collections.abc import AsyncIterator

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
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


@pytest.fixture
async def running_app(simulator: BotApiSimulator) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    from telegram.ext import Defaults

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
