"""Pengumuman: write an announcement, choose its recipients (with their count as the filters
change), check the preview, send it now or at a WIB time, follow its progress, stop and
resume it, and the history with delivered / blocked / failed counts.

Everything goes through what /umumkan uses: the draft and outbox rows of
bot/storage/broadcasts.py, the actions of bot/services/broadcast_actions.py (the same status
changes and audit entries) and the one sender of the bot (bot/services/broadcast.py).

- Text: what staff type is plain text; it is HTML-escaped into the Telegram HTML the bot
  stores (as /umumkan's ``text_html`` escapes what was typed), so nothing typed becomes markup.
  Its length is checked as the bot checks it (Telegram's limit less the footer).
- Photo: uploaded once, to the staff member's own chat with the bot, as the preview copy
  /umumkan also sends there; Telegram's file_id is what the draft keeps, and every recipient
  gets the photo by that file_id, as with a photo sent to /umumkan. The page shows it by
  fetching that file back from Telegram: no copy is kept on this server.
- Recipients: the bot's filter words, as Pendaftar's query names (bot/web/dashboard/listing.py).
- Progress: a fragment, polled by htmx while sending; without JavaScript, a reload.
Only an announcement's number is ever in an address.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route
from telegram.error import TelegramError
from telegram.ext import ExtBot

from bot.deps import Deps
from bot.domain.dates import format_datetime
from bot.domain.recipients import FIELDS, RecipientFilter
from bot.i18n import N_, _, format_number
from bot.rate_limit import Lane
from bot.services import broadcast_actions as actions
from bot.services.broadcast import sending_seconds
from bot.services.broadcast_actions import MAX_CAPTION, MAX_PHOTO_BYTES, MAX_TEXT, is_blank
from bot.services.roles import audit
from bot.storage import broadcasts as store
from bot.storage.broadcasts import Broadcast, OutboxCounts, Status
from bot.storage.recipients import RecipientCount, count_recipients
from bot.web.dashboard import listing
from bot.web.dashboard.auth import Staffer
from bot.web.dashboard.news import back_to, news_from
from bot.web.dashboard.pages import deps_of, page, staff_page
from bot.web.dashboard.render import render
from bot.web.dashboard.security import PREFIX
from handlers.broadcast_views import (
    catalog_footer,
    describe,
    duration_text,
    eta_text,
    room_under,
    status_label,
    utf16_len,
    with_footer,
)
from handlers.common import plain

log = logging.getLogger(__name__)

PATH = PREFIX + "/pengumuman"
HISTORY_SIZE = 50
POLL_SECONDS = 2
# A form bigger than a photo and a long text cannot be a good one: refused before it is read.
MAX_FORM_BYTES = MAX_PHOTO_BYTES + 256 * 1024
# What Telegram takes as a photo, by the file's first bytes (not its name or claimed type).
PHOTO_SIGNATURES = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}

# What the page says after a form, named in the address it returns to: ?kabar=KEY.
NEWS = {
    "terkirim": N_("web.broadcast.news.sending"),
    "terjadwal": N_("web.broadcast.news.scheduled"),
    "dihentikan": N_("web.broadcast.news.stopped"),
    "dilanjutkan": N_("web.broadcast.news.resumed"),
    "dibuang": N_("web.broadcast.news.discarded"),
    "sudah": N_("web.broadcast.news.already"),
    "lewat": N_("web.broadcast.news.time_passed"),
    "tak_bisa_lanjut": N_("web.broadcast.news.cannot_resume"),
    "foto_besar": N_("web.broadcast.error.photo_too_large"),
}


def bot_of(request: Request) -> ExtBot[Any]:
    bot = request.app.state.bot
    assert isinstance(bot, ExtBot)
    return bot


def news(request: Request) -> str | None:
    return news_from(request, NEWS)


def back(broadcast_id: int | None, key: str) -> Response:
    return back_to(f"{PATH}/{broadcast_id}" if broadcast_id is not None else PATH, key)


def when_text(d: Deps, iso: str | None, locale: str) -> str:
    if not iso:
        return "—"
    return format_datetime(datetime.fromisoformat(iso).astimezone(d.settings.timezone), locale)


def stored_when(d: Deps, b: Broadcast, locale: str) -> str:
    """When it went (or goes) out: its start, its planned time, or when it was written."""
    if b.status == Status.SCHEDULED and b.send_at:
        return when_text(d, b.send_at, locale)
    return when_text(d, b.started_at or b.send_at or b.created_at, locale)


# --- recipients ----------------------------------------------------------------------------


def chosen_filters(values: Mapping[str, Sequence[str]]) -> listing.Listing:
    """The recipients a query string or a form asks for, in the bot's filter words (only the
    words /umumkan knows: Pendaftar's quota, source and dates are not recipient filters)."""
    chosen = listing.parse_listing({name: values.get(name, ()) for name in FIELDS})
    return chosen


