"""WhatsApp identities against a real SQLite file: a negative user id per wa_id, never
given twice, the window's time never moving back, and gone with the person's erasure."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

from bot.storage import applicants as repo
from bot.storage import contacts
from bot.storage.db import Database
from bot.storage.erase import erase_person


async def test_each_number_gets_its_own_negative_id_and_keeps_it(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "c.sqlite3")
    siti = await contacts.arrived(db, "6281111111111", at="2026-12-01T01:00:00+00:00")
    budi = await contacts.arrived(db, "6282222222222", at="2026-12-01T01:00:05+00:00")
    again = await contacts.arrived(db, "6281111111111", at="2026-12-01T03:00:00+00:00")
    late = await contacts.arrived(db, "6281111111111", at="2026-12-01T02:00:00+00:00")
    found = await contacts.of_user_ids(db, [siti.user_id, budi.user_id, 42])
    await db.close()
    assert siti.user_id < 0 and budi.user_id < 0 and siti.user_id != budi.user_id
    assert again.user_id == siti.user_id
    assert late.last_inbound_at == "2026-12-01T03:00:00+00:00"  # an older message: no change
    assert set(found) == {siti.user_id, budi.user_id}
    assert contacts.channel_of(siti.user_id) == contacts.WHATSAPP
    assert contacts.channel_of(123456789) == contacts.TELEGRAM


async def test_an_applicant_row_says_its_channel(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "c.sqlite3")
    siti = await contacts.arrived(db, "6281111111111", at="2026-12-01T01:00:00+00:00")
    on_whatsapp = await repo.create(db, siti.user_id, locale="id", source=None)
    on_telegram = await repo.create(db, 5550001, locale="id", source=None)
    await db.close()
    assert (on_whatsapp.channel, on_telegram.channel) == ("whatsapp", "telegram")


async def test_erasure_takes_the_number_and_the_id_is_never_given_again(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "c.sqlite3")
    first = await contacts.arrived(db, "6281111111111", at="2026-12-01T01:00:00+00:00")
    await repo.create(db, first.user_id, locale="id", source=None)
    await erase_person(db, first.user_id, tz=UTC)
    gone = await contacts.by_wa_id(db, "6281111111111")
    again = await contacts.arrived(db, "6281111111111", at="2026-12-01T02:00:00+00:00")
    await db.close()
    assert gone is None
    assert again.user_id != first.user_id  # a new person to the bot: nothing of before
