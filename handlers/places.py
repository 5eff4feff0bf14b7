"""Telling a resident on the waiting list that a place in their quota is now theirs."""

from __future__ import annotations

import logging

from bot.deps import deps
from bot.i18n import _, use_locale
from bot.services import notify
from bot.services.notify import Delivery
from bot.storage import applicants as repo
from handlers.common import Context

log = logging.getLogger(__name__)


async def tell_promoted(context: Context, user_id: int | None) -> None:
    """Personal service, so it goes also to residents who stopped announcements."""
    if user_id is None:
        return
    d = deps(context)
    applicant = await repo.get(d.db, user_id)
    if applicant is None or applicant.pool is None or applicant.inactive:
        return
    with use_locale(applicant.locale):
        text = _("place.promoted").format(pool=_(f"pool.{applicant.pool}"))
    told = await notify.tell(d, context.bot, applicant, text)
    if not told.sent and told.outcome is not Delivery.BLOCKED:
        log.warning("place notice for %s not delivered: %s", applicant.reg_no, told.error)
