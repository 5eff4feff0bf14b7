"""Every bad or unusual input on WhatsApp, over real HTTP: wrong NIK, bad dates, typed numbers
and words for a choice, media, voice notes, locations, stickers, reactions, old buttons, a
long list's pages, the phone offer, a minor. Each answer is a clear sentence in the person's
language and the question again."""

from __future__ import annotations

from bot.runner import BotRunner
from bot.simulator_whatsapp import WhatsAppSimulator
from bot.storage import applicants as repo
from bot.storage import contacts
from bot.storage.applicants import Applicant
from tests.e2e.residents import Person
from tests.helpers.wa_residents import WaResident

RESIDENT = "6281234567890"
PERSON = Person()


async def applicant_of(r: WaResident) -> Applicant:
    assert r.runner.deps is not None
    contact = await contacts.by_wa_id(r.runner.deps.db, r.user.wa_id)
    assert contact is not None
    applicant = await repo.get(r.runner.deps.db, contact.user_id)
    assert applicant is not None
    return applicant


async def at_name(wa: WhatsAppSimulator, runner: BotRunner) -> WaResident:
    r = WaResident.of(wa, runner, RESIDENT)
    await r.say("daftar")
    await r.press("Setuju")
    return r


async def at_domicile(wa: WhatsAppSimulator, runner: BotRunner) -> WaResident:
    r = await at_name(wa, runner)
    await r.say(PERSON.name)
    await r.say(PERSON.nik)
    await r.press("✅")
    await r.press("✅")
    return r


async def at_phone(wa: WhatsAppSimulator, runner: BotRunner) -> WaResident:
    r = await at_domicile(wa, runner)
    for label in (PERSON.domicile, "Cipocok Jaya", "Karundang", PERSON.education,
                  PERSON.marital, PERSON.family, PERSON.health, PERSON.health_check):  # fmt: skip
        await r.press(label)
    return r


async def test_a_wrong_nik_and_a_bad_date_keep_the_question(
    wa: WhatsAppSimulator, wa_bot: BotRunner
) -> None:
    r = await at_name(wa, wa_bot)
    await r.say("Siti Aminah")
    wrong = await r.say("12345")
    assert wrong[-1].text.startswith("NIK harus 16 angka.")
    assert (await applicant_of(r)).step == "nik"
    await r.say(PERSON.nik)
    bad = await r.say("31-02-1998")
    assert bad[-1].text.startswith("Tanggal itu tidak ada di kalender.")
    assert bad[-1].titles[0].startswith("✅ 15")  # the NIK's date still one tap away
    assert (await applicant_of(r)).step == "birth_date"
    unreadable = await r.say("kemarin sore")
    assert unreadable[-1].text.startswith("Maaf, tanggal itu belum bisa kami baca.")


async def test_a_typed_number_or_the_words_of_an_option_choose_it(
    wa: WhatsAppSimulator, wa_bot: BotRunner
) -> None:
    r = await at_domicile(wa, wa_bot)
    question = r.last
    assert question.titles[0] == "Kota Serang"
    await r.say("1")  # the first option, as numbered in the list
    assert (await applicant_of(r)).answers["domicile"] == "kota_serang"
    assert r.user.received[-1].text.startswith("✓")  # the answer confirmed above the next question
    await r.say("cipocok jaya.")  # the option's words, in any case, with a full stop
    assert (await applicant_of(r)).answers["kecamatan"] == "cipocok_jaya"
    nonsense = await r.say("99")
    assert nonsense[-1].text.startswith("Silakan pilih jawaban dengan menekan")
    assert (await applicant_of(r)).step == "kelurahan"


