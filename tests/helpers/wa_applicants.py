"""WhatsApp applicants without the WhatsApp conversation: a contact (bot/storage/contacts.py,
the negative user id and the time of their last message) and a submitted row for it, plus the
simulator's side of the same person, whose 24-hour window is open when they wrote lately."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, timedelta

from bot.runner import BotRunner
from bot.simulator_whatsapp import WhatsAppSimulator
from bot.simulator_whatsapp.users import WaUser
from bot.storage import contacts
from tests.helpers.rows import applicant_row, insert_applicants
from tests.helpers.runner import db_of


def wa_id_of(n: int) -> str:
    return f"6281300{n:06d}"


async def seed_wa(
    runner: BotRunner,
    wa: WhatsAppSimulator,
    numbers: Iterable[int],
    *,
    hours_ago: float = 1.0,
    locale: str = "id",
) -> dict[int, WaUser]:
    """Submitted WhatsApp applicants, by user id, whose last message was ``hours_ago`` ago
    (by the bot's clock, and by the simulator's for Meta's own window)."""
    assert runner.deps is not None
    db = db_of(runner)
    moment = runner.deps.clock.now().astimezone(UTC) - timedelta(hours=hours_ago)
    people: dict[int, WaUser] = {}
    for n in numbers:
        user = wa.user(wa_id_of(n), f"Warga {n}")
        user.last_inbound = wa.now() - hours_ago * 3600
        contact = await contacts.arrived(db, user.wa_id, at=moment.isoformat(timespec="seconds"))
        people[contact.user_id] = user
    await insert_applicants(db, [applicant_row(uid, locale=locale) for uid in people])
    marks = ",".join("?" * len(people))
    await db.write(
        f"UPDATE applicants SET channel = 'whatsapp' WHERE user_id IN ({marks})", list(people)
    )
    return people
