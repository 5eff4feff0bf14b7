"""One Telegram resident and one WhatsApp resident registering at the same time on the same
bot: each gets their own conversation, their own row and number, nothing of the other's."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from bot.channels.whatsapp.webhook import WEBHOOK_PATH
from bot.domain.eligibility import DEFAULT_RULES
from bot.runner import BotRunner
from bot.simulator import BotApiSimulator
from bot.simulator_whatsapp import WhatsAppSimulator
from bot.storage import applicants as repo
from bot.storage import contacts
from tests.conftest import RunnerFactory
from tests.e2e.residents import Person, last
from tests.e2e.residents import register as register_on_telegram
from tests.helpers.wa_residents import WaResident
from tests.helpers.wa_residents import register as register_on_whatsapp
from tests.helpers.whatsapp import bot_settings

TELEGRAM_ID = 555_001
WA_ID = "6281377778888"
RINA = Person(name="Rina Wati", nik="3673054506970002", kecamatan="Curug", kelurahan="Cilaku")


async def test_a_telegram_and_a_whatsapp_resident_at_once(
    sim: BotApiSimulator, wa: WhatsAppSimulator, wa_bot: BotRunner
) -> None:
    on_telegram, on_whatsapp = await asyncio.gather(
        register_on_telegram(sim, TELEGRAM_ID, Person()),
        register_on_whatsapp(wa, wa_bot, WA_ID, RINA),
    )
    assert {on_telegram, on_whatsapp} == {"SRG-2026-00001", "SRG-2026-00002"}

    assert wa_bot.deps is not None
    db = wa_bot.deps.db
    siti = await repo.get(db, TELEGRAM_ID)
    contact = await contacts.by_wa_id(db, WA_ID)
    assert siti is not None and contact is not None
    rina = await repo.get(db, contact.user_id)
    assert rina is not None
    assert (siti.channel, siti.reg_no, siti.answers["name"]) == ("telegram", on_telegram,
                                                                 "Siti Aminah")  # fmt: skip
    assert (rina.channel, rina.reg_no, rina.answers["name"]) == ("whatsapp", on_whatsapp,
                                                                 "Rina Wati")  # fmt: skip
    assert rina.answers["kelurahan"] == "cilaku" and siti.answers["kelurahan"] == "karundang"
    assert rina.answers["phone"] == "+6281377778888"
    # Nothing of one reached the other.
    whatsapp_text = "\n".join(m.text for m in wa.user(WA_ID).received)
    telegram_text = "\n".join(m.text for m in sim.user(TELEGRAM_ID).messages)
    assert "Siti Aminah" not in whatsapp_text and on_telegram not in whatsapp_text
    assert "Rina Wati" not in telegram_text and on_whatsapp not in telegram_text
    assert {m.message.to for m in wa.sent.values()} == {WA_ID}  # to no other WhatsApp number


async def test_registered_on_telegram_checks_the_status_on_whatsapp(
    sim: BotApiSimulator, wa: WhatsAppSimulator, wa_bot: BotRunner
) -> None:
    reg_no = await register_on_telegram(sim, TELEGRAM_ID, Person())
    r = WaResident.of(wa, wa_bot, WA_ID)
    shown = await r.say(f"{reg_no} 15-12-1998")  # the first message on WhatsApp
    assert reg_no in shown[-1].text and "Tahap: *Terdaftar*" in shown[-1].text
    assert "Siti Aminah" not in shown[-1].text
    await r.say("daftar")
    await r.press("Setuju")
    await r.say("Siti Aminah")
    told = await r.say(Person().nik)  # the same NIK: named as Telegram's, nothing more
    assert "NIK ini sudah terdaftar melalui Telegram" in told[-1].text
    assert reg_no not in told[-1].text
    assert told[-1].titles[0] == "Bukan saya, lanjut"


async def test_a_place_freed_on_whatsapp_goes_to_the_first_waiting_on_telegram(
    sim: BotApiSimulator, wa: WhatsAppSimulator, make_runner: RunnerFactory
) -> None:
    one_place = replace(DEFAULT_RULES, kota_serang_quota=1, total_quota=10)
    runner = make_runner(**bot_settings(wa), rules=one_place)
    await runner.start()
    try:
        assert runner.http is not None
        wa.webhook_url = runner.http.base_url + WEBHOOK_PATH
        await register_on_whatsapp(wa, runner, WA_ID, RINA)  # holds the one place
        await register_on_telegram(sim, TELEGRAM_ID, Person())
        waiting = sim.user(TELEGRAM_ID).last_message
        assert waiting is not None and "daftar tunggu nomor 1" in waiting.text
        r = WaResident.of(wa, runner, WA_ID)
        await r.say("hapus")
        await r.press("Ya, hapus data saya")
        told = await last(sim.user(TELEGRAM_ID))
        assert "sekarang kami simpan untuk Anda" in told.text
    finally:
        await runner.stop()
