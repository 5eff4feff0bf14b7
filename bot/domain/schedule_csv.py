"""Reading what staff type or upload to schedule events: kinds, dates, times and CSV lists.

Pure: bytes and text in, rows or problem codes out (the handlers turn codes into catalog
messages). A CSV is checked whole before anything is applied: every bad row is reported
with its line number and reason.

Excel habits accepted: ";" (Indonesian Excel) or "," or tab separators, a UTF-8 BOM,
UTF-16 with a BOM ("Unicode text"), dates as 15/01/2026 or 2026-01-15, times as 09:00,
9.00 or 09:00:00, blank rows and trailing empty columns.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain.reg_no import RegNo
from bot.domain.reminders import KINDS

MAX_ROWS = 10_000
MAX_BYTES = 3_000_000  # 10,000 rows of ~100 characters with room to spare
MAX_PLACE = 200
MAX_NOTE = 300

COLUMNS: tuple[str, ...] = ("reg_no", "kind", "date", "time", "place", "note")
REQUIRED: tuple[str, ...] = ("reg_no", "kind", "date", "time", "place")

# Headers staff may write in Indonesian instead.
_HEADER_ALIASES: dict[str, str] = {
    "reg_no": "reg_no", "regno": "reg_no", "no_reg": "reg_no", "nomor_registrasi": "reg_no",
    "no_registrasi": "reg_no", "nomor_pendaftaran": "reg_no", "no_pendaftaran": "reg_no",
    "kind": "kind", "jenis": "kind", "kegiatan": "kind",
    "date": "date", "tanggal": "date", "tgl": "date",
    "time": "time", "jam": "time", "waktu": "time", "pukul": "time",
    "place": "place", "tempat": "place", "lokasi": "place",
    "note": "note", "catatan": "note", "keterangan": "note",
}  # fmt: skip

_KIND_ALIASES: dict[str, str] = {
    "wawancara": "wawancara", "interview": "wawancara",
    "pemetaan": "pemetaan", "pemetaan minat": "pemetaan", "pemetaan_minat": "pemetaan",
    "mapping": "pemetaan", "interest mapping": "pemetaan",
    "pelatihan": "pelatihan", "training": "pelatihan",
    "keberangkatan": "keberangkatan", "berangkat": "keberangkatan", "departure": "keberangkatan",
}  # fmt: skip
assert set(_KIND_ALIASES.values()) == set(KINDS)

_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DMY_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?$")


class Problem(StrEnum):
    """Why one field or row is wrong; the handler shows ``schedule.err.<value>``."""

    REG_NO_MISSING = "reg_no_missing"
    REG_NO_FORMAT = "reg_no_format"
    REG_NO_UNKNOWN = "reg_no_unknown"  # checked by the service against the database
    KIND_UNKNOWN = "kind_unknown"
    DATE_MISSING = "date_missing"
    DATE_FORMAT = "date_format"
    DATE_INVALID = "date_invalid"  # 2026-02-30, month 13
    TIME_MISSING = "time_missing"
    TIME_FORMAT = "time_format"
    TIME_INVALID = "time_invalid"  # 25:00, 09:75
    PAST = "past"
    PLACE_MISSING = "place_missing"
    PLACE_TOO_LONG = "place_too_long"
    NOTE_TOO_LONG = "note_too_long"
    DUPLICATE = "duplicate"  # the same applicant and kind twice in one file


class FileProblem(StrEnum):
    """Why a whole file cannot be read; the handler shows ``schedule.csv.<value>``."""

    EMPTY = "empty"
    TOO_BIG = "too_big"
    EXCEL = "excel"  # an .xlsx (a zip), not a CSV
    ENCODING = "encoding"
    MISSING_COLUMNS = "missing_columns"
    NO_ROWS = "no_rows"
    TOO_MANY_ROWS = "too_many_rows"
    BAD_CSV = "bad_csv"  # e.g. a quote never closed


class FieldError(ValueError):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.value)
        self.problem = problem


@dataclass(frozen=True)
class RowError:
    line: int
    problem: Problem
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ScheduleRow:
    line: int
    reg_no: str
    kind: str
    starts_at: datetime  # aware, in the programme's time zone
    place: str
    note: str | None


@dataclass
class CsvResult:
    rows: list[ScheduleRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    file_problem: FileProblem | None = None
    file_params: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.file_problem is None and not self.errors


# --- fields ---------------------------------------------------------------------------


def parse_kind(text: str) -> str | None:
    return _KIND_ALIASES.get(" ".join(text.strip().lower().replace("-", " ").split()))


def normalise_reg_no(text: str) -> str:
    return text.strip().upper()


def check_reg_no(text: str) -> str:
    reg_no = normalise_reg_no(text)
    if not reg_no:
        raise FieldError(Problem.REG_NO_MISSING)
    if RegNo.parse(reg_no) is None:
        raise FieldError(Problem.REG_NO_FORMAT)
    return reg_no


def parse_day(text: str) -> date:
    """2026-01-15, 15/01/2026, 15-1-2026 or 15.01.2026 (day first, as in Indonesia)."""
    value = text.strip()
    if not value:
        raise FieldError(Problem.DATE_MISSING)
    if m := _ISO_DATE.fullmatch(value):
        parts = int(m[1]), int(m[2]), int(m[3])
    elif m := _DMY_DATE.fullmatch(value):
        parts = int(m[3]), int(m[2]), int(m[1])
    else:
        raise FieldError(Problem.DATE_FORMAT)
    try:
        return date(*parts)
    except ValueError:
        raise FieldError(Problem.DATE_INVALID) from None


def parse_clock(text: str) -> time:
    """09:00, 9.00 or 09:00:00 (Excel adds seconds), 24-hour."""
    value = text.strip()
    if not value:
        raise FieldError(Problem.TIME_MISSING)
    m = _TIME.fullmatch(value)
    if m is None:
        raise FieldError(Problem.TIME_FORMAT)
    hour, minute, second = int(m[1]), int(m[2]), int(m[3] or 0)
    if hour > 23 or minute > 59 or second > 59:
        raise FieldError(Problem.TIME_INVALID)
    return time(hour, minute)


def event_start(day_text: str, time_text: str, tz: ZoneInfo, now: datetime) -> datetime:
    """The event's start from a date and a time as typed; it must lie in the future."""
    day = parse_day(day_text)
    clock = parse_clock(time_text)
    # Indonesian zones have no DST, so every wall-clock time there exists exactly once.
    starts_at = datetime.combine(day, clock, tzinfo=tz)
    if starts_at <= now:
        raise FieldError(Problem.PAST)
    return starts_at


