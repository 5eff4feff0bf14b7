"""6. The staff web pages at scale: Pendaftar with a filter, Ringkasan and Ekspor over 10,000
applicants, and residents' replies while a staff member pages through the table and exports.

The database gets synthetic applicants from the seed command; the bot runs in its own process
(its own HTTP server, as deployed); an admin logs in through the link /dasbor sends in the
simulator and uses the pages with httpx over loopback. A page's time is the request sent to
its last byte received: the server's work plus a loopback round trip (well under a
millisecond). Residents register through the simulator as in benchmark 1, once alone and
once while the staff member pages and exports, so the two p95s can be compared.
"""

from __future__ import annotations

import asyncio
import csv
import io
import random
import re
import statistics
import tempfile
import time
import zipfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx

from bot.seed import seed
from bot.simulator import BotApiSimulator
from bot.storage.db import Database
from scripts.bench.harness import (
    BotProcess,
    Timed,
    calibrate,
    interview_script,
    nik_for,
    percentile,
    run_script,
)
from scripts.bench.report import Result

NAME = "6 web"
ADMIN_ID = 900_001
FIRST_RESIDENT = 4_000_000
NIK_OFFSET = 40_000  # nik_for() indices no other benchmark uses
LINK = re.compile(r"https?://[^\s]+(/dasbor/masuk/[A-Za-z0-9_-]+)")
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
COUNT = re.compile(r"([\d.]+) pendaftar cocok")


async def _choose(db: Database, export_rows: int) -> dict[str, Any]:
    """The filters the pages are timed with, from what the seed wrote: the most common
    kecamatan for the table, and "registered until day D" (WIB) whose rows come nearest to
    ``export_rows`` from above for the export."""
    top = await db.fetchone(
        "SELECT json_extract(answers, '$.kecamatan') AS k, COUNT(*) AS n FROM applicants"
        " WHERE status = 'submitted' AND k IS NOT NULL GROUP BY k ORDER BY n DESC LIMIT 1"
    )
    days = await db.fetchall(
        "SELECT date(submitted_at, '+7 hours') AS day, COUNT(*) AS n FROM applicants"
        " WHERE status = 'submitted' GROUP BY day ORDER BY day"
    )
    total = sum(int(r["n"]) for r in days)
    until, rows = "", total
    running = 0
    for r in days:
        running += int(r["n"])
        if running >= export_rows:
            until, rows = str(r["day"]), running
            break
    return {
        "kecamatan": str(top["k"]) if top else "", "kecamatan_rows": int(top["n"]) if top else 0,
        "export_query": f"sampai={until}" if until else "", "export_rows": rows,
        "submitted": total,
    }  # fmt: skip


async def _log_in(sim: BotApiSimulator, base_url: str) -> tuple[httpx.AsyncClient, str]:
    """A browser holding the admin's session, and the session's form token."""
    admin = sim.user(ADMIN_ID, first_name="Admin", language_code="id")
    await admin.send("/dasbor")
    reply = await admin.next_message(timeout=60)
    found = LINK.search(reply.text or "")
    if found is None:
        raise RuntimeError(f"no login link in the /dasbor reply: {reply.text!r}")
    client = httpx.AsyncClient(base_url=base_url, trust_env=False, timeout=120)
    response = await client.get(found.group(1))
    if response.status_code != 303:
        raise RuntimeError(f"login link answered {response.status_code}")
    page = await client.get("/dasbor/pendaftar")
    token = CSRF.search(page.text)
    if token is None:
        raise RuntimeError("no form token on Pendaftar")
    return client, token.group(1)


async def _timed(request: Callable[[], Awaitable[httpx.Response]]) -> tuple[float, httpx.Response]:
    began = time.perf_counter()
    response = await request()
    took = time.perf_counter() - began
    if response.status_code != 200:
        raise RuntimeError(f"{response.request.url.path}: HTTP {response.status_code}")
    return took, response


