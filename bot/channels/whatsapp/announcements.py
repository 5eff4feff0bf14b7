"""Announcements on WhatsApp: the broadcast sender's lane for WhatsApp residents.

The sender (bot/services/broadcast.py) works through a broadcast's outbox in one lane per
channel; this is WhatsApp's: one announcement to one resident, through the channel's client
(``bulk``, so residents' replies take the pacer's places first) at WhatsApp's own pace,
never waiting on Telegram's.

- Text: the announcement's HTML as WhatsApp text (render.plain), then the footer in the
  resident's language, which names the word "berhenti" (WhatsApp has no commands).
- A photo or document announcement: the Cloud API needs a media id uploaded to Meta or a
  public link, and the bot holds only Telegram's file_id; so a WhatsApp resident gets the
  caption as text. One without a caption fails, visibly, rather than send the footer alone.
- The 24-hour window: Meta takes free-form messages only within 24 hours of the resident's
  last message (bot/storage/contacts.py keeps its time; outbound.window_open, which closes it
  a few minutes early, decides, as for personal messages). Outside it an announcement goes
  as the approved template WHATSAPP_TEMPLATES names for ``announcement`` (pmi_pengumuman in
  docs/whatsapp-templates.md: its one parameter the text on one line, its own words saying
  how to stop); with none configured the row is OUTSIDE_WINDOW: not sent, counted and
  reported as "tidak terkirim: di luar 24 jam". The same when Meta answers 131047.
- Meta's answers read through errors.py: THROTTLED (after the client's own retries) pauses
  the lane, 131026 BLOCKED marks the resident inactive, 5xx RETRY comes round again.
- Failures reported later: Meta takes most messages with an id and says by webhook that
  one failed (131026 and 131047 always come that way). The id is kept on the outbox row, and
  ``failed_later`` (called by the channel for a "failed" status, and by the sender once the
  row is marked, for a status that came first) turns the row blocked (the resident
  inactive), outside_window or failed with the code: the figures count it where it belongs.
"""

from __future__ import annotations

from datetime import datetime

from bot.channels.whatsapp.client import Delivery
from bot.channels.whatsapp.errors import ERROR_TABLE, classify
from bot.channels.whatsapp.outbound import (
    OUTSIDE_WINDOW_CODES,
    one_line,
    template_message,
    window_open,
)
from bot.channels.whatsapp.render import plain
from bot.deps import Deps
from bot.i18n import _, use_locale
from bot.services.broadcast import AfterSent, ChannelLane, Deliver
from bot.services.delivery import Outcome, Verdict
from bot.storage import broadcasts, contacts
from bot.storage import whatsapp as statuses
from bot.storage.broadcasts import Broadcast, OutboxItem

MAX_TEXT = 4096  # a text message's body (the simulator refuses more, as Meta does)
# A template's body is at most 1,024 characters with its parameters filled in; the
# announcement template's own words take about 150 of them.
MAX_TEMPLATE_PARAMETER = 800
TEMPLATE_KIND = "announcement"  # its key in WHATSAPP_TEMPLATES
OUTSIDE_WINDOW = "whatsapp: outside the 24-hour window, no template"


def footer(locale: str) -> str:
    """How to stop announcements, on WhatsApp, in the resident's language (HTML)."""
    with use_locale(locale):
        return _("broadcast.footer.whatsapp")


def announcement_text(b: Broadcast, locale: str) -> str | None:
    """What a WhatsApp resident reads; None when there is nothing but a file to send."""
    body = plain(b.text or "").strip()
    if not body:
        return None
    tail = "\n\n" + plain(footer(locale))
    if len(body) + len(tail) > MAX_TEXT:  # WhatsApp's marks can make it longer than Telegram's
        body = body[: MAX_TEXT - len(tail) - 1].rstrip() + "…"
    return body + tail


def in_window(contact: contacts.Contact, now: datetime) -> bool:
    """Free-form still allowed: within the 24 hours, less the margin personal messages keep."""
    return window_open(contact, now)


