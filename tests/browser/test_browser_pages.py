"""A staff member in a real browser: in through the /dasbor link, the Ringkasan, and the
Pendaftar table filtered by choosing from the form (never by typing an address)."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Page, expect

from bot.runner import BotRunner
from bot.simulator import BotApiSimulator
from tests.conftest import ADMIN_ID, STAFF_ID
from tests.helpers.dashboard import link_from_bot
from tests.helpers.rows import Seed, insert
from tests.helpers.runner import add_staff, db_of

pytestmark = pytest.mark.asyncio(loop_scope="session")

SEEDS = [
    Seed(6301, "SRG-2026-00021", name="Siti Aminah", nik="3673055512980021"),
    Seed(6302, "SRG-2026-00022", name="Budi Santoso", nik="3673041203950022",
         kecamatan="curug", kelurahan="tinggar", stage="wawancara"),
    Seed(6303, "SRG-2026-00023", name="Citra Dewi", nik="3673054506970023", stage="wawancara",
         destinations=["korea"]),
    Seed(6304, "SRG-2026-00024", name="Dewi Lestari", nik="1671014507990024",
         domicile="sumsel", kecamatan=None, kelurahan=None, pool="wilayah"),
]  # fmt: skip


REG_NO = re.compile(r"SRG-\d{4}-\d{5}")


async def table_rows(page: Page) -> list[str]:
    """The registration numbers in the Pendaftar table, top to bottom."""
    rows = page.get_by_role("table").locator("tbody").get_by_role("row")
    return [m.group(0) for m in map(REG_NO.search, await rows.all_inner_texts()) if m]


async def test_the_link_from_dasbor_opens_a_session_on_the_summary(
    sim: BotApiSimulator, bot: BotRunner, page: Page
) -> None:
    await add_staff(bot, STAFF_ID)
    await insert(db_of(bot), SEEDS)
    staff = sim.user(STAFF_ID, first_name="Rina", language_code="id")

    link = await link_from_bot(staff)
    await page.goto(link)

    await expect(page).to_have_url(re.compile(r"/dasbor$"))
    await expect(page.get_by_role("heading", level=1)).to_have_text("Ringkasan")
    menu = page.get_by_role("navigation", name="Menu utama")
    await expect(menu.get_by_role("link", name="Ringkasan")).to_have_attribute(
        "aria-current", "page"
    )
    await expect(menu.get_by_role("button", name="Keluar")).to_be_visible()
    # Three of the four take places in the Kota Serang priority quota, one in the region's.
    quotas = page.get_by_role("region", name="Kuota")
    await expect(quotas).to_contain_text("3 dari 500 terisi")
    # Each chart is a table a screen reader reads, its numbers beside the bars.
    by_kecamatan = page.get_by_role("region", name=re.compile("kecamatan", re.I))
    await expect(by_kecamatan.get_by_role("row", name=re.compile("Cipocok Jaya"))).to_contain_text(
        "2"
    )

    # The link was for one use: opened again in a browser without the session, it lets
    # nobody in.
    await page.context.clear_cookies()
    await page.goto(link)
    await expect(page.get_by_role("heading", level=1)).not_to_have_text("Ringkasan")
    await expect(page.get_by_role("navigation", name="Menu utama")).to_have_count(0)


async def test_staff_filter_the_table_by_choosing_and_the_address_keeps_it(
    sim: BotApiSimulator, bot: BotRunner, page: Page
) -> None:
    await insert(db_of(bot), SEEDS)
    admin = sim.user(ADMIN_ID, first_name="Admin", language_code="id")
    await page.goto(await link_from_bot(admin))

    menu = page.get_by_role("navigation", name="Menu utama")
    await menu.get_by_role("link", name="Pendaftar").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Pendaftar")
    assert await table_rows(page) == [
        "SRG-2026-00024", "SRG-2026-00023", "SRG-2026-00022", "SRG-2026-00021"
    ]  # fmt: skip

    await page.get_by_text("Filter", exact=True).click()  # the folded filter form opens
    await page.get_by_label("Tahap", exact=True).select_option(label="Wawancara")
    await page.get_by_label("Kecamatan", exact=True).select_option(label="Cipocok Jaya")
    await page.get_by_role("button", name="Terapkan").click()

    await expect(page.get_by_role("status").first).to_contain_text("1 pendaftar cocok.")
    assert await table_rows(page) == ["SRG-2026-00023"]
    # The filter is in the address, to share with a colleague, and the form still shows it.
    assert "tahap=wawancara" in page.url and "kecamatan=cipocok_jaya" in page.url
    await expect(page.get_by_label("Tahap", exact=True)).to_have_value("wawancara")

    # A search typed in the box finds within the filter and never reaches the address.
    await page.get_by_role("link", name="Hapus filter").click()
    await page.get_by_label("Cari nama, NIK, atau nomor pendaftaran").fill("Dewi")
    await page.get_by_role("button", name="Cari", exact=True).click()
    await expect(page.get_by_role("status").first).to_contain_text("2")
    assert sorted(await table_rows(page)) == ["SRG-2026-00023", "SRG-2026-00024"]
    assert "dewi" not in page.url.lower()
