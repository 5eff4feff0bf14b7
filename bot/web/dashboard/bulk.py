"""Bulk on the Pendaftar page: a stage or a schedule for many applicants, previewed first.

Three steps, each its own address (nothing personal in any: registration numbers, filter
words and a job's random id only):

1. POST /dasbor/pendaftar/massal (the form under the table): nothing changes; the preview
   says how many residents will be told what (the message as they will read it, in each of
   their languages), for a schedule each person's slot, and who is skipped and why.
2. POST /dasbor/pendaftar/massal/terapkan ("Kirim / Terapkan" on the preview): the same
   choice and order again, with the preview's fingerprint. The people are read again; when
   they are no longer what was previewed, nothing is applied and a new preview is shown.
   Otherwise a job starts on the bot's loop (bot/services/bulk.py) and the browser goes to
3. GET /dasbor/pendaftar/massal/<job>: its progress and outcome, to reload while it runs.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from bot.deps import Deps
from bot.domain.dates import format_datetime
from bot.i18n import _, use_locale
from bot.services import applicant_desk
from bot.services.bulk import (
    MAX_PEOPLE,
    Job,
    Jobs,
    JobState,
    Order,
    Plan,
    Reach,
    Result,
    ScheduleOrder,
    StageOrder,
    plan,
    step_for,
)
from bot.services.reminders import answer_options, capitalised, kind_label, notice_text
from bot.services.roles import AuditDetail, audit
from bot.storage import schedules as store
from bot.storage.applicants import Applicant, from_row
from bot.storage.schedules import Event
from bot.web.dashboard.auth import Staffer
from bot.web.dashboard.bulk_form import (
    PATH,
    Chosen,
    Refusal,
    Scope,
    chosen_fields,
    order_fields,
    read_chosen,
    read_order,
    refusal_text,
)
from bot.web.dashboard.listing import SORTS, parse_listing, where
from bot.web.dashboard.pages import deps_of, page, staff_page

log = logging.getLogger(__name__)


def jobs_of(d: Deps) -> Jobs:
    assert d.bulk is not None, "the dashboard feature's lifespan keeps the bulk jobs"
    return d.bulk


# --- who was chosen -----------------------------------------------------------------------


async def load(d: Deps, chosen: Chosen) -> tuple[list[Applicant], list[str]] | Refusal:
    """The chosen people in the table's order, and the chosen numbers no longer found."""
    if chosen.scope is Scope.FILTER:
        listing = chosen.listing
        condition, params = where(listing, d.settings.timezone, None)
        direction = "DESC" if listing.descending else "ASC"
        rows = await d.db.fetchall(
            f"SELECT * FROM applicants WHERE {condition}"
            f" ORDER BY {SORTS[listing.sort]} {direction}, reg_no {direction} LIMIT ?",
            (*params, MAX_PEOPLE + 1),
        )
        if len(rows) > MAX_PEOPLE:
            return Refusal.TOO_MANY
        if not rows:
            return Refusal.NONE_CHOSEN
        return [from_row(r) for r in rows], []
    found: dict[str, Applicant] = {}
    numbers = list(chosen.reg_nos)
    for start in range(0, len(numbers), 500):
        part = numbers[start : start + 500]
        marks = ", ".join("?" for _ in part)
        rows = await d.db.fetchall(
            f"SELECT * FROM applicants WHERE status = 'submitted' AND reg_no IN ({marks})", part
        )
        found.update((str(r["reg_no"]), from_row(r)) for r in rows)
    return [found[n] for n in numbers if n in found], [n for n in numbers if n not in found]


# --- what the preview shows ----------------------------------------------------------------


@dataclass(frozen=True)
class Message:
    locale: str
    language: str
    count: int
    text: Markup  # Telegram's HTML from the catalog, user values escaped: shown as it reads
    buttons: tuple[str, ...] = ()


@dataclass(frozen=True)
class Line:
    number: int
    reg_no: str
    name: str
    stage: str
    slot: str
    remark: str


def _language(code: str) -> str:
    text = _(f"language.{code}")
    return code if text == f"language.{code}" else text


def _as_read(text: str) -> Markup:
    # The bot's own catalog HTML (b, i, a, code), every typed value escaped in it.
    return Markup(text)


def _by_language(counts: Counter[tuple[str, str]]) -> list[Message]:
    ordered = sorted(counts.items(), key=lambda item: (item[0][0] != "id", item[0][0], -item[1]))
    return [Message(locale, _language(locale), n, _as_read(text)) for (locale, text), n in ordered]


def stage_messages(d: Deps, p: Plan) -> list[Message]:
    assert isinstance(p.order, StageOrder)
    counts: Counter[tuple[str, str]] = Counter()
    for entry in p.entries:
        if entry.reach is Reach.TOLD:
            a = entry.applicant
            with use_locale(a.locale):
                counts[(a.locale, applicant_desk.stage_notice(d, a, p.order.stage.value))] += 1
    return _by_language(counts)


