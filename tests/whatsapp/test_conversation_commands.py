"""Commands by keyword on WhatsApp (no command menu there), over real HTTP: with or without
"/", in any case; a word that is a command is still an answer where a question waits for a
typed one, unless it came with "/" or is one that always works (batal, menu, bantuan)."""

from __future__ import annotations

from bot.runner import BotRunner
from bot.simulator_whatsapp import WhatsAppSimulator
from bot.storage import applicants as repo
from bot.storage import contacts
from bot.storage.applicants import Applicant
from tests.e2e.residents import ENGLISH
from tests.helpers.wa_residents import WaResident, answer_interview, register

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


async def test_a_command_word_is_the_command_even_where_a_name_is_asked(
    wa: WhatsAppSimulator, wa_bot: BotRunner
) -> None:
    # Seen in the demo: a resident shown the menu at the name question typed "status" and
    # got "✓ Nama: status". No name, NIK, date or phone number is a command word.
    r = WaResident.of(wa, wa_bot, RESIDENT)
    await r.say("daftar")
    await r.press("Setuju")
    menu = await r.say("menu")
    assert "Status pendaftaran" in menu[-1].titles
    status = await r.say("status")
    assert not status[-1].text.startswith("✓ Nama")
    applicant = await applicant_of(r)
    assert applicant is not None and "name" not in applicant.answers
    assert applicant.step == "name"  # the question waits, unanswered
    named = await r.say("Siti Aminah")
    assert named[-1].text.startswith("✓ Nama: Siti Aminah")
    offer = await r.say("mulai")  # at the NIK question: the command, which offers to go on
    assert offer[-1].titles == ["Lanjutkan", "Mulai dari awal"]
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


async def test_menu_and_a_greeting_when_nothing_is_asked(
    wa: WhatsAppSimulator, wa_bot: BotRunner
) -> None:
    r = WaResident.of(wa, wa_bot, RESIDENT)
    first = await r.say("Halo kak")  # someone new: the welcome and consent, as /start
    assert "Selamat datang" in first[0].text
    shown = await r.say("menu")  # at the consent: menu always works
    menu = shown[-1]
    assert menu.text.startswith("Apa yang ingin Anda lakukan?") and menu.is_list
    assert menu.titles[:3] == ["Daftar / lanjutkan", "Status pendaftaran", "Jadwal saya"]
    status = await r.press("Status pendaftaran")  # a row runs its command
    assert status[-1].text.startswith("Anda belum mendaftar.")
    await r.press("Setuju", r.user.received[1])  # the consent, agreed after all
    await r.say("batal")
    greeted = await r.say("Selamat pagi, min")  # nothing asked now: a greeting gets the menu
    assert greeted[-1].text.startswith("Apa yang ingin Anda lakukan?")
    asked = await r.say("halo")
    assert asked[-1].is_list
    await r.say("3")  # the third row of the menu on screen, typed: Jadwal saya
    assert r.last.text.startswith("Anda belum punya jadwal")


async def test_account_words_with_and_without_slash(
    wa: WhatsAppSimulator, wa_bot: BotRunner
) -> None:
    r = WaResident.of(wa, wa_bot, RESIDENT)
    info = await r.say("info")
    assert "Kota Serang" in info[-1].text and "500" in info[-1].text
    helped = await r.say("/BANTUAN")
    assert helped[-1].text.startswith("*Perintah*")
    await r.say("daftar")
    await r.press("Setuju")
    for word in ("Status", "/status"):  # the command at the name question, "/" or not
        status = await r.say(word)
        assert status[-1].text.startswith("Pendaftaran Anda belum selesai.")
    assert (await applicant_of(r)).step == "name"  # type: ignore[union-attr]
    await r.say("Siti Aminah")
    data = await r.say("data")
    assert "*Nama*: Siti Aminah" in data[-1].text


async def test_bahasa_then_a_whole_registration_in_english(
    wa: WhatsAppSimulator, wa_bot: BotRunner
) -> None:
    r = WaResident.of(wa, wa_bot, "6285712345678", "John")
    picked = await r.say("bahasa")
    assert picked[-1].titles == ["🇮🇩 Bahasa Indonesia", "🇬🇧 English"]
    english = await r.press("🇬🇧 English")
    assert english[0].text == "All right, we'll use English from now on."
    assert english[-1].titles == ["I agree", "I do not agree"]
    await r.press("I agree")
    await answer_interview(r, ENGLISH, done="Done")
    done = await r.press("Submit registration")
    assert "Your registration has been submitted" in " ".join(m.text for m in done)
    applicant = await applicant_of(r)
    assert applicant is not None and applicant.locale == "en" and applicant.submitted
    assert applicant.answers["phone"] == "+6285712345678"


async def test_hapus_on_whatsapp_erases_the_row_and_the_number(
    wa: WhatsAppSimulator, wa_bot: BotRunner
) -> None:
    reg_no = await register(wa, wa_bot, RESIDENT)
    assert wa_bot.deps is not None
    db = wa_bot.deps.db
    contact = await contacts.by_wa_id(db, RESIDENT)
    assert contact is not None
    r = WaResident.of(wa, wa_bot, RESIDENT)
    asked = await r.say("hapus")
    assert asked[-1].text.startswith("Apakah Anda yakin ingin menghapus semua data Anda?")
    kept = await r.press("Batal")
    assert await repo.get(db, contact.user_id) is not None and kept[-1].choices == ()
    await r.say("/hapus")
    done = await r.press("Ya, hapus data saya")
    assert done[-1].text.startswith("Data Anda sudah dihapus.")
    assert await repo.get(db, contact.user_id) is None
    assert await contacts.by_wa_id(db, RESIDENT) is None  # the number went with them
    assert await db.fetchval("SELECT COUNT(*) FROM applicants WHERE reg_no = ?", (reg_no,)) == 0
    again = await r.say("halo")  # a stranger again: the welcome, under a new user id
    assert "Selamat datang" in again[0].text
    fresh = await contacts.by_wa_id(db, RESIDENT)
    assert fresh is not None and fresh.user_id != contact.user_id
