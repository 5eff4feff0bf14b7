"""The bulk form under the Pendaftar table, and reading what it sends: who was chosen and
what is to be done to them. No database here: bot/web/dashboard/bulk.py loads the people.

Who: the ticked rows (``pilih``), the rows of the page shown (``halaman``), or every row
matching the table's filter (``semua``: the filter and its order are in the form's address,
as in the table's own). What: a stage (as /tahap: a stage word and an optional note staff
read), or a schedule (as /jadwalkan: a kind, a place, and slots from a start in WIB).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from starlette.datastructures import FormData

from bot.domain import reg_no as reg_nos
from bot.domain.reminders import KINDS
from bot.domain.schedule_csv import FieldError, Problem, check_place, event_start, parse_kind
from bot.domain.slots import MAX_MINUTES, MAX_PER_SLOT, SlotError, SlotPlan
from bot.domain.stages import STAGES, parse_stage
from bot.i18n import _
from bot.services.bulk import MAX_PEOPLE, Order, ScheduleOrder, StageOrder
from bot.services.reminders import capitalised, kind_label
from bot.storage.notes import MAX_NOTE_LENGTH
from bot.web.dashboard.listing import Listing

PATH = "/dasbor/pendaftar/massal"
DEFAULT_MINUTES = 15


class Scope(StrEnum):
    TICKED = "pilih"
    PAGE = "halaman"
    FILTER = "semua"


@dataclass(frozen=True)
class Chosen:
    scope: Scope
    reg_nos: tuple[str, ...]  # TICKED, PAGE: in the table's order; FILTER: none
    listing: Listing


def form_values(listing: Listing, searching: bool) -> dict[str, object]:
    """What the form under the table needs besides the page's rows."""
    return {
        # The table's filter and order, in the form's own address (as the table's).
        "action": PATH + listing.address(page=1).removeprefix("/dasbor/pendaftar"),
        "stages": [(s.value, _(f"stage.{s.value}")) for s in STAGES],
        "kinds": [(k, capitalised(kind_label(k))) for k in KINDS],
        "minutes": DEFAULT_MINUTES,
        "max_minutes": MAX_MINUTES,
        "max_per_slot": MAX_PER_SLOT,
        "note_max": MAX_NOTE_LENGTH,
        "whole_filter": not searching,  # a search's words are never in an address
    }



class Refusal(StrEnum):
    """Why a form cannot be previewed; the page says ``web.bulk.err.<value>``."""

    NONE_CHOSEN = "none_chosen"
    TOO_MANY = "too_many"
    ACTION = "action"
    STAGE = "stage"
    NOTE_TOO_LONG = "note_too_long"
    KIND = "kind"
    PLACE_MISSING = "place_missing"
    PLACE_TOO_LONG = "place_too_long"
    DATE = "date"
    TIME = "time"
    PAST = "past"
    MINUTES = "minutes"
    PER_SLOT = "per_slot"


def refusal_text(refusal: Refusal) -> str:
    return _(f"web.bulk.err.{refusal.value}").format(
        max=MAX_PEOPLE, note_max=MAX_NOTE_LENGTH, max_minutes=MAX_MINUTES,
        max_per_slot=MAX_PER_SLOT,
    )  # fmt: skip


def _text(form: FormData | Mapping[str, str], name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def read_chosen(form: FormData, listing: Listing) -> Chosen | Refusal:
    try:
        scope = Scope(_text(form, "lingkup") or Scope.TICKED.value)
    except ValueError:
        scope = Scope.TICKED
    if scope is Scope.FILTER:
        return Chosen(scope, (), listing)
    kept: list[str] = []
    seen: set[str] = set()
    for raw in form.getlist(scope.value):
        number = reg_nos.normalize(raw) if isinstance(raw, str) else None
        if number and number not in seen:
            seen.add(number)
            kept.append(number)
    if not kept:
        return Refusal.NONE_CHOSEN
    if len(kept) > MAX_PEOPLE:
        return Refusal.TOO_MANY
    return Chosen(scope, tuple(kept), listing)


_DATE_PROBLEMS = {Problem.DATE_MISSING, Problem.DATE_FORMAT, Problem.DATE_INVALID}
_PLACE_PROBLEMS = {Problem.PLACE_MISSING: Refusal.PLACE_MISSING,
                   Problem.PLACE_TOO_LONG: Refusal.PLACE_TOO_LONG}  # fmt: skip


def _whole(text: str, low: int, high: int) -> int | None:
    return int(text) if text.isdigit() and low <= int(text) <= high else None


def read_order(form: FormData | Mapping[str, str], tz: ZoneInfo, now: datetime) -> Order | Refusal:
    action = _text(form, "aksi")
    if action == "tahap":
        stage = parse_stage(_text(form, "tahap"))
        if stage is None:
            return Refusal.STAGE
        note = _text(form, "catatan")
        if len(note) > MAX_NOTE_LENGTH:
            return Refusal.NOTE_TOO_LONG
        return StageOrder(stage, note)
    if action != "jadwal":
        return Refusal.ACTION
    kind = parse_kind(_text(form, "jenis"))
    if kind is None:
        return Refusal.KIND
    try:
        place = check_place(_text(form, "tempat"))
    except FieldError as exc:
        return _PLACE_PROBLEMS[exc.problem]
    try:
        start = event_start(_text(form, "tanggal"), _text(form, "jam"), tz, now)
    except FieldError as exc:
        if exc.problem is Problem.PAST:
            return Refusal.PAST
        return Refusal.DATE if exc.problem in _DATE_PROBLEMS else Refusal.TIME
    minutes = _whole(_text(form, "menit"), 1, MAX_MINUTES)
    if minutes is None:
        return Refusal.MINUTES
    per_slot = _whole(_text(form, "per_slot") or "1", 1, MAX_PER_SLOT)
    if per_slot is None:
        return Refusal.PER_SLOT
    try:
        slots = SlotPlan(start, timedelta(minutes=minutes), per_slot)
    except SlotError:  # the checks above keep to its limits
        return Refusal.MINUTES
    return ScheduleOrder(kind, place, slots)


def order_fields(order: Order) -> list[tuple[str, str]]:
    """The order as the apply form sends it back: what was previewed, in canonical words."""
    if isinstance(order, StageOrder):
        return [("aksi", "tahap"), ("tahap", order.stage.value), ("catatan", order.note)]
    s = order.slots
    local = s.start
    return [
        ("aksi", "jadwal"), ("jenis", order.kind), ("tempat", order.place),
        ("tanggal", local.date().isoformat()), ("jam", local.strftime("%H:%M")),
        ("menit", str(int(s.every / timedelta(minutes=1)))), ("per_slot", str(s.per_slot)),
    ]  # fmt: skip


def chosen_fields(chosen: Chosen) -> list[tuple[str, str]]:
    return [("lingkup", chosen.scope.value)] + [(chosen.scope.value, r) for r in chosen.reg_nos]
