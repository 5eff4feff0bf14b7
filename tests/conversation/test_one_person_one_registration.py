"""One person, one registration across channels (issue 12), through the engine alone: a NIK
registered on the other channel is named as such and nothing more, the person can see that
registration's status with its number and birth date, and go on if it is not theirs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest

from bot.conversation import views as cv
from bot.deps import Deps
from bot.services import registration as reg
from bot.storage import contacts
from tests.e2e.residents import Person
from tests.helpers.conversation import (
    Resident,
    answer_after_nik,
    engine_deps,
    options_of,
    register_through,
)

PERSON = Person()  # NIK 3673055512980001, born 15-12-1998
OWN_DATE = "15-12-1998"
CHECK = "Data NIK Anda perlu kami periksa dulu"


@pytest.fixture
async def d(tmp_path: Path) -> AsyncIterator[Deps]:
    async with engine_deps(tmp_path) as deps:
        yield deps


async def whatsapp_resident(d: Deps, wa_id: str = "6281200000001") -> Resident:
    contact = await contacts.arrived(d.db, wa_id, at=d.clock.now().isoformat())
    return Resident(d, contact.user_id)


async def at_nik(r: Resident, name: str = PERSON.name) -> None:
    await r.start()
    await r.choose("Setuju")
    await r.say(name)


def labels(view: cv.View) -> list[str]:
    return [o.label for o in options_of(view.choice)]


async def test_a_nik_registered_on_telegram_is_named_and_nothing_else_shown(d: Deps) -> None:
    reg_no = await register_through(Resident(d, 4242), PERSON)
    wa = await whatsapp_resident(d)
    await at_nik(wa, "Orang Lain")

    await wa.say(PERSON.nik)
    told = wa.last
    assert "NIK ini sudah terdaftar melalui Telegram" in told.text
    assert "kirim nomor pendaftaran dan tanggal lahir Anda dalam satu pesan" in told.text
    assert "SRG-2026-00012 17-08-1990" in told.text  # the example, not their number
    for personal in (reg_no, PERSON.name, "Cipocok", "0812", "15 Desember"):
        assert personal not in told.text
    assert labels(told) == ["Bukan saya, lanjut", "« Kembali"]
    waiting = await wa.applicant()
    assert waiting is not None and "nik" not in waiting.answers and waiting.step == "nik"

    # Their number and birth date: the status of that registration, nothing personal.
    await wa.say(f"{reg_no.lower()} {OWN_DATE}")
    status = wa.last.text
    assert "Status pendaftaran" in status and reg_no in status and "Terdaftar" in status
    for personal in (PERSON.name, PERSON.nik, "0812", "+62", "Karundang", "Cipocok"):
        assert personal not in status
    still = await wa.applicant()
    assert still is not None and still.step == "nik" and not still.submitted


async def test_not_mine_goes_on_and_staff_decide_at_submission(d: Deps) -> None:
    await register_through(Resident(d, 4242), replace(PERSON, name="Orang Lain"))
    wa = await whatsapp_resident(d)
    await at_nik(wa)
    await wa.say(PERSON.nik)
    await wa.choose("Bukan saya, lanjut")
    assert "15 Desember 1998" in wa.last.text  # the birth date question, read from the NIK
    taken = await wa.applicant()
    assert taken is not None and taken.answers["nik"] == PERSON.nik
    assert reg.NIK_ELSEWHERE not in taken.answers

    # The rest of the interview, then the conflict flow as for any NIK held by another.
    await answer_after_nik(wa, PERSON, phone="+6281200000001")
    assert CHECK in wa.last.text
    claimant = await wa.applicant()
    assert claimant is not None and claimant.channel == "whatsapp"
    assert claimant.nik is None and "nik_conflict" in claimant.staff_flags


async def test_a_typo_is_corrected_by_sending_another_nik(d: Deps) -> None:
    await register_through(Resident(d, 4242), PERSON)
    wa = await whatsapp_resident(d)
    await at_nik(wa)
    await wa.say(PERSON.nik)
    other = "3673041203950002"
    await wa.say(other)
    assert "12 Maret 1995" in wa.last.text
    a = await wa.applicant()
    assert a is not None and a.answers["nik"] == other and reg.NIK_ELSEWHERE not in a.answers
    # The old button no longer takes the NIK that waited.
    told = next(s.view for s in wa.shown if "sudah terdaftar melalui" in s.view.text)
    await wa.choose("Bukan saya, lanjut", view=told)
    a = await wa.applicant()
    assert a is not None and a.answers["nik"] == other


async def test_a_whatsapp_registration_is_named_to_a_telegram_resident(d: Deps) -> None:
    wa = await whatsapp_resident(d)
    await register_through(wa, PERSON)
    tg = Resident(d, 4243, locale="en")
    await tg.start()
    await tg.choose("I agree")
    await tg.say("John Pratama")
    await tg.say(PERSON.nik)
    assert "This NIK is already registered via WhatsApp" in tg.last.text
    assert labels(tg.last)[0] == "Not me, continue"


async def test_the_same_channel_keeps_the_quiet_conflict_flow(d: Deps) -> None:
    """Two Telegram accounts: nothing is said at the question (tests/e2e/test_nik_guard.py)."""
    await register_through(Resident(d, 4242), replace(PERSON, name="Orang Lain"))
    second = Resident(d, 4243)
    await at_nik(second)
    await second.say(PERSON.nik)
    assert "15 Desember 1998" in second.last.text
    assert "terdaftar melalui" not in second.last.text
    a = await second.applicant()
    assert a is not None and a.answers["nik"] == PERSON.nik


async def test_the_nik_attempt_limit_counts_these_answers_too(d: Deps) -> None:
    await register_through(Resident(d, 4242), PERSON)
    wa = await whatsapp_resident(d)
    await at_nik(wa)
    for serial in range(2, 6):
        await wa.say(f"367305551298{serial:04d}")
        await wa.choose("« Kembali")
    await wa.say(PERSON.nik)  # the fifth different NIK: still answered
    assert "sudah terdaftar melalui Telegram" in wa.last.text
    await wa.say("3673041203950002")  # the sixth: refused, says nothing about anyone
    assert "5 NIK yang berbeda" in wa.last.text