async def test_lainnya_pages_to_every_kelurahan_and_numbers_count_across_pages(
    wa: WhatsAppSimulator, wa_bot: BotRunner
) -> None:
    r = await at_domicile(wa, wa_bot)
    await r.press("Kota Serang")
    await r.press("Walantaka")  # 14 kelurahan: more than one list holds
    first = r.last
    assert first.is_list and first.titles[-1] == "Lainnya ›" and len(first.titles) == 10
    assert "Lebakwangi" not in first.titles
    second = (await r.press("Lainnya ›"))[-1]
    assert "Lebakwangi" in second.titles
    assert second.message.payload["footer"]["text"] == "Halaman 2 dari 2"
    await r.press("Lebakwangi", second)
    assert (await applicant_of(r)).answers["kelurahan"] == "lebakwangi"
    # Back, and the 13th kelurahan typed as a number while page 1 is on screen.
    await r.say("/ubah")
    applicant = await applicant_of(r)
    assert applicant.step == "education"  # /ubah before the summary: the question again
    await r.press("Kembali")
    assert (await applicant_of(r)).step == "kelurahan"
    await r.say("13")
    assert (await applicant_of(r)).answers["kelurahan"] == "pipitan"


async def test_media_at_a_choice_voice_at_free_text_location_and_sticker(
    wa: WhatsAppSimulator, wa_bot: BotRunner
) -> None:
    r = await at_name(wa, wa_bot)
    voice = await r.send(r.user.send_voice())
    assert voice[-1].text.startswith("Maaf, untuk pertanyaan ini kami hanya bisa membaca teks.")
    assert "nama lengkap" in voice[-1].text.lower()
    located = await r.send(r.user.send_location(-6.12, 106.15, "Cipocok"))
    assert located[-1].text.startswith("Maaf, untuk pertanyaan ini kami hanya bisa membaca teks.")
    await r.say(PERSON.name)
    await r.say(PERSON.nik)
    await r.press("✅")
    await r.press("✅")
    photo = await r.send(r.user.send_media("image", caption="KTP saya"))
    assert photo[-1].text.startswith("Silakan pilih jawaban dengan menekan")
    assert photo[-1].titles[0] == "Kota Serang"  # the question again, with its choices
    sticker = await r.send(r.user.send_media("sticker"))
    assert sticker[-1].text.startswith("Silakan pilih jawaban")
    contact_card = await r.send(r.user.send_contacts())
    assert contact_card[-1].text.startswith("Silakan pilih jawaban")
    assert (await applicant_of(r)).step == "domicile"


async def test_a_reaction_is_answered_only_while_a_question_waits(
    wa: WhatsAppSimulator, wa_bot: BotRunner
) -> None:
    r = await at_name(wa, wa_bot)
    question = r.last
    answered = await r.send(r.user.send_reaction(question.id, "👍"))
    assert len(answered) == 1 and "Maaf, untuk pertanyaan ini" in answered[0].text
    taken_back = await r.send(r.user.send_reaction(question.id, ""))
    assert taken_back == []
    await r.say("batal")  # nothing asked now
    assert (await applicant_of(r)).step is None
    thanks = await r.send(r.user.send_reaction(r.last.id, "🙏"))
    assert thanks == []


async def test_an_old_button_is_answered_as_outdated_with_the_current_question(
    wa: WhatsAppSimulator, wa_bot: BotRunner
) -> None:
    r = await at_domicile(wa, wa_bot)
    domicile = r.last
    await r.press("Kota Serang")
    old = await r.press("Lampung", domicile)
    assert old[-1].text.startswith("Tombol itu sudah tidak berlaku.")
    assert "Cipocok Jaya" in old[-1].titles  # the kecamatan question, where they are
    assert (await applicant_of(r)).answers["domicile"] == "kota_serang"


async def test_the_phone_number_whatsapp_knows_is_offered(
    wa: WhatsAppSimulator, wa_bot: BotRunner
) -> None:
    r = await at_phone(wa, wa_bot)
    offer = r.last
    assert "Nomor WhatsApp Anda adalah *+62 812-3456-7890*" in offer.text
    assert "Tekan tombol di bawah untuk membagikannya" not in offer.text  # Telegram's words
    assert offer.titles == ["Pakai nomor ini", "Nomor lain"]
    asked = await r.press("Nomor lain")
    assert asked[-1].text == "Silakan ketik nomor HP Anda, contohnya 0812 3456 7890."
    wrong = await r.say("12ab")
    assert wrong[-1].text.startswith("Nomor HP belum benar.")
    assert wrong[-1].titles == ["Pakai nomor ini", "Nomor lain"]  # still offered
    taken = await r.say("0857-1111-2222")
    assert "+6285711112222" in taken[0].text
    assert (await applicant_of(r)).answers["phone"] == "+6285711112222"
    assert (await applicant_of(r)).step == "siapkerja"
    stale = await r.press("Pakai nomor ini", offer)  # the old offer, pressed afterwards
    assert stale[-1].text.startswith("Tombol itu sudah tidak berlaku.")
    assert (await applicant_of(r)).answers["phone"] == "+6285711112222"


