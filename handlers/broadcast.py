"""/umumkan: staff write an announcement, choose who gets it, check the preview, send it now
or later, follow its progress, and cancel it from /umumkan riwayat.

The draft lives in SQLite (bot/storage/broadcasts.py), one row per staff member, with the
step it is at. The staff member's next message (the announcement, a typed filter, a time) is
taken by a handler in group -2, ahead of the residents' handlers: it looks up an open draft
and, if there is one waiting for a message, handles it and stops the update there; otherwise
the update goes on to the rest of the bot untouched.
"""

from __future__ import annotations

import html
import logging
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from babel.numbers import format_decimal
from telegram import Bot, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.deps import DEPS_KEY, Deps, deps
from bot.domain.dates import (
    DateError,
    DateProblem,
    format_date_short,
    format_datetime,
    format_time,
    parse_event_datetime,
)
from bot.domain.recipients import (
    FIELDS,
    KOTA_SERANG,
    OUTSIDE_KOTA_SERANG,
    STAGES,
    Field,
    FilterError,
    RecipientFilter,
    parse_filter,
)
from bot.domain.regions import kecamatan_by_slug
from bot.i18n import N_, _, get_locale, ngettext, use_locale
from bot.services.broadcast import EXTRAS_KEY, Broadcaster, SendFn
from bot.services.roles import is_staff
from bot.storage import applicants as applicants_repo
from bot.storage import broadcasts as store
from bot.storage import staff as staff_repo
from bot.storage.broadcasts import Broadcast, OutboxCounts, OutboxItem, Status, Step
from bot.storage.recipients import count_recipients
from handlers.access import staff_only
from handlers.common import (
    Context,
    View,
    answer_callback,
    button,
    callback_parts,
    keyboard,
    load_locale,
    send,
    show,
    user_id,
)

log = logging.getLogger(__name__)

# Telegram's limits for what bots send: 4096 characters of text, 1024 of caption; photos up
# to 10 MB and other files up to 50 MB.
MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024
# A draft older than this no longer takes the staff member's messages: a day later, a
# message is a new conversation, not the announcement they were asked for.
DRAFT_TTL = timedelta(hours=24)
# "Kirim nanti": at least a minute ahead (earlier means now), at most 90 days (a typo'd year).
MIN_LEAD = timedelta(minutes=1)
MAX_LEAD = timedelta(days=90)
HISTORY_SIZE = 10
HISTORY_WORDS = frozenset({"riwayat", "history"})
# Characters that show nothing: an announcement made only of them is empty.
_INVISIBLE = re.compile(r"[\s\u200b-\u200f\u2060\u2800\u3164\ufeff]+")
_TAG = re.compile(r"<[^>]+>")

FIELD_LABELS: dict[str, str] = {
    Field.STATUS: N_("filter.field.status"),
    Field.REGION: N_("filter.field.wilayah"),
    Field.KECAMATAN: N_("filter.field.kecamatan"),
    Field.DESTINATION: N_("filter.field.tujuan"),
    Field.FIRST_CHOICE: N_("filter.field.tujuan1"),
    Field.INTEREST: N_("filter.field.minat"),
    Field.STAGE: N_("filter.field.tahap"),
}
REGION_LABELS: dict[str, str] = {
    KOTA_SERANG: N_("filter.region.kota_serang"),
    "banten": N_("filter.region.banten"),
    "sumsel": N_("filter.region.sumsel"),
    "lampung": N_("filter.region.lampung"),
    "kalbar": N_("filter.region.kalbar"),
    OUTSIDE_KOTA_SERANG: N_("filter.region.luar_kota_serang"),
}
STATUS_LABELS: dict[str, str] = {
    Status.DRAFT: N_("broadcast.status.draft"),
    Status.SCHEDULED: N_("broadcast.status.scheduled"),
    Status.SENDING: N_("broadcast.status.sending"),
    Status.DONE: N_("broadcast.status.done"),
    Status.CANCELLED: N_("broadcast.status.cancelled"),
}
# The common groups, as buttons: code -> (label key, filter).
GROUPS: dict[str, tuple[str, RecipientFilter]] = {
    "all": (N_("broadcast.group.all"), RecipientFilter()),
    "ks": (N_("broadcast.group.kota_serang"), RecipientFilter(kota_serang=True)),
    "out": (N_("broadcast.group.outside"), RecipientFilter(kota_serang=False)),
    "ms": (
        N_("filter.status.memenuhi_syarat"),
        RecipientFilter(outcomes=frozenset({"memenuhi_syarat"})),
    ),
    "pd": (
        N_("filter.status.perlu_dilengkapi"),
        RecipientFilter(outcomes=frozenset({"perlu_dilengkapi"})),
    ),
    "bms": (
        N_("filter.status.belum_memenuhi_syarat"),
        RecipientFilter(outcomes=frozenset({"belum_memenuhi_syarat"})),
    ),
}
# Short names of the verdicts (the resident-facing verdict.* texts are whole sentences).
STATUS_VALUE_LABELS: dict[str, str] = {
    "memenuhi_syarat": N_("filter.status.memenuhi_syarat"),
    "perlu_dilengkapi": N_("filter.status.perlu_dilengkapi"),
    "belum_memenuhi_syarat": N_("filter.status.belum_memenuhi_syarat"),
}


