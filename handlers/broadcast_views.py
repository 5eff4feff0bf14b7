"""The texts and keyboards of /umumkan and of the broadcast reports.

Pure functions of a broadcast, its figures and the reader's locale (the current one: a caller
rendering for someone else wraps the call in ``use_locale``). Nothing here calls the Bot API
or reads the database; handlers/broadcast.py and handlers/broadcast_delivery.py fetch, these
render.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import callbacks as cb
from bot.callbacks import BroadcastAction as Act
from bot.deps import Deps
from bot.domain.dates import format_date_short, format_datetime, format_time
from bot.domain.recipients import (
    FIELDS,
    KOTA_SERANG,
    OUTSIDE_KOTA_SERANG,
    STAGES,
    Field,
    FilterError,
    RecipientFilter,
)
from bot.domain.regions import kecamatan_by_slug
from bot.i18n import N_, _, get_locale, ngettext, use_locale
from bot.services.broadcast import sending_seconds
from bot.storage.broadcasts import Broadcast, OutboxCounts, Status, resumable
from bot.storage.recipients import RecipientCount
from handlers.common import View, button, keyboard, number, plain

FIELD_LABELS: dict[str, str] = {
    Field.STATUS: N_("filter.field.status"),
    Field.REGION: N_("filter.field.wilayah"),
    Field.KECAMATAN: N_("filter.field.kecamatan"),
    Field.DESTINATION: N_("filter.field.tujuan"),
    Field.FIRST_CHOICE: N_("filter.field.tujuan1"),
    Field.INTEREST: N_("filter.field.minat"),
    Field.STAGE: N_("filter.field.tahap"),
    Field.CHANNEL: N_("filter.field.kanal"),
}
CHANNEL_LABELS: dict[str, str] = {
    "telegram": N_("filter.channel.telegram"),
    "whatsapp": N_("filter.channel.whatsapp"),
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
# The footer is written in every recipient's own language: these are the ones it comes in.
FOOTER_LOCALES = ("id", "en")
FOOTER_SEPARATOR = "\n\n"


# --- small renderers -------------------------------------------------------------------------


def status_label(status: str) -> str:
    return _(STATUS_LABELS[status])


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
    if name == Field.CHANNEL:
        return _(CHANNEL_LABELS[value])
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


# --- the announcement as recipients see it ---------------------------------------------------


def utf16_len(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units: most emoji count twice)."""
    return len(text.encode("utf-16-le")) // 2


def footer() -> str:
    """The line under every announcement: how to stop them (in the reader's language)."""
    return _("broadcast.footer")


def catalog_footer(locale: str) -> str:
    with use_locale(locale):
        return footer()


def with_footer(text: str | None, footer_text: str) -> str:
    return FOOTER_SEPARATOR.join(part for part in (text, footer_text) if part)


def room_under(limit: int) -> int:
    """What is left of Telegram's ``limit`` for the announcement itself: the footer goes
    under it in each recipient's language, and the longest one decides what fits."""
    longest = max(utf16_len(plain(catalog_footer(loc))) for loc in FOOTER_LOCALES)
    return limit - longest - len(FOOTER_SEPARATOR)


# --- progress and reports --------------------------------------------------------------------


def stop_markup(b: Broadcast) -> InlineKeyboardMarkup:
    return keyboard([button(_("broadcast.btn.stop"), cb.BroadcastButton(Act.STOP, b.id))])


def stop_confirm_view(b: Broadcast) -> View:
    confirm = keyboard(
        [
            button(_("broadcast.btn.stop_yes"), cb.BroadcastButton(Act.STOP_CONFIRMED, b.id)),
            button(_("broadcast.btn.stop_no"), cb.BroadcastButton(Act.KEEP_GOING, b.id)),
        ],
        2,
    )
    return View(_("broadcast.stop.confirm").format(id=b.id), confirm)


def _figure_lines(figures: OutboxCounts) -> list[str]:
    """The figures both the progress message and the final report start with."""
    lines = [
        _("broadcast.figures.sent").format(sent=number(figures.sent), total=number(figures.total)),
        _("broadcast.figures.blocked").format(n=number(figures.blocked)),
        _("broadcast.figures.failed").format(n=number(figures.failed)),
    ]
    if figures.skipped:
        lines.append(_("broadcast.figures.skipped").format(n=number(figures.skipped)))
    if figures.outside_window:
        lines.append(_("broadcast.figures.outside_window").format(n=number(figures.outside_window)))
    return lines


def progress_text(b: Broadcast, figures: OutboxCounts, eta: float | None) -> str:
    lines = [_("broadcast.progress.title").format(id=b.id), *_figure_lines(figures)]
    if eta is not None:
        lines.append(eta_text(eta))
    return "\n".join(lines)


def final_text(b: Broadcast, figures: OutboxCounts, seconds: float) -> str:
    done = b.status == Status.DONE
    title = "broadcast.final.done" if done else "broadcast.final.cancelled"
    lines = [_(title).format(id=b.id), *_figure_lines(figures)]
    if figures.pending:
        lines.append(_("broadcast.figures.not_sent").format(n=number(figures.pending)))
    lines.append(_("broadcast.figures.duration").format(duration=duration_text(seconds)))
    if figures.blocked:
        lines += ["", _("broadcast.final.blocked_note")]
    return "\n".join(lines)


# --- the steps of /umumkan -------------------------------------------------------------------


