"""A bulk stage change for thousands from the staff web page, through the real bot, with figures.

    .venv/bin/python -m scripts.bulk_run [--people 3000] [--rate 28] [--no-flood-limit]
        [--residents 1.0]

A temporary SQLite file gets ``--people`` submitted applicants in Kecamatan Curug (and as
many elsewhere, left alone). The bot runs against the loopback simulator with Telegram's
flood limit on (~30 messages/s overall, 429 past it). A staff member logs in through /dasbor's
link, asks for a preview of "every applicant matching kecamatan=curug" to stage
"terverifikasi", then presses "Kirim / Terapkan" and reloads the result page until it is
done. While the job sends, a resident writes /info every 1/``--residents`` seconds and the
reply time is measured.

Prints: the preview's and the apply's response times, the job's time and people/s, its
counts, 429s seen, and the residents' reply times. Figures only; nothing here asserts a timing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import re
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from bot.clock import SystemClock
from bot.config import Settings
from bot.runner import BotRunner
from bot.simulator import BotApiSimulator
from bot.storage.db import Database
from scripts.broadcast_run import residents_meanwhile

ADMIN_ID = 900_001
FIRST = 5_000_001
LINK = re.compile(r"https?://[^\s]+(/dasbor/masuk/[A-Za-z0-9_-]+)")
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
APPLY = re.compile(r'<form method="post" action="([^"]+)" class="apply">(.*?)</form>', re.S)
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


async def seed(path: Path, people: int) -> None:
    db = await Database.open(path)
    now = "2026-11-28T03:00:00+00:00"
    rows = []
    for i in range(people * 2):
        kecamatan = "curug" if i < people else "taktakan"
        answers = json.dumps({"name": f"Warga {i}", "domicile": "kota_serang",
                              "kecamatan": kecamatan, "siapkerja": "sudah"})  # fmt: skip
        rows.append((FIRST + i, "id", "submitted", answers, f"SRG-2026-{i + 1:05d}", now,
                     "memenuhi_syarat", "terdaftar", now, now))  # fmt: skip
    await db.write_many(
        "INSERT INTO applicants (user_id, locale, status, answers, reg_no, submitted_at,"
        " outcome, stage, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
        rows,
    )
    await db.close()


def ms(seconds: float) -> int:
    return round(seconds * 1000)


async def run(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        db_path = Path(folder) / "bench.sqlite3"
        await seed(db_path, args.people)
        sim = BotApiSimulator(flood_limit=args.flood_limit)
        await sim.start()
        settings = Settings(
            bot_token="123456:BENCH", database_path=db_path, admin_ids=frozenset({ADMIN_ID}),
            broadcast_rate=args.rate, http_port=0,
        )  # fmt: skip
        runner = BotRunner(settings, clock=SystemClock(), base_url=sim.base_url,
                           base_file_url=sim.base_file_url, poll_timeout=1)  # fmt: skip
        await runner.start()
        try:
            assert runner.http is not None and runner.deps is not None
            admin = sim.user(ADMIN_ID, "Admin")
            await admin.send("/dasbor")
            found = LINK.search((await admin.next_message(timeout=30)).text)
            assert found is not None
            async with httpx.AsyncClient(
                base_url=runner.http.base_url, trust_env=False, timeout=120
            ) as client:
                await client.get(found.group(1))
                table = await client.get("/dasbor/pendaftar?kecamatan=curug")
                token = CSRF.search(table.text)
                assert token is not None
                form = {"csrf_token": token.group(1), "lingkup": "semua", "aksi": "tahap",
                        "tahap": "terverifikasi"}  # fmt: skip
                started = time.perf_counter()
                preview = await client.post("/dasbor/pendaftar/massal?kecamatan=curug", data=form)
                preview_s = time.perf_counter() - started
                apply = APPLY.search(preview.text)
                assert apply is not None, preview.text[:500]
                fields: dict[str, list[str]] = {}
                for name, value in HIDDEN.findall(apply.group(2)):
                    fields.setdefault(name, []).append(value)
                before_429 = sim.stats()["429s"]
                started = time.perf_counter()
                response = await client.post(apply.group(1).replace("&amp;", "&"), data=fields)
                apply_s = time.perf_counter() - started
                result_path = response.headers["location"]
                stop = asyncio.Event()
                residents = asyncio.create_task(residents_meanwhile(sim, 1 / args.residents, stop))
                reloads = []
                while True:
                    started = time.perf_counter()
                    result = await client.get(result_path)
                    reloads.append(time.perf_counter() - started)
                    if "Sedang berjalan" not in result.text:
                        break
                    await asyncio.sleep(1)
                job_id = result_path.rsplit("/", 1)[1]
                jobs = runner.deps.bulk
                assert jobs is not None
                job = jobs.get(job_id)
                assert job is not None and job.finished is not None
                job_s = (job.finished - job.started).total_seconds()
                stop.set()
                waits = await residents
        finally:
            await runner.stop()
            await sim.stop()
        counts = {k.value: v for k, v in job.counts().items()}
        return {
            "people": args.people,
            "preview_ms": ms(preview_s),
            "preview_bytes": len(preview.content),
            "apply_response_ms": ms(apply_s),
            "job_seconds": round(job_s, 2),
            "people_per_s": round(job.done / job_s, 2) if job_s else None,
            "counts": counts,
            "result_page_p50_ms": ms(statistics.median(reloads)),
            "429s_seen": sim.stats()["429s"] - before_429,
            "flood_limit": args.flood_limit,
            "rate_setting": args.rate,
            "resident_replies": len(waits),
            "resident_reply_p50_ms": ms(statistics.median(waits)) if waits else None,
            "resident_reply_max_ms": ms(max(waits)) if waits else None,
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.bulk_run", description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    parser.add_argument("--people", type=int, default=3000)
    parser.add_argument("--rate", type=float, default=Settings().broadcast_rate)
    parser.add_argument("--no-flood-limit", dest="flood_limit", action="store_false")
    parser.add_argument("--residents", type=float, default=1.0, help="/info per second")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    figures = asyncio.run(run(args))
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