def filter_fields(chosen: listing.Listing) -> list[listing.FilterField]:
    return [f for f in listing.filter_fields(chosen, []) if f.name in FIELDS]


def count_text(count: RecipientCount) -> dict[str, str]:
    return {
        "reachable": format_number(count.reachable),
        "opted_out": format_number(count.opted_out),
        "inactive": format_number(count.inactive),
    }


def _count_values(count: RecipientCount) -> dict[str, Any]:
    return {"count": count, "count_text": count_text(count)}


@staff_page()
async def recipient_count(request: Request, who: Staffer) -> Response:
    """The count as the filters change (a fragment for htmx; with no script, the "Hitung"
    button posts the form back instead)."""
    query = request.query_params
    chosen = chosen_filters({name: query.getlist(name) for name in query})
    count = await count_recipients(deps_of(request).db, chosen.recipient_filter)
    return render("broadcast_count.html", **_count_values(count))


# --- compose -------------------------------------------------------------------------------


@dataclass
class Compose:
    """What the form holds: kept when it comes back with a problem."""

    text: str = ""
    chosen: listing.Listing = field(default_factory=listing.Listing)
    later: bool = False
    day: str = ""
    clock: str = ""
    draft_id: int | None = None  # editing this draft (its photo is kept unless replaced)
    has_photo: bool = False


async def compose_page(
    request: Request,
    who: Staffer,
    form: Compose,
    problems: Sequence[str] = (),
    status_code: int = 200,
) -> Response:
    d = deps_of(request)
    count = await count_recipients(d.db, form.chosen.recipient_filter)
    return page(
        "broadcast_compose.html", who, "pengumuman", status_code,
        title=_("web.broadcast.compose_title"), form=form, problems=problems,
        fields=filter_fields(form.chosen), text_max=room_under(MAX_TEXT),
        caption_max=room_under(MAX_CAPTION), today=_today(d).isoformat(),
        news=news(request), **_count_values(count),
    )  # fmt: skip


def _today(d: Deps) -> date:
    return d.clock.now().astimezone(d.settings.timezone).date()


def _own_draft(b: Broadcast | None, who: Staffer) -> bool:
    return b is not None and b.status == Status.DRAFT and b.created_by == who.user_id


@staff_page()
async def compose(request: Request, who: Staffer) -> Response:
    """The form: empty, with recipients from the address (Pendaftar's filter words), or a
    draft of this staff member to change."""
    d = deps_of(request)
    query = request.query_params
    draft_text = query.get("draf", "")
    if draft_text.isdigit():
        b = await store.get(d.db, int(draft_text))
        if _own_draft(b, who):
            assert b is not None
            return await compose_page(request, who, _from_draft(d, b))
    chosen = chosen_filters({name: query.getlist(name) for name in query})
    return await compose_page(request, who, Compose(chosen=chosen))


