"""Small Telegram-facing helpers shared by the handler modules."""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.constants import ChatType
from telegram.error import BadRequest, TelegramError
from telegram.ext import CallbackContext

from bot.callbacks import Callback
from bot.context import BotContext
from bot.deps import DEPS_KEY, Deps
from bot.i18n import format_number, locale_from_telegram, set_locale
from bot.storage import applicants as repo
from bot.storage import conversations
from bot.storage.applicants import Applicant

log = logging.getLogger(__name__)

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None
Context = BotContext  # PTB's context with .deps and .person (bot/context.py)
K = TypeVar("K", bound=Callback)


@dataclass(frozen=True)
class View:
    """A message to show: HTML text (user input already escaped) and its keyboard."""

    text: str
    markup: Markup = None


def deps(context: CallbackContext[Any, Any, Any, Any]) -> Deps:
    """The application's Deps, from a handler's or a job's context."""
    value = context.application.bot_data[DEPS_KEY]
    assert isinstance(value, Deps)
    return value


def number(n: int) -> str:
    """A count as people read it in their language: 3.000 in Indonesian, 3,000 in English."""
    return format_number(n)


def plain(text: str) -> str:
    """Catalog HTML as plain text (charts, lengths): tags removed, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def button(label: str, data: Callback) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=data.pack())


def keyboard(
    buttons: Sequence[InlineKeyboardButton],
    columns: int = 1,
    extra_rows: Sequence[Sequence[InlineKeyboardButton]] = (),
) -> InlineKeyboardMarkup:
    rows = [list(buttons[i : i + columns]) for i in range(0, len(buttons), columns)]
    rows.extend(list(r) for r in extra_rows)
    return InlineKeyboardMarkup(rows)


async def send(update: Update, context: Context, view: View) -> Message:
    chat = update.effective_chat
    assert chat is not None
    return await context.bot.send_message(chat.id, view.text, reply_markup=view.markup)


async def show(update: Update, context: Context, view: View, *, keep: bool = False) -> None:
    """Answer a button press by editing its message in place (one Bot API call instead of
    two). A new message instead when the view needs a reply keyboard, which edits cannot
    carry, or with ``keep=True`` for messages worth keeping in the chat (the consent text,
    the summary that was sent): their buttons are taken away, their text stays."""
    query = update.callback_query
    message = query.message if query is not None else None
    editable = view.markup is None or isinstance(view.markup, InlineKeyboardMarkup)
    if isinstance(message, Message) and editable and not keep:
        try:
            await message.edit_text(view.text, reply_markup=view.markup)  # type: ignore[arg-type]
            return
        except BadRequest as exc:
            if "not modified" in str(exc).lower():
                return
            log.info("edit failed, sending instead: %s", exc)
    elif isinstance(message, Message) and message.reply_markup is not None:
        # The buttons of the pressed message would stay on screen, stale: take them away.
        try:
            await message.edit_reply_markup(None)
        except BadRequest as exc:
            log.info("could not clear old buttons: %s", exc)
    await send(update, context, view)


async def load_locale(update: Update, context: Context) -> None:
    """Runs before every handler: the person as this update finds them (applicant row and
    conversation, one read), the user's language for this update; a resident who writes
    again after blocking the bot becomes reachable again, and gets a registration
    confirmation still owed to them."""
    user = update.effective_user
    d = deps(context)
    if user is None:
        set_locale(d.settings.default_locale)
        return
    context.person = await conversations.load(d.db, user.id)
    applicant = context.person.applicant
    if applicant is None:
        set_locale(locale_from_telegram(user.language_code, d.settings.default_locale))
        return
    set_locale(applicant.locale)
    chat = update.effective_chat
    if chat is None or chat.type != ChatType.PRIVATE:
        return
    if applicant.inactive:
        # Only in the private chat: a command typed in a group says nothing about whether
        # the person still has the bot, and the bot never answers there.
        await repo.update(d.db, applicant, inactive=False)
    if applicant.confirmation_owed and applicant.submitted:
        from handlers.registration import send_owed_confirmation  # registration imports us

        await send_owed_confirmation(update, context, applicant)


async def applicant_of(update: Update, context: Context) -> Applicant | None:
    """The person's applicant row, as load_locale read it for this update, else from SQLite.
    Taken once: a second read in the same update goes to SQLite (the handler may have
    changed the row in between)."""
    if context.person is not None and not context.applicant_taken:
        context.applicant_taken = True
        return context.person.applicant
    return await repo.get(deps(context).db, user_id(update))


def pressed(update: Update, kind: type[K]) -> K | None:
    """The button of this kind that was pressed, or None (no button, another kind, old data)."""
    query = update.callback_query
    return kind.parse(query.data) if query is not None else None


def answer_callback(
    update: Update, context: Context, text: str | None = None, alert: bool = False
) -> None:
    """Every button press is answered, or the button keeps spinning on the phone.

    The answer goes out alongside the handler's own reply, not before it: one round trip
    less per tap, so the edited question shows sooner. PTB's create_task keeps the task and
    waits for it when the bot stops. A failed answer only leaves the spinner to time out on
    the phone: it is logged, never apologised for, and the press is handled all the same."""
    query = update.callback_query
    if query is None:
        return
    _answered(context)[query.id] = None

    async def answer() -> None:
        try:
            await query.answer(text, show_alert=alert)
        except TelegramError as exc:  # too old, or the network: the press still gets handled
            log.info("callback answer failed: %s", exc)

    context.application.create_task(answer(), update=update, name="answer_callback")


# Callback queries answered (or being answered) lately, so that the error handler, which gets
# a context of its own, does not answer one twice. Bounded: the oldest are forgotten.
_ANSWERED_KEY = "answered_callbacks"
_ANSWERED_MAX = 1000


def _answered(context: Context) -> dict[str, None]:
    answered: dict[str, None] = context.bot_data.setdefault(_ANSWERED_KEY, {})
    while len(answered) >= _ANSWERED_MAX:
        del answered[next(iter(answered))]
    return answered


def callback_answered(update: Update, context: Context) -> bool:
    query = update.callback_query
    return query is not None and query.id in context.bot_data.get(_ANSWERED_KEY, {})


def user_id(update: Update) -> int:
    user = update.effective_user
    assert user is not None
    return user.id