# --- small renderers -------------------------------------------------------------------------


def num(n: int) -> str:
    return format_decimal(n, locale=get_locale())


def duration_text(seconds: float) -> str:
    """ "2 menit 5 detik", "40 detik": rounded to what a person cares about."""
    total = max(1, round(seconds))
    if total >= 600:
        total = round(total / 60) * 60  # past ten minutes, seconds are noise
    minutes, secs = divmod(total, 60)
    parts = []
    if minutes:
        parts.append(ngettext("broadcast.minutes", "broadcast.minutes", minutes).format(n=minutes))
    if secs:
        parts.append(ngettext("broadcast.seconds", "broadcast.seconds", secs).format(n=secs))
    return " ".join(parts)


def eta_text(eta: float | None) -> str:
    if eta is None:
        return ""
    if eta < 5:
        return _("broadcast.eta.soon")
    return _("broadcast.eta").format(duration=duration_text(eta))


def value_label(name: str, value: str) -> str:
    if name == Field.STATUS:
        return _(STATUS_VALUE_LABELS[value])
    if name == Field.REGION:
        return _(REGION_LABELS[value])
    if name == Field.KECAMATAN:
        kecamatan = kecamatan_by_slug(value)
        return kecamatan.name if kecamatan else value
    if name in (Field.DESTINATION, Field.FIRST_CHOICE):
        return _(f"dest.{value}")
    if name == Field.INTEREST:
        return _(f"interest.{value}")
    return _(f"stage.{value}")


def describe(f: RecipientFilter) -> str:
    """The recipients in words, in the reader's language (HTML-safe)."""
    if f.is_everyone:
        return _("broadcast.filter.everyone")
    parts = [
        f"{_(FIELD_LABELS[name])}: {', '.join(value_label(name, v) for v in values)}"
        for name, values in f.terms()
    ]
    return html.escape("; ".join(parts))


def filter_error_text(err: FilterError) -> str:
    params = {k: html.escape(v) for k, v in err.params.items()}
    return _(err.key).format(**params) + "\n\n" + _("broadcast.filter.help")


def snippet(b: Broadcast, length: int = 40) -> str:
    """The start of the announcement, as plain escaped text, to recognise it in a list."""
    start = plain(b.text or "").strip().replace("\n", " ")
    if len(start) > length:
        start = start[: length - 1] + "…"
    marker = {"photo": _("broadcast.kind.photo"), "document": _("broadcast.kind.document")}
    prefix = marker.get(b.content_type or "", "")
    return " ".join(p for p in (prefix, html.escape(start)) if p) or "—"


def local_time(d: Deps, iso: str, locale: str) -> str:
    moment = datetime.fromisoformat(iso).astimezone(d.settings.timezone)
    return f"{format_date_short(moment.date(), locale)} {format_time(moment, locale)}"


def long_time(d: Deps, iso: str, locale: str) -> str:
    return format_datetime(datetime.fromisoformat(iso).astimezone(d.settings.timezone), locale)