def _from_draft(d: Deps, b: Broadcast) -> Compose:
    f = b.recipient_filter or RecipientFilter()
    words = {name: tuple(values) for name, values in f.terms()}
    form = Compose(text=plain(b.text or ""), chosen=chosen_filters(words), draft_id=b.id)
    form.has_photo = b.content_type == "photo"
    if b.send_at:
        moment = datetime.fromisoformat(b.send_at).astimezone(d.settings.timezone)
        form.later, form.day, form.clock = True, moment.date().isoformat(), moment.strftime("%H:%M")
    return form


def _read_form(fields: Mapping[str, Any], getlist: Any) -> Compose:
    raw = fields.get("teks")
    text = raw.replace("\r\n", "\n").strip() if isinstance(raw, str) else ""
    chosen = chosen_filters(
        {name: [v for v in getlist(name) if isinstance(v, str)] for name in FIELDS}
    )
    draft_text = fields.get("draf")
    draft_id = int(draft_text) if isinstance(draft_text, str) and draft_text.isdigit() else None
    return Compose(
        text=text, chosen=chosen, later=fields.get("kapan") == "nanti",
        day=str(fields.get("tanggal") or "")[:10], clock=str(fields.get("jam") or "")[:5],
        draft_id=draft_id,
    )  # fmt: skip


def _send_at(d: Deps, form: Compose) -> tuple[datetime | None, str | None]:
    """The chosen WIB time, or the catalog key of what is wrong with it."""
    try:
        day = date.fromisoformat(form.day)
        moment = time.fromisoformat(form.clock)
    except ValueError:
        return None, N_("web.broadcast.error.time_missing")
    when = datetime.combine(day, moment.replace(second=0, microsecond=0), d.settings.timezone)
    problem = actions.send_at_problem(when, d.clock.now())
    return (None, problem) if problem else (when, None)


def _photo_type(data: bytes) -> str | None:
    for signature, mime in PHOTO_SIGNATURES.items():
        if data.startswith(signature):
            return mime
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


async def _read_photo(upload: Any) -> tuple[bytes | None, str | None]:
    """The uploaded photo's bytes (None: none chosen), or the catalog key of its problem."""
    if not isinstance(upload, UploadFile) or not upload.filename:
        return None, None
    data = await upload.read(MAX_PHOTO_BYTES + 1)
    if not data:
        return None, N_("web.broadcast.error.photo_empty")
    if len(data) > MAX_PHOTO_BYTES:
        return None, N_("web.broadcast.error.photo_too_large")
    if _photo_type(data) is None:
        return None, N_("web.broadcast.error.photo_type")
    return data, None


async def _upload_photo(bot: ExtBot[Any], who: Staffer, data: bytes, text: str) -> str | None:
    """Send the photo once, to the staff member's own chat with the bot, as /umumkan's preview
    copy; its file_id (the largest size), or None when Telegram would not take it."""
    caption = with_footer(text, catalog_footer(who.locale)) or None
    try:
        message = await bot.send_photo(
            who.user_id, photo=data, caption=caption, rate_limit_args=Lane.REPLY
        )
    except TelegramError as exc:
        log.info("broadcast photo refused by Telegram: %s", type(exc).__name__)
        return None
    return message.photo[-1].file_id if message.photo else None


