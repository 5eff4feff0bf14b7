"""A status by registration number and birth date (bot/conversation/status_check.py), with
no channel: what matches, what is said when nothing does (the same, whatever was wrong), and
the limit on guesses, which a new process does not reset."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.conversation import status_check
from bot.conversation.reply import Reply
from bot.i18n import set_locale
from bot.storage import applicants as repo
from tests.e2e.residents import Person
from tests.helpers.conversation import Resident, engine_deps, register_through

PERSON = Person()  # born 15-12-1998
NOT_FOUND = "tidak menemukan pendaftaran yang cocok"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SRG-2026-00012 17-08-1990", True),
        ("srg-2026-00012, 17/8/1990", True),
        ("Nomor SRG - 2026 - 00012 lahir 17 Agustus 1990", True),
        ("17.08.1990 SRG-2026-00012", True),
        ("SRG-2026-00012 1990-08-17", True),
        ("SRG-2026-00012", False),  # no date
        ("17-08-1990", False),  # no number
        ("SRG-2026-12 17-08-1990", False),  # not a registration number
        ("3673055512980001 15-12-1998", False),  # a NIK is not a registration number
        ("kapan wawancara SRG-2026-00012?", False),
    ],
)
def test_looks_like(text: str, expected: bool) -> None:
    assert status_check.looks_like(text) is expected


def text_of(reply: Reply) -> str:
    assert len(reply.shown) == 1
    return reply.shown[0].view.text


async def test_the_status_of_a_matching_registration_and_nothing_personal(
    tmp_path: Path,
) -> None:
    async with engine_deps(tmp_path) as d:
        reg_no = await register_through(Resident(d, 4242), PERSON)
        set_locale("id")
        shown = text_of(await status_check.answer(d, f"{reg_no} 15-12-1998", caller=-7))
        assert "<b>Status pendaftaran Anda</b>" in shown
        assert f"Nomor pendaftaran: <b>{reg_no}</b>" in shown
        assert "Tahap: <b>Terdaftar</b>" in shown
        for personal in (PERSON.name, PERSON.nik, "+6281234567890", "Karundang", "Cipocok"):
            assert personal not in shown
        set_locale("en")
        english = text_of(await status_check.answer(d, f"{reg_no} 15 December 1998", caller=-7))
        assert "<b>Your registration status</b>" in english and "Stage: <b>" in english


async def test_a_wrong_date_and_an_unknown_number_get_the_same_answer(tmp_path: Path) -> None:
    async with engine_deps(tmp_path) as d:
        reg_no = await register_through(Resident(d, 4242), PERSON)
        set_locale("id")
        wrong_date = text_of(await status_check.answer(d, f"{reg_no} 16-12-1998", caller=-7))
        unknown = text_of(await status_check.answer(d, "SRG-2026-00999 15-12-1998", caller=-7))
        assert NOT_FOUND in wrong_date and wrong_date == unknown
        # An interview not sent yet has no number to find: the same answer.
        await Resident(d, 4243).start()
        assert await repo.get(d.db, 4243) is not None
        bad = text_of(await status_check.answer(d, f"{reg_no} 31-02-1998", caller=-7))
        assert "tidak dapat kami baca" in bad


async def test_five_different_guesses_a_day_and_a_restart_does_not_reset_them(
    tmp_path: Path,
) -> None:
    async with engine_deps(tmp_path) as d:
        reg_no = await register_through(Resident(d, 4242), PERSON)
        set_locale("id")
        for day in range(1, 6):
            guess = f"{reg_no} {day:02d}-01-1990"
            assert NOT_FOUND in text_of(await status_check.answer(d, guess, caller=-7))
        # The same guess again is no new guess.
        assert NOT_FOUND in text_of(await status_check.answer(d, f"{reg_no} 01-01-1990", caller=-7))
        right = f"{reg_no} 15-12-1998"
        refused = text_of(await status_check.answer(d, right, caller=-7))
        assert "sudah mencoba 5 kali" in refused and reg_no not in refused
        # Someone else is not limited by it.
        assert reg_no in text_of(await status_check.answer(d, right, caller=-8))
    async with engine_deps(tmp_path) as d:
        set_locale("id")
        assert "5 kali" in text_of(await status_check.answer(d, right, caller=-7))
        d.clock.advance(days=1, seconds=1)  # type: ignore[attr-defined]
        assert reg_no in text_of(await status_check.answer(d, right, caller=-7))
        rows = await d.db.fetchall("SELECT * FROM status_checks")
        assert all(len(r["tag"]) == 4 for r in rows)  # no number, no date kept


async def test_someone_with_no_registration_typing_it_gets_the_status(tmp_path: Path) -> None:
    async with engine_deps(tmp_path) as d:
        reg_no = await register_through(Resident(d, 4242), PERSON)
        stranger = Resident(d, 5555)  # never pressed /start
        await stranger.say(f"{reg_no} 15-12-1998")
        assert reg_no in stranger.last.text and stranger.asked == []
        assert await repo.get(d.db, 5555) is None  # nothing stored about them but the guess
        # At the consent, the same.
        consenting = Resident(d, 5556)
        await consenting.start()
        await consenting.say(f"{reg_no} 15-12-1998")
        assert "Tahap: <b>Terdaftar</b>" in consenting.last.text
        # Someone registered asks through the questions desk instead (they have /status).
        owner = Resident(d, 4242)
        await owner.say(f"{reg_no} 15-12-1998")
        assert owner.asked and not owner.shown
