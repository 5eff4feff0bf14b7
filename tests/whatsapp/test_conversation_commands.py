"""Commands by keyword on WhatsApp (no command menu there), over real HTTP: with or without
"/", in any case; a word that is a command is still an answer where a question waits for a
typed one, unless it came with "/" or is one that always works (batal, menu, bantuan)."""

from __future__ import annotations

from bot.runner import BotRunner
from bot.simulator_whatsapp import WhatsAppSimulator
from bot.storage import applicants as repo
from bot.storage import contacts
from bot.storage.applicants import Applicant
from tests.helpers.wa_residents import WaResident

RESIDENT = "6281234567890"


async def applicant_of(r: WaResident) -> Applicant | None:
    assert r.runner.deps is not None
    contact = await contacts.by_wa_id(r.runner.deps.db, r.user.wa_id)
    return None if contact is None else await repo.get(r.runner.deps.db, contact.user_id)


async def test_daftar_batal_and_daftar_again(wa: WhatsAppSimulator, wa_bot: BotRunner) -> None:
    r = WaResident.of(wa, wa_bot, RESIDENT)
    consent = await r.say(" Daftar. ")
    assert consent[-1].titles == ["Setuju", "Tidak setuju"]
    assert not any("Selamat datang" in m.text for m in consent)  # /daftar: the consent only
    await r.press("Setuju")
    paused = await r.say("BATAL")  # at the name question: batal always works
    assert paused[-1].text.startswith("Baik, pengisian kami hentikan dulu.")
    applicant = await applicant_of(r)
    assert applicant is not None and applicant.step is None
    again = await r.say("/daftar")
    assert "Mari kita lanjutkan" in again[-1].text
    assert (await applicant_of(r)).step == "name"  # type: ignore[union-attr]


async def test_a_command_word_is_an_answer_where_a_name_is_asked(
    wa: WhatsAppSimulator, wa_bot: BotRunner
) -> None:
    r = WaResident.of(wa, wa_bot, RESIDENT)
    await r.say("daftar")
    await r.press("Setuju")
    named = await r.say("Data")  # a name, not /data
    assert named[-1].text.startswith("✓ Nama: Data")
    applicant = await applicant_of(r)
    assert applicant is not None and applicant.answers["name"] == "Data"
    offer = await r.say("mulai")  # at the NIK question: no NIK, so told what a NIK is
    assert "NIK" in offer[-1].text
    assert (await applicant_of(r)).step == "nik"  # type: ignore[union-attr]
    resumed = await r.say("/mulai")  # with "/": the command, which offers to go on
    assert resumed[-1].titles == ["Lanjutkan", "Mulai dari awal"]
    await r.say("1")  # the first of the two, typed: continue where they were
    assert (await applicant_of(r)).step == "nik"  # type: ignore[union-attr]
    assert r.last.text.startswith("_2/20_\nKetik *NIK* Anda")


async def test_commands_win_where_a_choice_is_asked(
    wa: WhatsAppSimulator, wa_bot: BotRunner
) -> None:
    r = WaResident.of(wa, wa_bot, RESIDENT)
    await r.say("daftar")
    await r.press("Setuju")
    await r.say("Siti Aminah")
    await r.say("3673055512980001")
    await r.press("✅")
    await r.press("✅")  # at the domicile question: a choice
    changed = await r.say("ubah")
    assert changed[-1].text.startswith("Pendaftaran Anda belum selesai diisi.")
    assert changed[-1].titles[0] == "Kota Serang"  # the question again
    assert (await applicant_of(r)).step == "domicile"  # type: ignore[union-attr]
