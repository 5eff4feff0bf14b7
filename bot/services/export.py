"""/ekspor: the applicant list as CSV (UTF-8 with BOM) or XLSX, built in memory.

One row per submitted application with every answer, the verdict, stage, dates, source and
consent. Values are written in the admin's language; times in the programme's time zone.
Nothing is written to disk: the file exists only in memory until Telegram has it (the XLSX
too: bot/services/xlsx.py, since openpyxl goes through a temporary file).
"""

from __future__ import annotations

import asyncio
import csv
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

import aiosqlite

from bot.deps import Deps
from bot.domain import questionnaire as qn
from bot.i18n import _
from bot.services import xlsx
from bot.services.roles import AuditDetail, audit
from bot.storage import applicants as repo
from bot.storage.applicants import Applicant


class ExportFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


MIME_TYPES = {
    ExportFormat.CSV: "text/csv",
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

# Spreadsheets run text that starts with these as a formula (CSV injection): free text that a
# resident typed is written with a leading apostrophe instead, as OWASP advises.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def defuse(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text


class Code(str):
    """Digits that name something (a NIK, a phone number), never a number to count with.

    Excel reads "+6281234567890" in a CSV as a number (6.28E+12) and a 16-digit NIK as
    3.67E+15, its last digit lost; the XLSX keeps them as text anyway."""

    __slots__ = ()


_CODE = re.compile(r"\+?[0-9]+")


def csv_cell(value: Any) -> Any:
    """A value as Excel should show it from a CSV: a Code as a text formula, ="+62...".

    Only a Code of digits (with a leading +) is written so: anything else in it is defused
    like typed text, so no formula ever holds what a resident typed."""
    if isinstance(value, Code):
        return f'="{value}"' if _CODE.fullmatch(value) else defuse(str(value))
    return value


def local_time(value: str | None, tz: ZoneInfo) -> str:
    """A stored ISO time as "2026-11-28 10:00" in the programme's zone (sortable in Excel)."""
    if not value:
        return ""
    moment = datetime.fromisoformat(value)
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def _label(key: str) -> str:
    """A catalog text, or the code itself when the catalog has none (values added later)."""
    text = _(key)
    return key.rsplit(".", 1)[-1] if text == key else text


def answer_value(question: qn.Question, answers: qn.Answers) -> str:
    """An answer as plain text (not HTML): labels for choices, ISO for dates."""
    value = answers.get(question.key)
    if value is None:
        return ""
    labels = {
        o.value: (_(o.label) if o.translate else o.label) for o in question.options_given(answers)
    }
    if question.kind is qn.Kind.CHOICE:
        return labels.get(str(value), str(value))
    if question.kind in (qn.Kind.MULTI, qn.Kind.RANKED):
        return ", ".join(labels.get(str(v), str(v)) for v in value)
    if question.kind is qn.Kind.TEXT:
        return defuse(str(value))
    if question.kind in (qn.Kind.PHONE, qn.Kind.NIK):
        return Code(value)
    return str(value)


@dataclass(frozen=True)
class Column:
    key: str  # stable name, also the header's catalog key export.col.<key>
    value: Callable[[Applicant, ZoneInfo], Any]
    header: str = ""  # catalog key when not export.col.<key>


def _question_column(question: qn.Question) -> Column:
    return Column(
        question.key,
        lambda a, tz: answer_value(question, a.answers),
        header=question.label,
    )


def _yes_no(flag: bool) -> str:
    return _("export.yes") if flag else _("export.no")


COLUMNS: tuple[Column, ...] = (
    Column("reg_no", lambda a, tz: a.reg_no or ""),
    # A WhatsApp resident has no Telegram id (their user id is the bot's own, negative one).
    Column("telegram_id", lambda a, tz: a.user_id if a.channel == "telegram" else ""),
    Column("channel", lambda a, tz: _label(f"channel.{a.channel}"), header="channel.label"),
    Column("submitted_at", lambda a, tz: local_time(a.submitted_at, tz)),
    Column("outcome", lambda a, tz: _label(f"card.outcome.{a.outcome}") if a.outcome else ""),
    Column("reasons", lambda a, tz: ", ".join(_label(f"card.reason.{r}") for r in a.reasons)),
    Column("missing", lambda a, tz: ", ".join(_label(f"card.missing.{m}") for m in a.missing)),
    Column("pool", lambda a, tz: _label(f"card.pool.{a.pool}") if a.pool else ""),
    Column("waitlist_no", lambda a, tz: a.waitlist_no if a.waitlist_no is not None else ""),
    Column("stage", lambda a, tz: _label(f"stage.{a.stage}") if a.stage else ""),
    Column("stage_changed_at", lambda a, tz: local_time(a.stage_changed_at, tz)),
    *(_question_column(q) for q in qn.QUESTIONS),
    Column("staff_flags", lambda a, tz: ", ".join(_label(f"flag.{f}") for f in a.staff_flags)),
    Column("source", lambda a, tz: defuse(a.source or "")),
    Column("locale", lambda a, tz: _label(f"language.{a.locale}")),
    Column("consent_at", lambda a, tz: local_time(a.consent_at, tz)),
    Column("consent_version", lambda a, tz: a.consent_version or ""),
    Column("opted_out", lambda a, tz: _yes_no(a.opted_out)),
    Column("inactive", lambda a, tz: _yes_no(a.inactive)),
    Column("created_at", lambda a, tz: local_time(a.created_at, tz)),
)


def headers() -> list[str]:
    return [_(c.header) if c.header else _(f"export.col.{c.key}") for c in COLUMNS]


def table(applicants: Sequence[Applicant], tz: ZoneInfo) -> list[list[Any]]:
    return [[column.value(a, tz) for column in COLUMNS] for a in applicants]


def to_csv(head: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    """RFC 4180 CSV; the BOM makes Excel read it as UTF-8 (else "Â" garbles Indonesian text)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(head)
    writer.writerows([csv_cell(value) for value in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(head: Sequence[str], rows: Sequence[Sequence[Any]], title: str) -> bytes:
    return xlsx.workbook(head, rows, title)


@dataclass(frozen=True)
class ExportFile:
    filename: str
    data: bytes
    mime_type: str
    rows: int


# Only submitted applications are exported; the filter (a WHERE fragment over applicants)
# narrows them further.
_SELECT = "SELECT * FROM applicants WHERE status = 'submitted'"


async def load(
    d: Deps, where: str = "", params: Sequence[Any] = (), order: str = "reg_no"
) -> list[aiosqlite.Row]:
    """The raw rows: decoding 10,000 JSON answers is left to build(), off the event loop.
    ``order`` is an ORDER BY from code (the web table's sort), never from the request."""
    sql = _SELECT + (f" AND ({where})" if where else "") + f" ORDER BY {order}"
    return await d.db.fetchall(sql, params)


def build(rows: Sequence[aiosqlite.Row], fmt: ExportFormat, tz: ZoneInfo, title: str) -> bytes:
    # The same decoding as every other read of an applicant row.
    applicants = [repo.from_row(row) for row in rows]
    head = headers()
    cells = table(applicants, tz)
    return to_csv(head, cells) if fmt is ExportFormat.CSV else to_xlsx(head, cells, title)


async def export(
    d: Deps,
    actor_id: int,
    fmt: ExportFormat,
    *,
    where: str = "",
    params: Sequence[Any] = (),
    filter_text: str = "",
    order: str = "reg_no",
    scope: AuditDetail | None = None,
) -> ExportFile:
    """``scope``: what else narrowed the rows (the web table's pool, dates, a search), for
    the audit entry beside the filter; codes and days only, never what was typed."""
    rows = await load(d, where, params, order)
    now = d.clock.now().astimezone(d.settings.timezone)
    stem = f"pendaftar-{now:%Y%m%d-%H%M}"
    # Rendering 10,000 rows takes a moment: off the event loop, so residents keep getting
    # answers. to_thread copies the context, so _() keeps the admin's language.
    data = await asyncio.to_thread(build, rows, fmt, d.settings.timezone, stem)
    detail: dict[str, str | int | bool] = {"format": fmt.value, "rows": len(rows)}
    if filter_text:
        detail["filter"] = filter_text  # the canonical filter text, which parse_filter reads
    detail.update(scope or {})
    await audit(d, actor_id, "export", None, detail)
    return ExportFile(f"{stem}.{fmt.value}", data, MIME_TYPES[fmt], len(rows))
