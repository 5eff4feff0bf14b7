"""The staff web pages as a browser gets them: Ringkasan's figures (the same as /statistik's,
quotas from the rules), the headers every response carries, and no NIK in any address."""

from __future__ import annotations

import re

import httpx

from bot.domain.eligibility import ProgrammeRules
from bot.runner import BotRunner
from bot.simulator import BotApiSimulator
from tests.conftest import ADMIN_ID, STAFF_ID, RunnerFactory
from tests.e2e.residents import say
from tests.helpers.dashboard import ADDRESSES, browser, link_from_bot, logged_in, path_of
from tests.helpers.rows import Seed, insert
from tests.helpers.runner import add_staff, db_of

SEEDS = [
    Seed(5101, "SRG-2026-00001", name="Siti Aminah", nik="3673055512980001"),
    Seed(5102, "SRG-2026-00002", name="Dewi Lestari", nik="3673054507990002"),
    Seed(5103, "SRG-2026-00003", name="Rina Wati", nik="3673056101000003", waitlist_no=1),
    Seed(
        5104,
        "SRG-2026-00004",
        name="Budi Santoso",
        nik="3673041203950004",
        kecamatan="curug",
        kelurahan="tinggar",
        destinations=["korea"],
    ),
    Seed(
        -5105,  # on WhatsApp
        "SRG-2026-00005",
        name="Andi Wijaya",
        nik="1671011203950005",
        domicile="sumatera_selatan",
        kecamatan=None,
        kelurahan=None,
        pool="wilayah",
    ),
]
NIKS = [s.nik for s in SEEDS if s.nik]


def row(html: str, name: str) -> str:
    """The number shown in a chart's row."""
    found = re.search(rf'<th scope="row">{re.escape(name)}</th><td class="num">([^<]+)</td>', html)
    assert found is not None, name
    return found.group(1)


async def test_ringkasan_shows_the_figures_of_statistik(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    await insert(db_of(bot), SEEDS)
    admin = sim.user(ADMIN_ID, first_name="Admin", language_code="id")
    async with logged_in(bot, admin) as client:
        page = (await client.get("/dasbor")).text
    assert "Per Sabtu, 28 November 2026 pukul 10.00 WIB" in page  # the clock's now, in WIB
    assert "3 dari 500 terisi (sisa 497)" in page  # one of the four is waiting
    assert "1 dari 2.500 terisi (sisa 2.499)" in page
    assert "4 dari 3.000 terisi (sisa 2.996)" in page
    assert "Daftar tunggu: 1" in page
    assert row(page, "Cipocok Jaya") == "3" and row(page, "Curug") == "1"
    assert row(page, "Walantaka") == "0"
    assert row(page, "Jepang") == "4" and row(page, "Korea Selatan") == "1"
    assert row(page, "Pengelasan (las)") == "5"
    assert row(page, "27 November 2026") == "5"
    assert row(page, "Telegram") == "4" and row(page, "WhatsApp") == "1"
    assert row(page, "28 November 2026") == "0"

    await say(admin, "/statistik")
    bot_text = "\n".join(m.text for m in admin.chat.messages[-2:])
    for line in ("Cipocok Jaya: 3", "Curug: 1", "Jepang: 4", "Pengelasan (las): 5",
                 "Telegram: 4", "WhatsApp: 1"):  # fmt: skip
        assert line in bot_text, bot_text  # the bot says the same


async def test_quotas_come_from_the_rules_and_numbers_from_the_locale(
    sim: BotApiSimulator, make_runner: RunnerFactory
) -> None:
    runner = make_runner(rules=ProgrammeRules(kota_serang_quota=7, total_quota=4000))
    await runner.start()
    try:
        await insert(db_of(runner), SEEDS)
        await add_staff(runner, STAFF_ID)
        staff = sim.user(STAFF_ID, first_name="Staff", language_code="en")
        await say(staff, "/bahasa")
        await staff.tap("English")
        await staff.wait_idle(quiet=0.1, timeout=10)
        async with logged_in(runner, staff) as client:
            page = (await client.get("/dasbor")).text
        assert "3 of 7 filled (4 left)" in page
        assert "1 of 3,993 filled (3,992 left)" in page
        assert "4 of 4,000 filled (3,996 left)" in page
        assert "As of Saturday, 28 November 2026 at 10.00 WIB" in page
        assert row(page, "Japan") == "4"
    finally:
        await runner.stop()


PAGES = ["/dasbor", "/dasbor/pendaftar", "/dasbor/jadwal", "/dasbor/pengumuman", "/dasbor/audit"]


def assert_secure(response: httpx.Response, *, cacheable: bool = False) -> None:
    h = response.headers
    where = str(response.url)
    policy = h.get("content-security-policy", "")
    for part in ("default-src 'self'", "script-src 'self'", "frame-ancestors 'none'"):
        assert part in policy, (where, policy)
    assert "unsafe-inline" not in policy
    assert h.get("x-content-type-options") == "nosniff", where
    assert h.get("referrer-policy") == "no-referrer", where
    if not cacheable:
        assert h.get("cache-control") == "no-store", where


async def test_every_response_carries_the_security_headers(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    await add_staff(bot, STAFF_ID)
    admin = sim.user(ADMIN_ID, first_name="Admin", language_code="id")
    staff = sim.user(STAFF_ID, first_name="Staf", language_code="id")
    async with browser(bot) as stranger:
        for path in [*PAGES, "/dasbor/masuk", "/dasbor/masuk/" + "x" * 43, "/dasbor/tidak-ada"]:
            assert_secure(await stranger.get(path))
        missing_file = await stranger.get("/dasbor/static/tidak-ada.css")
        wrong_method = await stranger.get("/dasbor/keluar")
        assert (missing_file.status_code, wrong_method.status_code) == (404, 405)
        assert_secure(missing_file, cacheable=True)
        assert_secure(wrong_method)
        used = path_of(await link_from_bot(admin))
        assert_secure(await stranger.get(used))  # the login itself
        assert_secure(await stranger.get(used))  # and the refusal of a used link
    async with logged_in(bot, admin) as client:
        for path in PAGES:
            response = await client.get(path)
            assert response.status_code == 200, path
            assert_secure(response)
        style = await client.get("/dasbor/static/dasbor.css")
        assert style.status_code == 200 and "text/css" in style.headers["content-type"]
        assert_secure(style, cacheable=True)
        script = await client.get("/dasbor/static/htmx.min.js")
        assert script.status_code == 200 and "javascript" in script.headers["content-type"]
        assert_secure(script, cacheable=True)
        assert_secure(await client.post("/dasbor/keluar", data={}))  # refused: no token
    async with logged_in(bot, staff) as client:
        assert_secure(await client.get("/dasbor/audit"))  # refused: not an admin


async def test_no_page_points_to_a_nik_or_another_host_or_runs_inline_script(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    await insert(db_of(bot), SEEDS)
    admin = sim.user(ADMIN_ID, first_name="Admin", language_code="id")
    seen: set[str] = set()
    async with logged_in(bot, admin) as client:
        for path in PAGES:
            html = (await client.get(path)).text
            addresses = ADDRESSES.findall(html)
            assert addresses, path
            seen.update(addresses)
            scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
            assert scripts == [(' src="/dasbor/static/htmx.min.js" defer', "")], path
            assert html.count("<script") == 1 and " style=" not in html, path
            assert re.search(r'\son[a-z]+="', html) is None, path
    for address in seen:
        assert address.startswith(("/dasbor", "#")), address  # nothing from another host
        assert re.search(r"\d{16}", address) is None, address
        assert not any(nik in address for nik in NIKS), address
