"""The resident's own commands with no channel at all (bot/conversation/account.py): what
/status, /data, /jadwal, /hapus, /berhenti, /lanjut, /bahasa, /bantuan, /info and the menu
say and store, for someone unknown, half-way, registered and stopped as a minor, against a
real SQLite file. Telegram's rendering of the same replies is tested end to end in
tests/e2e; WhatsApp's adapter calls these same functions."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from bot import callbacks as cb
from bot.conversation import account
from bot.conversation import views as cv
from bot.conversation.reply import Place, Reply
from bot.deps import Deps
from bot.domain.eligibility import DEFAULT_RULES
from bot.domain.status import ApplicantStatus
from bot.i18n import set_locale
from bot.services import schedules
from bot.storage import applicants as repo
from tests.e2e.residents import Person
from tests.helpers.conversation import Resident, answer_after_nik, engine_deps, options_of

FIRST = Person()
SECOND = Person(name="Budi Santoso", nik="3673051203950002")  # Cipocok Jaya, man, 1995


@pytest.fixture
async def d(tmp_path: Path) -> AsyncIterator[Deps]:
    async with engine_deps(tmp_path) as deps:
        set_locale("id")
        yield deps


async def _consented(r: Resident) -> None:
    await r.start()
    await r.choose("Setuju")


async def _register(r: Resident, p: Person = FIRST) -> str:
    """A whole registration through the interview engine; the registration number."""
    await _consented(r)
    await r.say(p.name)
    await r.say(p.nik)
    await answer_after_nik(r, p)
    applicant = await r.applicant()
    assert applicant is not None and applicant.submitted and applicant.reg_no
    set_locale("id")
    return applicant.reg_no


def _text(reply: Reply) -> str:
    assert len(reply.shown) == 1, reply.shown
    return reply.shown[0].view.text


def _yes_no(reply: Reply) -> cv.YesNo:
    (shown,) = reply.shown
    assert isinstance(shown.view.choice, cv.YesNo)
    return shown.view.choice


# --- someone the bot does not know ------------------------------------------------------


async def test_someone_unknown_is_told_there_is_nothing(d: Deps) -> None:
    assert "Anda belum mendaftar. Ketik /daftar" in _text(await account.status(d, None))
    assert _text(await account.data(d, None)) == "Kami tidak menyimpan data apa pun tentang Anda."
    nothing = await account.delete_ask(d, 777, None)
    assert "tidak menyimpan data" in _text(nothing) and nothing.shown[0].view.choice is None
    assert "belum terdaftar" in _text(await account.stop_ask(d, None))
    assert "belum terdaftar" in _text(await account.resume(d, None))
    assert "belum punya jadwal" in _text(await account.schedule(d, None))
    hinted = await account.schedule(d, None, empty_hint="Petunjuk staf")
    assert _text(hinted).endswith("\n\nPetunjuk staf")
    # Pressing "Ya, hapus" from an old message after all was gone: nothing to erase.
    gone = await account.chosen(d, 777, None, cb.DeleteConfirm(confirmed=True).pack())
    assert "tidak menyimpan data" in _text(gone) and gone.shown[0].place is Place.REPLACE
    assert gone.promoted == ()


async def test_help_and_info_name_the_contacts_and_the_places_left(d: Deps) -> None:
    d = replace(d, settings=replace(d.settings, contact_bbpvp="BBPVP <Serang>"))
    help_text = _text(account.help_text(d))
    assert "/status" in help_text and "BBPVP &lt;Serang&gt;" in help_text
    assert "/staf" not in help_text  # staff commands are Telegram's own addition
    info = _text(await account.info(d))
    assert "sisa saat ini: 500" in info
    d = replace(d, rules=replace(DEFAULT_RULES, kota_serang_quota=1200))
    assert "sisa saat ini: 1.200" in _text(await account.info(d))


# --- half-way, registered, minor ---------------------------------------------------------


async def test_half_way_through_the_interview(d: Deps) -> None:
    r = Resident(d, 4301)
    await _consented(r)
    await r.say("Rina Marlina")
    set_locale("id")
    applicant = await r.applicant()
    assert "belum selesai. Ketik /daftar untuk melanjutkan" in _text(
        await account.status(d, applicant)
    )
    data = _text(await account.data(d, applicant))
    assert "<b>Nama</b>: Rina Marlina" in data and "Nomor pendaftaran" not in data
    assert "28 November 2026" in data  # when she agreed, in WIB
    yes_no = _yes_no(await account.delete_ask(d, 4301, applicant))
    assert (yes_no.yes.label, yes_no.no.label) == ("Ya, hapus data saya", "Batal")
    assert cb.DeleteConfirm.parse(yes_no.yes.id) == cb.DeleteConfirm(confirmed=True)


async def test_a_registered_resident_sees_number_stage_and_data(d: Deps) -> None:
    r = Resident(d, 4302)
    reg_no = await _register(r)
    applicant = await r.applicant()
    status = _text(await account.status(d, applicant))
    assert status.startswith("<b>Status pendaftaran Anda</b>")
    assert f"Nomor pendaftaran: <b>{reg_no}</b>" in status
    data = _text(await account.data(d, applicant))
    assert reg_no in data and "<b>Tujuan kerja</b>: 1. Jepang, 2. Korea Selatan" in data


async def test_a_minor_is_told_from_when_she_may_register(d: Deps) -> None:
    r = Resident(d, 4303)
    await _consented(r)
    await r.say("Dewi Lestari")
    await r.say("3673054303090001")  # born 3 March 2009: 17 on 28 Nov 2026
    await r.choose_suggested()
    await r.choose("Ingatkan saya")
    set_locale("id")
    applicant = await r.applicant()
    assert applicant is not None and applicant.status == ApplicantStatus.MINOR
    status = _text(await account.status(d, applicant))
    assert "Rabu, 3 Maret 2027" in status and "mengingatkan" in status
    assert "/daftar" not in status


async def test_jadwal_lists_upcoming_events_in_wib(d: Deps) -> None:
    r = Resident(d, 4304)
    reg_no = await _register(r)
    starts = d.clock.now() + timedelta(days=3)  # 1 December 2026, 10.00 WIB
    scheduled = await schedules.schedule_one(d, 1, reg_no, "wawancara", starts, "BBPVP <Serang>")
    assert not isinstance(scheduled, schedules.Problem)
    listed = _text(await account.schedule(d, await r.applicant()))
    assert listed.startswith("📅 <b>Jadwal Anda</b>")
    assert "Wawancara" in listed and "10.00 WIB" in listed
    assert "BBPVP &lt;Serang&gt;" in listed


# --- /hapus -------------------------------------------------------------------------------


async def test_delete_kept_keeps_the_row(d: Deps) -> None:
    r = Resident(d, 4305)
    await _register(r)
    no = _yes_no(await account.delete_ask(d, 4305, await r.applicant())).no
    kept = await account.chosen(d, 4305, await r.applicant(), no.id)
    assert _text(kept) == "Baik, data Anda tidak dihapus."
    assert kept.shown[0].place is Place.REPLACE
    assert await r.applicant() is not None


async def test_delete_erases_and_names_who_got_the_freed_place(d: Deps) -> None:
    d = replace(d, rules=replace(DEFAULT_RULES, kota_serang_quota=1, total_quota=10))
    holder, waiting = Resident(d, 4306), Resident(d, 4307)
    await _register(holder)
    await _register(waiting, SECOND)
    before = await waiting.applicant()
    assert before is not None and await repo.waitlist_position(d.db, before) == 1

    yes = _yes_no(await account.delete_ask(d, 4306, await holder.applicant())).yes
    done = await account.chosen(d, 4306, await holder.applicant(), yes.id)
    assert _text(done).startswith("Data Anda sudah dihapus.")
    assert done.shown[0].place is Place.REPLACE
    assert await holder.applicant() is None
    # The channel tells the one promoted; the conversation only names them.
    assert done.promoted == (4307,)
    after = await waiting.applicant()
    assert after is not None and await repo.waitlist_position(d.db, after) is None
    audited = await d.db.fetchall("SELECT action, target FROM audit_log")
    assert [(row["action"], row["target"]) for row in audited][-1] == ("erase", None)


# --- /berhenti and /lanjut ---------------------------------------------------------------


async def test_stop_and_resume(d: Deps) -> None:
    r = Resident(d, 4308)
    await _register(r)
    ask = _yes_no(await account.stop_ask(d, await r.applicant()))
    kept = await account.chosen(d, 4308, await r.applicant(), ask.no.id)
    assert "tetap menerima" in _text(kept)
    assert not (await repo.get(d.db, 4308)).opted_out  # type: ignore[union-attr]

    stopped = await account.chosen(d, 4308, await r.applicant(), ask.yes.id)
    assert _text(stopped).startswith("🔕 Baik") and stopped.shown[0].place is Place.REPLACE
    applicant = await r.applicant()
    assert applicant is not None and applicant.opted_out
    assert "sudah dihentikan" in _text(await account.stop_ask(d, applicant))
    # The menu offers /lanjut in place of /berhenti.
    commands = [account.command_of(o.id) for o in _menu_options(account.menu(d, applicant))]
    assert "lanjut" in commands and "berhenti" not in commands

    assert _text(await account.resume(d, applicant)).startswith("🔔 Selamat datang kembali")
    applicant = await r.applicant()
    assert applicant is not None and not applicant.opted_out
    assert "Ketik /berhenti" in _text(await account.resume(d, applicant))


# --- /bahasa ----------------------------------------------------------------------------


def _language_option(label: str) -> str:
    (shown,) = account.language_ask().shown
    assert isinstance(shown.view.choice, cv.SingleChoice)
    return next(o.id for o in shown.view.choice.options if label in o.label)


async def test_a_language_picked_by_someone_unknown_makes_their_row(d: Deps) -> None:
    reply = await account.chosen(d, 4309, None, _language_option("English"))
    done, consent = reply.shown
    assert done.view.text == "All right, we'll use English from now on."
    assert done.place is Place.REPLACE
    applicant = await repo.get(d.db, 4309)
    assert applicant is not None and applicant.locale == "en"
    assert applicant.status == ApplicantStatus.CONSENT
    # What follows is the consent, in the language chosen.
    assert consent.place is Place.NEW and isinstance(consent.view.choice, cv.YesNo)
    assert consent.view.choice.yes.label == "I agree"


async def test_a_language_picked_mid_interview_shows_the_question_again(d: Deps) -> None:
    r = Resident(d, 4310)
    await _consented(r)
    await r.say("Rina Marlina")
    reply = await account.chosen(d, 4310, await r.applicant(), _language_option("English"))
    done, question = reply.shown
    assert done.place is Place.REPLACE and "English" in done.view.text
    assert question.place is Place.NEW and "NIK" in question.view.text
    assert "Nomor Induk" not in question.view.text  # asked in English now
    applicant = await r.applicant()
    assert applicant is not None and applicant.locale == "en"


async def test_an_unknown_language_or_button_changes_nothing(d: Deps) -> None:
    for id in (cb.LanguagePick("fr").pack(), "garbled", cb.Submit().pack()):
        assert await account.chosen(d, 4311, None, id) == Reply()
    assert await repo.get(d.db, 4311) is None


# --- the menu ---------------------------------------------------------------------------


def _menu_options(reply: Reply) -> tuple[cv.Option, ...]:
    (shown,) = reply.shown
    assert isinstance(shown.view.choice, cv.SingleChoice)
    return shown.view.choice.options


@pytest.mark.parametrize("locale", ["id", "en"])
async def test_the_menu_offers_every_command_within_one_list(d: Deps, locale: str) -> None:
    set_locale(locale)
    options = _menu_options(account.menu(d))
    commands = [account.command_of(o.id) for o in options]
    assert commands == ["daftar", "status", "jadwal", "data", "bahasa", "bantuan", "info",
                        "berhenti", "hapus"]  # fmt: skip
    assert len(options) <= 10  # one WhatsApp list
    for o in options:
        assert 1 <= len(o.label) <= 24 and not o.label.startswith("menu.")
        assert len(o.id.encode()) <= 64
        assert account.is_menu_button(o.id) and not account.is_account_button(o.id)
    assert len({o.label for o in options}) == len(options)


def test_menu_and_account_ids_are_told_apart() -> None:
    assert account.command_of(cb.MenuCommand(cb.ResidentCommand.LANJUT).pack()) == "lanjut"
    for other in ("menu:nonsense", "menu:", cb.DeleteConfirm(True).pack(), "", "status"):
        assert account.command_of(other) is None and not account.is_menu_button(other)
    for kind in (cb.DeleteConfirm(True), cb.OptOutConfirm(False), cb.LanguagePick("id")):
        assert account.is_account_button(kind.pack())
    assert not account.is_account_button(cb.Submit().pack())
    assert options_of(account.language_ask().shown[0].view.choice)  # two options to press
