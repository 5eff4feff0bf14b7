"""Bulk in a real browser: ten applicants ticked in the filtered table, a stage for all of
them previewed and applied, and each resident told in Telegram."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from bot.runner import BotRunner
from bot.simulator import BotApiSimulator
from tests.conftest import STAFF_ID
from tests.e2e.residents import until
from tests.helpers.dashboard import link_from_bot
from tests.helpers.rows import Seed, insert
from tests.helpers.runner import add_staff, db_of

pytestmark = pytest.mark.asyncio(loop_scope="session")

TEN = [
    Seed(6400 + i, f"SRG-2026-{400 + i:05d}", name=f"Warga Curug{i}", kecamatan="curug",
         kelurahan="tinggar", nik=f"367304550199{i:04d}")
    for i in range(1, 11)
]  # fmt: skip
ELSEWHERE = Seed(6411, "SRG-2026-00411", name="Warga Serang", nik="3673015501990011")


async def test_a_stage_for_ten_ticked_rows_reaches_each_resident(
    sim: BotApiSimulator, bot: BotRunner, page: Page
) -> None:
    await add_staff(bot, STAFF_ID)
    await insert(db_of(bot), [*TEN, ELSEWHERE])
    staff = sim.user(STAFF_ID, first_name="Rina", language_code="id")
    await page.goto(await link_from_bot(staff))
    await page.get_by_role("link", name="Pendaftar", exact=True).click()
    await page.get_by_text("Filter", exact=True).click()
    await page.get_by_label("Kecamatan", exact=True).select_option(label="Curug")
    await page.get_by_role("button", name="Terapkan").click()
    await expect(page.get_by_role("status").first).to_contain_text("10 pendaftar cocok.")

    for s in TEN:  # each row's box, found by its label as a screen reader reads it
        await page.get_by_label(f"Pilih {s.reg_no}").check()
    await page.get_by_text("Ubah tahap atau jadwalkan banyak pendaftar sekaligus").click()
    await page.get_by_label("Tahap baru").select_option(label="Wawancara")
    await page.get_by_label("Catatan (boleh kosong)").fill("Gelombang 1")
    await page.get_by_role("button", name="Pratinjau perubahan tahap").click()

    main = page.get_by_role("main")
    await expect(main).to_contain_text("10 pendaftar dipindahkan ke tahap Wawancara.")
    await expect(main).to_contain_text("Tahap pendaftaran Anda sekarang: Wawancara")
    assert all(sim.chat(s.user_id).messages == [] for s in TEN)  # a preview sends nothing

    await page.get_by_role("button", name="Kirim / Terapkan").click()
    await until(lambda: all(sim.chat(s.user_id).messages for s in TEN), within=20)
    await page.reload()
    await expect(main).to_contain_text("10 dari 10 pendaftar sudah diproses.")
    for s in TEN:
        (told,) = sim.chat(s.user_id).messages
        assert "Tahap pendaftaran Anda sekarang: Wawancara" in told.text, s.reg_no
    assert sim.chat(ELSEWHERE.user_id).messages == []