@staff_page()
async def preview_post(request: Request, who: Staffer) -> Response:
    """The form sent: "Hitung" shows it again with the count; "Pratinjau" checks it all and,
    when it is good, keeps it as this staff member's draft and shows its preview."""
    d = deps_of(request)
    fields = await request.form()  # already read (and its token checked) by staff_page
    form = _read_form(fields, fields.getlist)
    draft = await store.get(d.db, form.draft_id) if form.draft_id is not None else None
    if not _own_draft(draft, who):
        draft, form.draft_id = None, None
    data, photo_problem = await _read_photo(fields.get("foto"))
    keep_photo = (
        draft is not None and draft.content_type == "photo" and not fields.get("tanpa_foto")
    )
    form.has_photo = keep_photo
    if fields.get("aksi") == "hitung":
        return await compose_page(request, who, form)
    problems: list[str] = []
    if photo_problem:
        problems.append(_(photo_problem))
    photo = data is not None or keep_photo
    if not photo and is_blank(form.text):
        problems.append(_("web.broadcast.error.empty"))
    room = room_under(MAX_CAPTION if photo else MAX_TEXT)
    length = utf16_len(form.text)
    if length > room:
        key = "web.broadcast.error.caption_too_long" if photo else "web.broadcast.error.too_long"
        problems.append(_(key).format(limit=format_number(room), length=format_number(length)))
    if form.chosen.dropped:
        problems.append(_("web.list.dropped"))
    send_at: datetime | None = None
    if form.later:
        send_at, time_problem = _send_at(d, form)
        if time_problem:
            problems.append(_(time_problem))
    if problems:
        return await compose_page(request, who, form, problems, 400)
    text = html.escape(form.text, quote=False)  # typed text, never markup (as text_html does)
    file_id = draft.file_id if keep_photo and draft is not None and data is None else None
    if data is not None:
        file_id = await _upload_photo(bot_of(request), who, data, text)
        if file_id is None:
            problems.append(_("web.broadcast.error.photo_refused"))
            return await compose_page(request, who, form, problems, 400)
    b = await store.new_web_draft(
        d.db, who.user_id, locale=who.locale, content_type="photo" if photo else "text",
        text=text, file_id=file_id, recipient_filter=form.chosen.recipient_filter,
        send_at=send_at.isoformat() if send_at else None, at=d.clock.now(),
    )  # fmt: skip
    return RedirectResponse(f"{PATH}/{b.id}", status_code=303)


def too_big(
    endpoint: Callable[[Request], Awaitable[Response]],
) -> Callable[[Request], Awaitable[Response]]:
    """Refuse a form bigger than any good one before a byte of it is read (or stored): the
    form comes back empty, saying why."""

    async def guarded(request: Request) -> Response:
        size = request.headers.get("content-length", "")
        if size.isdigit() and int(size) > MAX_FORM_BYTES:
            return RedirectResponse(f"{PATH}/baru?kabar=foto_besar", status_code=303)
        return await endpoint(request)

    return guarded


# --- one announcement ----------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    sent: str
    total: str
    blocked: str
    failed: str
    skipped: str
    pending: str
    outside_window: str  # WhatsApp residents past the 24-hour window: not sent
    lines: list[str]  # the bot's own words for them
    eta: str


def figures_of(figures: OutboxCounts, eta: float | None) -> Figures:
    n = format_number
    lines = [
        _("broadcast.figures.sent").format(sent=n(figures.sent), total=n(figures.total)),
        _("broadcast.figures.blocked").format(n=n(figures.blocked)),
        _("broadcast.figures.failed").format(n=n(figures.failed)),
    ]
    if figures.skipped:
        lines.append(_("broadcast.figures.skipped").format(n=n(figures.skipped)))
    if figures.outside_window:
        lines.append(_("broadcast.figures.outside_window").format(n=n(figures.outside_window)))
    return Figures(
        n(figures.sent), n(figures.total), n(figures.blocked), n(figures.failed),
        n(figures.skipped), n(figures.pending), n(figures.outside_window), lines,
        eta_text(eta) if eta is not None else "",
    )  # fmt: skip


async def _announcement(request: Request) -> Broadcast | None:
    return await store.get(deps_of(request).db, int(request.path_params["broadcast_id"]))


def _hidden(b: Broadcast, who: Staffer) -> bool:
    """Another person's draft is theirs alone, as in the bot."""
    return b.status == Status.DRAFT and b.created_by != who.user_id


