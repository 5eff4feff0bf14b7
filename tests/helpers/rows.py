"""Applicants written straight into SQLite, shaped as the bot stores them.

Registering through the bot takes a second per person; many tests need dozens or hundreds,
so they insert rows. tests/e2e/test_staff_data.py registers one through the bot and compares,
so the shape cannot drift.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bot.domain import questionnaire as qn
from bot.services.registration import CONSENT_VERSION
from bot.storage.db import Database


def applicant_row(
    user_id: int,
    *,
    answers: Mapping[str, Any] | None = None,
    outcome: str = "memenuhi_syarat",
    stage: str = "terdaftar",
    status: str = "submitted",
    opted_out: bool = False,
    inactive: bool = False,
    locale: str = "id",
) -> tuple[object, ...]:
    """A row for insert_applicants: a submitted application with these answers."""
    now = "2026-11-28T03:00:00+00:00"
    reg_no = f"SRG-TEST-{user_id}" if status == "submitted" else None
    return (
        user_id, locale, status, json.dumps(dict(answers or {})), reg_no,
        now if status == "submitted" else None, outcome if status == "submitted" else None,
        stage if status == "submitted" else None, int(opted_out), int(inactive), now, now,
    )  # fmt: skip


async def insert_applicants(db: Database, rows: Iterable[tuple[object, ...]]) -> None:
    """Straight into SQLite: hundreds of applicants without going through the interview."""
    await db.write_many(
        "INSERT INTO applicants (user_id, locale, status, answers, reg_no, submitted_at,"
        " outcome, stage, opted_out, inactive, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )


async def seed_applicant(
    db: Database,
    user_id: int,
    reg_no: str,
    *,
    name: str = "Siti Aminah",
    locale: str = "id",
    opted_out: bool = False,
) -> None:
    """A submitted application without walking the interview (the registration tests cover
    that), so the schedule tests stay fast."""
    now = datetime.now(UTC).isoformat(timespec="seconds")
    await db.write(
        "INSERT INTO applicants (user_id, locale, status, answers, reg_no, submitted_at,"
        " outcome, stage, opted_out, created_at, updated_at)"
        " VALUES (?, ?, 'submitted', ?, ?, ?, 'memenuhi_syarat', 'terdaftar', ?, ?, ?)",
        (user_id, locale, json.dumps({"name": name}), reg_no, now, int(opted_out), now, now),
    )


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
    " staff_flags, opted_out, inactive, created_at, updated_at, channel"
)


def _row(s: Seed) -> tuple[Any, ...]:
    answers = s.answers()
    at = s.submitted_at or SUBMITTED
    return (
        s.user_id, s.locale, s.source, s.status, json.dumps(answers, ensure_ascii=False),
        answers["nik"], at, CONSENT_VERSION, s.reg_no, s.submitted_at, s.outcome,
        json.dumps(s.reasons), json.dumps(s.missing), s.pool, s.waitlist_no, s.stage,
        at if s.stage else None, json.dumps(s.staff_flags), int(s.opted_out), int(s.inactive),
        at, at, "whatsapp" if s.user_id < 0 else "telegram",  # as repo.create decides
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
