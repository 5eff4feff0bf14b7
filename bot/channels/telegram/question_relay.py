"""Questions between a resident's private chat and their topic in the staff group (Telegram).

Every message is stored before it is relayed (bot/services/questions.py) and marked when it
was; this module only copies: a resident's message into their topic (copyMessage, so photos,
documents and voice notes arrive as themselves), a staff reply to the resident, signed. A
topic someone deleted is replaced by a new one; a closed one is reopened for a new question.
An erased person's topic is deleted with every copy in it (``delete_topics``).

A WhatsApp resident (a negative user id) is answered on WhatsApp, through the channel's
Sender (bot/services/notify.py ``tell``, kind ``question_reply``): text only (WhatsApp
messages cannot be copied from Telegram), free-form within Meta's 24 hours after their last
message, outside them only with the ``question_reply`` template (else not sent, and the
answer says so: ``outside_window``).
"""

from __future__ import annotations

import html
import logging
from dataclasses import dataclass

from telegram import Bot
from telegram.error import BadRequest, TelegramError

from bot.channels.telegram.send import told_after
from bot.deps import Deps
from bot.i18n import _, use_locale
from bot.services import notify
from bot.services.notify import Delivery, Told
from bot.storage import applicants as repo
from bot.storage import contacts
from bot.storage import questions as store
from bot.storage.erase import ErasedCounts
from bot.storage.message_log import Kind
from bot.storage.questions import Question, QuestionMessage

log = logging.getLogger(__name__)

TOPIC_NAME_MAX = 128  # Telegram's limit for a topic's name
# A staff photo, voice note or document for a WhatsApp resident: not sent (the error says why).
TEXT_ONLY = "whatsapp: text only"
_THREAD_GONE = ("message thread not found", "topic_id_invalid", "topic_deleted")


def _thread_gone(exc: BaseException) -> bool:
    return isinstance(exc, BadRequest) and any(w in str(exc).lower() for w in _THREAD_GONE)


@dataclass(frozen=True)
class Resident:
    """Who a topic is about, as staff see them: registration number and first name only."""

    reg_no: str | None
    first_name: str


async def resident(d: Deps, user_id: int, telegram_first_name: str | None) -> Resident:
    applicant = await repo.get(d.db, user_id)
    reg_no = applicant.reg_no if applicant is not None else None
    name = (telegram_first_name or "").strip()
    if not name and applicant is not None:
        name = str(applicant.answers.get("name", "")).split(" ")[0]
    return Resident(reg_no, name or "—")


def topic_name(who: Resident) -> str:
    """"SRG-2026-00001 · Siti", or "Belum daftar · Siti": never a NIK, never a full name.
    In the current locale (the group's)."""
    label = who.reg_no or _("questions.topic.unregistered")
    return f"{label} · {who.first_name}"[:TOPIC_NAME_MAX]


def group_locale(d: Deps) -> str:
    """The staff group has no one language: the deployment's default."""
    return d.settings.default_locale


async def _header(d: Deps, bot: Bot, question: Question, who: Resident, thread: int) -> None:
    group = d.settings.staff_group_id
    assert group is not None
    with use_locale(group_locale(d)):
        text = _("questions.staff.header").format(
            id=question.id, who=html.escape(topic_name(who))
        )
    await bot.send_message(group, text, message_thread_id=thread)


async def _new_topic(d: Deps, bot: Bot, question: Question, who: Resident) -> int:
    group = d.settings.staff_group_id
    assert group is not None
    with use_locale(group_locale(d)):
        topic = await bot.create_forum_topic(group, topic_name(who))
    thread = topic.message_thread_id
    await store.set_topic(d.db, question.user_id, group, thread)
    log.info("question %s: new topic %s", question.id, thread)
    return thread


async def _topic_for(
    d: Deps, bot: Bot, question: Question, who: Resident, fresh: bool
) -> tuple[int, bool]:
    """The resident's topic, reopened for a fresh question; (thread, whether it is new)."""
    group = d.settings.staff_group_id
    assert group is not None
    topic = await store.topic_of(d.db, question.user_id, group)
    if topic is None:
        return await _new_topic(d, bot, question, who), True
    if fresh:
        try:
            await bot.reopen_forum_topic(group, topic.thread_id)
        except BadRequest as exc:
            if _thread_gone(exc):
                return await _new_topic(d, bot, question, who), True
            if "not_modified" not in str(exc).lower():
                raise
    return topic.thread_id, False


async def relay_in(d: Deps, bot: Bot, question: Question, first_name: str | None) -> bool:
    """Copy the question's messages not yet relayed into the resident's topic, in order.
    False when Telegram refused or could not be reached: they stay owed (start-up retries)."""
    group = d.settings.staff_group_id
    if group is None:
        return False
    rows = await store.messages(d.db, question.id)
    owed = [m for m in rows if m.direction == "in" and m.relayed_at is None]
    if not owed:
        return True
    fresh = not any(m.relayed_at for m in rows)  # nothing of it reached staff yet
    who = await resident(d, question.user_id, first_name)
    try:
        thread, created = await _topic_for(d, bot, question, who, fresh)
        if fresh or created:
            await _header(d, bot, question, who, thread)
        for row in owed:
            try:
                await _copy_in(d, bot, row, thread)
            except BadRequest as exc:
                if not _thread_gone(exc):
                    raise
                # Someone deleted the topic: a new one, with the question's header again.
                thread = await _new_topic(d, bot, question, who)
                await _header(d, bot, question, who, thread)
                await _copy_in(d, bot, row, thread)
            await store.mark_relayed(d.db, row.id, d.clock.now())
    except TelegramError as exc:
        log.warning("question %s not relayed to staff yet: %s", question.id, type(exc).__name__)
        return False
    return True


