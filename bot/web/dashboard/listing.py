"""Pendaftar: the table of submitted applications, filtered, sorted and paged.

The filters use the words of the bot's typed filters (/umumkan, /ekspor: bot/domain/
recipients.py) as query-string names, so a filtered address can be shared between staff;
the SQL is the same fragment (bot/storage/recipients.py). What is searched for (a name, a
NIK, a registration number) is never in an address: the search box sends a POST, and its
answer is shown at once (bot/services/casework.py's query, as /cari).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from bot.deps import Deps
from bot.domain import questionnaire as qn
from bot.domain.dates import format_date_short, stored_moment
from bot.domain.recipients import (
    CHANNELS,
    DESTINATION_VALUES,
    FIELDS,
    INTEREST_VALUES,
    KECAMATAN_SLUGS,
    OUTCOMES,
    REGIONS,
    Field,
    FilterError,
    RecipientFilter,
    parse_filter,
)
from bot.domain.stages import STAGES
from bot.i18n import _, format_number, get_locale
from bot.services.casework import Query, query_sql
from bot.services.export import answer_value
from bot.storage.recipients import filter_sql
from handlers.broadcast_views import FIELD_LABELS, value_label

PAGE_SIZE = 50
POOLS = ("kota_serang", "wilayah", "tunggu")  # holding a place in a pool, or waiting



def _in_order(column: str, values: tuple[str, ...]) -> str:
    """Sort a code column in the domain's order (the stages' path), not the alphabet's."""
    cases = " ".join(f"WHEN '{v}' THEN {i}" for i, v in enumerate(values))
    return f"CASE {column} {cases} ELSE {len(values)} END"


# Sort keys of the address -> SQL. Every order ends on the registration number, so a page
# never shows a row twice or skips one between two requests.
SORTS: dict[str, str] = {
    "no": "reg_no",
    "nama": "json_extract(answers, '$.name') COLLATE NOCASE",
    "tanggal": "submitted_at",
    "tahap": _in_order("stage", STAGES),
    "hasil": _in_order("outcome", OUTCOMES),
}
DEFAULT_SORT = "tanggal"


@dataclass(frozen=True)
class Listing:
    """What the address asks for. Unknown values are dropped (and said so), never an error
    page: an address is often typed or cut short."""

    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)  # recipients.FIELDS
    pool: str = ""
    source: str = ""  # the deep-link payload a registration came through (``sumber``)
    since: date | None = None
    until: date | None = None
    sort: str = DEFAULT_SORT
    descending: bool = True
    page: int = 1
    dropped: bool = False  # something in the address was not understood

    @property
    def recipient_filter(self) -> RecipientFilter:
        text = " ".join(f"{name}:{','.join(v)}" for name, v in self.filters.items() if v)
        return parse_filter(text)

    def params(self) -> list[tuple[str, str]]:
        """The query string's pairs, without defaults, in a stable order."""
        pairs = [(name, value) for name in FIELDS for value in self.filters.get(name, ())]
        if self.pool:
            pairs.append(("kuota", self.pool))
        if self.source:
            pairs.append(("sumber", self.source))
        if self.since:
            pairs.append(("dari", self.since.isoformat()))
        if self.until:
            pairs.append(("sampai", self.until.isoformat()))
        if (self.sort, self.descending) != (DEFAULT_SORT, True):
            pairs += [("urut", self.sort), ("arah", "turun" if self.descending else "naik")]
        if self.page > 1:
            pairs.append(("hal", str(self.page)))
        return pairs

    def address(self, **changes: Any) -> str:
        """This listing's address, with some choices changed (a page, a sort)."""
        query = urlencode(replace(self, **changes).params())
        return "/dasbor/pendaftar" + (f"?{query}" if query else "")

    def sorted_by(self, key: str) -> str:
        """The address of a column header: that column, or the other direction of it."""
        descending = not self.descending if key == self.sort else key == "tanggal"
        return self.address(sort=key, descending=descending, page=1)


