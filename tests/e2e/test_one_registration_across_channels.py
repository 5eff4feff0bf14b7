"""One person, one registration across channels (issue 12), on Telegram over HTTP: a NIK
registered via WhatsApp is named as such and nothing more; a registration number with the
birth date shows that registration's status to someone with no registration here; /status
says so."""

from __future__ import annotations

from bot.runner import BotRunner
from bot.simulator import BotApiSimulator
from bot.storage import applicants as repo
from bot.storage import contacts
from tests.conftest import ADMIN_ID, STAFF_ID
from tests.e2e.residents import Person, at_first_question, register, say, tap
from tests.helpers.conversation import Resident, answer_after_nik, register_through
from tests.helpers.runner import add_staff

PERSON = Person()  # NIK 3673055512980001, born 15-12-1998


async def registered_on_whatsapp(bot: BotRunner, person: Person = PERSON) -> str:
    """A WhatsApp resident's whole registration, through the channel-free engine (the
    WhatsApp conversation is wired by another part of issue 12)."""
    assert bot.deps is not None
    contact = await contacts.arrived(bot.deps.db, "6281200000001", at="2026-11-28T03:00:00+00:00")
    return await register_through(Resident(bot.deps, contact.user_id), person)


async def test_a_nik_registered_via_whatsapp_is_named_and_its_status_checked(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    assert bot.deps is not None
    reg_no = await registered_on_whatsapp(bot)
    user = await at_first_question(sim, 7501)
    await say(user, "Orang Lain")
    told = await say(user, PERSON.nik)
    assert "NIK ini sudah terdaftar melalui WhatsApp" in told.text
    assert reg_no not in told.text and PERSON.name not in told.text
    assert "SRG-2026-00012 17-08-1990" in told.text
    assert [b["text"] for row in told.inline_keyboard for b in row] == [
        "Bukan saya, lanjut", "« Kembali",
    ]  # fmt: skip

    status = await say(user, f"{reg_no} 15-12-1998")
    assert "Status pendaftaran Anda" in status.text and reg_no in status.text
    assert "Tahap: Terdaftar" in status.text
    for personal in (PERSON.name, PERSON.nik, "0812", "+62", "Karundang"):
        assert personal not in status.text
    assert not status.inline_keyboard  # no "Tanya petugas" about someone else's registration

    asked = await tap(user, "Bukan saya, lanjut")
    assert "15 Desember 1998" in asked.text  # the NIK taken, the birth date question next
    mine = await repo.get(bot.deps.db, 7501)
    assert mine is not None and mine.answers["nik"] == PERSON.nik and mine.channel == "telegram"


async def test_status_by_number_and_birth_date_for_someone_with_no_registration(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    reg_no = await register(sim, 7511)
    stranger = sim.user(7512, first_name="Warga", language_code="id")
    none = await say(stranger, "/status")
    assert "Anda belum mendaftar" in none.text
    assert "kirim nomor pendaftaran dan tanggal lahir Anda dalam satu pesan" in none.text

    shown = await say(stranger, f"Nomor {reg_no}, lahir 15 Desember 1998")
    assert reg_no in shown.text and "Tahap: Terdaftar" in shown.text
    assert PERSON.name not in shown.text

    wrong = await say(stranger, f"{reg_no} 16-12-1998")
    unknown = await say(stranger, "SRG-2026-00999 15-12-1998")
    assert "tidak menemukan pendaftaran" in wrong.text and wrong.text == unknown.text
    for day in range(1, 4):
        await say(stranger, f"{reg_no} {day:02d}-01-1990")
    refused = await say(stranger, f"{reg_no} 20-01-1990")
    assert "sudah mencoba 5 kali" in refused.text
    assert "sudah mencoba 5 kali" in (await say(stranger, f"{reg_no} 21-01-1990")).text
    # The number they already checked is no new guess.
    assert reg_no in (await say(stranger, f"{reg_no} 15-12-1998")).text
    assert bot.deps is not None
    assert await repo.get(bot.deps.db, 7512) is None  # nothing kept about them but the tags


async def test_a_whatsapp_claim_goes_to_staff_who_see_its_channel(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    """"Bukan saya, lanjut" on WhatsApp for a NIK registered on Telegram: the conflict
    flow, with /konflik naming the WhatsApp party's channel instead of a Telegram link."""
    assert bot.deps is not None
    holder = await register(sim, 7521, Person(name="Orang Lain"))
    contact = await contacts.arrived(bot.deps.db, "6281200000002", at="2026-11-28T03:00:00+00:00")
    wa = Resident(bot.deps, contact.user_id)
    await wa.start()
    await wa.choose("Setuju")
    await wa.say(PERSON.name)
    await wa.say(PERSON.nik)
    await wa.choose("Bukan saya, lanjut")
    await answer_after_nik(wa, PERSON, phone="+6281200000002")
    assert "Data NIK Anda perlu kami periksa dulu" in wa.last.text
    claimant = await wa.applicant()
    assert claimant is not None and claimant.reg_no is not None

    await add_staff(bot, STAFF_ID, ADMIN_ID)
    staff = sim.user(STAFF_ID, first_name="Petugas", language_code="id")
    listing = await say(staff, "/konflik")
    assert f"Pemegang: {holder} · Orang Lain" in listing.text
    assert 'href="tg://user?id=7521"' in listing.html
    assert f"Pengaju: {claimant.reg_no} · Siti Aminah" in listing.text
    assert "akun WhatsApp" in listing.text and f"tg://user?id={contact.user_id}" not in listing.html