async def test_a_foreign_number_is_not_offered(wa: WhatsAppSimulator, wa_bot: BotRunner) -> None:
    r = WaResident.of(wa, wa_bot, "60123456789", "Aminah")  # a Malaysian WhatsApp number
    await r.say("daftar")
    await r.press("Setuju")
    await r.say(PERSON.name)
    await r.say(PERSON.nik)
    await r.press("✅")
    await r.press("✅")
    for label in (PERSON.domicile, "Cipocok Jaya", "Karundang", PERSON.education,
                  PERSON.marital, PERSON.family, PERSON.health, PERSON.health_check):  # fmt: skip
        await r.press(label)
    asked = r.last
    assert asked.choices == () and "Silakan ketik nomor HP Anda" in asked.text
    await r.say("0812 3456 7890")
    assert (await applicant_of(r)).answers["phone"] == "+6281234567890"


async def test_a_minor_is_stopped_and_can_ask_to_be_reminded(
    wa: WhatsAppSimulator, wa_bot: BotRunner
) -> None:
    r = await at_name(wa, wa_bot)
    await r.say("Budi Santoso")
    await r.say("3673051005100001")  # born 10-05-2010: 16 in November 2026
    await r.press("✅")
    stopped = r.last
    assert "harus berusia paling sedikit 18 tahun" in stopped.text
    await r.press("Ingatkan saya")
    applicant = await applicant_of(r)
    assert applicant.status == "minor" and applicant.remind_on is not None
    again = await r.say("daftar")
    assert "18" in again[-1].text


async def test_a_choice_on_a_later_page_keeps_that_page(
    wa: WhatsAppSimulator, wa_bot: BotRunner
) -> None:
    r = await at_phone(wa, wa_bot)
    await r.press("Pakai nomor ini")
    for label in (PERSON.siapkerja, PERSON.passport, PERSON.worked_abroad, "Selesai"):
        await r.press(label)
    page_two = (await r.press("Lainnya ›"))[-1]
    assert "Garmen (menjahit)" in page_two.titles
    toggled = (await r.press("Garmen (menjahit)", page_two))[-1]
    assert "✅ Garmen (menjahit)" in toggled.titles  # page 2 again, with the mark
    assert toggled.message.payload["footer"]["text"] == "Halaman 2 dari 2"
    await r.say("selesai")  # the words of "Selesai ✔" count as pressing it
    assert (await applicant_of(r)).answers["interests"] == ["garmen"]


async def test_lainnya_on_an_old_list_when_nothing_is_asked(
    wa: WhatsAppSimulator, wa_bot: BotRunner
) -> None:
    r = await at_domicile(wa, wa_bot)
    await r.press("Kota Serang")
    await r.press("Walantaka")
    kelurahan = r.last
    paused = await r.say("batal")
    assert "Jawaban Anda tetap tersimpan" in paused[-1].text
    old = await r.press("Lainnya ›", kelurahan)
    assert len(old) == 1 and not old[0].choices  # no list shown for a question not asked
    assert (await applicant_of(r)).step is None


async def test_an_alert_for_a_press_is_a_short_text(
    wa: WhatsAppSimulator, wa_bot: BotRunner
) -> None:
    r = await at_phone(wa, wa_bot)
    await r.press("Pakai nomor ini")
    for label in (PERSON.siapkerja, PERSON.passport, PERSON.worked_abroad, "Selesai"):
        await r.press(label)
    nothing_picked = await r.press("Selesai")  # interests: at least one is needed
    assert len(nothing_picked) == 1 and not nothing_picked[0].choices
    assert nothing_picked[0].text.startswith("Pilih")
    for label in ("Pengelasan (las)", "Listrik", "Otomotif"):
        await r.press(label)
    too_many = await r.press("Pertanian")
    assert len(too_many) == 1 and too_many[0].text.startswith("Paling banyak 3 pilihan")
    assert (await applicant_of(r)).step == "interests"
