"""Schedule lists as staff make them in Excel: separators, BOM, dates, bad rows with lines."""

from __future__ import annotations

import time as _time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain.schedule_csv import (
    MAX_ROWS,
    FieldError,
    FileProblem,
    Problem,
    event_start,
    parse_clock,
    parse_day,
    parse_kind,
    parse_schedule_csv,
    template_csv,
)

WIB = ZoneInfo("Asia/Jakarta")
NOW = datetime(2026, 11, 28, 10, 0, tzinfo=WIB)
HEADER = "reg_no;kind;date;time;place;note"


def test_a_good_file_from_indonesian_excel() -> None:
    text = (
        "\ufeff" + HEADER + "\r\n"
        "SRG-2026-00001;wawancara;15/01/2027;09:00;BBPVP Serang, Gedung A;Bawa KTP\r\n"
        "srg-2026-00002;Pemetaan Minat;2027-01-16;13.30:00;BBPVP Serang;\r\n"
        ";;;;;\r\n"  # a blank row, as Excel writes it
        "\r\n"
        "SRG-2026-00003;pelatihan;16-1-2027 08:00;;Bengkel Las;\r\n"  # date and time in one cell
    )
    result = parse_schedule_csv(text.encode("utf-8"), WIB, NOW)
    assert result.ok, result.errors
    assert [(r.line, r.reg_no, r.kind) for r in result.rows] == [
        (2, "SRG-2026-00001", "wawancara"),
        (3, "SRG-2026-00002", "pemetaan"),
        (6, "SRG-2026-00003", "pelatihan"),
    ]
    first = result.rows[0]
    assert first.starts_at == datetime(2027, 1, 15, 9, 0, tzinfo=WIB)
    assert first.place == "BBPVP Serang, Gedung A" and first.note == "Bawa KTP"
    assert result.rows[1].note is None
    assert result.rows[1].starts_at == datetime(2027, 1, 16, 13, 30, tzinfo=WIB)


@pytest.mark.parametrize(
    "text",
    [
        # Commas, with the comma inside a quoted place.
        "reg_no,kind,date,time,place,note\n"
        'SRG-2026-00001,wawancara,2027-01-15,09:00,"BBPVP, Serang",\n',
        # Tabs.
        "reg_no\tkind\tdate\ttime\tplace\nSRG-2026-00001\twawancara\t15/01/2027\t09:00\tBBPVP\n",
        # Excel's "sep=;" first line and Indonesian headers in another order.
        "sep=;\ntempat;tanggal;jam;jenis;no_reg\nBBPVP;15.01.2027;9.00;interview;SRG-2026-00001\n",
    ],
)
def test_separators_and_headers(text: str) -> None:
    result = parse_schedule_csv(text.encode("utf-8"), WIB, NOW)
    assert result.ok, result.errors
    assert [(r.reg_no, r.kind) for r in result.rows] == [("SRG-2026-00001", "wawancara")]
    assert result.rows[0].starts_at == datetime(2027, 1, 15, 9, 0, tzinfo=WIB)


def test_utf16_with_bom_is_read() -> None:
    text = HEADER + "\r\nSRG-2026-00001;wawancara;15/01/2027;09:00;Aula Ké;\r\n"
    result = parse_schedule_csv(text.encode("utf-16"), WIB, NOW)
    assert result.ok and result.rows[0].place == "Aula Ké"


def test_every_bad_row_is_reported_with_its_line_and_nothing_is_kept() -> None:
    text = "\n".join(
        [
            HEADER,
            "SRG-2026-00001;wawancara;15/01/2027;09:00;BBPVP;",  # line 2: good
            "SRG-2026-00002;rapat;15/01/2027;09:00;BBPVP;",  # 3: unknown kind
            "SRG-2026-00003;wawancara;30/02/2027;09:00;BBPVP;",  # 4: no such date
            "SRG-2026-00004;wawancara;15/01/2027;25:00;BBPVP;",  # 5: no such time
            "SRG-2026-00005;wawancara;01/01/2020;09:00;BBPVP;",  # 6: past
            "SRG-2026-00006;wawancara;15/01/2027;09:00;;",  # 7: no place
            "",  # 8: blank, skipped
            "SRG-2026-00001;wawancara;16/01/2027;10:00;BBPVP;",  # 9: same person and kind as 2
            "12345;wawancara;15/01/2027;09:00;BBPVP;",  # 10: not a registration number
            "SRG-2026-00007;wawancara;January 15;09:00;BBPVP;",  # 11: unreadable date
            "SRG-2026-00008;wawancara;15/01/2027;sembilan;BBPVP;",  # 12: unreadable time
            ";wawancara;15/01/2027;09:00;BBPVP;",  # 13: no registration number
        ]
    )
    result = parse_schedule_csv(text.encode("utf-8"), WIB, NOW)
    assert not result.ok
    assert [(e.line, e.problem) for e in result.errors] == [
        (3, Problem.KIND_UNKNOWN),
        (4, Problem.DATE_INVALID),
        (5, Problem.TIME_INVALID),
        (6, Problem.PAST),
        (7, Problem.PLACE_MISSING),
        (9, Problem.DUPLICATE),
        (10, Problem.REG_NO_FORMAT),
        (11, Problem.DATE_FORMAT),
        (12, Problem.TIME_FORMAT),
        (13, Problem.REG_NO_MISSING),
    ]
    assert result.errors[0].params == {"kind": "rapat"}
    assert result.errors[5].params == {"other": 2}