def _preview_event(order: ScheduleOrder, user_id: int, slot: datetime, actor: int) -> Event:
    return Event(
        id=0, user_id=user_id, kind=order.kind, starts_at=slot, place=order.place, note=None,
        status="active", replaced_by=None, answer=None, reason=None, answered_at=None,
        notice="pending", created_by=actor, created_at="", updated_at="",
    )  # fmt: skip


async def current_events(d: Deps, kind: str, user_ids: list[int]) -> dict[int, Event]:
    """Each person's active event of this kind: a new one replaces it (as /jadwalkan)."""
    found: dict[int, Event] = {}
    for start in range(0, len(user_ids), 500):
        part = user_ids[start : start + 500]
        marks = ", ".join("?" for _ in part)
        rows = await d.db.fetchall(
            f"SELECT id FROM events WHERE status = 'active' AND kind = ? AND user_id IN ({marks})",
            (kind, *part),
        )
        for row in rows:
            event = await store.get_event(d.db, int(row["id"]))
            if event is not None:
                found[event.user_id] = event
    return found


def schedule_messages(
    d: Deps, p: Plan, current: dict[int, Event], actor: int
) -> list[Message]:
    """The first person's notice in each language (each reads their own slot)."""
    assert isinstance(p.order, ScheduleOrder)
    firsts: dict[str, tuple[Applicant, datetime]] = {}
    counts: Counter[str] = Counter()
    for entry in p.entries:
        a = entry.applicant
        counts[a.locale] += 1
        if a.locale not in firsts and entry.slot is not None:
            firsts[a.locale] = (a, entry.slot)
    messages = []
    for locale in sorted(firsts, key=lambda code: (code != "id", code)):
        a, slot = firsts[locale]
        event = _preview_event(p.order, a.user_id, slot, actor)
        with use_locale(locale):
            text = notice_text(d, event, locale, current.get(a.user_id))
            buttons = tuple(o.label for o in answer_options(event))
        messages.append(Message(locale, _language(locale), counts[locale], _as_read(text), buttons))
    return messages


def lines(d: Deps, p: Plan, current: dict[int, Event], locale: str) -> list[Line]:
    tz = d.settings.timezone
    shown = []
    for i, entry in enumerate(p.entries, 1):
        a = entry.applicant
        remark = ""
        if entry.reach is not Reach.TOLD:
            remark = _(f"web.bulk.reach.{entry.reach.value}")
        elif a.user_id in current:
            old = current[a.user_id].starts_at.astimezone(tz)
            remark = _("web.bulk.replaces").format(when=format_datetime(old, locale))
        slot = format_datetime(entry.slot.astimezone(tz), locale) if entry.slot else ""
        stage = _(f"stage.{a.stage}") if a.stage else ""
        shown.append(Line(i, entry.reg_no, str(a.answers.get("name") or ""), stage, slot, remark))
    return shown


async def preview_page(
    request: Request, who: Staffer, chosen: Chosen, order: Order, p: Plan, notice: str = "",
    status_code: int = 200,
) -> Response:  # fmt: skip
    d = deps_of(request)
    current: dict[int, Event] = {}
    if isinstance(order, ScheduleOrder):
        current = await current_events(d, order.kind, [e.applicant.user_id for e in p.entries])
    # Thousands of rows, messages and dates to write out: off the loop residents are served
    # on (the thread gets this request's context, and so the staff member's language).
    return await asyncio.to_thread(
        _preview, d, who, chosen, order, p, current, notice, status_code
    )


def _preview(
    d: Deps, who: Staffer, chosen: Chosen, order: Order, p: Plan, current: dict[int, Event],
    notice: str, status_code: int,
) -> Response:  # fmt: skip
    tz = d.settings.timezone
    if isinstance(order, ScheduleOrder):
        messages = schedule_messages(d, p, current, who.user_id)
        first = p.entries[0].slot if p.entries else None
        last = p.entries[-1].slot if p.entries else None
        slots = {
            "first": format_datetime(first.astimezone(tz), who.locale) if first else "",
            "last": format_datetime(last.astimezone(tz), who.locale) if last else "",
            "count": order.slots.slot_count(len(p.entries)),
            "next_day": bool(p.entries) and order.slots.crosses_midnight(len(p.entries), tz),
            "kind": capitalised(kind_label(order.kind)),
        }
        title = _("web.bulk.preview.schedule_title")
    else:
        messages = stage_messages(d, p)
        slots = {}
        title = _("web.bulk.preview.stage_title")
    # They stopped announcements (/berhenti); this is personal service and reaches them, as
    # the single command's message does.
    opted_out = sum(1 for e in p.entries if e.reach is Reach.TOLD and e.applicant.opted_out)
    from_stages = Counter(_(f"stage.{e.applicant.stage}") for e in p.entries if e.applicant.stage)
    filters = chosen.listing.address(page=1).removeprefix("/dasbor/pendaftar")
    return page(
        "bulk_preview.html", who, "pendaftar", status_code, title=title, order=order,
        is_schedule=isinstance(order, ScheduleOrder), plan=p, reach=p.reach_counts(),
        messages=messages, opted_out=opted_out, lines=lines(d, p, current, who.locale),
        slots=slots, notice=notice, from_stages=sorted(from_stages.items()),
        skipped=[(reg_no, _(f"web.bulk.skip.{why.value}")) for reg_no, why in p.skipped],
        stage_label=_(f"stage.{order.stage.value}") if isinstance(order, StageOrder) else "",
        apply_action=f"{PATH}/terapkan{filters}",
        fields=chosen_fields(chosen) + order_fields(order), back=chosen.listing.address(page=1),
    )  # fmt: skip


