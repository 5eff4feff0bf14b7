"""Residents' questions: /tanya, free text when the bot expects no answer, the FAQ's answers
with "Ini membantu" / "Tanya petugas", and every message of an open question to staff.

The staff's side (the group's topics, /selesai, /kartu, the daily list) is in
handlers/questions_staff.py; the rules in bot/services/questions.py, whichever channel asks.
"""

from __future__ import annotations

import html
import logging

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot import callbacks as cb
from bot.channels.telegram import question_relay as relay
from bot.conversation.faq_answer import entry_text
from bot.conversation.question_texts import expectation
from bot.deps import Deps
from bot.domain.dates import format_time
from bot.domain.faq import FaqEntry, normalize
from bot.domain.status import ApplicantStatus
from bot.feature import Feature, Group
from bot.i18n import _, get_locale
from bot.services import questions as service
from bot.services.questions import Incoming
from bot.storage import conversations
from bot.storage import questions as store
from bot.storage.conversations import Conversation, Kind
from bot.storage.questions import Status
from handlers.common import (
    Context,
    View,
    answer_callback,
    button,
    keyboard,
    pressed,
    send,
    show,
    user_id,
)
from handlers.questions_staff import GROUP_HANDLERS, questions_lifespan

log = logging.getLogger(__name__)

STRAIGHT_TO_STAFF = 1  # Kind.QUESTION_ASK's ref: the question goes to staff, no FAQ first


def incoming_of(update: Update) -> Incoming | None:
    """A resident's message as the questions service takes it (None: nothing to pass on)."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return None
    kind = message_kind(message)
    if kind is None:
        return None
    body = message.text if kind == "text" else message.caption
    return Incoming(user.id, get_locale(), kind, body, message.chat_id, message.message_id)


def message_kind(message: Message) -> str | None:
    if message.text:
        return "text"
    for kind in ("photo", "document", "voice", "video", "audio", "sticker", "location"):
        if getattr(message, kind):
            return kind
    return None


# --- the FAQ ---------------------------------------------------------------------------------


def answer_view(d: Deps, shown: FaqEntry, other: FaqEntry | None, draft: int) -> View:
    rows = [button(_("questions.btn.helpful"), cb.FaqHelpful(draft, shown.key))]
    if service.staff_reachable(d):
        rows.append(button(_("questions.btn.ask_staff"), cb.AskStaff(draft)))
    extra = []
    if other is not None:
        extra.append([button("📄 " + other.title(get_locale()), cb.FaqOther(draft, other.key))])
    text = entry_text(d, shown) + "\n\n" + _("questions.answer.footer")
    return View(text, keyboard(rows, 2, extra))


def no_match_view(d: Deps, draft: int) -> View:
    if not service.staff_reachable(d):
        contact = html.escape(d.settings.contact_bbpvp)
        return View(_("questions.no_match.no_staff").format(contact=contact))
    return View(
        _("questions.no_match"),
        keyboard([button(_("questions.btn.ask_staff"), cb.AskStaff(draft))]),
    )


async def answer_from_faq(
    update: Update, context: Context, incoming: Incoming, where: str = ""
) -> None:
    """The FAQ's best answer (and a second close one), or straight to "Tanya petugas"."""
    d = context.deps
    matches = service.match(d, incoming.body or "")
    draft = await service.keep_draft(d, incoming) if service.staff_reachable(d) else 0
    if not matches:
        view = no_match_view(d, draft)
        text = view.text + ("\n\n" + where if where else "")
        await send(update, context, View(text, view.markup))
        return
    other = matches[1].entry if len(matches) > 1 else None
    await send(update, context, answer_view(d, matches[0].entry, other, draft))


