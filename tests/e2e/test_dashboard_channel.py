"""Kartu pendaftar says which channel a registration came from (issue 12), and shows no
Telegram id for a WhatsApp resident, whose user id is the bot's own."""

from __future__ import annotations

from bot.runner import BotRunner
from bot.simulator import BotApiSimulator
from tests.conftest import ADMIN_ID
from tests.helpers.dashboard import logged_in
from tests.helpers.rows import Seed, insert
from tests.helpers.runner import db_of

SEEDS = [
    Seed(6301, "SRG-2026-00021", name="Siti Aminah", nik="3673055512980021"),
    Seed(-6302, "SRG-2026-00022", name="Rina Wati", nik="3673056101000022"),  # WhatsApp
]


def fact(html: str, label: str) -> str:
    start = html.index(f"<dt>{label}</dt><dd>") + len(f"<dt>{label}</dt><dd>")
    return html[start : html.index("</dd>", start)]


async def test_the_card_names_the_channel(sim: BotApiSimulator, bot: BotRunner) -> None:
    await insert(db_of(bot), SEEDS)
    admin = sim.user(ADMIN_ID, first_name="Admin", language_code="id")
    async with logged_in(bot, admin) as client:
        telegram = (await client.get("/dasbor/pendaftar/SRG-2026-00021")).text
        whatsapp = (await client.get("/dasbor/pendaftar/SRG-2026-00022")).text
    assert fact(telegram, "Kanal") == "Telegram"
    assert '<th scope="row">ID Telegram</th><td>6301</td>' in telegram
    assert fact(whatsapp, "Kanal") == "WhatsApp"
    assert "ID Telegram" not in whatsapp and "-6302" not in whatsapp
