"""Synthetic applicants: consistent with the real rules, in their id range, reproducible."""

from __future__ import annotations

import json
import re
import sqlite3
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.__main__ import main
from bot.domain import questionnaire as qn
from bot.domain.eligibility import DEFAULT_RULES, ProgrammeRules, evaluate
from bot.domain.nik import parse_nik
from bot.domain.regions import PROGRAMME_PROVINCES, kecamatan_by_slug, kelurahan_by_slug
from bot.runner import BotRunner
from bot.seed import SEED_USER_ID_BASE, SEED_USER_ID_LIMIT, is_seeded, seed
from bot.services.registration import eligibility_input
from bot.simulator import BotApiSimulator
from bot.storage.db import Database

NOW = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)
COUNT = 600


async def seeded(path: Path, count: int = COUNT, random_seed: int = 7) -> list[dict[str, Any]]:
    db = await Database.open(path)
    try:
        await seed(db, count, random_seed=random_seed, now=NOW)
    finally:
        await db.close()
    return rows(path)


def rows(path: Path, table: str = "applicants") -> list[dict[str, Any]]:
    with sqlite3.connect(path) as conn:
        conn.row_factory = sqlite3.Row
        order = "user_id" if table == "applicants" else "rowid"
        return [dict(r) for r in conn.execute(f"SELECT * FROM {table} ORDER BY {order}")]


@pytest.fixture
async def people(tmp_path: Path) -> list[dict[str, Any]]:
    return await seeded(tmp_path / "seed.sqlite3")


def test_ids_are_consecutive_in_the_documented_range(people: list[dict[str, Any]]) -> None:
    ids = [p["user_id"] for p in people]
    assert ids == list(range(SEED_USER_ID_BASE + 1, SEED_USER_ID_BASE + COUNT + 1))
    assert all(is_seeded(i) for i in ids)
    assert not is_seeded(900_001) and not is_seeded(7_000_000_001)
    assert SEED_USER_ID_LIMIT - SEED_USER_ID_BASE >= 1_000_000


def test_nik_agrees_with_the_answers(people: list[dict[str, Any]]) -> None:
    checked = movers = 0
    for p in people:
        answers = json.loads(p["answers"])
        if "nik" not in answers:
            assert p["nik"] is None
            continue
        # Only a sent registration reserves its NIK (the column); one in progress has it in
        # its answers only.
        assert p["nik"] == (answers["nik"] if p["status"] == "submitted" else None)
        info = parse_nik(answers["nik"], today=NOW.date())
        assert info.birth_date.isoformat() == answers["_nik_birth_date"]
        assert info.sex.value == answers["_nik_sex"]
        if "birth_date" in answers:  # interviews stopped part-way lack the later answers
            assert answers["birth_date"] == info.birth_date.isoformat()
        if "sex" in answers:
            assert answers["sex"] == info.sex.value
        if "kecamatan" not in answers and answers.get("domicile") in (None, "kota_serang"):
            continue
        flags = json.loads(p["staff_flags"])
        domicile = answers["domicile"]
        if domicile == "kota_serang":
            kecamatan = kecamatan_by_slug(answers["kecamatan"])
            assert kecamatan is not None
            if "kelurahan" in answers:
                assert kelurahan_by_slug(answers["kecamatan"], answers["kelurahan"]) is not None
            if info.district_code != kecamatan.code:
                # A resident who moved in: allowed, and flagged for staff when submitted.
                movers += 1
                assert p["status"] != "submitted" or set(flags) & {
                    "nik_outside_kota_serang", "nik_other_kecamatan"}  # fmt: skip
        elif domicile == "other":
            assert info.province_code not in PROGRAMME_PROVINCES
        else:
            assert info.province_code == qn.DOMICILE_PROVINCE[domicile]
            assert info.regency_code != "3673"  # "Banten" means outside Kota Serang
            assert flags == []
        checked += 1
    assert checked > COUNT * 0.7
    assert 0 < movers < checked * 0.1
    niks = [p["nik"] for p in people if p["nik"]]
    assert len(niks) == len(set(niks))


def test_answers_use_the_questionnaire_values(people: list[dict[str, Any]]) -> None:
    interests = {o.value for o in qn.INTERESTS}
    destinations = {o.value for o in qn.DESTINATIONS}
    for p in people:
        answers = json.loads(p["answers"])
        if "interests" in answers:
            assert 1 <= len(answers["interests"]) <= qn.MAX_INTERESTS
            assert set(answers["interests"]) <= interests
        if "destinations" in answers:
            ranked = answers["destinations"]
            assert 1 <= len(ranked) <= qn.MAX_DESTINATIONS == 3
            assert len(set(ranked)) == len(ranked) and set(ranked) <= destinations
        for key, value in answers.items():
            question = qn.BY_KEY.get(key)
            if question is not None and question.kind is qn.Kind.CHOICE:
                assert question.option(answers, value) is not None, (key, value)
    sexes = Counter(json.loads(p["answers"]).get("sex") for p in people)
    assert sexes["L"] > COUNT * 0.3 and sexes["P"] > COUNT * 0.3


