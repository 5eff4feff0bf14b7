"""/konflik: staff see registrations that share a NIK and say whose NIK it is."""

from __future__ import annotations

import logging
from html import escape

from telegram import Update
from telegram.ext import CommandHandler, filters

from bot.deps import Deps
from bot.feature import Feature, Group, StaffCommand
from bot.i18n import N_, _, get_locale, use_locale
from bot.services import nik_conflicts as svc
from bot.services import notify
from bot.services.notify import Delivery
from bot.storage.applicants import Applicant
from bot.storage.message_log import Kind
from handlers.access import staff_only
from handlers.common import Context, View, deps, send, user_id
from handlers.staff import message_text, send_lines, short_time

log = logging.getLogger(__name__)


def _party(d: Deps, role: str, a: Applicant) -> str:
    name = escape(str(a.answers.get("name", "—")))
    account = f'<a href="tg://user?id={a.user_id}">{a.user_id}</a>'
    if a.channel != "telegram":  # no Telegram account to open: say where they registered
        account = _("channel.whatsapp")
    return _(role).format(
        reg_no=a.reg_no, name=name, when=short_time(a.submitted_at, d, get_locale()),
        account=account,
    )  # fmt: skip


def _case_lines(d: Deps, case: svc.Case) -> list[str]:
    c = case.conflict
    return [
        _("konflik.case").format(
            id=c.id, nik=case.nik, when=short_time(c.created_at, d, get_locale())
        ),
        _party(d, "konflik.holder", case.holder),
        _party(d, "konflik.claimant", case.claimant),
        _("konflik.how").format(
            id=c.id, holder=case.holder.reg_no, claimant=case.claimant.reg_no
        ),
        "",
    ]


@staff_only
async def konflik(update: Update, context: Context) -> None:
    """/konflik — the open cases; /konflik <no> <registration number of the NIK's owner>."""
    d = deps(context)
    parts = message_text(update).split()
    if len(parts) == 1:
        cases = await svc.open_cases(d, user_id(update))
        if not cases:
            await send(update, context, View(_("konflik.none")))
            return
        lines = [_("konflik.title").format(n=len(cases)), ""]
        for case in cases:
            lines += _case_lines(d, case)
        await send_lines(update, context, lines)
        return
    if len(parts) != 3 or not parts[1].lstrip("#").isdigit():
        await send(update, context, View(_("konflik.usage")))
        return
    result = await svc.decide(d, user_id(update), int(parts[1].lstrip("#")), parts[2])
    if result is svc.Problem.UNKNOWN:
        await send(update, context, View(_("konflik.unknown").format(id=escape(parts[1]))))
        return
    if result is svc.Problem.NOT_A_PARTY:
        await send(update, context, View(_("konflik.not_a_party")))
        return
    assert isinstance(result, svc.Decided)
    owner_told = result.owner is result.case.claimant and await _tell(
        context, result.owner, "konflik.notice.confirmed"
    )
    loser_told = await _tell(context, result.loser, "konflik.notice.removed")
    lines = [
        _("konflik.done").format(owner=result.owner.reg_no, loser=result.loser.reg_no),
        (_("konflik.told") if loser_told else _("konflik.not_told")).format(
            reg_no=result.loser.reg_no
        ),
    ]
    if owner_told:
        lines.append(_("konflik.told").format(reg_no=result.owner.reg_no))
    await send(update, context, View("\n".join(lines)))


async def _tell(context: Context, a: Applicant, key: str) -> bool:
    """A personal notice, so also to residents who stopped announcements."""
    d = deps(context)
    if a.inactive:
        return False
    with use_locale(a.locale):
        text = _(key).format(reg_no=a.reg_no, contact=escape(d.settings.contact_bbpvp))
    told = await notify.tell(d, a, text, kind=Kind.NIK_CONFLICT, fields=(a.reg_no or "-",))
    if not told.sent and told.outcome is not Delivery.BLOCKED:
        log.warning("NIK decision for %s not delivered: %s", a.reg_no, told.error)
    return told.sent


FEATURE = Feature(
    name="nik_conflicts",
    handlers={
        Group.MAIN: (
            CommandHandler(["konflik", "conflict"], konflik, filters=filters.ChatType.PRIVATE),
        ),
    },
    staff_commands=(StaffCommand("konflik", N_("staffcmd.konflik")),),
)