def rows_in(data: bytes, fmt: str) -> int:
    """Data rows of an exported file (the header row not counted)."""
    if fmt == "csv":
        return len(list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))) - 1
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
    return sheet.count("<row ") - 1


async def _residents(
    sim: BotApiSimulator, count: int, first: int, counts: list[int], rng_seed: int,
    think: tuple[float, float],
) -> list[Timed]:  # fmt: skip
    async def one(i: int) -> Timed:
        # Not all at once: spread over the first two thinking times.
        await asyncio.sleep(random.Random(rng_seed + i).uniform(0, 2 * think[1]))
        user = sim.user(FIRST_RESIDENT + first + i, first_name="Warga")
        return await run_script(
            user, interview_script(nik_for(NIK_OFFSET + first + i)), counts,
            think=think, rng=random.Random(rng_seed * 100_003 + i), timeout=120,
        )  # fmt: skip

    return list(await asyncio.gather(*(one(i) for i in range(count))))


async def run(
    applicants: int = 10_000, export_rows: int = 8_000, repeat: int = 10, residents: int = 20,
    think: tuple[float, float] = (0.3, 1.0),
) -> Result:
    """``think``: a resident's pause between taps, in seconds (the smoke test shortens it:
    it checks counts, never times)."""
    result = Result(NAME)
    times: dict[str, list[float]] = {}
    details: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="bench-web-") as tmp:
        path = Path(tmp) / "web.sqlite3"
        db = await Database.open(path)
        try:
            report = await seed(db, applicants, random_seed=1)
            chosen = await _choose(db, export_rows)
        finally:
            await db.close()
        counts = await calibrate()
        async with BotApiSimulator(flood_limit=False) as sim:
            bot = BotProcess(sim, database=path, admins=[ADMIN_ID], rate_limiter=True)
            ready = await bot.start()
            base_url = ready.get("http")
            if not base_url:
                raise RuntimeError("the bot process did not say where its HTTP server listens")
            client, token = await _log_in(sim, base_url)
            try:
                listing = f"/dasbor/pendaftar?kecamatan={chosen['kecamatan']}"
                deep = f"{listing}&urut=nama&arah=naik&hal=5"
                export_path = "/dasbor/pendaftar/ekspor" + (
                    f"?{chosen['export_query']}" if chosen["export_query"] else ""
                )

                async def measure(label: str, request: Callable[[], Awaitable[httpx.Response]]
                                  ) -> httpx.Response:  # fmt: skip
                    took, response = await _timed(request)
                    times.setdefault(label, []).append(took)
                    return response

                for warm in (listing, "/dasbor"):  # templates compiled, caches filled
                    await client.get(warm)
                for _ in range(repeat):
                    page = await measure("Pendaftar, filtered", lambda: client.get(listing))
                    await measure("Pendaftar, filtered, by name, page 5",
                                  lambda: client.get(deep))  # fmt: skip
                    await measure("Ringkasan", lambda: client.get("/dasbor"))
                shown = COUNT.search(page.text)
                details["listing_total"] = int(shown.group(1).replace(".", "")) if shown else None
                def opening(address: str) -> Callable[[], Awaitable[httpx.Response]]:
                    return lambda: client.get(address)

                def export(fmt: str) -> Callable[[], Awaitable[httpx.Response]]:
                    data = {"csrf_token": token, "format": fmt}
                    return lambda: client.post(export_path, data=data)

                for fmt in ("csv", "xlsx"):
                    for _ in range(max(2, repeat // 3)):
                        response = await measure(f"Ekspor {fmt.upper()}", export(fmt))
                    details[f"{fmt}_rows"] = rows_in(response.content, fmt)
                    details[f"{fmt}_bytes"] = len(response.content)

                alone = await _residents(sim, residents, 0, counts, 1, think)
                staff_requests = {"pages": 0, "exports": 0}
                done = asyncio.Event()

                async def staff_member() -> None:
                    """Pages through the filtered table, exporting every fifth page."""
                    page_no = 0
                    while not done.is_set():
                        page_no = page_no % 20 + 1
                        took, _r = await _timed(opening(f"{listing}&hal={page_no}"))
                        times.setdefault("Pendaftar under residents", []).append(took)
                        staff_requests["pages"] += 1
                        if page_no % 5 == 0:
                            fmt = "xlsx" if page_no % 10 == 0 else "csv"
                            took, _r = await _timed(export(fmt))
                            times.setdefault("Ekspor under residents", []).append(took)
                            staff_requests["exports"] += 1
                        await asyncio.sleep(0.2)  # a person reads a page for longer

                staff_task = asyncio.create_task(staff_member())
                try:
                    loaded = await _residents(sim, residents, residents, counts, 2, think)
                finally:
                    done.set()
                    await staff_task
            finally:
                await client.aclose()
                await bot.stop()

    def add(label: str, target: float | None, shown_target: str) -> None:
        values = times.get(label, [])
        if not values:
            result.add(f"{label} median / max", None, "ms", shown_target)
            return
        median, worst = statistics.median(values), max(values)
        ok = median < target if target is not None else None
        result.add(f"{label} median / max", f"{median * 1000:.0f} / {worst * 1000:.0f}", "ms",
                   shown_target, ok)  # fmt: skip

    result.add("applicants / submitted", f"{applicants:,} / {chosen['submitted']:,}")
    add("Pendaftar, filtered", 0.15, "< 150 ms")
    add("Pendaftar, filtered, by name, page 5", 0.15, "< 150 ms")
    add("Ringkasan", 0.3, "< 300 ms")
    add("Ekspor CSV", 3.0, "< 3 s")
    add("Ekspor XLSX", 3.0, "< 3 s")
    expected = chosen["export_rows"]
    for fmt in ("csv", "xlsx"):
        rows, size = details.get(f"{fmt}_rows"), details.get(f"{fmt}_bytes", 0) / 1024
        result.add(f"{fmt.upper()} rows / size", f"{rows:,} / {size:,.0f} KB", "",
                   f"{expected:,} rows", rows == expected)  # fmt: skip

    def waits(group: list[Timed]) -> list[float]:
        return [w for t in group for w in t.waits]

    completed = sum(1 for t in [*alone, *loaded] if t.failed is None)
    p95_alone, p95_loaded = percentile(waits(alone), 95), percentile(waits(loaded), 95)
    result.add("residents completed", completed, f"/ {2 * residents}", "all",
               completed == 2 * residents)  # fmt: skip
    result.add("residents' reply p50 / p95, alone",
               f"{percentile(waits(alone), 50):.2f} / {p95_alone:.2f}", "s")  # fmt: skip
    result.add("residents' reply p50 / p95, staff paging + exporting",
               f"{percentile(waits(loaded), 50):.2f} / {p95_loaded:.2f}", "s", "p95 < 1 s",
               p95_loaded < 1.0)  # fmt: skip
    result.add("staff pages / exports during it",
               f"{staff_requests['pages']} / {staff_requests['exports']}")
    add("Pendaftar under residents", None, "")
    add("Ekspor under residents", None, "")
    result.notes.append(
        f"table filter kecamatan={chosen['kecamatan']} ({chosen['kecamatan_rows']:,} rows); "
        f"export filter {chosen['export_query'] or '(none)'} ({expected:,} rows); times are "
        "request -> last byte over loopback"
    )
    failures = [t.failed for t in [*alone, *loaded] if t.failed]
    if failures:
        result.notes.append(f"{len(failures)} residents stuck; first: {failures[0]}")
    result.data = {
        "times": times, "details": details, "chosen": chosen, "seed_seconds": report.seconds,
        "completed": completed, "residents": 2 * residents, "p95_alone": p95_alone,
        "p95_loaded": p95_loaded, "staff_requests": staff_requests,
    }  # fmt: skip
    return result
