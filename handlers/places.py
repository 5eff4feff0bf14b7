"""Telling a resident on the waiting list that a place in their quota is now theirs."""

from __future__ import annotations

from bot.services import applicant_desk
from handlers.common import Context, deps


async def tell_promoted(context: Context, user_id: int | None) -> None:
    """Personal service, so it goes also to residents who stopped announcements."""
    await applicant_desk.tell_promoted(deps(context), user_id)
