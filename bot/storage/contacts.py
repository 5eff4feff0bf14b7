"""Who a WhatsApp resident is to the rest of the bot: a negative user id for their wa_id.

Every table keys people by an integer user id, as Telegram gives one. A WhatsApp resident
gets ``-contact_no`` (migration 018): never a Telegram id, never given twice. The wa_id is
their phone number, kept only here, erased with them and never written to a log.
The time of their last message opens Meta's 24-hour window for free-form messages.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.storage.db import Database

TELEGRAM = "telegram"
WHATSAPP = "whatsapp"
CHANNELS = (TELEGRAM, WHATSAPP)


def channel_of(user_id: int) -> str:
    """The channel a user id belongs to: WhatsApp's are negative."""
    return WHATSAPP if user_id < 0 else TELEGRAM


@dataclass(frozen=True)
class Contact:
    user_id: int
    wa_id: str
    last_inbound_at: str  # UTC ISO 8601


async def arrived(db: Database, wa_id: str, *, at: str) -> Contact:
    """A message from ``wa_id`` at ``at``: their user id (given on the first message) and the
    window it opens. ``at`` never moves back (Meta can deliver out of order)."""
    await db.write(
        "INSERT INTO whatsapp_contacts (wa_id, last_inbound_at) VALUES (?, ?)"
        " ON CONFLICT (wa_id) DO UPDATE SET last_inbound_at ="
        " max(last_inbound_at, excluded.last_inbound_at)",
        (wa_id, at),
    )
    contact = await by_wa_id(db, wa_id)
    assert contact is not None
    return contact


async def by_wa_id(db: Database, wa_id: str) -> Contact | None:
    row = await db.fetchone(
        "SELECT user_id, wa_id, last_inbound_at FROM whatsapp_contacts WHERE wa_id = ?", (wa_id,)
    )
    return None if row is None else Contact(row["user_id"], row["wa_id"], row["last_inbound_at"])


async def by_user_id(db: Database, user_id: int) -> Contact | None:
    row = await db.fetchone(
        "SELECT user_id, wa_id, last_inbound_at FROM whatsapp_contacts WHERE user_id = ?",
        (user_id,),
    )
    return None if row is None else Contact(row["user_id"], row["wa_id"], row["last_inbound_at"])


async def of_user_ids(db: Database, user_ids: list[int]) -> dict[int, Contact]:
    """The contacts of these user ids (those that have one), for a broadcast's batch."""
    found: dict[int, Contact] = {}
    for start in range(0, len(user_ids), 500):
        chunk = user_ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        rows = await db.fetchall(
            "SELECT user_id, wa_id, last_inbound_at FROM whatsapp_contacts"
            f" WHERE user_id IN ({marks})",
            chunk,
        )
        for row in rows:
            found[row["user_id"]] = Contact(row["user_id"], row["wa_id"], row["last_inbound_at"])
    return found