# Excel's "CSV (Comma delimited)" on Windows: ANSI, not UTF-8.
CP1252 = "reg_no;kind;date;time;place\nSRG-2026-00001;wawancara;15/01/2027;09:00;Aula Ké\n".encode(
    "cp1252"
)
UNCLOSED_QUOTE = HEADER.encode() + b'\nSRG-2026-00001;wawancara;15/01/2027;09:00;"BBPVP;\n'


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", FileProblem.EMPTY),
        (b"\xef\xbb\xbf\r\n;;;\r\n", FileProblem.EMPTY),
        (b"PK\x03\x04\x14\x00\x06\x00 excel", FileProblem.EXCEL),
        (CP1252, FileProblem.ENCODING),
        (b"reg_no;kind;date\nSRG-2026-00001;wawancara;15/01/2027\n", FileProblem.MISSING_COLUMNS),
        (b"nama,alamat\nSiti,Serang\n", FileProblem.MISSING_COLUMNS),
        (HEADER.encode() + b"\n\n;;\n", FileProblem.NO_ROWS),
        (UNCLOSED_QUOTE, FileProblem.BAD_CSV),
    ],
)
def test_file_problems(data: bytes, problem: FileProblem) -> None:
    result = parse_schedule_csv(data, WIB, NOW)
    assert result.file_problem is problem
    assert not result.rows and not result.ok


def test_missing_columns_are_named() -> None:
    result = parse_schedule_csv(b"reg_no;kind;date\nx;y;z\n", WIB, NOW)
    assert result.file_params["missing"] == "time, place"


def _rows(count: int) -> bytes:
    lines = [HEADER] + [
        f"SRG-2026-{n:05d};wawancara;15/01/2027;09:00;BBPVP Serang;" for n in range(1, count + 1)
    ]
    return "\n".join(lines).encode("utf-8")


def test_ten_thousand_rows_are_checked_quickly() -> None:
    started = _time.perf_counter()
    result = parse_schedule_csv(_rows(MAX_ROWS), WIB, NOW)
    elapsed = _time.perf_counter() - started
    assert result.ok and len(result.rows) == MAX_ROWS
    print(f"checked {MAX_ROWS} rows in {elapsed:.3f}s")  # a figure, not an assertion


def test_more_than_ten_thousand_rows_are_refused() -> None:
    result = parse_schedule_csv(_rows(MAX_ROWS + 1), WIB, NOW)
    assert result.file_problem is FileProblem.TOO_MANY_ROWS
    assert result.file_params == {"rows": MAX_ROWS + 1, "max_rows": MAX_ROWS}


def test_template_is_a_header_excel_reads() -> None:
    data = template_csv()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").strip() == HEADER
    assert parse_schedule_csv(data, WIB, NOW).file_problem is FileProblem.NO_ROWS


@pytest.mark.parametrize(
    ("text", "kind"),
    [("wawancara", "wawancara"), ("Interview", "wawancara"), ("pemetaan-minat", "pemetaan"),
     ("PELATIHAN", "pelatihan"), ("departure", "keberangkatan"), ("rapat", None), ("", None)],
)  # fmt: skip
def test_kinds(text: str, kind: str | None) -> None:
    assert parse_kind(text) == kind


@pytest.mark.parametrize(
    ("day", "clock", "problem"),
    [
        ("2027-01-15", "25:00", Problem.TIME_INVALID),
        ("2027-01-15", "09:60", Problem.TIME_INVALID),
        ("2027-13-01", "09:00", Problem.DATE_INVALID),
        ("29/02/2027", "09:00", Problem.DATE_INVALID),
        ("15-01-27", "09:00", Problem.DATE_FORMAT),
        ("2026-11-28", "09:59", Problem.PAST),
        ("2026-11-28", "10:00", Problem.PAST),
        ("besok", "09:00", Problem.DATE_FORMAT),
        ("2027-01-15", "9", Problem.TIME_FORMAT),
    ],
)
def test_impossible_or_past_dates_and_times(day: str, clock: str, problem: Problem) -> None:
    with pytest.raises(FieldError) as info:
        event_start(day, clock, WIB, NOW)
    assert info.value.problem is problem


def test_dates_and_times_parse() -> None:
    assert parse_day("29/02/2028").isoformat() == "2028-02-29"
    assert parse_clock("7.05").strftime("%H:%M") == "07:05"
    assert event_start("2026-11-28", "10:01", WIB, NOW) == datetime(2026, 11, 28, 10, 1, tzinfo=WIB)


@pytest.mark.parametrize("locale", ["id", "en"])
def test_every_problem_has_a_message(locale: str) -> None:
    from bot.i18n import load_catalog

    catalog = load_catalog(locale)
    keys = [f"schedule.err.{p.value}" for p in Problem]
    keys += [f"schedule.csv.{p.value}" for p in FileProblem]
    assert [k for k in keys if k not in catalog.singular] == []