async def on_free_text(
    update: Update, context: Context, where: View, *, remind: bool = True
) -> None:
    """A text when the bot expects no answer: it joins an open question, else it is a new
    question, for the FAQ first. A text with no words that mean anything ("halo", "ok", a
    number) is no question: the person is shown ``where`` they are, as before; with
    ``remind``, so is a question the FAQ cannot answer, under the offer to ask staff.
    Called by the registration's catch-all."""
    incoming = incoming_of(update)
    if incoming is None:
        return
    d = context.deps
    question = await store.open_for(d.db, incoming.user_id)
    if question is not None and service.staff_reachable(d):
        await send_to_staff(update, context, incoming)
        return
    if not normalize(incoming.body or ""):
        await send(update, context, where)
        return
    await answer_from_faq(update, context, incoming, where.text if remind else "")


async def tanya(update: Update, context: Context) -> None:
    """/tanya [question]: the question now, or the next message."""
    incoming = incoming_of(update)
    text = " ".join(context.args or [])
    if incoming is not None and text:
        await answer_from_faq(update, context, Incoming(
            incoming.user_id, incoming.locale, "text", text, incoming.chat_id,
            incoming.message_id))  # fmt: skip
        return
    await _await_question(update, context, straight_to_staff=False)


async def _await_question(update: Update, context: Context, *, straight_to_staff: bool) -> None:
    d = context.deps
    ref = STRAIGHT_TO_STAFF if straight_to_staff else 0
    async with d.db.transaction() as conn:
        await conversations.begin(conn, user_id(update), Kind.QUESTION_ASK, ref, d.clock.now())
    key = "questions.prompt.staff" if straight_to_staff else "questions.prompt"
    await send(update, context, View(_(key)))


async def take_ask(update: Update, context: Context, conversation: Conversation) -> bool:
    """The message after /tanya or "Tanya petugas" in /bantuan: the question."""
    d = context.deps
    async with d.db.transaction() as conn:
        await conversations.end(conn, Kind.QUESTION_ASK, conversation.ref)
    incoming = incoming_of(update)
    if incoming is None:
        return False
    if conversation.ref == STRAIGHT_TO_STAFF and service.staff_reachable(d):
        await send_to_staff(update, context, incoming)
        return True
    if incoming.kind != "text":
        if await store.open_for(d.db, incoming.user_id) is not None:
            await send_to_staff(update, context, incoming)
            return True
        return False
    await answer_from_faq(update, context, incoming)
    return True


async def on_helpful(update: Update, context: Context) -> None:
    """"Ini membantu": the buttons go, the answer stays."""
    d = context.deps
    answer_callback(update, context)
    data = pressed(update, cb.FaqHelpful)
    if data is None:
        return
    await service.helpful(d, data.key)
    entry = service.faq(d).get(data.key)
    text = (entry_text(d, entry) + "\n\n" if entry else "") + _("questions.thanks")
    await show(update, context, View(text))


async def on_other(update: Update, context: Context) -> None:
    """The second close answer in place of the first."""
    d = context.deps
    answer_callback(update, context)
    data = pressed(update, cb.FaqOther)
    faq = service.faq(d)
    entry = faq.get(data.key) if data is not None else None
    if data is None or entry is None:
        return
    # The first one stays reachable the same way; the pressed message shows the pair.
    query = update.callback_query
    message = query.message if query is not None else None
    first = None
    if isinstance(message, Message) and message.reply_markup is not None:
        for row in message.reply_markup.inline_keyboard:
            for b in row:
                helpful = cb.FaqHelpful.parse(b.callback_data)
                if helpful is not None and helpful.key != entry.key:
                    first = faq.get(helpful.key)
    await show(update, context, answer_view(d, entry, first, data.draft))


# --- to staff ---------------------------------------------------------------------------------


async def send_to_staff(update: Update, context: Context, incoming: Incoming) -> None:
    """One message to staff: within QUESTION_LIMIT an hour, stored, relayed, acknowledged."""
    d = context.deps
    if not service.staff_reachable(d):
        contact = html.escape(d.settings.contact_bbpvp)
        await send(update, context, View(_("questions.no_match.no_staff").format(contact=contact)))
        return
    until = await service.send_allowed(d, incoming.user_id)
    if until is not None:
        text = _("questions.limit").format(
            n=d.settings.question_limit, time=format_time(until, get_locale())
        )
        await send(update, context, View(text))
        return
    was_open = await store.open_for(d.db, incoming.user_id)
    question, _row = await service.ask(d, incoming)
    await _follow(d, question.id, incoming.user_id)
    user = update.effective_user
    await relay.relay_in(d, context.bot, question, user.first_name if user else None)
    if was_open is None:
        await send(update, context, View(_("questions.sent") + " " + expectation(d)))
    else:
        await send(update, context, View(_("questions.joined")))