def test_statuses_steps_and_verdicts(people: list[dict[str, Any]]) -> None:
    statuses = Counter(p["status"] for p in people)
    assert set(statuses) == {"consent", "interviewing", "minor", "submitted"}
    assert statuses["submitted"] > COUNT * 0.6
    assert sum(p["opted_out"] for p in people) > 0
    for p in people:
        answers = json.loads(p["answers"])
        if p["status"] == "interviewing":
            current = qn.current_question(answers)
            assert p["step"] == (current.key if current else qn.SUMMARY)
            assert p["reg_no"] is None
        elif p["status"] == "submitted":
            assert p["step"] is None and qn.current_question(answers) is None
            day = date.fromisoformat(p["submitted_at"][:10])
            verdict = evaluate(eligibility_input(answers), today=day, rules=DEFAULT_RULES)
            assert p["outcome"] == verdict.outcome.value
            assert json.loads(p["reasons"]) == [r.value for r in verdict.reasons]
        elif p["status"] == "minor":
            assert list(answers) == ["birth_date"] and p["nik"] is None
        else:
            assert answers == {} and p["consent_at"] is None


async def test_numbers_places_and_waiting_list(tmp_path: Path) -> None:
    path = tmp_path / "quota.sqlite3"
    db = await Database.open(path)
    small = ProgrammeRules(kota_serang_quota=20, total_quota=60)
    try:
        await seed(db, 400, random_seed=3, now=NOW, rules=small)
    finally:
        await db.close()
    people = [p for p in rows(path) if p["status"] == "submitted"]
    people.sort(key=lambda p: (p["submitted_at"], p["user_id"]))
    numbers = [p["reg_no"] for p in people]
    assert all(re.fullmatch(r"SRG-\d{4}-\d{5}", n) for n in numbers)
    assert [int(n[-5:]) for n in numbers] == list(range(1, len(numbers) + 1))
    assert rows(path, "reg_counters") == [{"year": 2026, "last": len(numbers)}]
    for pool, quota in (("kota_serang", 20), ("wilayah", 40)):
        members = [p for p in people if p["pool"] == pool]
        holders = [p for p in members if p["waitlist_no"] is None]
        waiting = [p["waitlist_no"] for p in members if p["waitlist_no"] is not None]
        assert len(holders) == quota  # full, so everyone after is on the waiting list
        assert waiting == list(range(1, len(waiting) + 1))  # in order of submission
    for p in people:
        if p["outcome"] == "belum_memenuhi_syarat":
            assert p["pool"] is None


async def test_funnel_rows(tmp_path: Path) -> None:
    people = await seeded(tmp_path / "f.sqlite3", 200)
    steps = Counter(r["step"] for r in rows(tmp_path / "f.sqlite3", "funnel"))
    assert steps["started"] == 200
    assert steps["consented"] == sum(p["consent_at"] is not None for p in people)
    assert steps["completed"] == sum(p["status"] == "submitted" for p in people)
    assert steps["q:name"] >= steps["q:phone"] >= steps["q:summary"] >= steps["completed"]


async def test_same_seed_same_rows_other_seed_other_rows(tmp_path: Path) -> None:
    first = await seeded(tmp_path / "a.sqlite3", 150, random_seed=11)
    again = await seeded(tmp_path / "b.sqlite3", 150, random_seed=11)
    other = await seeded(tmp_path / "c.sqlite3", 150, random_seed=12)
    assert first == again
    assert [p["answers"] for p in first] != [p["answers"] for p in other]


async def test_seeding_again_appends(tmp_path: Path) -> None:
    path = tmp_path / "twice.sqlite3"
    await seeded(path, 100, random_seed=1)
    people = await seeded(path, 100, random_seed=1)
    assert len(people) == 200 and people[-1]["user_id"] == SEED_USER_ID_BASE + 200
    numbers = [p["reg_no"] for p in people if p["reg_no"]]
    assert len(numbers) == len(set(numbers))
    assert rows(path, "reg_counters")[0]["last"] == len(numbers)


def test_the_seed_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "cli.sqlite3"
    args = ["seed", "--applicants", "50", "--database", str(path), "--now", "2026-11-28T03:00"]
    assert main(args) == 0
    assert "50 synthetic applicants" in capsys.readouterr().out
    assert len(rows(path)) == 50
    assert main(["seed", "--applicants", "-1", "--database", str(path)]) == 2


async def test_the_real_bot_reads_seeded_applicants(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    assert bot.deps is not None
    await seed(bot.deps.db, 40, random_seed=5, now=NOW)
    row = await bot.deps.db.fetchone(
        "SELECT user_id, reg_no FROM applicants WHERE status = 'submitted' LIMIT 1"
    )
    assert row is not None
    user = sim.user(row["user_id"], first_name="Seeded")
    await user.send("/status")
    reply = await user.next_message(timeout=10)
    assert row["reg_no"] in reply.text
