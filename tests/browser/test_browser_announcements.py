"""Pengumuman in a real browser, where htmx runs under the pages' Content-Security-Policy: the
recipients' count follows the filters as they are chosen, an announcement sent from the page
reaches the residents in the simulator, and its state updates on the page by itself until it
is done; no reload, and nothing refused by the policy."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import ConsoleMessage, Page, expect

from bot.runner import BotRunner
from bot.simulator import BotApiSimulator
from tests.conftest import ADMIN_ID
from tests.e2e.residents import until
from tests.helpers.broadcasts import seed
from tests.helpers.dashboard import link_from_bot

pytestmark = pytest.mark.asyncio(loop_scope="session")

TAKTAKAN = {"domicile": "kota_serang", "kecamatan": "taktakan", "destinations": ["jepang"]}
CURUG = {"domicile": "kota_serang", "kecamatan": "curug", "destinations": ["korea"]}


async def test_the_count_follows_the_filters_and_the_progress_updates_itself(
    sim: BotApiSimulator, bot: BotRunner, page: Page
) -> None:
    taktakan = await seed(bot, range(9101, 9161), answers=TAKTAKAN)
    curug = await seed(bot, range(9201, 9204), answers=CURUG)
    refused: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        # Not the browser's own /favicon.ico, which the pages have none of.
        if message.type == "error" and "favicon" not in (message.location.get("url") or ""):
            refused.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: refused.append(str(error)))
    admin = sim.user(ADMIN_ID, first_name="Admin", language_code="id")
    await page.goto(await link_from_bot(admin))
    await (
        page.get_by_role("navigation", name="Menu utama")
        .get_by_role("link", name="Pengumuman")
        .click()
    )
    await page.get_by_role("link", name="Tulis pengumuman baru").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Tulis pengumuman")
    # A mark on this very page: gone if anything below reloaded it.
    await page.evaluate("window.samePage = true")

    count = page.locator("#jumlah")
    await expect(count).to_contain_text("Jumlah penerima: 63 orang.")
    await page.get_by_label("Kecamatan", exact=True).select_option(label="Curug")
    await expect(count).to_contain_text("Jumlah penerima: 3 orang.")
    await page.get_by_label("Kecamatan", exact=True).select_option(label="Taktakan")
    await expect(count).to_contain_text("Jumlah penerima: 60 orang.")
    assert await page.evaluate("window.samePage") is True

    await page.get_by_label("Isi pengumuman").fill("Pelatihan las dimulai Senin, 7 Desember.")
    await page.get_by_role("button", name="Lihat pratinjau").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"Pengumuman #\d+"))
    await expect(page.get_by_text("Pelatihan las dimulai Senin, 7 Desember.")).to_be_visible()
    await page.get_by_role("button", name="Kirim sekarang kepada 60 orang").click()
    await expect(page.get_by_role("status").first).to_contain_text("sedang dikirim")
    await page.evaluate("window.samePage = true")

    # The state polls itself: "Selesai" with every figure, without a reload.
    state = page.locator("#keadaan")
    await expect(state.get_by_role("heading")).to_have_text("Keadaan: Selesai")
    await expect(state).to_contain_text("60 / 60")
    assert await page.evaluate("window.samePage") is True
    await expect(state.get_by_role("button", name="Hentikan")).to_have_count(0)

    await until(lambda: all(sim.chat(uid).messages for uid in taktakan), 15)
    assert all(len(sim.chat(uid).messages) == 1 for uid in taktakan)
    assert all(sim.chat(uid).messages == [] for uid in curug)
    assert refused == []