async def _follow(d: Deps, question_id: int, user: int) -> None:
    """The person's next messages join this question (until staff close it)."""
    async with d.db.transaction() as conn:
        await conversations.begin(conn, user, Kind.QUESTION, question_id, d.clock.now())


async def on_ask_staff(update: Update, context: Context) -> None:
    """"Tanya petugas": the kept question goes to staff, or (from /bantuan) the next one."""
    d = context.deps
    answer_callback(update, context)
    data = pressed(update, cb.AskStaff)
    if data is None or not service.staff_reachable(d):
        return
    if data.draft == 0:
        await _await_question(update, context, straight_to_staff=True)
        return
    uid = user_id(update)
    until = await service.send_allowed(d, uid)
    if until is not None:
        text = _("questions.limit").format(
            n=d.settings.question_limit, time=format_time(until, get_locale())
        )
        await send(update, context, View(text))
        return
    was_open = await store.open_for(d.db, uid)
    question = await service.send_draft(d, uid, data.draft)
    if question is None:
        await show(update, context, View(_("questions.gone")))
        return
    await _follow(d, question.id, uid)
    query = update.callback_query
    message = query.message if query is not None else None
    if isinstance(message, Message) and message.reply_markup is not None:
        try:
            await message.edit_reply_markup(None)  # its question has gone to staff
        except TelegramError as exc:  # a courtesy: the question is sent either way
            log.info("could not clear the FAQ buttons: %s", type(exc).__name__)
    user = update.effective_user
    await relay.relay_in(d, context.bot, question, user.first_name if user else None)
    key = "questions.sent" if was_open is None else "questions.joined"
    text = _(key) + (" " + expectation(d) if was_open is None else "")
    await send(update, context, View(text))


async def take_question(update: Update, context: Context, conversation: Conversation) -> bool:
    """A message while the person's question is open: it joins it. A text in the middle of
    the interview (or at the consent) stays the answer to the question on screen."""
    d = context.deps
    person = context.person
    applicant = person.applicant if person is not None else None
    message = update.effective_message
    if message is None:
        return False
    in_interview = applicant is not None and (
        applicant.status == ApplicantStatus.CONSENT or applicant.step is not None
    )
    if in_interview and (message.text is not None or message.contact is not None):
        return False
    question = await store.get(d.db, conversation.ref)
    if question is None or question.status is not Status.OPEN:
        await conversations.end_for(d.db, conversation.user_id, Kind.QUESTION, conversation.ref)
        return False
    incoming = incoming_of(update)
    if incoming is None:
        return False
    await send_to_staff(update, context, incoming)
    return True


def ask_staff_markup(d: Deps) -> InlineKeyboardMarkup | None:
    """The "Tanya petugas" button under /bantuan and /status (none without a staff group)."""
    if not service.staff_reachable(d):
        return None
    return keyboard([button(_("questions.btn.ask_staff"), cb.AskStaff(0))])


_PRIVATE = filters.ChatType.PRIVATE

FEATURE = Feature(
    name="questions",
    handlers={
        Group.MAIN: (
            CommandHandler("tanya", tanya, filters=_PRIVATE),
            CallbackQueryHandler(on_helpful, pattern=cb.FaqHelpful.matches),
            CallbackQueryHandler(on_other, pattern=cb.FaqOther.matches),
            CallbackQueryHandler(on_ask_staff, pattern=cb.AskStaff.matches),
            *GROUP_HANDLERS,
        ),
    },
    conversations={Kind.QUESTION: take_question, Kind.QUESTION_ASK: take_ask},
    lifespan=questions_lifespan,
)
