"""What a staff member does to a question, wherever they do it: the group topic
(handlers/questions_staff.py) or the web inbox (bot/web/dashboard/inbox.py) call these same
functions, so the resident gets the same signed message, it is stored the same way, and
closing tells the resident, the topic and the audit log the same things.
"""

from __future__ import annotations

import html
import logging

from telegram import Bot
from telegram.error import BadRequest

from bot.channels.telegram import question_relay as relay
from bot.deps import Deps
from bot.i18n import _, use_locale
from bot.services import questions as service
from bot.services import roles
from bot.services.notify import Delivery, Told
from bot.storage import applicants as repo
from bot.storage import conversations
from bot.storage import questions as store
from bot.storage.conversations import Kind
from bot.storage.questions import Question

log = logging.getLogger(__name__)


async def answer(
    d: Deps, bot: Bot, question: Question, staff_id: int, staff_first_name: str | None,
    kind: str, body: str | None, chat_id: int, message_id: int, thread: int | None,
) -> Told:  # fmt: skip
    """A staff reply: stored, then copied to the resident signed; the topic hears when it
    did not arrive."""
    row_id = await service.reply(d, question, staff_id, kind, body, chat_id, message_id)
    row = next(r for r in await store.messages(d.db, question.id) if r.id == row_id)
    told = await relay.relay_out(d, bot, question, row, staff_first_name)
    with use_locale(relay.group_locale(d)):
        if told.outcome is Delivery.BLOCKED:
            await relay.tell_group(d, bot, _("questions.staff.blocked"), thread)
        elif told.outside_window:
            await relay.tell_group(d, bot, _("questions.staff.outside_window"), thread)
        elif told.error == relay.TEXT_ONLY:
            await relay.tell_group(d, bot, _("questions.staff.text_only"), thread)
        elif not told.sent:
            await relay.tell_group(d, bot, _("questions.staff.failed"), thread)
    return told


async def finish(
    d: Deps, bot: Bot, question: Question, staff_id: int, staff_first_name: str,
    thread: int | None,
) -> bool:  # fmt: skip
    """/selesai: the question closed, the resident told, the topic told and closed, the
    audit log written. Whether the resident could be told."""
    await service.close(d, question, staff_id)
    async with d.db.transaction() as conn:
        await conversations.end(conn, Kind.QUESTION, question.id)
    resident = question.user_id
    applicant = await repo.get(d.db, resident)
    target = applicant.reg_no if applicant and applicant.reg_no else f"user:{resident}"
    await roles.audit(d, staff_id, "question_close", target, {"question": question.id})
    with use_locale(question.locale):
        closing = _("questions.closed")
    reached = await relay.tell_resident(d, bot, question, closing)
    group = d.settings.staff_group_id
    if group is None or thread is None:
        return reached
    with use_locale(relay.group_locale(d)):
        told = _("questions.staff.closed") if reached else _("questions.staff.closed_untold")
        await relay.tell_group(
            d, bot, told.format(id=question.id, name=html.escape(staff_first_name)), thread
        )
    try:
        await bot.close_forum_topic(group, thread)
    except BadRequest as exc:
        log.info("topic not closed: %s", exc)
    return reached