def cancel_button(b: Broadcast) -> InlineKeyboardButton:
    return button(_("broadcast.btn.cancel"), cb.BroadcastButton(Act.DISCARD, b.id))


def content_prompt(b: Broadcast) -> View:
    text = _("broadcast.ask_content")
    f = b.recipient_filter
    if f is not None:
        text += "\n\n" + _("broadcast.recipients_are").format(recipients=describe(f))
    return View(text, keyboard([cancel_button(b)]))


def recipients_view(b: Broadcast) -> View:
    groups = [
        button(_(label), cb.BroadcastGroup(b.id, code)) for code, (label, _f) in GROUPS.items()
    ]
    groups.append(button(_("broadcast.btn.by_stage"), cb.BroadcastButton(Act.STAGES, b.id)))
    # "Everyone" alone on the first row, then pairs, then cancel.
    rows = [groups[:1], groups[1:3], groups[3:5], groups[5:7], [cancel_button(b)]]
    markup = keyboard([], extra_rows=rows)
    return View(_("broadcast.ask_recipients").format(fields=", ".join(FIELDS)), markup)


def stages_view(b: Broadcast) -> View:
    stages = [button(_(f"stage.{s}"), cb.BroadcastGroup(b.id, f"t.{s}")) for s in STAGES]
    back = button(_("broadcast.btn.back"), cb.BroadcastButton(Act.RECIPIENTS, b.id))
    return View(_("broadcast.ask_stage"), keyboard(stages, 2, extra_rows=[[back]]))


def preview_view(d: Deps, b: Broadcast, count: RecipientCount) -> View:
    """The preview of a draft whose recipients were just counted (``count``)."""
    f = b.recipient_filter or RecipientFilter()
    lines = [
        _("broadcast.preview.title").format(id=b.id),
        _("broadcast.recipients_are").format(recipients=describe(f)),
        _("broadcast.preview.count").format(n=number(count.reachable)),
    ]
    if count.opted_out:
        lines.append(_("broadcast.preview.opted_out").format(n=number(count.opted_out)))
    if count.inactive:
        lines.append(_("broadcast.preview.inactive").format(n=number(count.inactive)))
    if b.content_type in ("photo", "document") and d.settings.whatsapp_enabled:
        lines.append(_("broadcast.preview.whatsapp_text_only"))
    if b.send_at:
        lines.append(_("broadcast.preview.at").format(when=long_time(d, b.send_at, get_locale())))
        lines.append(_("broadcast.preview.recount"))
    elif count.reachable:
        seconds = sending_seconds(d.settings, count)
        lines.append(_("broadcast.preview.duration").format(duration=duration_text(seconds)))
    change = button(_("broadcast.btn.recipients"), cb.BroadcastButton(Act.RECIPIENTS, b.id))
    if count.reachable == 0 and not b.send_at:
        lines.append(_("broadcast.preview.nobody"))
        return View("\n".join(lines), keyboard([change, cancel_button(b)], 2))
    if b.send_at:
        first = [
            button(_("broadcast.btn.schedule"), cb.BroadcastButton(Act.SCHEDULE, b.id)),
            button(_("broadcast.btn.change_time"), cb.BroadcastButton(Act.LATER, b.id)),
        ]
        now = cb.BroadcastButton(Act.PREVIEW, b.id)
        second = [button(_("broadcast.btn.send_now_instead"), now), change]
    else:
        first = [
            button(_("broadcast.btn.send"), cb.BroadcastButton(Act.SEND, b.id)),
            button(_("broadcast.btn.later"), cb.BroadcastButton(Act.LATER, b.id)),
        ]
        second = [change]
    return View("\n".join(lines), keyboard([], extra_rows=[first, second, [cancel_button(b)]]))


def time_prompt(b: Broadcast) -> View:
    back = button(_("broadcast.btn.back"), cb.BroadcastButton(Act.PREVIEW, b.id))
    return View(_("broadcast.ask_time"), keyboard([back, cancel_button(b)], 2))


def history_view(d: Deps, items: Sequence[Broadcast], figures: Mapping[int, OutboxCounts]) -> View:
    """The recent broadcasts, newest first; ``figures`` holds the counts of every one that is
    not merely scheduled."""
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
                id=b.id, status=status_label(b.status), when=when, creator=b.created_by
            )
        )
        lines.append("    " + snippet(b))
        f = b.recipient_filter or RecipientFilter()
        if b.status == Status.SCHEDULED:
            lines.append("    " + _("broadcast.recipients_are").format(recipients=describe(f)))
        else:
            counts = figures[b.id]
            lines.append(
                "    "
                + _("broadcast.history.figures").format(
                    sent=number(counts.sent),
                    total=number(counts.total),
                    blocked=number(counts.blocked),
                    failed=number(counts.failed),
                )
                + (
                    _("broadcast.history.outside_window").format(n=number(counts.outside_window))
                    if counts.outside_window
                    else ""
                )
            )
        if b.status in (Status.SCHEDULED, Status.SENDING):
            label = _("broadcast.btn.stop_id").format(id=b.id)
            stoppable.append(button(label, cb.BroadcastButton(Act.STOP, b.id)))
        elif b.id in figures and resumable(b, figures[b.id]):
            label = _("broadcast.btn.resume_id").format(id=b.id)
            stoppable.append(button(label, cb.BroadcastButton(Act.RESUME, b.id)))
    return View("\n".join(lines), keyboard(stoppable, 2) if stoppable else None)
