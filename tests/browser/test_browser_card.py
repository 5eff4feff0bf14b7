"""Kartu pendaftar in a real browser: from the table to one applicant's card, a stage change
with a note, and the resident told in Telegram as /tahap tells them."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from bot.runner import BotRunner
from bot.simulator import BotApiSimulator
from tests.conftest import STAFF_ID
from tests.helpers.dashboard import link_from_bot
from tests.helpers.rows import Seed, insert
from tests.helpers.runner import add_staff, db_of

pytestmark = pytest.mark.asyncio(loop_scope="session")

SITI = Seed(6601, "SRG-2026-00601", name="Siti Aminah", nik="3673055512980601")
BUDI = Seed(6602, "SRG-2026-00602", name="Budi Santoso", nik="3673041203950602")


async def test_a_stage_changed_on_the_card_reaches_the_resident(
    sim: BotApiSimulator, bot: BotRunner, page: Page
) -> None:
    await add_staff(bot, STAFF_ID)
    await insert(db_of(bot), [SITI, BUDI])
    staff = sim.user(STAFF_ID, first_name="Rina", language_code="id")
    await page.goto(await link_from_bot(staff))
    await page.get_by_role("link", name="Pendaftar", exact=True).click()
    await page.get_by_role("link", name=BUDI.reg_no).click()

    await expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Kartu pendaftar {BUDI.reg_no}"
    )
    await expect(page.get_by_role("main")).to_contain_text("Budi Santoso")
    await page.get_by_label("Tahap baru").select_option(label="Terverifikasi")
    await page.get_by_label("Catatan (tidak wajib)").fill("KTP dan KK sudah dicek")
    await page.get_by_role("button", name="Ubah tahap").click()

    await expect(page.get_by_role("status").first).to_have_text(
        "Tahap sudah diubah, dan warga sudah diberi tahu."
    )
    history = page.get_by_role("region", name="Riwayat tahap")
    await expect(history.get_by_role("row").nth(1)).to_contain_text("Terdaftar")
    await expect(history.get_by_role("row").nth(1)).to_contain_text("Terverifikasi")
    (told,) = sim.chat(BUDI.user_id).messages
    assert "Tahap pendaftaran Anda sekarang: Terverifikasi" in told.text
    assert sim.chat(SITI.user_id).messages == []
    assert BUDI.nik not in page.url and "budi" not in page.url.lower()
