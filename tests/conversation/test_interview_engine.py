"""The interview engine with no channel at all: whole registrations and every bad input,
driven through bot/conversation alone against a real SQLite file. A channel (Telegram today,
WhatsApp next) only renders what these tests read."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.conversation import views as cv
from bot.conversation.incoming import Chosen
from bot.conversation.reply import Ack, Place
from bot.domain.status import ApplicantStatus
from tests.e2e.residents import ENGLISH, Person
from tests.helpers.conversation import Resident, engine_deps, options_of


@pytest.fixture
async def resident(tmp_path: Path) -> AsyncIterator[Resident]:
    async with engine_deps(tmp_path) as d:
        yield Resident(d, 4242)


async def _at_first_question(resident: Resident) -> None:
    await resident.start()
    await resident.choose("Setuju" if resident.locale == "id" else "I agree")


async def _through_interview(r: Resident, p: Person, worked_where: str = "") -> None:
    await r.say(p.name)
    await r.say(p.nik)
    await r.choose_suggested()  # the birth date read from the NIK
    await r.choose_suggested()  # the sex read from the NIK
    await r.choose(p.domicile)
    if p.kecamatan:
        await r.choose(p.kecamatan)
        await r.choose(p.kelurahan or "")
    for label in (p.education, p.marital, p.family, p.health, p.health_check):
        await r.choose(label)
    assert isinstance(r.last.choice, cv.PhoneExpected)
    await r.share_phone("+6281234567890")
    for label in (p.siapkerja, p.passport, p.worked_abroad):
        await r.choose(label)
    if worked_where:
        await r.say(worked_where)
    for group in (p.languages, p.interests, p.destinations):
        for label in group:
            await r.choose(label)
        await r.choose(p.done)


async def test_a_whole_registration_in_indonesian(resident: Resident) -> None:
    await resident.start(source="kel_cipocok")
    welcome, consent = resident.shown
    assert "Selamat datang" in welcome.view.text and welcome.place is Place.NEW
    assert isinstance(consent.view.choice, cv.YesNo)
    await resident.choose("Setuju")
    assert resident.shown[-1].place is Place.AFTER  # the consent text stays in the chat
    assert "Terima kasih. Mari kita mulai." in resident.last.text
    assert isinstance(resident.last.choice, cv.FreeText)  # the name

    await _through_interview(resident, Person())
    summary = resident.last
    assert "<b>Nama</b>: Siti Aminah" in summary.text
    assert "<b>Tujuan kerja</b>: 1. Jepang, 2. Korea Selatan" in summary.text
    await resident.choose("Kirim pendaftaran")

    sent = resident.shown[-1]
    assert sent.place is Place.AFTER and "SRG-2026-00001" in sent.view.text
    applicant = await resident.applicant()
    assert applicant is not None and applicant.submitted
    assert applicant.source == "kel_cipocok"
    assert applicant.answers["phone"] == "+6281234567890"
    assert applicant.answers["destinations"] == ["jepang", "korea"]
    assert not applicant.confirmation_owed  # the reply's follow-up ran once it was shown


async def test_a_whole_registration_in_english_with_typed_choices(tmp_path: Path) -> None:
    async with engine_deps(tmp_path) as d:
        r = Resident(d, 77, locale="en")
        await _at_first_question(r)
        await r.say(ENGLISH.name)
        await r.say(ENGLISH.nik)
        await r.choose_suggested()
        await r.choose_suggested()
        await r.say("Kota Serang")  # typing an option's words counts as choosing it
        assert r.last.text.startswith("✓ KTP/KK address: Kota Serang")
        await r.choose("Curug")
        await r.choose("Cilaku")
        for label in (ENGLISH.education, ENGLISH.marital, ENGLISH.family, ENGLISH.health,
                      ENGLISH.health_check):  # fmt: skip
            await r.choose(label)
        await r.say("0812 3456 7890")  # typed, not shared
        confirmed, question = r.shown[-2:]
        assert confirmed.view.ends_phone and confirmed.view.choice is None
        assert "+6281234567890" in confirmed.view.text
        assert "<b>SIAPkerja account</b>" in question.view.text
        assert isinstance(question.view.choice, cv.SingleChoice)
        for label in (ENGLISH.siapkerja, ENGLISH.passport, ENGLISH.worked_abroad):
            await r.choose(label)
        await r.say("Malaysia, factory worker")
        for group in (ENGLISH.languages, ENGLISH.interests, ENGLISH.destinations):
            for label in group:
                await r.choose(label)
            await r.choose(ENGLISH.done)
        assert "<b>Summary of your answers</b>" in r.last.text
        await r.choose("Submit registration")
        assert "Your registration has been submitted" in r.last.text
        applicant = await r.applicant()
        assert applicant is not None and applicant.locale == "en"
        assert applicant.answers["worked_abroad_where"] == "Malaysia, factory worker"
        assert applicant.answers["languages"] == ["inggris", "melayu"]


async def test_bad_typed_answers_keep_the_question_with_what_is_wrong(resident: Resident) -> None:
    await _at_first_question(resident)
    await resident.say("Siti 123")
    assert resident.last.text.startswith("Nama tidak boleh berisi angka.")
    assert isinstance(resident.last.choice, cv.FreeText)
    await resident.send_sticker()
    assert resident.last.text.startswith("Maaf, untuk pertanyaan ini kami hanya bisa membaca")
    await resident.say("Siti Aminah")
    assert resident.last.text.startswith("✓ Nama: Siti Aminah")
    await resident.say("12345")  # no NIK
    applicant = await resident.applicant()
    assert applicant is not None and applicant.step == "nik"
    assert "NIK" in resident.last.text


async def test_a_typed_birth_date_unlike_the_nik_asks_which_is_right(resident: Resident) -> None:
    await _at_first_question(resident)
    await resident.say("Siti Aminah")
    await resident.say("3673055512980001")  # born 15-12-1998
    await resident.say("16-12-1998")
    asked = resident.last
    assert "berbeda dengan tanggal di NIK" in asked.text
    assert isinstance(asked.choice, cv.SingleChoice) and len(asked.choice.options) == 2
    await resident.choose("16 Desember 1998")  # as typed
    applicant = await resident.applicant()
    assert applicant is not None and applicant.answers["birth_date"] == "1998-12-16"
    assert applicant.answers["_birth_date_differs"] is True


async def test_choice_questions_take_buttons_or_their_words_and_nothing_else(
    resident: Resident,
) -> None:
    await _at_first_question(resident)
    await resident.say("Siti Aminah")
    await resident.say("3673055512980001")
    await resident.choose_suggested()
    sex = resident.last
    assert isinstance(sex.choice, cv.SingleChoice)
    assert sex.choice.suggested == sex.choice.options[0].id  # the NIK's answer first
    await resident.say("saya bingung")
    assert resident.last.text.startswith("Silakan pilih jawaban dengan menekan")
    await resident.send_sticker()
    assert resident.last.text.startswith("Silakan pilih jawaban dengan menekan")
    applicant = await resident.applicant()
    assert applicant is not None and applicant.step == "sex"


async def test_multi_select_and_ranking_limits_are_alerts(resident: Resident) -> None:
    await _at_first_question(resident)
    await _through_interview(resident, Person(interests=[], destinations=[]))
    # At interests with none chosen: "Selesai" is refused with an alert, nothing shown.
    shown = len(resident.shown)
    await resident.choose("Selesai")
    assert resident.acks[-1] == Ack("Pilih paling sedikit satu, lalu tekan Selesai.", True)
    assert len(resident.shown) == shown
    for label in ("Listrik", "Otomotif", "Pertanian"):
        await resident.choose(label)
    interests = resident.last.choice
    assert isinstance(interests, cv.MultiSelect) and len(interests.chosen) == 3
    await resident.choose("Garmen")  # a fourth
    assert resident.acks[-1] == Ack("Paling banyak 3 pilihan. Batalkan satu pilihan dulu.", True)
    await resident.choose("Selesai")
    await resident.choose("Korea Selatan")
    await resident.choose("Jepang")
    ranked = resident.last.choice
    assert isinstance(ranked, cv.Ranked) and ranked.reset is not None
    assert [o.label for o in ranked.options if o.id in ranked.chosen] == ["Jepang", "Korea Selatan"]
    assert [next(o.label for o in ranked.options if o.id == c) for c in ranked.chosen] == [
        "Korea Selatan", "Jepang"]  # fmt: skip
    await resident.choose("Ulang")
    ranked = resident.last.choice
    assert isinstance(ranked, cv.Ranked) and ranked.chosen == () and ranked.reset is None


async def test_a_shared_phone_must_be_the_senders_own(resident: Resident) -> None:
    await _at_first_question(resident)
    await _through_interview(resident, Person())  # to the summary
    await resident.choose("Ubah jawaban")
    await resident.choose("Nomor HP")
    assert isinstance(resident.last.choice, cv.PhoneExpected)
    await resident.share_phone("+6289999999999", own=False)
    assert resident.last.text.startswith("Nomor yang dibagikan bukan nomor akun")
    await resident.say("nomor saya rahasia")
    assert isinstance(resident.last.choice, cv.PhoneExpected)
    await resident.share_phone("+6285711112222")
    applicant = await resident.applicant()
    assert applicant is not None and applicant.answers["phone"] == "+6285711112222"
    assert applicant.step == "summary"  # back to the summary after the edit


async def test_an_old_or_unknown_button_is_answered_as_outdated(resident: Resident) -> None:
    await _at_first_question(resident)
    name_question = resident.last
    await resident.say("Siti Aminah")
    await resident.send(Chosen("choose:sex:L"))  # a button of a question not reached
    assert (
        resident.acks[-1].text
        == "Tombol itu sudah tidak berlaku. Ini pertanyaan yang sedang Anda jawab:"
    )
    assert resident.last.text.startswith("Tombol itu sudah tidak berlaku.")
    assert "NIK" in resident.last.text
    await resident.send(Chosen("v1-answer:whatever"))  # an older version's data
    assert resident.acks[-1].text is not None and resident.last.text.startswith("Tombol itu")
    assert options_of(name_question.choice) == []  # the first question offers no back
    applicant = await resident.applicant()
    assert applicant is not None and applicant.step == "nik"


async def test_text_is_a_question_when_no_answer_is_expected(resident: Resident) -> None:
    await resident.say("kapan pelatihannya dimulai?")  # no registration
    assert resident.asked[-1].text.startswith("Ketik /start untuk memulai")
    assert resident.shown == []  # the questions desk answers, not the interview


async def test_typed_consent_and_declining_keeps_nothing(resident: Resident) -> None:
    await resident.start()
    await resident.say("ok")
    assert resident.last.text.startswith("Silakan tekan <b>Setuju</b>")
    assert isinstance(resident.last.choice, cv.YesNo)
    await resident.say("tidak setuju")
    assert resident.last.text.startswith("Baik, kami tidak menyimpan data Anda")
    assert await resident.applicant() is None


async def test_a_minor_is_stopped_and_may_ask_for_a_reminder(resident: Resident) -> None:
    await _at_first_question(resident)
    await resident.say("Adik Kecil")
    await resident.say("3673055512100001")  # born 15-12-2010
    await resident.choose_suggested()
    stopped = resident.shown[-1]
    assert stopped.place is Place.REPLACE
    assert "paling sedikit 18 tahun" in stopped.view.text
    await resident.choose("Ingatkan saya")
    assert resident.last.text.startswith("Baik, kami akan mengingatkan Anda pada")
    applicant = await resident.applicant()
    assert applicant is not None and applicant.status == ApplicantStatus.MINOR
    assert applicant.answers == {"birth_date": "2010-12-15"}
    assert applicant.remind_on == "2028-12-15"
    await resident.say("halo")
    assert "18" in resident.last.text  # still too young, said again


async def test_the_summary_expects_buttons_and_back_goes_one_question(resident: Resident) -> None:
    await _at_first_question(resident)
    await _through_interview(resident, Person())
    await resident.say("sudah benar")
    assert resident.last.text.startswith("Silakan pilih jawaban dengan menekan")
    await resident.choose("Ubah jawaban")
    await resident.choose("« Kembali ke ringkasan")
    assert "Kirim pendaftaran" in [o.label for o in options_of(resident.last.choice)]
    await resident.choose("Ubah jawaban")
    await resident.choose("Paspor")
    assert resident.last.text.startswith("<i>15/20</i>")
    await resident.choose("« Kembali")
    applicant = await resident.applicant()
    assert applicant is not None and applicant.step == "siapkerja"
