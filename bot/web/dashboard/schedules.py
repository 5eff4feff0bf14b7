"""Jadwal: the agenda of one day with the residents' answers, a CSV list uploaded as in the
bot, and cancelling one event.

Everything goes through the functions /jadwalkan and /agenda use (bot/services/scheduling.py,
bot/services/schedules.py): the same checks, the same message to the resident, the same audit
entries. Addresses carry a day (YYYY-MM-DD) and event ids, never who the event is for.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import PurePath
from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from bot.deps import Deps
from bot.domain.dates import format_date, format_time
from bot.domain.reminders import KINDS
from bot.domain.schedule_csv import (
    COLUMNS,
    MAX_BYTES,
    MAX_ROWS,
    REQUIRED,
    FileProblem,
    Problem,
    template_csv,
)
from bot.i18n import N_, _, format_number, ngettext
from bot.services import schedules as svc
from bot.services import scheduling
from bot.services.notify import Delivery
from bot.services.reminders import answer_label, capitalised, kind_label, when_text
from bot.services.roles import audit
from bot.storage import applicants as applicants_repo
from bot.storage import schedules as store
from bot.storage.schedules import AgendaItem
from bot.web.dashboard.auth import Staffer
from bot.web.dashboard.pages import deps_of, page, staff_page
from bot.web.dashboard.security import PREFIX
from bot.web.dashboard.uploads import bounded

log = logging.getLogger(__name__)

PATH = PREFIX + "/jadwal"
UPLOAD = PATH + "/unggah"
TEMPLATE = PATH + "/templat"
RESULT = PATH + "/hasil"
CANCEL = PATH + "/batal"
APPLICANT = PREFIX + "/pendaftar/{reg_no}"  # the applicant's card (the Kartu page)
# The list's own limit and the form around it (boundary, token, headers).
MAX_UPLOAD = MAX_BYTES + 64 * 1024
ERRORS_SHOWN = 200
QUOTED = 40  # characters of a typed value quoted back in an error
FILE_SUFFIXES = (".csv", ".txt")
EXCEL_SUFFIXES = (".xlsx", ".xls", ".xlsm", ".ods")
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")

# What a page says after a form, named in the address it returns to: ?kabar=KEY.
NEWS = {
    "terlalu_besar": N_("web.schedule.news.too_big"),
    "tak_terbaca": N_("web.schedule.news.unreadable"),
    "sudah_berubah": N_("web.schedule.news.gone"),
    "batal_sent": N_("web.schedule.news.cancelled.sent"),
    "batal_blocked": N_("web.schedule.news.cancelled.blocked"),
    "batal_retry": N_("web.schedule.news.cancelled.retry"),
    "batal_failed": N_("web.schedule.news.cancelled.failed"),
}
assert {f"batal_{d.value}" for d in Delivery} <= set(NEWS)


def news(request: Request) -> str | None:
    key = request.query_params.get("kabar")
    if key not in NEWS:
        return None
    text = _(NEWS[key])
    if key == "terlalu_besar":
        text = text.format(size=format_number(MAX_BYTES // 1_000_000), rows=format_number(MAX_ROWS))
    return text


def day_address(day: date, kabar: str | None = None) -> str:
    address = f"{PATH}?tanggal={day.isoformat()}"
    return f"{address}&kabar={kabar}" if kabar else address


def parse_day(text: str | None) -> date | None:
    """The day of an address: YYYY-MM-DD only, so that every day has one address."""
    if text is None or not DAY.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


# --- the agenda -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    event_id: int
    time: str
    kind: str
    place: str
    reg_no: str | None
    name: str | None
    answer: str  # hadir, tidak_bisa, none
    answer_text: str
    reason: str | None


def row(d: Deps, item: AgendaItem, locale: str) -> Row:
    event = item.event
    local = event.starts_at.astimezone(d.settings.timezone)
    return Row(
        event.id, format_time(local, locale), capitalised(kind_label(event.kind)), event.place,
        item.reg_no, item.name, event.answer or "none", answer_label(event.answer),
        event.reason if event.answer == "tidak_bisa" else None,
    )  # fmt: skip


@staff_page()
async def agenda(request: Request, who: Staffer) -> Response:
    d = deps_of(request)
    asked = request.query_params.get("tanggal") or None
    chosen = parse_day(asked)
    day = chosen or d.today()
    items = await svc.agenda(d, who.user_id, day)  # audited as /agenda is
    rows = [row(d, item, who.locale) for item in items]
    counts = {key: sum(r.answer == key for r in rows) for key in ("hadir", "tidak_bisa", "none")}
    return page(
        "schedule_agenda.html", who, "jadwal", title=_("web.nav.schedules"),
        day=day.isoformat(), day_text=format_date(day, who.locale), rows=rows, counts=counts,
        previous=day_address(day - timedelta(days=1)), next=day_address(day + timedelta(days=1)),
        today=PATH, is_today=day == d.today(), bad_day=asked is not None and chosen is None,
        news=news(request), applicant=APPLICANT,
    )  # fmt: skip


# --- cancelling one event ---------------------------------------------------------------------


async def _active(d: Deps, event_id: int) -> tuple[store.Event, Any] | None:
    event = await store.get_event(d.db, event_id)
    if event is None or event.status != "active":
        return None
    applicant = await applicants_repo.get(d.db, event.user_id)
    return None if applicant is None else (event, applicant)


@staff_page()
async def confirm_cancel(request: Request, who: Staffer) -> Response:
    """The confirm step: what will be cancelled, and that the resident will be told."""
    d = deps_of(request)
    found = await _active(d, int(request.path_params["event_id"]))
    if found is None:
        return RedirectResponse(f"{PATH}?kabar=sudah_berubah", status_code=303)
    event, applicant = found
    day = event.starts_at.astimezone(d.settings.timezone).date()
    return page(
        "schedule_cancel.html", who, "jadwal", title=_("web.schedule.cancel.title"),
        event_id=event.id, kind=kind_label(event.kind), reg_no=applicant.reg_no,
        name=applicant.answers.get("name") or "—", when=when_text(d, event.starts_at, who.locale),
        place=event.place, back=day_address(day), applicant=APPLICANT,
    )  # fmt: skip


@staff_page()
async def cancel(request: Request, who: Staffer) -> Response:
    """As /jadwalkan batal: cancelled, reminders gone, the resident told, audited."""
    d = deps_of(request)
    found = await _active(d, int(request.path_params["event_id"]))
    if found is None:
        return RedirectResponse(f"{PATH}?kabar=sudah_berubah", status_code=303)
    event, applicant = found
    day = event.starts_at.astimezone(d.settings.timezone).date()
    done = await scheduling.cancel_event(
        d, who.user_id, applicant.reg_no, event.kind, event.id
    )
    if done is None or isinstance(done, Problem):  # changed between the two reads
        return RedirectResponse(day_address(day, "sudah_berubah"), status_code=303)
    return RedirectResponse(day_address(day, f"batal_{done.notice.value}"), status_code=303)


# --- a CSV list ---------------------------------------------------------------------------------


def _quoted(value: Any) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= QUOTED else text[: QUOTED - 1] + "…"


def problem_text(problem: Problem, params: dict[str, Any]) -> str:
    """The bot's own sentence for a bad row (plain text: the template escapes it)."""
    values = {"kinds": ", ".join(KINDS), "kind": "", "reg_no": "", "other": ""}
    values.update({key: _quoted(value) for key, value in params.items()})
    return _(f"schedule.err.{problem.value}").format(**values)


