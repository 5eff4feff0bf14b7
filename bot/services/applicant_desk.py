"""What a staff member does to one applicant, wherever they do it: /tahap and /catatan in the
bot (handlers/staff.py) and the applicant's card on the staff web pages call these same
functions, so the resident reads the same message in their language and the audit log gets
the same entry.

The rules themselves (which stage, which note, the quota place given up) are in
bot/services/casework.py; this module adds telling the people concerned.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum

from bot.conversation.verdict import stage_next
from bot.deps import Deps
from bot.i18n import _, use_locale
from bot.services import casework, notify
from bot.services.casework import NoteProblem, StageChanged, StageProblem
from bot.services.notify import Delivery
from bot.storage import applicants as repo
from bot.storage.applicants import Applicant
from bot.storage.message_log import Kind
from bot.storage.notes import Note

log = logging.getLogger(__name__)


class StageNotice(StrEnum):
    """What became of the resident's message about their new stage."""

    SENT = "sent"
    INACTIVE = "not_sent_inactive"  # they blocked the bot before: nothing is sent to them
    BLOCKED = "not_sent_blocked"  # they blocked it now
    ERROR = "not_sent_error"  # refused or not reachable now; a stage notice is not retried
    # WhatsApp: their last message is over 24 hours old and no template is set for it
    OUTSIDE_WINDOW = "not_sent_outside_window"


@dataclass(frozen=True)
class StageMoved:
    change: StageChanged
    notice: StageNotice


def stage_notice(d: Deps, applicant: Applicant, new: str) -> str:
    """What the applicant reads, in the current locale."""
    lines = [_("tahap.notice").format(stage=_(f"stage.{new}")), stage_next(d, applicant, new)]
    return "\n\n".join(line for line in lines if line)


async def notify_stage(d: Deps, change: StageChanged) -> StageNotice:
    """Tell the applicant about their new stage, in their language."""
    a = change.applicant
    if not change.notify:
        return StageNotice.INACTIVE
    with use_locale(a.locale):
        text = stage_notice(d, a, change.new)
        fields = (a.reg_no or "-", _(f"stage.{change.new}"))  # the WhatsApp template's
    told = await notify.tell(d, a, text, kind=Kind.STAGE, fields=fields)
    if told.outcome is Delivery.BLOCKED:
        return StageNotice.BLOCKED
    if told.outside_window:
        return StageNotice.OUTSIDE_WINDOW
    if not told.sent:  # a stage change is not retried: staff read that it did not go out
        log.warning("stage notice for %s not delivered: %s", a.reg_no, told.error)
        return StageNotice.ERROR
    return StageNotice.SENT


async def tell_promoted(d: Deps, user_id: int | None) -> None:
    """The first on a waiting list hears that a place in their quota is now theirs.
    Personal service, so it goes also to residents who stopped announcements."""
    if user_id is None:
        return
    applicant = await repo.get(d.db, user_id)
    if applicant is None or applicant.pool is None or applicant.inactive:
        return
    with use_locale(applicant.locale):
        pool = _(f"pool.{applicant.pool}")
        text = _("place.promoted").format(pool=pool)
    told = await notify.tell(d, applicant, text, kind=Kind.PLACE, fields=(pool,))
    if not told.sent and told.outcome is not Delivery.BLOCKED:
        log.warning("place notice for %s not delivered: %s", applicant.reg_no, told.error)


async def change_stage(
    d: Deps, actor_id: int, reg_no: str, stage: str, note: str = ""
) -> StageMoved | StageProblem:
    """/tahap: the stage changed (with the note, the audit entry and a quota place given up
    when they leave), the applicant told, and whoever got their place told too."""
    result = await casework.change_stage(d, actor_id, reg_no, stage, note)
    if isinstance(result, StageProblem):
        return result
    notice = await notify_stage(d, result)
    await tell_promoted(d, result.promoted)
    return StageMoved(result, notice)


async def add_note(d: Deps, actor_id: int, reg_no: str, text: str) -> Note | NoteProblem:
    """/catatan: a note only staff read, and its audit entry (nobody is told)."""
    return await casework.add_note(d, actor_id, reg_no, text)
