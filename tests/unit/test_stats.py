"""Pure parts of the staff tools: figures arithmetic, search parsing, menus, catalogs."""

from __future__ import annotations

from datetime import date

import pytest

from bot.app import FEATURES
from bot.channels.telegram import menus
from bot.domain import questionnaire as qn
from bot.domain.eligibility import Missing, Outcome, Reason
from bot.domain.stages import STAGES
from bot.feature import StaffCommand
from bot.i18n import load_catalog
from bot.services import casework, stats
from bot.services.casework import Query, QueryKind, QueryProblem
from bot.services.export import COLUMNS, defuse, local_time
from bot.services.roles import Role, parse_user_id
from bot.services.stats import UNKNOWN
from handlers.staff import chunks, parse_count

STAFF_COMMANDS = tuple(c for f in FEATURES for c in f.staff_commands)


def test_ordered_keeps_the_given_order_then_others_then_unknown() -> None:
    counts = {"korea": 2, "jepang": 5, "mars": 1, "venus": 3, UNKNOWN: 4}
    assert stats.ordered(counts, ["jepang", "taiwan", "korea"], keep_zero=True) == [
        ("jepang", 5), ("taiwan", 0), ("korea", 2), ("venus", 3), ("mars", 1), (UNKNOWN, 4),
    ]  # fmt: skip
    assert stats.ordered(counts, ["jepang", "taiwan", "korea"], keep_zero=False)[:2] == [
        ("jepang", 5), ("korea", 2),
    ]  # fmt: skip
    assert stats.ordered({}, ["a"], keep_zero=False) == []


def test_funnel_follows_the_interview_and_keeps_unknown_steps() -> None:
    rows = stats.funnel({"started": 10, "consented": 8, "q:name": 8, "completed": 3, "x": 1})
    steps = [step for step, _n in rows]
    assert steps[:3] == ["started", "consented", "q:name"]
    assert steps[2 : 2 + len(qn.QUESTIONS)] == [f"q:{q.key}" for q in qn.QUESTIONS]
    assert steps[-3:] == ["q:summary", "completed", "x"]
    assert dict(rows)["q:nik"] == 0  # a step nobody reached is shown as 0, not left out


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([("started", 8), ("consented", 6), ("completed", 2)],
         [("started", 8, 100.0), ("consented", 6, 75.0), ("completed", 2, 25.0)]),
        ([("started", 0), ("completed", 0)], [("started", 0, 0.0), ("completed", 0, 0.0)]),
        ([], []),
    ],
)  # fmt: skip
def test_drop_off_is_a_share_of_those_who_started(
    rows: list[tuple[str, int]], expected: list[tuple[str, int, float]]
) -> None:
    assert stats.drop_off(rows) == expected


def test_per_day_fills_the_window_with_zeros() -> None:
    days = stats.per_day({"2026-11-28": 4, "2026-11-20": 1, "2026-11-01": 9}, date(2026, 11, 28))
    assert len(days) == stats.DAYS_SHOWN == 14
    assert days[0] == (date(2026, 11, 15), 0)
    assert days[-1] == (date(2026, 11, 28), 4)
    assert dict(days)[date(2026, 11, 20)] == 1
    assert sum(n for _d, n in days) == 5  # 1 November is outside the window


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SRG-2026-00012", Query(QueryKind.REG_NO, "SRG-2026-00012")),
        (" srg-2026-00012 ", Query(QueryKind.REG_NO, "SRG-2026-00012")),
        ("12", Query(QueryKind.REG_SUFFIX, "00012")),
        ("00012", Query(QueryKind.REG_SUFFIX, "00012")),
        ("3673055512980001", Query(QueryKind.NIK, "3673055512980001")),
        ("3673 0555 1298 0001", Query(QueryKind.NIK, "3673055512980001")),
        ("3673.0555.1298.0001", Query(QueryKind.NIK, "3673055512980001")),
        ("Siti  Aminah", Query(QueryKind.NAME, "Siti Aminah")),
        ("Nur", Query(QueryKind.NAME, "Nur")),
        ("", QueryProblem.EMPTY),
        ("   ", QueryProblem.EMPTY),
        ("ab", QueryProblem.TOO_SHORT),
        ("123456", QueryProblem.DIGITS),
        ("36730555129800011", QueryProblem.DIGITS),
        ("x" * 101, QueryProblem.TOO_LONG),
    ],
)
def test_parse_query(text: str, expected: Query | QueryProblem) -> None:
    assert casework.parse_query(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("123456789", 123456789),
        (" 42 ", 42),
        ("0", None),
        ("-5", None),
        ("12a", None),
        ("", None),
        ("4503599627370496", None),  # 2**52
        ("4503599627370495", 4503599627370495),
    ],
)
def test_parse_user_id(text: str, expected: int | None) -> None:
    assert parse_user_id(text) == expected


@pytest.mark.parametrize(
    ("args", "expected"),
    [([], 20), (["5"], 5), (["100"], 100), (["101"], None), (["0"], None), (["x"], None),
     (["1", "2"], None)],
)  # fmt: skip
def test_parse_audit_count(args: list[str], expected: int | None) -> None:
    assert parse_count(args) == expected