def check_place(text: str) -> str:
    place = " ".join(text.split())
    if not place:
        raise FieldError(Problem.PLACE_MISSING)
    if len(place) > MAX_PLACE:
        raise FieldError(Problem.PLACE_TOO_LONG)
    return place


def check_note(text: str) -> str | None:
    note = " ".join(text.split())
    if len(note) > MAX_NOTE:
        raise FieldError(Problem.NOTE_TOO_LONG)
    return note or None


# --- files ----------------------------------------------------------------------------


def decode(data: bytes) -> str | None:
    """The text of an upload: UTF-8 (with or without BOM) or UTF-16 with a BOM; else None."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def _separator(header_line: str) -> str:
    counts = {sep: header_line.count(sep) for sep in (";", ",", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def _header_columns(cells: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        key = "_".join(cell.strip().strip('"').lower().split())
        name = _HEADER_ALIASES.get(key)
        if name is not None and name not in found:
            found[name] = index
    return found


def template_csv() -> bytes:
    """The empty list staff fill in: ";" because Excel in Indonesian settings splits on it,
    with a BOM so Excel reads it as UTF-8."""
    return ("\ufeff" + ";".join(COLUMNS) + "\r\n").encode("utf-8")


def parse_schedule_csv(data: bytes, tz: ZoneInfo, now: datetime) -> CsvResult:
    """Read and check every row; the result holds either good rows or every problem."""
    result = CsvResult()
    if not data.strip(b"\xef\xbb\xbf\r\n\t ;,"):
        result.file_problem = FileProblem.EMPTY
        return result
    if len(data) > MAX_BYTES:
        result.file_problem = FileProblem.TOO_BIG
        result.file_params = {"max_rows": MAX_ROWS}
        return result
    if data.startswith(b"PK\x03\x04"):
        result.file_problem = FileProblem.EXCEL
        return result
    text = decode(data)
    if text is None or "\x00" in text:
        result.file_problem = FileProblem.ENCODING
        return result

    lines = text.splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip(" \t;,")), None)
    if first is None:
        result.file_problem = FileProblem.EMPTY
        return result
    separator = _separator(lines[first])
    skipped = 0  # lines dropped before the header, so line numbers stay those of the file
    if lines[first].strip().lower().startswith("sep=") and len(lines[first].strip()) == 5:
        # Excel's own hint line ("sep=;"): honour it and read on from the next line.
        separator = lines[first].strip()[4]
        text = "\n".join(lines[first + 1 :])
        skipped = first + 1
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True)
    try:
        records = [(reader.line_num + skipped, row) for row in reader]
    except csv.Error:
        result.file_problem = FileProblem.BAD_CSV
        result.file_params = {"line": reader.line_num + skipped}
        return result

    records = [(line, row) for line, row in records if any(cell.strip() for cell in row)]
    if not records:
        result.file_problem = FileProblem.EMPTY
        return result
    _header_line, header = records[0]
    columns = _header_columns(header)
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        result.file_problem = FileProblem.MISSING_COLUMNS
        result.file_params = {"missing": ", ".join(missing), "expected": ", ".join(COLUMNS)}
        return result
    body = records[1:]
    if not body:
        result.file_problem = FileProblem.NO_ROWS
        return result
    if len(body) > MAX_ROWS:
        result.file_problem = FileProblem.TOO_MANY_ROWS
        result.file_params = {"rows": len(body), "max_rows": MAX_ROWS}
        return result

    seen: dict[tuple[str, str], int] = {}
    for line, cells in body:
        row, error = _check_row(line, cells, columns, tz, now)
        if error is not None:
            result.errors.append(error)
            continue
        assert row is not None
        key = (row.reg_no, row.kind)
        if key in seen:
            result.errors.append(RowError(line, Problem.DUPLICATE, {"other": seen[key]}))
            continue
        seen[key] = line
        result.rows.append(row)
    return result


def _check_row(
    line: int, cells: list[str], columns: dict[str, int], tz: ZoneInfo, now: datetime
) -> tuple[ScheduleRow | None, RowError | None]:
    def cell(name: str) -> str:
        index = columns.get(name)
        return cells[index] if index is not None and index < len(cells) else ""

    try:
        reg_no = check_reg_no(cell("reg_no"))
        kind = parse_kind(cell("kind"))
        if kind is None:
            return None, RowError(line, Problem.KIND_UNKNOWN, {"kind": cell("kind").strip()})
        day_text, time_text = cell("date").strip(), cell("time").strip()
        if not time_text and " " in day_text:  # "15/01/2026 09:00" in the date column
            day_text, time_text = day_text.split(None, 1)
        starts_at = event_start(day_text, time_text, tz, now)
        place = check_place(cell("place"))
        note = check_note(cell("note"))
    except FieldError as exc:
        return None, RowError(line, exc.problem)
    return ScheduleRow(line, reg_no, kind, starts_at, place, note), None