async def _copy_in(d: Deps, bot: Bot, row: QuestionMessage, thread: int) -> None:
    group = d.settings.staff_group_id
    assert group is not None
    if row.kind == "text" and row.body:
        # The text itself, not a copy: "/tanya kapan mulai?" reaches staff as the question.
        await bot.send_message(group, html.escape(row.body), message_thread_id=thread)
        return
    await bot.copy_message(group, row.chat_id, row.message_id, message_thread_id=thread)


def signature(d: Deps, staff_first_name: str | None) -> str:
    if d.settings.question_signature == "first_name" and staff_first_name:
        return staff_first_name
    return _("questions.signature.service")


async def relay_out(
    d: Deps, bot: Bot, question: Question, row: QuestionMessage, staff_first_name: str | None
) -> Told:
    """A staff reply to the resident, signed, in the resident's language."""
    if contacts.channel_of(question.user_id) == contacts.WHATSAPP:
        return await _relay_out_whatsapp(d, question, row, staff_first_name)
    with use_locale(question.locale):
        signed = _("questions.reply").format(
            signature=html.escape(signature(d, staff_first_name))
        )
    resident_chat = question.user_id
    try:
        if row.kind == "text":
            text = signed + "\n" + html.escape(row.body or "")
            message = await bot.send_message(resident_chat, text)
        elif row.kind in ("photo", "document", "voice"):
            caption = signed + ("\n" + html.escape(row.body) if row.body else "")
            message_id = await bot.copy_message(
                resident_chat, row.chat_id, row.message_id, caption=caption
            )
            message = None
            told = Told(Delivery.SENT, message_id=message_id.message_id)
        else:  # a sticker, a location: no caption, the signature goes first
            await bot.send_message(resident_chat, signed)
            message_id = await bot.copy_message(resident_chat, row.chat_id, row.message_id)
            message = None
            told = Told(Delivery.SENT, message_id=message_id.message_id)
    except TelegramError as exc:
        told = told_after(exc)
        log.info("reply to question %s: %s (%s)", question.id, told.outcome.value, told.error)
        if told.outcome is Delivery.BLOCKED:
            applicant = await repo.get(d.db, question.user_id)
            if applicant is not None and not applicant.inactive:
                await repo.update(d.db, applicant, inactive=True)
        return told
    if message is not None:
        told = Told(Delivery.SENT, message_id=message.message_id)
    await store.mark_relayed(d.db, row.id, d.clock.now())
    return told


async def _relay_out_whatsapp(
    d: Deps, question: Question, row: QuestionMessage, staff_first_name: str | None
) -> Told:
    """A staff text to a WhatsApp resident: signed, as on Telegram; the template (outside the
    24 hours) carries the signature and the text on one line."""
    if row.kind != "text" or not row.body:
        return Told(Delivery.FAILED, error=TEXT_ONLY)
    applicant = await repo.get(d.db, question.user_id)
    if applicant is None:  # erased meanwhile: nobody to write to
        return Told(Delivery.FAILED, error="whatsapp: no applicant")
    with use_locale(question.locale):
        name = signature(d, staff_first_name)
        signed = _("questions.reply").format(signature=html.escape(name))
    text = signed + "\n" + html.escape(row.body)
    told = await notify.tell(d, applicant, text, kind=Kind.QUESTION_REPLY, fields=(name, row.body))
    log.info("reply to question %s: %s", question.id, told.outcome.value)
    if told.sent:
        await store.mark_relayed(d.db, row.id, d.clock.now())
    return told


async def tell_resident(d: Deps, bot: Bot, question: Question, text: str) -> bool:
    """A line from the service to the resident (the question closed), on their channel;
    whether it reached them."""
    if contacts.channel_of(question.user_id) == contacts.WHATSAPP:
        applicant = await repo.get(d.db, question.user_id)
        if applicant is None:
            return False
        with use_locale(question.locale):
            name = _("questions.signature.service")
        told = await notify.tell(d, applicant, text, kind=Kind.QUESTION_REPLY, fields=(name, text))
        return told.sent
    try:
        await bot.send_message(question.user_id, text)
    except TelegramError as exc:
        log.info("question %s: resident not told: %s", question.id, type(exc).__name__)
        return False
    return True


async def tell_group(d: Deps, bot: Bot, text: str, thread: int | None = None) -> None:
    """A line from the bot in the staff group (a topic, or General); never raises."""
    group = d.settings.staff_group_id
    if group is None:
        return
    try:
        await bot.send_message(group, text, message_thread_id=thread)
    except TelegramError as exc:
        log.info("staff group note not sent: %s", type(exc).__name__)


async def delete_topics(bot: Bot, erased: ErasedCounts) -> None:
    """The topics of people just erased, with the copies of their messages (Deps.after_erase).
    Their rows are already gone: a topic Telegram will not delete (deleted by hand, the bot no
    longer admin) is logged, without saying whose it was, and left for staff to delete."""
    for chat_id, thread_id in erased.topics:
        try:
            await bot.delete_forum_topic(chat_id, thread_id)
        except TelegramError as exc:
            reason = exc.message if isinstance(exc, BadRequest) else type(exc).__name__
            log.warning("topic %s of an erased person not deleted: %s", thread_id, reason)
