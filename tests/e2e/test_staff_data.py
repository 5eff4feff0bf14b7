"""Applicants written straight into SQLite for the staff tests, and checks of that helper.

Registering through the bot takes a second per person; the staff tests need dozens (and the
scale figures 10,000), so they insert rows shaped exactly as a submitted registration stores
them. One test below registers through the bot and compares, so the shape cannot drift.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from bot.domain import questionnaire as qn
from bot.runner import BotRunner
from bot.services.registration import CONSENT_VERSION
from bot.simulator import BotApiSimulator
from bot.storage import staff as staff_repo
from bot.storage.db import Database
from tests.e2e.residents import register

SUBMITTED = "2026-11-27T03:00:00+00:00"  # 10:00 WIB the day before the tests' "now"


@dataclass
class Seed:
    user_id: int
    reg_no: str | None
    name: str = "Siti Aminah"
    nik: str | None = None
    locale: str = "id"
    status: str = "submitted"
    domicile: str = "kota_serang"
    kecamatan: str | None = "cipocok_jaya"
    kelurahan: str | None = "karundang"
    interests: list[str] = field(default_factory=lambda: ["las", "listrik"])
    destinations: list[str] = field(default_factory=lambda: ["jepang", "korea"])
    outcome: str | None = "memenuhi_syarat"
    reasons: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    pool: str | None = "kota_serang"
    waitlist_no: int | None = None
    stage: str | None = "terdaftar"
    submitted_at: str | None = SUBMITTED
    staff_flags: list[str] = field(default_factory=list)
    opted_out: bool = False
    inactive: bool = False
    source: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def answers(self) -> dict[str, Any]:
        answers: dict[str, Any] = {
            "name": self.name,
            "nik": self.nik or f"36730{self.user_id % 10**11:011d}",
            "birth_date": "1998-12-15",
            "sex": "P",
            "domicile": self.domicile,
            "education": "smk",
            "marital": "belum_kawin",
            "family_permission": "ya",
            "health": "ya",
            "health_check": "ya",
            "phone": f"+62812{self.user_id % 10**8:08d}",
            "siapkerja": "sudah",
            "passport": "sudah",
            "worked_abroad": "belum",
            "languages": ["inggris"],
            "interests": self.interests,
            "destinations": self.destinations,
        }
        if self.domicile == "kota_serang":
            answers["kecamatan"] = self.kecamatan
            answers["kelurahan"] = self.kelurahan
        answers.update(self.extra)
        return answers


_COLUMNS = (
    "user_id, locale, source, status, answers, nik, consent_at, consent_version, reg_no,"
    " submitted_at, outcome, reasons, missing, pool, waitlist_no, stage, stage_changed_at,"
    " staff_flags, opted_out, inactive, created_at, updated_at"
)


def _row(s: Seed) -> tuple[Any, ...]:
    answers = s.answers()
    at = s.submitted_at or SUBMITTED
    return (
        s.user_id, s.locale, s.source, s.status, json.dumps(answers, ensure_ascii=False),
        answers["nik"], at, CONSENT_VERSION, s.reg_no, s.submitted_at, s.outcome,
        json.dumps(s.reasons), json.dumps(s.missing), s.pool, s.waitlist_no, s.stage,
        at if s.stage else None, json.dumps(s.staff_flags), int(s.opted_out), int(s.inactive),
        at, at,
    )  # fmt: skip


async def insert(db: Database, seeds: list[Seed], *, funnel: bool = True) -> None:
    """The rows, and the funnel steps a submitted registration leaves behind."""
    placeholders = ", ".join("?" for _ in _COLUMNS.split(","))
    await db.write_many(
        f"INSERT INTO applicants ({_COLUMNS}) VALUES ({placeholders})", [_row(s) for s in seeds]
    )
    if not funnel:
        return
    steps: list[tuple[int, str, str]] = []
    for s in seeds:
        answers = s.answers()
        reached = ["started", "consented"] + [f"q:{q.key}" for q in qn.applicable(answers)]
        if s.status == "submitted":
            reached += ["q:summary", "completed"]
        steps += [(s.user_id, step, s.submitted_at or SUBMITTED) for step in reached]
    await db.write_many("INSERT INTO funnel (user_id, step, at) VALUES (?, ?, ?)", steps)


async def add_staff(runner: BotRunner, user_id: int, added_by: int = 1) -> None:
    assert runner.deps is not None
    await staff_repo.add(runner.deps.db, user_id, added_by)


async def test_seeded_rows_look_like_registered_ones(sim: BotApiSimulator, bot: BotRunner) -> None:
    assert bot.deps is not None
    db = bot.deps.db
    await register(sim, 5001)
    await insert(db, [Seed(5002, "SRG-2026-09999")])
    registered = await db.fetchone("SELECT * FROM applicants WHERE user_id = 5001")
    seeded = await db.fetchone("SELECT * FROM applicants WHERE user_id = 5002")
    assert registered is not None and seeded is not None
    # Keys starting with "_" are the interview's own working notes (what the NIK said).
    public = {k for k in json.loads(registered["answers"]) if not k.startswith("_")}
    assert public == set(json.loads(seeded["answers"]))
    for column in ("status", "outcome", "pool", "stage", "consent_version", "locale"):
        assert registered[column] == seeded[column], column
    steps = await db.fetchall("SELECT user_id, step FROM funnel ORDER BY step")
    by_user = {
        uid: sorted(r["step"] for r in steps if r["user_id"] == uid) for uid in (5001, 5002)
    }
    assert by_user[5001] == by_user[5002]
