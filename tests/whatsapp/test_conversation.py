"""The whole conversation on WhatsApp, over real HTTP: the simulator delivers each message to
the running bot's webhook, the bot answers through the Graph API simulator, and the test
reads what reached the resident's phone and what SQLite holds."""

from __future__ import annotations

from bot.deps import Deps
from bot.runner import BotRunner
from bot.simulator_whatsapp import WhatsAppSimulator
from bot.storage import applicants as repo
from bot.storage import contacts
from tests.conftest import RunnerFactory
from tests.e2e.residents import ENGLISH, Person
from tests.helpers.wa_residents import WaResident, answer_interview, register
from tests.helpers.whatsapp import bot_settings

RESIDENT = "6281234567890"


def deps_of(runner: BotRunner) -> Deps:
    assert runner.deps is not None
    return runner.deps


async def test_a_whole_registration_in_indonesian(wa: WhatsAppSimulator, wa_bot: BotRunner) -> None:
    r = WaResident.of(wa, wa_bot, RESIDENT)
    first = await r.say("Halo")  # the first message, whatever it says: welcome and consent
    assert "Selamat datang" in first[0].text
    assert "*Persetujuan penggunaan data pribadi*" in " ".join(m.text for m in first)
    assert [t for t in first[-1].titles] == ["Setuju", "Tidak setuju"]
    agreed = await r.press("Setuju")
    assert "Terima kasih. Mari kita mulai." in agreed[-1].text
    await r.say("Siti Aminah")
    assert r.last.text.startswith("✓ Nama: Siti Aminah")

    person = Person()
    await r.say(person.nik)
    await r.press("✅")
    await r.press("✅")
    await r.press(person.domicile)
    await r.press("Cipocok Jaya")
    await r.press("Karundang")
    for label in (person.education, person.marital, person.family, person.health,
                  person.health_check):  # fmt: skip
        await r.press(label)
    offer = r.last
    assert "+62 812-3456-7890" in offer.text
    assert offer.titles == ["Pakai nomor ini", "Nomor lain"]
    confirmed = await r.press("Pakai nomor ini")
    assert "+6281234567890" in confirmed[0].text
    for label in (person.siapkerja, person.passport, person.worked_abroad):
        await r.press(label)
    await r.press("Inggris")
    assert "Pilihan Anda sejauh ini: Inggris" in r.last.text
    await r.press("Selesai")
    for label in person.interests:
        await r.press(label)
    await r.press("Selesai")
    await r.press("Jepang")
    await r.press("Korea Selatan")
    summary = await r.press("Selesai")
    text = " ".join(m.text for m in summary)
    assert "*Nama*: Siti Aminah" in text
    assert "*Tujuan kerja*: 1. Jepang, 2. Korea Selatan" in text
    done = await r.press("Kirim pendaftaran")
    assert "SRG-2026-00001" in " ".join(m.text for m in done)

    d = deps_of(wa_bot)
    contact = await contacts.by_wa_id(d.db, RESIDENT)
    assert contact is not None and contact.user_id < 0
    applicant = await repo.get(d.db, contact.user_id)
    assert applicant is not None and applicant.submitted and applicant.channel == "whatsapp"
    assert applicant.answers["phone"] == "+6281234567890"
    assert applicant.answers["destinations"] == ["jepang", "korea"]
    assert not applicant.confirmation_owed  # the confirmation reached the phone


async def test_a_whole_registration_in_english(
    wa: WhatsAppSimulator, make_runner: RunnerFactory
) -> None:
    runner = make_runner(**bot_settings(wa), default_locale="en")
    await runner.start()
    try:
        assert runner.http is not None
        wa.webhook_url = runner.http.base_url + "/webhooks/whatsapp"
        r = WaResident.of(wa, runner, "6285712345678", "John")
        first = await r.say("/start")
        assert "Welcome" in first[0].text
        await r.press("I agree")
        await answer_interview(r, ENGLISH, done="Done")
        assert "Summary of your answers" in " ".join(m.text for m in r.user.received[-2:])
        done = await r.press("Submit registration")
        assert "Your registration has been submitted" in " ".join(m.text for m in done)
        d = deps_of(runner)
        contact = await contacts.by_wa_id(d.db, "6285712345678")
        assert contact is not None
        applicant = await repo.get(d.db, contact.user_id)
        assert applicant is not None and applicant.locale == "en" and applicant.submitted
        assert applicant.answers["phone"] == "+6285712345678"
        assert applicant.answers["languages"] == ["inggris", "melayu"]
    finally:
        await runner.stop()


async def test_the_registration_helper_gives_a_number(
    wa: WhatsAppSimulator, wa_bot: BotRunner
) -> None:
    assert await register(wa, wa_bot) == "SRG-2026-00001"