def template_text(b: Broadcast) -> str | None:
    """The announcement as the template's one parameter: its lines joined with " · " (a
    parameter holds no new line), cut to what the template's length leaves."""
    lines = [line.strip() for line in plain(b.text or "").splitlines() if line.strip()]
    if not lines:
        return None
    text = one_line(" · ".join(lines))
    if len(text) > MAX_TEMPLATE_PARAMETER:
        text = text[: MAX_TEMPLATE_PARAMETER - 1].rstrip() + "…"
    return text


def deliverer(d: Deps) -> Deliver:
    """The WhatsApp lane's Deliver: reads the channel from ``d`` at each send (it starts after
    the sender, and is absent while WhatsApp is not configured)."""

    async def deliver(b: Broadcast, item: OutboxItem) -> Verdict:
        channel = d.whatsapp
        if channel is None:
            return Verdict(Outcome.FAILED, "whatsapp: not configured")
        contact = await contacts.by_user_id(d.db, item.user_id)
        if contact is None:
            return Verdict(Outcome.FAILED, "whatsapp: no contact")
        text = announcement_text(b, item.locale)
        if text is None:
            return Verdict(Outcome.FAILED, f"whatsapp: a {b.content_type} without text")
        if in_window(contact, d.clock.now()):
            sent = await channel.client.text(contact.wa_id, text, bulk=True)
        else:
            name = d.settings.whatsapp_templates.get(TEMPLATE_KIND)
            parameter = template_text(b)
            if name is None or parameter is None:
                return Verdict(Outcome.OUTSIDE_WINDOW, OUTSIDE_WINDOW)
            message = template_message(contact.wa_id, name, item.locale, [parameter], [])
            sent = await channel.client.send(message, bulk=True)
        return _verdict(sent)

    return deliver


def _verdict(sent: Delivery) -> Verdict:
    """Meta's answer as the sender's outcome (errors.py's table)."""
    if sent.sent:
        return Verdict(Outcome.SENT, ref=sent.message_id)
    if sent.code in OUTSIDE_WINDOW_CODES:
        return Verdict(Outcome.OUTSIDE_WINDOW, OUTSIDE_WINDOW)
    retry_after = 1.0
    if sent.code is not None and sent.code in ERROR_TABLE:
        retry_after = max(retry_after, ERROR_TABLE[sent.code][1])
    return Verdict(sent.outcome, sent.error, retry_after)


async def failed_later(d: Deps, message_id: str, code: int | None) -> bool:
    """Meta reported that an announcement it took failed: its outbox row says why (131026
    blocked, the resident inactive; 131047 outside the window; else failed with the code).
    False when no announcement sent has that id (a personal message's, or a reply's)."""
    verdict = classify(code)
    error = verdict.error if code is not None else "whatsapp: failed, no code"
    if code in OUTSIDE_WINDOW_CODES:
        row = broadcasts.Delivery.OUTSIDE_WINDOW
    elif verdict.outcome is Outcome.BLOCKED:
        row = broadcasts.Delivery.BLOCKED
    else:  # whatever else Meta says afterwards (even "try again"), this one did not arrive
        row = broadcasts.Delivery.FAILED
    changed = await broadcasts.failed_after_sending(d.db, message_id, row, error)
    if changed is not None and row == broadcasts.Delivery.OUTSIDE_WINDOW:
        d.metrics.whatsapp_outside_window.labels(TEMPLATE_KIND).inc()
    return changed is not None


def after_sent(d: Deps) -> AfterSent:
    """Once a row is marked sent with Meta's id: a "failed" status that arrived before
    (the webhook can outrun the send's own answer) is applied now."""

    async def check(message_id: str) -> None:
        known = await statuses.status_of(d.db, message_id)
        if known is not None and known.status == "failed":
            await failed_later(d, message_id, known.error_code)

    return check


def lane(d: Deps) -> ChannelLane:
    """WhatsApp's lane of the broadcast sender, at Meta's rate per number."""
    return ChannelLane(
        deliverer(d), rate=float(d.settings.whatsapp_rate_limit), after_sent=after_sent(d)
    )