def test_chunks_never_split_a_line_and_stay_under_the_limit() -> None:
    lines = [f"<b>{i}</b> " + "x" * 90 for i in range(100)]
    messages = chunks(lines, limit=1000)
    assert all(len(m) <= 1000 for m in messages)
    assert "\n".join(messages).split("\n") == lines
    assert chunks([]) == []
    assert chunks(["y" * 50], limit=10) == ["y" * 9 + "…"]


def test_staff_menus_by_role_and_language() -> None:
    staff = [c.command for c in menus.staff_menu(STAFF_COMMANDS, Role.STAFF, "id")]
    admin = [c.command for c in menus.staff_menu(STAFF_COMMANDS, Role.ADMIN, "en")]
    assert staff[:3] == ["cari", "tahap", "catatan"]
    assert "audit" not in staff and "ekspor" not in staff
    assert {"audit", "ekspor", "umumkan", "jadwalkan", "statistik"} <= set(admin)
    # What every staff member may use comes first; the admins' own tools after it.
    assert admin.index("ekspor") > admin.index("jadwalkan")
    assert "start" in staff and len(staff) == len(set(staff))
    english = {c.command: c.description for c in menus.staff_menu(STAFF_COMMANDS, Role.ADMIN, "en")}
    assert english["ekspor"] == "Export applicant data (admin)"
    assert all(
        1 <= len(c.description) <= 256 for c in menus.staff_menu(STAFF_COMMANDS, Role.ADMIN, "id")
    )


def test_a_features_staff_commands_reach_the_roles_that_may_use_them() -> None:
    extra = (StaffCommand("uji", "staffcmd.cari", Role.ADMIN),)
    admin = [c.command for c in menus.staff_menu(STAFF_COMMANDS + extra, Role.ADMIN, "id")]
    staff = [c.command for c in menus.staff_menu(STAFF_COMMANDS + extra, Role.STAFF, "id")]
    assert admin.count("uji") == 1
    assert "uji" not in staff
    assert "uji" not in [c.command for c in menus.staff_menu(STAFF_COMMANDS, Role.ADMIN, "id")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("=HYPERLINK(1)", "'=HYPERLINK(1)"), ("+62", "'+62"), ("-1", "'-1"), ("@x", "'@x"),
     ("Siti", "Siti"), ("", "")],
)  # fmt: skip
def test_typed_text_cannot_become_a_spreadsheet_formula(text: str, expected: str) -> None:
    assert defuse(text) == expected


def test_export_times_are_local() -> None:
    from zoneinfo import ZoneInfo

    tz = ZoneInfo("Asia/Jakarta")
    assert local_time("2026-11-27T18:30:00+00:00", tz) == "2026-11-28 01:30"
    assert local_time(None, tz) == ""


def keys_built_by_the_staff_tools() -> set[str]:
    """Catalog keys the staff tools compose at run time (f"card.reason.{code}")."""
    keys = {f"card.outcome.{o.value}" for o in Outcome}
    keys |= {f"card.reason.{r.value}" for r in Reason}
    keys |= {f"card.missing.{m.value}" for m in Missing}
    keys |= {f"card.pool.{p}" for p in ("kota_serang", "wilayah")}
    keys |= {f"card.status.{s}" for s in ("consent", "declined", "interviewing", "minor",
                                          "submitted")}  # fmt: skip
    keys |= {f"flag.{f}" for f in ("nik_outside_kota_serang", "nik_other_kecamatan",
                                   "nik_other_province", "birth_date_differs_from_nik",
                                   "sex_differs_from_nik")}  # fmt: skip
    keys |= {f"cari.{p.value}" for p in QueryProblem}
    keys |= {f"audit.action.{a}" for a in ("role", "lookup", "stage", "note", "export", "stats")}
    keys |= {f"stats.funnel.{s}" for s in ("started", "consented", "completed")}
    keys |= {f"export.col.{c.key}" for c in COLUMNS if not c.header}
    keys |= {c.header for c in COLUMNS if c.header}
    keys |= {c.description for c in STAFF_COMMANDS}
    keys |= {f"stage.{s}" for s in STAGES} | {f"stage.{s}.next" for s in STAGES}
    return keys


@pytest.mark.parametrize("locale", ["id", "en"])
def test_every_composed_staff_key_is_translated(locale: str) -> None:
    catalog = load_catalog(locale)
    assert sorted(k for k in keys_built_by_the_staff_tools() if k not in catalog.singular) == []


def test_the_staff_flags_the_registration_raises_all_have_texts() -> None:
    from bot.services.registration import staff_flags

    raised = set(staff_flags({"nik": "3601010101900001", "domicile": "kota_serang"}))
    raised |= set(staff_flags({"nik": "3673010101900001", "domicile": "kota_serang",
                               "kecamatan": "kasemen"}))  # fmt: skip
    raised |= set(staff_flags({"nik": "3201010101900001", "domicile": "lampung",
                               "_birth_date_differs": True, "_sex_differs": True}))  # fmt: skip
    catalog = load_catalog("id")
    assert raised and all(f"flag.{flag}" in catalog.singular for flag in raised)