def _day(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


def parse_listing(query: Mapping[str, Sequence[str]]) -> Listing:
    """The listing an address asks for (``query``: each name's values, in order)."""
    dropped = False
    filters: dict[str, tuple[str, ...]] = {}
    for name in FIELDS:
        kept = []
        for value in query.get(name, ()):
            if not value:  # the form's "Semua": no filter on this field
                continue
            try:
                parse_filter(f"{name}:{value}")
            except FilterError:
                dropped = True
                continue
            if value and value not in kept:
                kept.append(value)
        if kept:
            filters[name] = tuple(kept)
    try:
        parse_filter(" ".join(f"{n}:{','.join(v)}" for n, v in filters.items()))
    except FilterError:  # two choices that exclude each other: keep neither
        filters.pop("wilayah", None)
        dropped = True

    def one(name: str) -> str:
        values = query.get(name, ())
        return values[-1].strip() if values else ""

    pool = one("kuota")
    if pool and pool not in POOLS:
        pool, dropped = "", True
    # The deep-link source is ``sumber``: ``kanal`` is the filter word for Telegram or
    # WhatsApp, as in /umumkan and /ekspor.
    source = one("sumber")[:64]
    since, until = _day(one("dari")), _day(one("sampai"))
    dropped |= bool(one("dari")) and since is None
    dropped |= bool(one("sampai")) and until is None
    sort = one("urut") or DEFAULT_SORT
    if sort not in SORTS:
        sort, dropped = DEFAULT_SORT, True
    page_text = one("hal") or "1"
    page = int(page_text) if page_text.isdigit() and 0 < int(page_text) < 100_000 else 1
    return Listing(
        filters=filters, pool=pool, source=source, since=since, until=until,
        sort=sort, descending=one("arah") != "naik", page=page, dropped=dropped,
    )  # fmt: skip


@dataclass(frozen=True)
class Row:
    reg_no: str
    name: str
    channel: str  # Telegram or WhatsApp (issue 12), in the reader's words
    place: str  # kecamatan for Kota Serang residents, else the province
    destination: str  # first choice
    outcome: str
    stage: str
    pool: str
    submitted: str  # the local day


@dataclass(frozen=True)
class Page:
    rows: list[Row]
    total: int  # matching in all
    pages: int


def _local_start(day: date, tz: ZoneInfo) -> str:
    moment = datetime.combine(day, time.min, tzinfo=tz).astimezone(UTC)
    return moment.isoformat(timespec="seconds")


def where(listing: Listing, tz: ZoneInfo, search: Query | None) -> tuple[str, list[object]]:
    sql, params = filter_sql(listing.recipient_filter)
    clauses = [sql]
    if listing.pool == "tunggu":
        clauses.append("waitlist_no IS NOT NULL")
    elif listing.pool:
        clauses.append("pool = ? AND waitlist_no IS NULL")
        params.append(listing.pool)
    if listing.source:
        clauses.append("source = ?")
        params.append(listing.source)
    if listing.since:
        clauses.append("submitted_at >= ?")
        params.append(_local_start(listing.since, tz))
    if listing.until:
        clauses.append("submitted_at < ?")
        params.append(_local_start(listing.until + timedelta(days=1), tz))
    if search is not None:
        found, found_params = query_sql(search)
        clauses.append(f"({found})")
        params.extend(found_params)
    return " AND ".join(clauses), params


_COLUMNS = (
    "reg_no, outcome, stage, pool, waitlist_no, submitted_at, channel,"
    " json_extract(answers, '$.name') AS name, json_extract(answers, '$.domicile') AS domicile,"
    " json_extract(answers, '$.kecamatan') AS kecamatan,"
    " json_extract(answers, '$.destinations[0]') AS destination"
)


async def fetch(d: Deps, listing: Listing, search: Query | None = None) -> Page:
    """One page of the table (a search: its first page only), and how many match in all."""
    tz = d.settings.timezone
    condition, params = where(listing, tz, search)
    direction = "DESC" if listing.descending else "ASC"
    order = f"{SORTS[listing.sort]} {direction}, reg_no {direction}"
    page = 1 if search is not None else listing.page
    rows = await d.db.fetchall(
        f"SELECT {_COLUMNS}, COUNT(*) OVER () AS total FROM applicants WHERE {condition}"
        f" ORDER BY {order} LIMIT ? OFFSET ?",
        (*params, PAGE_SIZE, (page - 1) * PAGE_SIZE),
    )
    total = int(rows[0]["total"]) if rows else await _count(d, condition, params)
    return Page([_row(r, d) for r in rows], total, max(1, -(-total // PAGE_SIZE)))


async def _count(d: Deps, condition: str, params: list[object]) -> int:
    """Past the last page the window function has no row to ride on."""
    return int(await d.db.fetchval(f"SELECT COUNT(*) FROM applicants WHERE {condition}", params))


def _text(key: str) -> str:
    """A catalog text, or the last part of the key when a value has no text (yet)."""
    text = _(key)
    return key.rsplit(".", 1)[-1] if text == key else text


def _row(r: Any, d: Deps) -> Row:
    answers = {"domicile": r["domicile"], "kecamatan": r["kecamatan"]}
    if r["kecamatan"]:
        place = answer_value(qn.BY_KEY["kecamatan"], answers)
    else:
        place = answer_value(qn.BY_KEY["domicile"], answers) if r["domicile"] else ""
    destination = answer_value(qn.BY_KEY["destinations"], {"destinations": [r["destination"]]}) \
        if r["destination"] else ""  # fmt: skip
    if r["waitlist_no"] is not None:
        pool = _("web.list.waiting").format(n=format_number(int(r["waitlist_no"])))
    else:
        pool = _text(f"web.list.pool.{r['pool']}") if r["pool"] else ""
    submitted = ""
    if r["submitted_at"]:
        day = stored_moment(str(r["submitted_at"]), d.settings.timezone).date()
        submitted = format_date_short(day, get_locale())
    outcome = str(r["outcome"] or "")
    return Row(
        reg_no=str(r["reg_no"] or ""), name=str(r["name"] or ""),
        channel=_text(f"channel.{r['channel']}"), place=place,
        destination=destination,
        outcome=value_label(Field.STATUS, outcome) if outcome in OUTCOMES else outcome,
        stage=_text(f"stage.{r['stage']}") if r["stage"] else "",
        pool=pool, submitted=submitted,
    )  # fmt: skip


async def sources(d: Deps) -> list[str]:
    """The deep-link payloads submitted applications came through, for the filter."""
    rows = await d.db.fetchall(
        "SELECT DISTINCT source FROM applicants WHERE status = 'submitted'"
        " AND source IS NOT NULL AND source != '' ORDER BY source LIMIT 100"
    )
    return [str(r["source"]) for r in rows]


@dataclass(frozen=True)
class FilterField:
    name: str
    label: str
    options: list[tuple[str, str]]
    chosen: str


_CHOICES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (Field.STATUS, OUTCOMES), (Field.STAGE, STAGES), (Field.REGION, REGIONS),
    (Field.KECAMATAN, KECAMATAN_SLUGS), (Field.DESTINATION, DESTINATION_VALUES),
    (Field.INTEREST, INTEREST_VALUES), (Field.CHANNEL, CHANNELS),
)  # fmt: skip


def filter_fields(listing: Listing, known_sources: list[str]) -> list[FilterField]:
    """The filter form's selects, in the reader's language (one value each: an address with
    several values of a field still works, the form shows the first)."""
    fields = [
        (name, _(FIELD_LABELS[name]), [(v, value_label(name, v)) for v in values])
        for name, values in _CHOICES
    ]
    fields.append(("kuota", _("web.col.pool"), [(p, _(f"web.list.pool.{p}")) for p in POOLS]))
    if known_sources or listing.source:
        shown = sorted({*known_sources, *([listing.source] if listing.source else [])})
        fields.append(("sumber", _("web.list.source"), [(c, c) for c in shown]))
    chosen = {name: values[0] for name, values in listing.filters.items()}
    chosen.update(kuota=listing.pool, sumber=listing.source)
    return [FilterField(n, label, opts, chosen.get(n, "")) for n, label, opts in fields]