async def state_values(d: Deps, b: Broadcast) -> dict[str, Any]:
    """What the progress part of the page shows (also the polled fragment)."""
    counts = await store.counts(d.db, b.id)
    running = b.status == Status.SENDING
    eta = actions.sender(d).eta_of(b.id, counts) if running else None
    if running and eta is None:  # not started here yet: at the set rate
        eta = counts.pending / d.settings.broadcast_rate if counts.pending else 0.0
    return {
        "b": b, "status": status_label(b.status), "running": running,
        "figures": figures_of(counts, eta), "has_figures": b.started_at is not None,
        "stoppable": b.status in (Status.SCHEDULED, Status.SENDING),
        "resumable": store.resumable(b, counts), "poll": POLL_SECONDS,
        "fragment_path": f"{PATH}/{b.id}/kemajuan",
    }  # fmt: skip


@staff_page()
async def announcement(request: Request, who: Staffer) -> Response:
    """One announcement: a draft's preview, or the state of a scheduled, running or finished
    one, with what can be done to it now."""
    d = deps_of(request)
    b = await _announcement(request)
    if b is None or _hidden(b, who):
        return page("refused.html", who, "pengumuman", 404, title=_("web.nav.broadcasts"),
                    message=_("web.broadcast.not_found"))  # fmt: skip
    f = b.recipient_filter or RecipientFilter()
    values: dict[str, Any] = {
        "recipients": plain(describe(f)), "body": plain(b.text or ""),
        "footer": plain(catalog_footer("id")), "photo": b.content_type == "photo",
        "document": b.content_type == "document", "news": news(request),
        "when": stored_when(d, b, who.locale),
        "send_at": when_text(d, b.send_at, who.locale) if b.send_at else "",
        "creator": b.created_by, "is_draft": b.status == Status.DRAFT,
        # A photo or file does not reach WhatsApp (bot/channels/whatsapp/announcements.py).
        "whatsapp_note": plain(_("broadcast.preview.whatsapp_text_only"))
        if d.settings.whatsapp_enabled and b.content_type in ("photo", "document") else "",
    }  # fmt: skip
    if b.status == Status.DRAFT:
        count = await count_recipients(d.db, f)
        values.update(_count_values(count))
        values["duration"] = duration_text(sending_seconds(d.settings, count)) \
            if count.reachable else ""  # fmt: skip
    values.update(await state_values(d, b))
    title = _("web.broadcast.title").format(id=b.id)
    return page("broadcast.html", who, "pengumuman", title=title, **values)


@staff_page()
async def progress(request: Request, who: Staffer) -> Response:
    """The state part alone, for htmx's polling."""
    d = deps_of(request)
    b = await _announcement(request)
    if b is None or _hidden(b, who):
        return Response(status_code=404)
    return render("broadcast_state.html", who=who, **await state_values(d, b))


@staff_page()
async def photo(request: Request, who: Staffer) -> Response:
    """The announcement's photo, fetched back from Telegram by its file_id."""
    b = await _announcement(request)
    if b is None or _hidden(b, who) or b.content_type != "photo" or not b.file_id:
        return Response(status_code=404)
    try:
        telegram_file = await bot_of(request).get_file(b.file_id)
        data = bytes(await telegram_file.download_as_bytearray())
    except TelegramError as exc:
        log.info("broadcast %s: photo not fetched: %s", b.id, type(exc).__name__)
        return Response(status_code=404)
    mime = _photo_type(data)
    if mime is None:
        return Response(status_code=404)
    return Response(data, media_type=mime, headers={"Content-Disposition": "inline"})


@staff_page()
async def send_now(request: Request, who: Staffer) -> Response:
    d = deps_of(request)
    b = await _announcement(request)
    if b is None or not _own_draft(b, who) or b.send_at:
        return back(b.id if b else None, "sudah")
    started = await actions.begin_sending(d, who.user_id, b.id)
    if started is None:
        return back(b.id, "sudah")
    actions.sender(d).launch(started.id)
    return back(b.id, "terkirim")