def utf16_len(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units: most emoji count twice)."""
    return len(text.encode("utf-16-le")) // 2


def plain(html_text: str) -> str:
    return html.unescape(_TAG.sub("", html_text))


def is_blank(text: str) -> bool:
    return _INVISIBLE.sub("", text) == ""


def footer() -> str:
    """The line under every announcement: how to stop them (in the reader's language)."""
    return _("broadcast.footer")


def with_footer(text: str | None, footer_text: str) -> str:
    return "\n\n".join(part for part in (text, footer_text) if part)


# --- the Telegram side of the sender ----------------------------------------------------------


async def send_content(bot: Bot, chat_id: int, b: Broadcast, footer_text: str) -> Message:
    """The announcement as recipients see it: text, or a photo or document by file_id."""
    body = with_footer(b.text, footer_text)
    if b.content_type == "photo":
        return await bot.send_photo(chat_id, photo=b.file_id or "", caption=body)
    if b.content_type == "document":
        return await bot.send_document(chat_id, document=b.file_id or "", caption=body)
    return await bot.send_message(chat_id, body)


def deliverer(bot: Bot) -> SendFn:
    """The sender's SendFn: one announcement to one person, footer in their language."""

    async def deliver(b: Broadcast, item: OutboxItem) -> None:
        with use_locale(item.locale):
            footer_text = footer()
        await send_content(bot, item.user_id, b, footer_text)

    return deliver


def stop_markup(b: Broadcast) -> InlineKeyboardMarkup:
    return keyboard([button(_("broadcast.btn.stop"), f"bc:stop:{b.id}")])


def progress_text(b: Broadcast, figures: OutboxCounts, eta: float | None) -> str:
    lines = [
        _("broadcast.progress.title").format(id=b.id),
        _("broadcast.figures.sent").format(sent=num(figures.sent), total=num(figures.total)),
        _("broadcast.figures.blocked").format(n=num(figures.blocked)),
        _("broadcast.figures.failed").format(n=num(figures.failed)),
    ]
    if figures.skipped:
        lines.append(_("broadcast.figures.skipped").format(n=num(figures.skipped)))
    if eta is not None:
        lines.append(eta_text(eta))
    return "\n".join(lines)


def final_text(b: Broadcast, figures: OutboxCounts, seconds: float) -> str:
    done = b.status == Status.DONE
    title = "broadcast.final.done" if done else "broadcast.final.cancelled"
    lines = [
        _(title).format(id=b.id),
        _("broadcast.figures.sent").format(sent=num(figures.sent), total=num(figures.total)),
        _("broadcast.figures.blocked").format(n=num(figures.blocked)),
        _("broadcast.figures.failed").format(n=num(figures.failed)),
    ]
    if figures.skipped:
        lines.append(_("broadcast.figures.skipped").format(n=num(figures.skipped)))
    if figures.pending:
        lines.append(_("broadcast.figures.not_sent").format(n=num(figures.pending)))
    lines.append(_("broadcast.figures.duration").format(duration=duration_text(seconds)))
    if figures.blocked:
        lines += ["", _("broadcast.final.blocked_note")]
    return "\n".join(lines)


async def locale_of(d: Deps, person: int) -> str:
    applicant = await applicants_repo.get(d.db, person)
    return applicant.locale if applicant is not None else d.settings.default_locale


class TelegramReporter:
    """Progress in one edited message; the final report; notices to admins."""

    def __init__(self, bot: Bot, d: Deps) -> None:
        self.bot = bot
        self.d = d
        self._shown: dict[int, str] = {}  # broadcast id -> text on screen now

    async def show_message(
        self, b: Broadcast, text: str, markup: InlineKeyboardMarkup | None
    ) -> None:
        """Edit the progress message (a new one if it is gone); never an identical edit."""
        # Telegram answers 400 "message is not modified" to an identical edit: skip it.
        if self._shown.get(b.id) == text:
            return
        if b.progress_chat_id is not None and b.progress_message_id is not None:
            try:
                await self.bot.edit_message_text(
                    text,
                    chat_id=b.progress_chat_id,
                    message_id=b.progress_message_id,
                    reply_markup=markup,
                )
                self._shown[b.id] = text
                return
            except BadRequest as exc:
                if "not modified" in str(exc).lower():
                    self._shown[b.id] = text
                    return
                log.info("broadcast %s: progress message gone (%s), sending anew", b.id, exc)
        message = await self.bot.send_message(b.created_by, text, reply_markup=markup)
        await store.set_progress_message(self.d.db, b.id, message.chat_id, message.message_id)
        b.progress_chat_id, b.progress_message_id = message.chat_id, message.message_id
        self._shown[b.id] = text

    async def started(self, broadcast: Broadcast) -> None:
        """A scheduled broadcast began: its progress message, as a new message."""
        if not await is_staff(self.d, broadcast.created_by):
            return
        figures = await store.counts(self.d.db, broadcast.id)
        with use_locale(broadcast.locale):
            text = _("broadcast.started").format(id=broadcast.id) + "\n\n"
            text += progress_text(broadcast, figures, None)
            markup = stop_markup(broadcast)
        broadcast.progress_message_id = None  # a new message, so that it notifies
        await self.show_message(broadcast, text, markup)

    async def progress(
        self, broadcast: Broadcast, figures: OutboxCounts, eta_seconds: float | None
    ) -> None:
        """Edit the progress message with the figures of now."""
        with use_locale(broadcast.locale):
            text = progress_text(broadcast, figures, eta_seconds)
            markup = stop_markup(broadcast)
        try:
            await self.show_message(broadcast, text, markup)
        except Forbidden:
            log.info("broadcast %s: its creator blocked the bot", broadcast.id)

    async def finished(
        self, broadcast: Broadcast, figures: OutboxCounts, seconds: float, *, to_admins: bool
    ) -> None:
        """The final report, to the creator or (creator no longer staff) to the admins."""
        if not to_admins:
            with use_locale(broadcast.locale):
                text = final_text(broadcast, figures, seconds)
                notice = _("broadcast.final.notice").format(id=broadcast.id)
            try:
                await self.show_message(broadcast, text, None)
                await self.bot.send_message(broadcast.created_by, notice)
            except TelegramError as exc:
                log.warning("broadcast %s: final report not delivered: %s", broadcast.id, exc)
            return
        for admin in sorted(self.d.settings.admin_ids):
            with use_locale(await locale_of(self.d, admin)):
                text = _("broadcast.final.to_admins").format(creator=broadcast.created_by)
                text += "\n\n" + final_text(broadcast, figures, seconds)
            try:
                await self.bot.send_message(admin, text)
            except TelegramError as exc:
                log.warning("broadcast %s: report to an admin failed: %s", broadcast.id, exc)

    async def creator_removed(self, broadcast: Broadcast) -> None:
        """Tell the admins that a removed staff member's broadcast still runs."""
        for admin in sorted(self.d.settings.admin_ids):
            with use_locale(await locale_of(self.d, admin)):
                text = _("broadcast.creator_removed").format(
                    id=broadcast.id, creator=broadcast.created_by
                )
            try:
                await self.bot.send_message(admin, text)
            except TelegramError as exc:
                log.warning("broadcast %s: notice to an admin failed: %s", broadcast.id, exc)


def broadcaster(d: Deps) -> Broadcaster:
    found = d.extras.get(EXTRAS_KEY)
    assert isinstance(found, Broadcaster), "the broadcast start-up hook did not run"
    return found


async def start_broadcaster(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Start-up hook: the sender, resuming unfinished broadcasts and the scheduled ones."""
    d: Deps = app.bot_data[DEPS_KEY]
    sender = Broadcaster(d, deliverer(app.bot), TelegramReporter(app.bot, d))
    d.extras[EXTRAS_KEY] = sender
    await sender.start()


async def stop_broadcaster(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Shut-down hook: let the sends in flight finish; the rest waits for the next start."""
    d: Deps = app.bot_data[DEPS_KEY]
    sender = d.extras.pop(EXTRAS_KEY, None)
    if isinstance(sender, Broadcaster):
        await sender.stop()


# --- views -----------------------------------------------------------------------------------


def cancel_button(b: Broadcast) -> Any:
    return button(_("broadcast.btn.cancel"), f"bc:x:{b.id}")


def content_prompt(b: Broadcast) -> View:
    text = _("broadcast.ask_content")
    f = b.recipient_filter
    if f is not None:
        text += "\n\n" + _("broadcast.recipients_are").format(recipients=describe(f))
    return View(text, keyboard([cancel_button(b)]))


def recipients_view(b: Broadcast) -> View:
    groups = [button(_(label), f"bc:g:{b.id}:{code}") for code, (label, _f) in GROUPS.items()]
    groups.append(button(_("broadcast.btn.by_stage"), f"bc:st:{b.id}"))
    # "Everyone" alone on the first row, then pairs, then cancel.
    rows = [groups[:1], groups[1:3], groups[3:5], groups[5:7], [cancel_button(b)]]
    markup = keyboard([], extra_rows=rows)
    return View(_("broadcast.ask_recipients").format(fields=", ".join(FIELDS)), markup)


def stages_view(b: Broadcast) -> View:
    stages = [button(_(f"stage.{s}"), f"bc:g:{b.id}:t.{s}") for s in STAGES]
    back = button(_("broadcast.btn.back"), f"bc:rc:{b.id}")
    return View(_("broadcast.ask_stage"), keyboard(stages, 2, extra_rows=[[back]]))


async def preview_view(d: Deps, b: Broadcast) -> View:
    f = b.recipient_filter or RecipientFilter()
    count = await count_recipients(d.db, f)
    lines = [
        _("broadcast.preview.title").format(id=b.id),
        _("broadcast.recipients_are").format(recipients=describe(f)),
        _("broadcast.preview.count").format(n=num(count.reachable)),
    ]
    if count.opted_out:
        lines.append(_("broadcast.preview.opted_out").format(n=num(count.opted_out)))
    if count.inactive:
        lines.append(_("broadcast.preview.inactive").format(n=num(count.inactive)))
    if b.send_at:
        lines.append(_("broadcast.preview.at").format(when=long_time(d, b.send_at, get_locale())))
        lines.append(_("broadcast.preview.recount"))
    elif count.reachable:
        seconds = count.reachable / d.settings.broadcast_rate
        lines.append(_("broadcast.preview.duration").format(duration=duration_text(seconds)))
    change = button(_("broadcast.btn.recipients"), f"bc:rc:{b.id}")
    if count.reachable == 0 and not b.send_at:
        lines.append(_("broadcast.preview.nobody"))
        return View("\n".join(lines), keyboard([change, cancel_button(b)], 2))
    if b.send_at:
        first = [
            button(_("broadcast.btn.schedule"), f"bc:sched:{b.id}"),
            button(_("broadcast.btn.change_time"), f"bc:later:{b.id}"),
        ]
        second = [button(_("broadcast.btn.send_now_instead"), f"bc:pv:{b.id}"), change]
    else:
        first = [
            button(_("broadcast.btn.send"), f"bc:go:{b.id}"),
            button(_("broadcast.btn.later"), f"bc:later:{b.id}"),
        ]
        second = [change]
    return View("\n".join(lines), keyboard([], extra_rows=[first, second, [cancel_button(b)]]))


def time_prompt(b: Broadcast) -> View:
    back = button(_("broadcast.btn.back"), f"bc:pv:{b.id}")
    return View(_("broadcast.ask_time"), keyboard([back, cancel_button(b)], 2))


async def history_view(d: Deps) -> View:
    items = await store.recent(d.db, HISTORY_SIZE)
    if not items:
        return View(_("broadcast.history.empty"))
    locale = get_locale()
    lines = [_("broadcast.history.title"), ""]
    stoppable = []
    for b in items:
        if b.status == Status.SCHEDULED and b.send_at:
            when = long_time(d, b.send_at, locale)
        else:
            when = local_time(d, b.started_at or b.created_at, locale)
        lines.append(
            _("broadcast.history.item").format(
                id=b.id, status=_(STATUS_LABELS[b.status]), when=when, creator=b.created_by
            )
        )
        lines.append("    " + snippet(b))
        f = b.recipient_filter or RecipientFilter()
        if b.status == Status.SCHEDULED:
            lines.append("    " + _("broadcast.recipients_are").format(recipients=describe(f)))
        else:
            figures = await store.counts(d.db, b.id)
            lines.append(
                "    "
                + _("broadcast.history.figures").format(
                    sent=num(figures.sent),
                    total=num(figures.total),
                    blocked=num(figures.blocked),
                    failed=num(figures.failed),
                )
            )
        if b.status in (Status.SCHEDULED, Status.SENDING):
            stoppable.append(button(_("broadcast.btn.stop_id").format(id=b.id), f"bc:stop:{b.id}"))
    return View("\n".join(lines), keyboard(stoppable, 2) if stoppable else None)


# --- /umumkan ---------------------------------------------------------------------------------


def _argument(update: Update) -> str:
    message = update.effective_message
    text = message.text if message is not None and message.text else ""
    parts = text.split(maxsplit=1)
    return parts[1].strip() if len(parts) > 1 else ""


@staff_only
async def umumkan(update: Update, context: Context) -> None:
    """/umumkan [filter | riwayat]: a new announcement, or the list of recent ones."""
    d = deps(context)
    argument = _argument(update)
    if argument.lower() in HISTORY_WORDS:
        await send(update, context, await history_view(d))
        return
    f: RecipientFilter | None = None
    if argument:
        try:
            f = parse_filter(argument)
        except FilterError as err:
            await send(update, context, View(filter_error_text(err)))
            return
    draft = await store.new_draft(d.db, user_id(update), locale=get_locale(), recipient_filter=f)
    await send(update, context, content_prompt(draft))


# --- the staff member's messages while a draft waits for one ------------------------------------


def _fresh(b: Broadcast) -> bool:
    created = datetime.fromisoformat(b.created_at)
    return datetime.now(UTC) - created < DRAFT_TTL


async def on_draft_message(update: Update, context: Context) -> None:
    """The announcement, a typed filter or a time, when a draft asked for it; anything else
    passes on to the other handlers untouched."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    d = deps(context)
    draft = await store.open_draft(d.db, user.id)
    waiting = (Step.CONTENT, Step.RECIPIENTS, Step.SEND_AT)
    if draft is None or draft.step not in waiting or not _fresh(draft):
        return
    if not await is_staff(d, user.id):
        return  # no longer staff: their message is an ordinary one now
    await load_locale(update, context)
    if draft.step == Step.CONTENT:
        await _take_content(update, context, d, draft, message)
    elif message.text is None:
        await send(update, context, View(_("broadcast.error.text_expected")))
    elif draft.step == Step.RECIPIENTS:
        await _take_filter(update, context, d, draft, message.text)
    else:
        await _take_time(update, context, d, draft, message.text)
    raise ApplicationHandlerStop


def _content_of(message: Message) -> tuple[str, str, str | None, int] | str:
    """(kind, HTML text, file_id, visible length) or the catalog key of the problem."""
    if message.text is not None:
        if is_blank(message.text):
            return N_("broadcast.error.empty")
        return "text", message.text_html, None, utf16_len(message.text)
    caption = message.caption_html if message.caption else ""
    visible = utf16_len(message.caption or "")
    if message.photo:
        photo = message.photo[-1]  # the largest size
        if (photo.file_size or 0) > MAX_PHOTO_BYTES:
            return N_("broadcast.error.photo_too_large")
        return "photo", caption, photo.file_id, visible
    if message.document is not None:
        if (message.document.file_size or 0) > MAX_DOCUMENT_BYTES:
            return N_("broadcast.error.document_too_large")
        return "document", caption, message.document.file_id, visible
    return N_("broadcast.error.unsupported")


async def _take_content(
    update: Update, context: Context, d: Deps, draft: Broadcast, message: Message
) -> None:
    found = _content_of(message)
    if isinstance(found, str):
        await send(update, context, View(_(found), keyboard([cancel_button(draft)])))
        return
    kind, text, file_id, visible = found
    limit = MAX_TEXT if kind == "text" else MAX_CAPTION
    # The footer goes under every announcement, in each recipient's language; the longer one
    # decides what fits.
    room = limit - max(utf16_len(plain(catalog_footer(loc))) for loc in ("id", "en")) - 2
    if visible > room:
        key = "broadcast.error.too_long" if kind == "text" else "broadcast.error.caption_too_long"
        await send(update, context, View(_(key).format(limit=num(room), length=num(visible))))
        return
    next_step = Step.RECIPIENTS if draft.filter is None else Step.PREVIEW
    await store.update_draft(
        d.db, draft, content_type=kind, text=text, file_id=file_id, step=next_step
    )
    await send(update, context, View(_("broadcast.preview.intro")))
    chat = update.effective_chat
    assert chat is not None
    try:
        await send_content(context.bot, chat.id, draft, footer())
    except BadRequest as exc:
        # Telegram refused the copy: it would refuse every recipient's too.
        await store.update_draft(d.db, draft, step=Step.CONTENT)
        log.info("broadcast %s: content refused by Telegram: %s", draft.id, exc)
        refused = View(_("broadcast.error.refused"), keyboard([cancel_button(draft)]))
        await send(update, context, refused)
        return
    if next_step == Step.RECIPIENTS:
        await send(update, context, recipients_view(draft))
    else:
        await send(update, context, await preview_view(d, draft))


def catalog_footer(locale: str) -> str:
    with use_locale(locale):
        return footer()


async def _take_filter(
    update: Update, context: Context, d: Deps, draft: Broadcast, text: str
) -> None:
    try:
        f = parse_filter(text)
    except FilterError as err:
        await send(update, context, View(filter_error_text(err), keyboard([cancel_button(draft)])))
        return
    await store.update_draft(d.db, draft, filter=f.to_json(), step=Step.PREVIEW)
    await send(update, context, await preview_view(d, draft))


async def _take_time(
    update: Update, context: Context, d: Deps, draft: Broadcast, text: str
) -> None:
    tz = d.settings.timezone
    try:
        when = parse_event_datetime(text, tz)
    except DateError as err:
        invalid = err.problem is DateProblem.INVALID
        key = "broadcast.error.time_invalid" if invalid else "broadcast.error.time_format"
        await send(update, context, View(_(key), time_prompt(draft).markup))
        return
    now = d.clock.now()
    if when < now + MIN_LEAD:
        await send(update, context, View(_("broadcast.error.time_past"), time_prompt(draft).markup))
        return
    if when > now + MAX_LEAD:
        await send(update, context, View(_("broadcast.error.time_far"), time_prompt(draft).markup))
        return
    await store.update_draft(d.db, draft, send_at=when.isoformat(), step=Step.PREVIEW)
    await send(update, context, await preview_view(d, draft))


# --- buttons ---------------------------------------------------------------------------------


async def _own_draft(update: Update, d: Deps, broadcast_id: int) -> Broadcast | None:
    """The pressing staff member's own draft, or None (and they are told why)."""
    b = await store.get(d.db, broadcast_id)
    if b is None or b.created_by != user_id(update):
        await answer_callback(update, _("broadcast.error.not_yours"), alert=True)
        return None
    if b.status != Status.DRAFT:
        await answer_callback(update, _("broadcast.error.not_draft").format(
            id=b.id, status=_(STATUS_LABELS[b.status])), alert=True)  # fmt: skip
        return None
    await answer_callback(update)
    return b


@staff_only
async def on_button(update: Update, context: Context) -> None:
    """bc:<action>:<broadcast id>[:<group>]: every button of /umumkan."""
    d = deps(context)
    parts = callback_parts(update)
    if len(parts) < 3 or not parts[2].isdigit():
        await answer_callback(update)
        return
    action, broadcast_id = parts[1], int(parts[2])
    if action in ("stop", "stopok", "keep"):
        await _stop_buttons(update, context, d, action, broadcast_id)
        return
    draft = await _own_draft(update, d, broadcast_id)
    if draft is None:  # e.g. the second tap of a double tap: told in the answer, nothing starts
        return
    match action:
        case "x":
            await broadcaster(d).cancel(draft.id, user_id(update))
            await staff_repo.audit(d.db, user_id(update), "broadcast", f"#{draft.id}", "discard")
            await show(update, context, View(_("broadcast.discarded")))
        case "g":
            await _choose_group(update, context, d, draft, parts[3] if len(parts) > 3 else "")
        case "st":
            await store.update_draft(d.db, draft, step=Step.RECIPIENTS)
            await show(update, context, stages_view(draft))
        case "rc":
            await store.update_draft(d.db, draft, step=Step.RECIPIENTS)
            await show(update, context, recipients_view(draft))
        case "later":
            await store.update_draft(d.db, draft, step=Step.SEND_AT)
            await show(update, context, time_prompt(draft))
        case "pv":
            await store.update_draft(d.db, draft, step=Step.PREVIEW, send_at=None)
            await show(update, context, await preview_view(d, draft))
        case "go":
            await _send_now(update, context, d, draft)
        case "sched":
            await _schedule(update, context, d, draft)


async def _choose_group(
    update: Update, context: Context, d: Deps, draft: Broadcast, code: str
) -> None:
    if code.startswith("t.") and code[2:] in STAGES:
        f = RecipientFilter(stages=frozenset({code[2:]}))
    elif code in GROUPS:
        f = GROUPS[code][1]
    else:
        return
    await store.update_draft(d.db, draft, filter=f.to_json(), step=Step.PREVIEW)
    await show(update, context, await preview_view(d, draft))


async def _send_now(update: Update, context: Context, d: Deps, draft: Broadcast) -> None:
    actor = user_id(update)
    total = await store.start_sending(d.db, draft.id, from_status=Status.DRAFT)
    if total is None:  # the other tap of a double tap won
        await _already(update, context, d, draft.id)
        return
    f = draft.recipient_filter or RecipientFilter()
    await staff_repo.audit(
        d.db, actor, "broadcast", f"#{draft.id}", f"send {total} recipients; {f.to_text()}"
    )
    b = await store.get(d.db, draft.id)
    assert b is not None
    query = update.callback_query
    if query is not None and isinstance(query.message, Message):
        chat_id, message_id = query.message.chat_id, query.message.message_id
        await store.set_progress_message(d.db, b.id, chat_id, message_id)
        b.progress_chat_id, b.progress_message_id = chat_id, message_id
    figures = await store.counts(d.db, b.id)
    eta = figures.total / d.settings.broadcast_rate if figures.total else 0.0
    sender = broadcaster(d)
    text, markup = progress_text(b, figures, eta), stop_markup(b)
    if isinstance(sender.reporter, TelegramReporter):  # it remembers what is on screen
        await sender.reporter.show_message(b, text, markup)
    else:
        await show(update, context, View(text, markup))
    sender.launch(b.id)


async def _schedule(update: Update, context: Context, d: Deps, draft: Broadcast) -> None:
    actor = user_id(update)
    if draft.send_at is None or not await store.schedule(d.db, draft.id, draft.send_at):
        await _already(update, context, d, draft.id)
        return
    f = draft.recipient_filter or RecipientFilter()
    await staff_repo.audit(
        d.db, actor, "broadcast", f"#{draft.id}", f"schedule {draft.send_at}; {f.to_text()}"
    )
    b = await store.get(d.db, draft.id)
    assert b is not None
    broadcaster(d).arm(b)
    when = long_time(d, draft.send_at, get_locale())
    await show(update, context, View(_("broadcast.scheduled").format(id=b.id, when=when)))


async def _already(update: Update, context: Context, d: Deps, broadcast_id: int) -> None:
    b = await store.get(d.db, broadcast_id)
    if b is None:
        return
    await send(update, context, View(_("broadcast.already").format(
        id=b.id, status=_(STATUS_LABELS[b.status]))))  # fmt: skip


async def _stop_buttons(
    update: Update, context: Context, d: Deps, action: str, broadcast_id: int
) -> None:
    await answer_callback(update)
    b = await store.get(d.db, broadcast_id)
    if b is None or b.status not in (Status.SCHEDULED, Status.SENDING):
        status = _(STATUS_LABELS[b.status]) if b is not None else "—"
        await send(update, context, View(_("broadcast.stop.too_late").format(
            id=broadcast_id, status=status)))  # fmt: skip
        return
    if action == "stop":
        # A new message: the progress message is edited by the sender every few seconds.
        confirm = keyboard(
            [
                button(_("broadcast.btn.stop_yes"), f"bc:stopok:{b.id}"),
                button(_("broadcast.btn.stop_no"), f"bc:keep:{b.id}"),
            ],
            2,
        )
        await send(update, context, View(_("broadcast.stop.confirm").format(id=b.id), confirm))
        return
    if action == "keep":
        await show(update, context, View(_("broadcast.stop.kept").format(id=b.id)))
        return
    before = await broadcaster(d).cancel(b.id, user_id(update))
    if before is None:
        await show(update, context, View(_("broadcast.stop.too_late").format(
            id=b.id, status=_(STATUS_LABELS[Status.DONE]))))  # fmt: skip
        return
    await staff_repo.audit(d.db, user_id(update), "broadcast", f"#{b.id}", f"cancel ({before})")
    await show(update, context, View(_("broadcast.stop.done").format(id=b.id)))


# --- wiring ----------------------------------------------------------------------------------


def handlers() -> list[BaseHandler[Update, Context, None]]:
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler(["umumkan", "announce"], umumkan, filters=private),
        CallbackQueryHandler(on_button, pattern=r"^bc:"),
    ]


def setup(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    from bot.app import add_hook  # bot.app imports this module: import it once both exist

    # Group -2 runs before the locale loader (-1) and every feature (0): see the docstring.
    draft_messages = filters.ChatType.PRIVATE & ~filters.COMMAND & ~filters.StatusUpdate.ALL
    app.add_handler(MessageHandler(draft_messages, on_draft_message), group=-2)
    add_hook(app, "startup", start_broadcaster)
    add_hook(app, "shutdown", stop_broadcaster)
