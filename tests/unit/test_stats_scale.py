"""The staff tools over 10,000 synthetic applicants: correct at scale, with timings printed.

Timings are printed (``pytest -s tests/unit/test_stats_scale.py``), never asserted: a busy
machine must not fail the suite. Targets: /statistik under 200 ms, /cari under 50 ms.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest

from bot.clock import FixedClock
from bot.config import Settings
from bot.deps import Deps
from bot.i18n import set_locale
from bot.seed import seed
from bot.services import casework, export, stats
from bot.services.export import ExportFormat
from bot.storage.db import Database
from tests.conftest import NOW

APPLICANTS = 10_000
T = TypeVar("T")


@pytest.fixture(scope="module")
def seeded_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Seeded once for the module (1-2 s); the tests below only read it."""
    path = tmp_path_factory.mktemp("scale") / "scale.sqlite3"

    async def make() -> None:
        db = await Database.open(path)
        await seed(db, APPLICANTS, now=NOW)
        await db.close()

    asyncio.run(make())
    return path


@pytest.fixture
async def deps(seeded_file: Path) -> AsyncIterator[Deps]:
    db = await Database.open(seeded_file)
    settings = Settings(bot_token="1:x", database_path=seeded_file)
    yield Deps(settings=settings, db=db, clock=FixedClock(NOW))
    await db.close()


async def timed(label: str, work: Callable[[], Awaitable[T]], runs: int = 5) -> T:
    """Run ``work`` once to warm up, then ``runs`` times; print the median in ms."""
    result = await work()
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        result = await work()
        times.append((time.perf_counter() - began) * 1000)
    print(f"{label:<40} {sorted(times)[len(times) // 2]:8.1f} ms  (n={APPLICANTS})")
    return result


async def test_figures_at_scale_agree_with_plain_counts(deps: Deps) -> None:
    f = await timed("stats.gather (/statistik)", lambda: stats.gather(deps))
    db = deps.db

    async def count(where: str, params: tuple[Any, ...] = ()) -> int:
        return int(await db.fetchval(f"SELECT COUNT(*) FROM applicants WHERE {where}", params))

    assert f.started == APPLICANTS
    assert f.registered == await count("status = 'submitted'")
    assert sum(n for _k, n in f.by_outcome) == f.registered
    assert sum(n for _k, n in f.by_stage) == f.registered
    assert sum(n for _k, n in f.by_destination) == f.registered
    assert sum(n for _k, n in f.by_kecamatan) == await count(
        "status = 'submitted' AND json_extract(answers, '$.domicile') = 'kota_serang'"
    )
    assert f.kota_serang.used <= f.kota_serang.quota
    assert f.kota_serang.used == await count(
        "status = 'submitted' AND pool = 'kota_serang' AND waitlist_no IS NULL"
    )
    assert f.programme.used == f.kota_serang.used + f.region.used <= 3000
    assert f.programme.waiting == await count("status = 'submitted' AND waitlist_no IS NOT NULL")
    funnel = dict(f.funnel)
    assert funnel["started"] >= funnel["consented"] >= funnel["completed"] == f.registered
    assert sum(n for _d, n in f.per_day) == await count(
        "status = 'submitted' AND date(substr(submitted_at, 1, 19), '+420 minutes') >= ?",
        ("2026-11-15",),
    )


async def test_search_at_scale(deps: Deps) -> None:
    row = await deps.db.fetchone(
        "SELECT reg_no, nik, json_extract(answers, '$.name') AS name FROM applicants"
        " WHERE status = 'submitted' ORDER BY user_id DESC LIMIT 1"
    )
    assert row is not None
    cases = {
        "reg no": row["reg_no"],
        "NIK": row["nik"],
        "name part": str(row["name"]).split()[-1][:5],
        "name, no match": "zzzzq",
    }
    for label, text in cases.items():
        query = casework.parse_query(text)
        assert isinstance(query, casework.Query)

        def search(q: casework.Query = query) -> Awaitable[casework.SearchResult]:
            return casework.search(deps, q)

        result = await timed(f"casework.search by {label} (/cari)", search)
        if label == "name, no match":
            assert result.total == 0
        else:
            assert row["reg_no"] in [a.reg_no for a in result.matches] or result.total > 10


async def test_export_at_scale(deps: Deps) -> None:
    set_locale("id")
    rows = await timed("export.load (all submitted)", lambda: export.load(deps), runs=1)
    for fmt in ExportFormat:
        began = time.perf_counter()
        data = export.build(rows, fmt, deps.settings.timezone, "pendaftar")
        took = (time.perf_counter() - began) * 1000
        print(f"{'export.build ' + fmt.value:<40} {took:8.1f} ms  ({len(data) / 1e6:.1f} MB)")
        assert len(data) > 100 * len(rows)