@staff_page()
async def schedule(request: Request, who: Staffer) -> Response:
    d = deps_of(request)
    b = await _announcement(request)
    if b is None or not _own_draft(b, who) or not b.send_at:
        return back(b.id if b else None, "sudah")
    if actions.send_at_problem(datetime.fromisoformat(b.send_at), d.clock.now()):
        return back(b.id, "lewat")  # the time passed while the preview was open
    if await actions.schedule(d, who.user_id, b) is None:
        return back(b.id, "sudah")
    return back(b.id, "terjadwal")


@staff_page()
async def discard(request: Request, who: Staffer) -> Response:
    d = deps_of(request)
    b = await _announcement(request)
    if b is None or not _own_draft(b, who):
        return back(b.id if b else None, "sudah")
    if await actions.sender(d).cancel(b.id, who.user_id) is not None:
        await audit(d, who.user_id, "broadcast", f"#{b.id}", {"change": "discard"})
    return back(None, "dibuang")


@staff_page()
async def stop(request: Request, who: Staffer) -> Response:
    d = deps_of(request)
    b = await _announcement(request)
    if b is None or _hidden(b, who):
        return back(None, "sudah")
    stopped = await actions.stop(d, who.user_id, b.id)
    return back(b.id, "dihentikan" if stopped else "sudah")


@staff_page()
async def resume(request: Request, who: Staffer) -> Response:
    d = deps_of(request)
    b = await _announcement(request)
    if b is None or _hidden(b, who):
        return back(None, "tak_bisa_lanjut")
    resumed = await actions.resume(d, who.user_id, b.id)
    return back(b.id, "dilanjutkan" if resumed else "tak_bisa_lanjut")


# --- the list ------------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryRow:
    id: int
    status: str
    when: str
    creator: int
    snippet: str
    figures: Figures | None  # None: not started yet
    running: bool


def snippet(b: Broadcast, length: int = 60) -> str:
    start = plain(b.text or "").strip().replace("\n", " ")
    if len(start) > length:
        start = start[: length - 1] + "…"
    marker = {"photo": _("broadcast.kind.photo"), "document": _("broadcast.kind.document")}
    return " ".join(p for p in (marker.get(b.content_type or "", ""), start) if p) or "—"


@staff_page()
async def history(request: Request, who: Staffer) -> Response:
    d = deps_of(request)
    rows = []
    for b in await store.recent(d.db, HISTORY_SIZE):
        figures = None
        if b.started_at is not None:
            figures = figures_of(await store.counts(d.db, b.id), None)
        rows.append(HistoryRow(
            b.id, status_label(b.status), stored_when(d, b, who.locale), b.created_by,
            snippet(b), figures, b.status == Status.SENDING,
        ))  # fmt: skip
    return page(
        "broadcasts.html", who, "pengumuman", title=_("web.nav.broadcasts"), rows=rows,
        news=news(request),
    )  # fmt: skip


ROUTES = [
    Route(PATH, history, methods=["GET"]),
    Route(PATH + "/baru", compose, methods=["GET"]),
    Route(PATH + "/baru", too_big(preview_post), methods=["POST"]),
    Route(PATH + "/hitung", recipient_count, methods=["GET"]),
    Route(PATH + "/{broadcast_id:int}", announcement, methods=["GET"]),
    Route(PATH + "/{broadcast_id:int}/kemajuan", progress, methods=["GET"]),
    Route(PATH + "/{broadcast_id:int}/foto", photo, methods=["GET"]),
    Route(PATH + "/{broadcast_id:int}/kirim", send_now, methods=["POST"]),
    Route(PATH + "/{broadcast_id:int}/jadwalkan", schedule, methods=["POST"]),
    Route(PATH + "/{broadcast_id:int}/buang", discard, methods=["POST"]),
    Route(PATH + "/{broadcast_id:int}/hentikan", stop, methods=["POST"]),
    Route(PATH + "/{broadcast_id:int}/lanjutkan", resume, methods=["POST"]),
]