def file_problem_text(problem: FileProblem, params: dict[str, Any]) -> str:
    values = {"max_rows": format_number(MAX_ROWS), "line": "", "missing": "", "rows": "",
              "expected": ", ".join(REQUIRED)}  # fmt: skip
    for key, value in params.items():
        if key in ("rows", "max_rows"):
            values[key] = format_number(value)
        elif key != "expected":  # the bot lists every column; the page, the required ones
            values[key] = str(value)
    return _(f"web.schedule.file.{problem.value}").format(**values)


def upload_page(
    who: Staffer, status_code: int = 200, problem: str | None = None,
    errors: list[tuple[int, str]] | None = None, error_count: int = 0,
) -> Response:  # fmt: skip
    return page(
        "schedule_upload.html", who, "jadwal", status_code, title=_("web.schedule.upload.title"),
        problem=problem, errors=errors or [], error_count=error_count, more=max(
            error_count - ERRORS_SHOWN, 0), template_address=TEMPLATE, action=UPLOAD, back=PATH,
        columns=", ".join(COLUMNS), kinds=", ".join(KINDS),
        max_rows=format_number(MAX_ROWS), max_size=format_number(MAX_BYTES // 1_000_000),
    )  # fmt: skip


@staff_page()
async def template(request: Request, who: Staffer) -> Response:
    """The same template file as /jadwalkan templat."""
    await audit(deps_of(request), who.user_id, "schedule_template")
    return Response(
        template_csv(), media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="jadwal_templat.csv"'},
    )  # fmt: skip


def _not_csv(file: UploadFile) -> str | None:
    """A sentence when the chosen file is plainly not a CSV list (by its name)."""
    suffix = PurePath(file.filename or "").suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        return _("web.schedule.file.excel")
    if suffix not in FILE_SUFFIXES:
        return _("web.schedule.upload.not_csv")
    return None


@staff_page()
async def _upload(request: Request, who: Staffer) -> Response:
    """Every row checked; all applied or none; the notices go out in the background."""
    d = deps_of(request)
    form = await request.form()  # read in memory, within MAX_UPLOAD (uploads.bounded)
    try:
        file = form.get("berkas")
        if not isinstance(file, UploadFile) or not file.filename:
            return upload_page(who, 400, _("web.schedule.upload.no_file"))
        refusal = _not_csv(file)
        if refusal is not None:
            return upload_page(who, 400, refusal)
        data = await file.read()
    finally:
        await form.close()
    outcome = await scheduling.apply_csv(d, who.user_id, data, report_to=None)
    del data  # the list's content is not kept past here
    checked = outcome.checked
    if checked.file_problem is not None:
        return upload_page(who, 400, file_problem_text(checked.file_problem, checked.file_params))
    if outcome.saved is None:
        errors = [(e.line, problem_text(e.problem, e.params)) for e in outcome.errors]
        return upload_page(
            who, 400, ngettext("web.schedule.upload.rejected", "web.schedule.upload.rejected",
                               len(errors)).format(count=format_number(len(errors))),
            errors[:ERRORS_SHOWN], len(errors),
        )  # fmt: skip
    ids = [event.id for event in outcome.saved.events]
    return RedirectResponse(f"{RESULT}?dari={min(ids)}&sampai={max(ids)}", status_code=303)


upload = bounded(
    _upload, MAX_UPLOAD, too_big=f"{UPLOAD}?kabar=terlalu_besar",
    unreadable=f"{UPLOAD}?kabar=tak_terbaca",
)  # fmt: skip


@staff_page()
async def upload_form(request: Request, who: Staffer) -> Response:
    """The form; after a refused try, with what became of it (too big, unreadable)."""
    return upload_page(who, problem=news(request))


def _id(text: str | None) -> int | None:
    return int(text) if text is not None and text.isdigit() and len(text) < 12 else None


@staff_page()
async def result(request: Request, who: Staffer) -> Response:
    """A list just applied: how many scheduled, and the residents' notices as they go out
    (the page reloads itself, without script, until none is left to send)."""
    d = deps_of(request)
    first = _id(request.query_params.get("dari"))
    last = _id(request.query_params.get("sampai"))
    if first is None or last is None or not 0 <= last - first < MAX_ROWS:
        return RedirectResponse(PATH, status_code=303)
    summary = await store.batch_summary(d.db, first, last)
    if summary.events == 0:
        return RedirectResponse(PATH, status_code=303)
    assert summary.first_start is not None
    day = summary.first_start.astimezone(d.settings.timezone).date()
    return page(
        "schedule_result.html", who, "jadwal", title=_("web.schedule.result.title"),
        s=summary, agenda=day_address(day), day_text=format_date(day, who.locale),
        refresh=summary.pending > 0, here=f"{RESULT}?dari={first}&sampai={last}",
    )  # fmt: skip


ROUTES = [
    Route(PATH, agenda, methods=["GET"]),
    Route(UPLOAD, upload_form, methods=["GET"]),
    Route(UPLOAD, upload, methods=["POST"]),
    Route(TEMPLATE, template, methods=["GET"]),
    Route(RESULT, result, methods=["GET"]),
    Route(CANCEL + "/{event_id:int}", confirm_cancel, methods=["GET"]),
    Route(CANCEL + "/{event_id:int}", cancel, methods=["POST"]),
]
