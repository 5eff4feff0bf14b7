"""/bantuan shows staff their own commands, per role; residents see none of them."""

from __future__ import annotations

from bot.runner import BotRunner
from bot.simulator import BotApiSimulator
from tests.conftest import ADMIN_ID, STAFF_ID
from tests.e2e.residents import say
from tests.helpers.runner import add_staff


async def test_help_lists_the_commands_of_each_role(sim: BotApiSimulator, bot: BotRunner) -> None:
    await add_staff(bot, STAFF_ID)

    admin = await say(sim.user(ADMIN_ID, first_name="Admin", language_code="id"), "/bantuan")
    assert "Perintah staf dan admin" in admin.text, admin.text
    for command in ("/cari", "/tahap", "/umumkan", "/statistik", "/ekspor", "/audit"):
        assert command in admin.text, command
    assert "/daftar" in admin.text  # the resident commands stay

    staff = await say(sim.user(STAFF_ID, first_name="Staf", language_code="en"), "/help")
    assert "Staff commands" in staff.text, staff.text
    assert "/cari" in staff.text and "/statistik" in staff.text
    assert "/audit" not in staff.text and "/ekspor" not in staff.text

    resident = await say(sim.user(4501, first_name="Warga", language_code="id"), "/bantuan")
    assert "/daftar" in resident.text
    assert "/cari" not in resident.text and "Perintah staf" not in resident.text