def problem_page(who: Staffer, refusal: Refusal, back: str) -> Response:
    return page("bulk_problem.html", who, "pendaftar", 400, title=_("web.bulk.problem_title"),
                message=refusal_text(refusal), back=back)  # fmt: skip


async def _read(request: Request, who: Staffer) -> tuple[Chosen, Order, Plan] | Response:
    """The form's choice and order, and the plan for the people as they are now."""
    d = deps_of(request)
    listing = parse_listing({k: request.query_params.getlist(k) for k in request.query_params})
    form = await request.form()  # already read (and its token checked) by staff_page
    back = listing.address(page=1)
    chosen = read_chosen(form, listing)
    if isinstance(chosen, Refusal):
        return problem_page(who, chosen, back)
    order = read_order(form, d.settings.timezone, d.clock.now())
    if isinstance(order, Refusal):
        return problem_page(who, order, back)
    people = await load(d, chosen)
    if isinstance(people, Refusal):
        return problem_page(who, people, back)
    applicants, missing = people
    return chosen, order, plan(order, applicants, missing)


@staff_page()
async def preview(request: Request, who: Staffer) -> Response:
    read = await _read(request, who)
    if isinstance(read, Response):
        return read
    chosen, order, p = read
    return await preview_page(request, who, chosen, order, p)


def _summary(job: Job, p: Plan) -> AuditDetail:
    """The one audit entry for the whole group (each person has their own as well)."""
    detail: dict[str, str | int | bool] = {"do": job.order.action.value, "people": len(p.entries),
                                 "skipped": len(p.skipped), "job": job.id}  # fmt: skip
    order = job.order
    if isinstance(order, StageOrder):
        detail["to"] = order.stage.value
    else:
        detail.update(kind=order.kind, at=store.iso(order.slots.start),
                      every=int(order.slots.every.total_seconds() // 60))  # fmt: skip
    return detail


@staff_page()
async def apply(request: Request, who: Staffer) -> Response:
    d = deps_of(request)
    read = await _read(request, who)
    if isinstance(read, Response):
        return read
    chosen, order, p = read
    previewed = (await request.form()).get("sidik")
    jobs = jobs_of(d)
    # A second press of the same preview (or a colleague's identical one): its job, not
    # another, also when the first already changed the people it previewed.
    earlier = jobs.with_fingerprint(previewed) if isinstance(previewed, str) else None
    if earlier is not None:
        return RedirectResponse(f"{PATH}/{earlier.id}?kabar=sudah", status_code=303)
    if previewed != p.fingerprint:
        log.info("bulk apply refused: the chosen people changed since the preview")
        return await preview_page(request, who, chosen, order, p, _("web.bulk.changed"), 409)
    if not p.entries:
        return problem_page(who, Refusal.NONE_CHOSEN, chosen.listing.address(page=1))
    step = step_for(d, who.user_id, order)
    job = jobs.start(who.user_id, p, chosen.listing.address(page=1), step)
    await audit(d, who.user_id, "bulk", None, _summary(job, p))
    return RedirectResponse(f"{PATH}/{job.id}", status_code=303)


@staff_page()
async def result(request: Request, who: Staffer) -> Response:
    d = deps_of(request)
    job = jobs_of(d).get(str(request.path_params["job_id"]))
    if job is None:
        return page("bulk_problem.html", who, "pendaftar", 404, title=_("web.bulk.result_title"),
                    message=_("web.bulk.job_gone"), back="/dasbor/pendaftar")  # fmt: skip
    counts = job.counts()
    shown = [(r, counts[r]) for r in Result if counts[r]]
    return page(
        "bulk_result.html", who, "pendaftar", title=_("web.bulk.result_title"), job=job,
        running=job.state is JobState.RUNNING, state=_(f"web.bulk.state.{job.state.value}"),
        counts=[(_(f"web.bulk.result.{r.value}"), n) for r, n in shown],
        not_reached=[(reg_no, _(f"web.bulk.result.{r.value}")) for reg_no, r in job.not_reached()],
        skipped=[(reg_no, _(f"web.bulk.skip.{why.value}")) for reg_no, why in job.skipped],
        again=request.query_params.get("kabar") == "sudah", here=f"{PATH}/{job.id}",
    )  # fmt: skip


ROUTES = [
    Route(PATH, preview, methods=["POST"]),
    Route(PATH + "/terapkan", apply, methods=["POST"]),
    Route(PATH + "/{job_id:str}", result, methods=["GET"]),
]
