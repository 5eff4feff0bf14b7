"""Tiny runs of each benchmark: they complete and their counts are right (never timings)."""

from __future__ import annotations

import json
from pathlib import Path

from scripts.bench import (
    broadcast,
    flood,
    interactive,
    memory,
    network,
    reminders,
    rush,
    staff,
    wabroadcast,
    web,
    whatsapp,
)
from scripts.bench.harness import calibrate, interview_script, machine, nik_for, percentile
from scripts.bench.report import Result, not_available, table, write_json


async def test_calibration_counts_every_step() -> None:
    counts = await calibrate()
    assert len(counts) == len(interview_script(nik_for(0)))
    assert all(c >= 1 for c in counts)  # every step gets an answer
    assert counts[0] == 2  # /start: the welcome and the consent question


async def test_interactive_smoke() -> None:
    result = await interactive.run(residents=2, registrations=1, rounds=2)
    steps = len(interview_script(nik_for(0)))
    real, echo, mirror = (result.data[k] for k in ("real", "echo", "mirror"))
    assert real["completed"] == real["submitted_in_db"] == 2 and real["failed"] == 0
    assert real["updates"] == echo["updates"] == mirror["updates"] == 2 * steps
    assert echo["failed"] == mirror["failed"] == 0
    assert result.row("registrations completed").ok is True
    assert real["messages_per_registration"] >= steps - 1
    assert result.row("real / echo").value is not None
    assert len(result.data["ratios"]) == 2  # one per round
    assert all(r["real"]["completed"] == 2 for r in result.data["rounds"])


async def test_rush_smoke() -> None:
    result = await rush.run(residents=3, window=0.5, think=(0.01, 0.03))
    assert result.data["completed"] == result.data["submitted_in_db"] == 3
    assert result.row("residents completed").ok is True
    assert result.data["messages"] >= 3 * 26


async def test_memory_smoke() -> None:
    result = await memory.run(applicants=50, idle=0.1)
    assert result.data["applicants"] == 50
    assert result.data["seeded_mb"] > 0 and result.data["empty_mb"] > 0


def test_table_and_json(tmp_path: Path) -> None:
    done = Result("x")
    done.add("replies", 12.5, "/s", ">= 10", True)
    missing = not_available("y", "the feature is not in the code yet")
    info = machine()
    text = table([done, missing], info)
    assert f"{info['cores']} cores" in text
    assert "12.5 /s" in text and "not available" in text and "ok" in text
    path = write_json([done, missing], info, tmp_path, "python -m scripts.bench x y")
    payload = json.loads(path.read_text(encoding="utf-8"))
    assert [r["name"] for r in payload["results"]] == ["x", "y"]
    assert payload["results"][1]["available"] is False
    assert (tmp_path / "latest.json").exists()


def test_percentile() -> None:
    assert percentile([], 50) == 0.0
    assert percentile([3.0, 1.0, 2.0], 50) == 2.0
    assert percentile(list(map(float, range(1, 101))), 95) == 95.0


async def test_broadcast_smoke() -> None:
    result = await broadcast.run(recipients=40, askers=2, blocked_share=0.1,
                                 deactivated_share=0.05)  # fmt: skip
    data = result.data
    assert (data["blocked"], data["deactivated"]) == (4, 2)
    assert data["delivered"] == 34 and data["lost"] == 0 and data["duplicates"] == 0
    assert data["status_requests"] >= 2  # every asker was answered at least once


async def test_network_smoke_one_row_per_round_trip() -> None:
    result = await network.run(recipients=20, askers=1, rtts=(0.0, 0.02), jitter_share=0.5,
                               blocked_share=0.1, deactivated_share=0.0)  # fmt: skip
    runs = result.data["runs"]
    assert [r["rtt"] for r in runs] == [0.0, 0.02] and runs[1]["jitter"] == 0.01
    assert all(r["delivered"] == 18 and r["lost"] == r["duplicates"] == 0 for r in runs)
    table = result.notes[0].splitlines()
    assert table[0] == network.HEADER and len(table) == 2 + len(runs)
    assert table[3].startswith("| 20 ± 10 ms | ")
    assert result.row("20 ± 10 ms: lost / duplicates").ok is True


async def test_reminders_smoke() -> None:
    result = await reminders.run(pending=50, burst=5, spread=1.0, lead=5.0, same_moment=False)
    assert result.data["startup"]["pending"]["reminders"]["jobs"] == 50
    late = result.data["lateness"]
    assert late["delivered"] == 5 and late["duplicates"] == 0


async def test_staff_smoke() -> None:
    result = await staff.run(applicants=100, repeat=1, charts=False)
    assert result.row("CSV rows / size").ok is True
    assert result.row("XLSX rows / size").ok is True
    times = result.data["times"]
    assert {"/statistik", "/ekspor csv", "/ekspor xlsx", "/cari by NIK"} <= set(times)


async def test_flood_smoke() -> None:
    result = await flood.run(messages=40, seconds=0.5, askers=1, ask_every=0.25,
                             answer_within=60)  # fmt: skip
    data = result.data
    assert data["asked"] == 2 and data["unanswered"] == 0
    assert data["notices"] == 1  # one "please wait" for the flooder
    assert data["recovery"] is not None  # its last message was answered
    assert data["to_flooder"] < 40  # not one answer per message


async def test_broadcast_smoke_over_a_slow_network() -> None:
    result = await broadcast.run(recipients=40, askers=2, blocked_share=0.1,
                                 deactivated_share=0.05, rtt=0.1, jitter=0.02)  # fmt: skip
    data = result.data
    assert data["delivered"] == 34 and data["lost"] == 0 and data["duplicates"] == 0
    assert data["rate_all"] > 0


async def test_whatsapp_pacing_smoke() -> None:
    result = await whatsapp.run(recipients=30, askers=2, pause=(0.01, 0.05))
    assert result.data["sent"] == 30
    assert result.row("lost").value == 0 and result.row("duplicated").value == 0
    assert result.row("130429 met").value == 0
    assert result.data["replies"] >= 2 and result.data["replies_failed"] == 0


async def test_wabroadcast_smoke() -> None:
    result = await wabroadcast.run(whatsapp=30, telegram=10, askers=2)
    data = result.data
    assert (data["wa_lost"], data["wa_duplicated"], data["wa_429"]) == (0, 0, 0)
    assert (data["tg_lost"], data["tg_duplicated"]) == (0, 0)
    assert data["wa_replies"] >= 1 and data["tg_replies"] >= 1 and data["wa_unanswered"] == 0


async def test_web_smoke() -> None:
    result = await web.run(
        applicants=150, export_rows=100, repeat=1, residents=1, think=(0.02, 0.05)
    )
    data = result.data
    chosen = data["chosen"]
    assert data["details"]["listing_total"] == chosen["kecamatan_rows"] > 0
    assert data["details"]["csv_rows"] == data["details"]["xlsx_rows"] == chosen["export_rows"]
    assert chosen["export_rows"] >= 100
    assert data["completed"] == data["residents"] == 2
    assert data["staff_requests"]["pages"] >= 1
    assert result.row("CSV rows / size").ok is True
