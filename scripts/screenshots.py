"""`python -m scripts.screenshots [--out docs/screenshots] [--only NAME ...]`: a PNG of each
staff web page, for the README.

The real bot and its HTTP server run against the Bot API simulator over a temporary database
of synthetic applicants (`bot/seed`: generated names and NIKs, never a real person's), with
some staff work done through the bot first (stage changes, schedules, questions) so that the
pages have something to show. An admin opens the link from /dasbor in Debian's headless
Chromium (as the browser tests do, tests/helpers/browser.py), and each page is shot at laptop
width; a few also at phone width. The tests never write here: run this after a change of the
pages' look, and look at the pictures before committing them. Debian's fonts-noto-color-emoji
draws the emoji of the residents' messages (without it they show as empty boxes).
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from pathlib import Path

from playwright.async_api import Browser, Page, ViewportSize, async_playwright

from bot.clock import FixedClock
from bot.config import Settings
from bot.runner import BotRunner
from bot.seed import SEED_USER_ID_BASE, seed
from bot.simulator import BotApiSimulator, SimUser
from bot.storage import staff as staff_repo
from bot.storage.db import Database
from tests.conftest import NOW
from tests.e2e.residents import say, tap, until
from tests.helpers.browser import LAPTOP, PHONE, chromium_path, free_port, launch
from tests.helpers.dashboard import link_from_bot
from tests.helpers.staff_group import GROUP

ROOT = Path(__file__).resolve().parents[1]
REG_NO = re.compile(r"^SRG-\d{4}-\d{5}$")
OUT = ROOT / "docs" / "screenshots"
ADMIN, STAFF = 900_001, 900_002
APPLICANTS = 600
# Monday 30 November 2026, 08.00 WIB: two days after the seeded intake's last day.
MONDAY = NOW + timedelta(days=2, hours=-2)


@dataclass(frozen=True)
class Shot:
    name: str  # the file's name: docs/screenshots/<name>.png (and <name>-hp.png)
    show: Callable[[Page], Awaitable[None]]  # brings the page to what the picture shows
    phone: bool = False  # also at phone width
    # At phone width the page is long: scroll this (a locator's text) to the top first.
    phone_scroll: str | None = None


async def reg_nos(db: Database, count: int, where: str = "1") -> list[str]:
    rows = await db.fetchall(
        f"SELECT reg_no FROM applicants WHERE status = 'submitted' AND {where}"
        " ORDER BY reg_no LIMIT ?",
        (count,),
    )
    return [str(r[0]) for r in rows]


def has_buttons(resident: SimUser) -> bool:
    return any(m.inline_keyboard for m in resident.chat.messages)


async def staff_work(
    sim: BotApiSimulator, runner: BotRunner, admin: SimUser, clock: FixedClock
) -> None:
    """What a morning's staff work leaves: stage changes, interviews booked, two questions
    waiting in the staff group, so the Audit, Jadwal and Pertanyaan pages are not empty."""
    assert runner.deps is not None
    db = runner.deps.db
    await staff_repo.add(db, STAFF, ADMIN)
    eligible = await reg_nos(db, 11, "outcome = 'memenuhi_syarat' AND waitlist_no IS NULL")
    for reg_no in eligible[:3]:
        clock.advance(minutes=7)
        await say(admin, f"/tahap {reg_no} terverifikasi")
    # Interviews on Monday 7 December every 20 minutes from 09.00; some residents answer.
    for slot, reg_no in enumerate(eligible[3:11]):
        clock.advance(minutes=2)
        hour, minute = divmod(9 * 60 + 20 * slot, 60)
        await say(
            admin, f"/jadwalkan {reg_no} wawancara 2026-12-07 {hour:02d}:{minute:02d} BBPVP Serang"
        )
    answers = ("✅ Hadir", "✅ Hadir", "✅ Hadir", "❌ Tidak bisa hadir", "✅ Hadir")
    for reg_no, answer in zip(eligible[3:8], answers, strict=True):
        clock.advance(minutes=3)
        user_id = await db.fetchval("SELECT user_id FROM applicants WHERE reg_no = ?", (reg_no,))
        resident = sim.user(int(user_id))
        await until(partial(has_buttons, resident))
        await resident.tap(answer)
        await resident.wait_idle(quiet=0.2, timeout=10)
        if answer.startswith("❌"):
            await say(resident, "Ada acara keluarga, mohon dijadwalkan ulang")
    questions = (
        "apakah boleh membawa anak balita ke tempat pelatihan",
        "kapan saya bisa mengambil sertifikat pelatihan las",
    )
    askers = await db.fetchall(
        "SELECT user_id, json_extract(answers, '$.name') FROM applicants"
        " WHERE status = 'submitted' AND user_id > ? ORDER BY user_id LIMIT 2",
        (SEED_USER_ID_BASE + 10,),
    )
    for (user_id, name), text in zip(askers, questions, strict=True):
        clock.advance(minutes=11)
        resident = sim.user(int(user_id), str(name).split()[0])
        await say(resident, text)
        await tap(resident, "Tanya petugas")


async def pendaftar_filtered(page: Page) -> None:
    await page.goto("/dasbor/pendaftar")
    await page.get_by_text("Filter", exact=True).click()
    await page.get_by_label("Wilayah", exact=True).select_option(label="Kota Serang")
    await page.get_by_role("button", name="Terapkan").click()
    await page.get_by_role("table").wait_for()


async def card(page: Page) -> None:
    """The card of an applicant staff verified this morning, reached from the table."""
    await page.goto("/dasbor/pendaftar")
    await page.get_by_text("Filter", exact=True).click()
    await page.get_by_label("Tahap", exact=True).select_option(label="Terverifikasi")
    await page.get_by_role("button", name="Terapkan").click()
    await page.get_by_role("table").get_by_role("link", name=REG_NO).first.click()
    await page.get_by_role("heading", name=re.compile("^Kartu pendaftar")).wait_for()


async def bulk_preview(page: Page) -> None:
    """Every applicant of one kecamatan who is still 'Terdaftar', to the interview stage."""
    await page.goto("/dasbor/pendaftar")
    await page.get_by_text("Filter", exact=True).click()
    await page.get_by_label("Kecamatan", exact=True).select_option(label="Curug")
    await page.get_by_label("Tahap", exact=True).select_option(label="Terdaftar")
    await page.get_by_role("button", name="Terapkan").click()
    await page.get_by_text("Ubah tahap atau jadwalkan banyak pendaftar sekaligus").click()
    await page.get_by_label(re.compile("yang cocok dengan filter")).check()
    await page.get_by_label("Tahap baru").select_option(label="Wawancara")
    await page.get_by_label("Catatan (boleh kosong)").fill("Gelombang 1, Curug")
    await page.get_by_role("button", name="Pratinjau perubahan tahap").click()
    await page.get_by_role("button", name="Kirim / Terapkan").wait_for()


ANNOUNCEMENT = (
    "Pemetaan minat untuk warga Kecamatan Curug: Senin, 7 Desember 2026 pukul 08.00 WIB "
    "di BBPVP Serang. Mohon membawa KTP dan KK."
)


async def announcement_compose(page: Page) -> None:
    """An announcement being written, its recipients counted as the filter changes."""
    await page.goto("/dasbor/pengumuman/baru")
    await page.get_by_label("Isi pengumuman").fill(ANNOUNCEMENT)
    await page.get_by_label("Kecamatan", exact=True).select_option(label="Curug")
    count = page.get_by_text(re.compile(r"Jumlah penerima: \d+"))
    await count.wait_for()
    await page.get_by_label("Isi pengumuman").evaluate("e => e.scrollIntoView()")
    await page.get_by_label("Isi pengumuman").blur()


async def announcement_sent(page: Page) -> None:
    """The same announcement previewed, sent and done; then the history."""
    await announcement_compose(page)
    await page.get_by_role("button", name="Lihat pratinjau").click()
    await page.get_by_role("button", name=re.compile("^Kirim sekarang")).click()
    await page.get_by_role("heading", name="Keadaan: Selesai").wait_for()
    await page.goto("/dasbor/pengumuman")


def visit(path: str) -> Callable[[Page], Awaitable[None]]:
    async def go(page: Page) -> None:
        await page.goto(path)

    return go


SHOTS = (
    Shot("ringkasan", visit("/dasbor"), phone=True),
    Shot("pendaftar", pendaftar_filtered, phone=True, phone_scroll="pendaftar cocok."),
    Shot("kartu", card, phone=True),
    Shot("bulk", bulk_preview),
    Shot("jadwal", visit("/dasbor/jadwal?tanggal=2026-12-07")),  # the interviews booked
    Shot("pengumuman", announcement_compose),
    Shot("pengumuman-riwayat", announcement_sent),
    Shot("pertanyaan", visit("/dasbor/pertanyaan")),
    Shot("audit", visit("/dasbor/audit")),
)


async def shoot(
    browser: Browser, base_url: str, link: str, suffix: str, viewport: ViewportSize, out: Path,
    shots: list[Shot],
) -> list[Path]:
    """Log in once at this width, then each page."""
    written = []
    context = await browser.new_context(
        base_url=base_url, viewport=viewport, locale="id-ID", device_scale_factor=1
    )
    try:
        page = await context.new_page()
        await page.goto(link)
        for shot in shots:
            await shot.show(page)
            if suffix and shot.phone_scroll:
                await page.get_by_text(shot.phone_scroll).first.evaluate("e => e.scrollIntoView()")
            heading = await page.get_by_role("heading", level=1).inner_text()
            if heading in ("Tidak diizinkan", "Masuk", "Not allowed", "Log in"):
                raise RuntimeError(f"{shot.name}: the page says {heading!r}, not the page")
            path = out / f"{shot.name}{suffix}.png"
            await page.screenshot(path=str(path), full_page=False)
            written.append(path)
    finally:
        await context.close()
    return written


async def main(out: Path, only: set[str]) -> int:
    executable = chromium_path()
    if executable is None:
        print("chromium not installed: apt-get install chromium", file=sys.stderr)
        return 1
    sim = BotApiSimulator(flood_limit=False)
    await sim.start()
    group = sim.group(GROUP, "Petugas BBPVP Serang", forum=True)
    admin = group.add(sim.user(ADMIN, "Rina", "id"))
    with tempfile.TemporaryDirectory() as folder:
        port = free_port()
        settings = Settings(
            bot_token="1:DEMO", database_path=Path(folder) / "bot.sqlite3",
            admin_ids=frozenset({ADMIN}), http_port=port,
            web_base_url=f"http://127.0.0.1:{port}", staff_group_id=GROUP,
            telegram_rate_limit=100_000,
        )  # fmt: skip
        db = await Database.open(settings.database_path)
        try:
            await seed(db, APPLICANTS, random_seed=7, now=NOW, tz=settings.timezone)
        finally:
            await db.close()
        clock = FixedClock(MONDAY)
        runner = BotRunner(
            settings, clock=clock, base_url=sim.base_url,
            base_file_url=sim.base_file_url, poll_timeout=1,
        )  # fmt: skip
        await runner.start()
        try:
            await staff_work(sim, runner, admin, clock)
            clock.advance(minutes=20)
            async with async_playwright() as playwright:
                browser = await launch(playwright, executable)
                chosen = [shot for shot in SHOTS if not only or shot.name in only]
                for suffix, viewport, shots in (
                    ("", LAPTOP, chosen),
                    ("-hp", PHONE, [shot for shot in chosen if shot.phone]),
                ):
                    if not shots:
                        continue
                    link = await link_from_bot(admin)
                    for path in await shoot(
                        browser, settings.web_base_url, link, suffix, viewport, out, shots
                    ):
                        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
                await browser.close()
        finally:
            await runner.stop()
    await sim.stop()
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--only", nargs="*", default=[], metavar="NAME")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    sys.exit(asyncio.run(main(args.out, set(args.only))))
