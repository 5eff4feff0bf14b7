"""Meta refusing every message (an expired token: code 190) reaches the admins as one alert
in Telegram, once per ALERT_EVERY, and says what to check; nothing personal in it."""

from __future__ import annotations

import asyncio

from bot.runner import BotRunner
from bot.simulator import BotApiSimulator
from bot.simulator_whatsapp import WhatsAppSimulator
from tests.conftest import ADMIN_ID
from tests.e2e.residents import until
from tests.helpers.wa_residents import WaResident

RESIDENT = "6281234567890"


async def test_an_expired_whatsapp_token_alerts_the_admins_once(
    sim: BotApiSimulator, wa: WhatsAppSimulator, wa_bot: BotRunner
) -> None:
    admin = sim.user(ADMIN_ID, first_name="Admin", language_code="id")
    r = WaResident.of(wa, wa_bot, RESIDENT)
    wa.inject(190, status=401, count=2)  # Meta: the access token has expired
    assert await r.say("halo") == []  # the welcome was refused: nothing reached the phone

    await until(lambda: any("WhatsApp menolak" in m.text for m in admin.chat.messages))
    alerts = [m.text for m in admin.chat.messages if "WhatsApp menolak" in m.text]
    assert "kode Meta 190" in alerts[0] and "WHATSAPP_TOKEN" in alerts[0]
    assert RESIDENT not in alerts[0] and "halo" not in alerts[0]

    await r.say("halo lagi")  # refused again, within ALERT_EVERY: counted, not sent again
    await asyncio.sleep(0.5)  # an alert sent anyway would be on its way by now
    assert [m.text for m in admin.chat.messages if "WhatsApp menolak" in m.text] == alerts
    welcomed = await r.say("daftar")  # the token works again: the resident is answered
    assert welcomed and "Persetujuan" in welcomed[-1].text
