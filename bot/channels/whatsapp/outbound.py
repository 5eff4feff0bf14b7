"""A personal message to one WhatsApp applicant, within Meta's 24-hour rule.

bot/services/notify.py ``tell`` hands WhatsApp applicants here (stage changes, freed
places, schedule notices, reminders, ...) through ``WhatsAppSender``, registered in
``Deps.senders`` while the channel runs (feature.py). Meta lets a business write freely
only within 24 hours of the person's last message (``contacts.last_inbound_at``); outside
that window only an approved template goes:

- inside the window: the message's text (the catalog's HTML as WhatsApp's marks) and its
  buttons as reply buttons or a list, through the same rendering as the conversation's
  questions (render.py), so Meta's limits hold;
- outside it: the template settings name for this kind (WHATSAPP_TEMPLATES), in the
  applicant's language, its body parameters the message's key fields (the event's kind,
  date and place; the registration number and stage; ...): docs/whatsapp-templates.md;
- outside it with no template for the kind: nothing is sent, and the answer says so
  (``outside_window``): the caller records and counts it, never drops it silently.

A message with buttons that went becomes what the person has on screen (screens.py): a
typed "1" or "hadir" answers a schedule notice as a press would.

The window is taken as closed a few minutes early: a message that leaves just before the
24 hours end reaches Meta after, and would fail there (131047) instead of being recorded
here as not sent. Meta's answer is read through the one error table (errors.py).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.channels.whatsapp import render
from bot.channels.whatsapp.client import Delivery, WhatsAppClient
from bot.channels.whatsapp.errors import classify
from bot.conversation.views import Option, SingleChoice, View
from bot.deps import Deps
from bot.i18n import use_locale
from bot.services.delivery import Outcome
from bot.services.notify import Told, delivery_of
from bot.storage import contacts
from bot.storage.applicants import Applicant
from bot.storage.message_log import Kind

log = logging.getLogger(__name__)

WINDOW = timedelta(hours=24)
MARGIN = timedelta(minutes=5)
OUTSIDE_WINDOW_CODES = frozenset({131047, 470})  # Meta: re-engagement message required
# Kinds whose proposed template (docs/whatsapp-templates.md) has quick-reply buttons: the
# message's own buttons' ids go as their payloads, so a tap answers as the button would.
QUICK_REPLY_KINDS = frozenset({"reminder"})


@dataclass(frozen=True)
class Sent:
    """What became of one personal message on WhatsApp."""

    outcome: Outcome
    message_id: str | None = None  # Meta's id of the (last) message sent
    code: int | None = None  # Meta's error code, when there was one
    error: str = ""  # the outcome's reason, never the text or the number
    outside_window: bool = False  # not sent: outside the 24 hours, no template for it
    template: str | None = None  # the template sent, when one was
    retry_after: float | None = None  # THROTTLED: Meta's wait before the same message


def window_open(contact: contacts.Contact, now: datetime) -> bool:
    """Is a free-form message still allowed (with the margin)?"""
    last = datetime.fromisoformat(contact.last_inbound_at)
    return now < last + WINDOW - MARGIN


def one_line(value: str) -> str:
    """A template parameter: Meta refuses new lines, tabs, long runs of spaces and empty."""
    return " ".join(value.split()) or "-"


def template_message(
    to: str, name: str, locale: str, fields: Sequence[str], payloads: Sequence[str]
) -> dict[str, Any]:
    components: list[dict[str, Any]] = []
    if fields:
        parameters = [{"type": "text", "text": one_line(f)} for f in fields]
        components.append({"type": "body", "parameters": parameters})
    for index, payload in enumerate(payloads):
        components.append({
            "type": "button", "sub_type": "quick_reply", "index": str(index),
            "parameters": [{"type": "payload", "payload": payload}],
        })  # fmt: skip
    template: dict[str, Any] = {"name": name, "language": {"code": locale}}
    if components:
        template["components"] = components
    return {"to": to, "type": "template", "template": template}


def free_form(to: str, text: str, options: Sequence[Option], locale: str) -> list[dict[str, Any]]:
    """The messages that carry ``text`` and its buttons, within Meta's limits."""
    choice = SingleChoice(tuple(options), columns=len(options)) if options else None
    with use_locale(locale):  # the list's "Pilih" and "Lainnya" in the reader's language
        rendered = render.render(View(text, choice))
    return [{"to": to, **message} for message in rendered]


async def send(
    d: Deps,
    client: WhatsAppClient,
    user_id: int,
    locale: str,
    text: str,
    options: Sequence[Option] = (),
    *,
    kind: str,
    fields: Sequence[str] = (),
) -> Sent:
    """One personal message (``text``: the catalog's HTML; ``options``: its buttons) to the
    WhatsApp applicant ``user_id``; ``fields`` fill the template outside the window."""
    contact = await contacts.by_user_id(d.db, user_id)
    if contact is None:  # erased meanwhile, or a row without its number: nobody to write to
        return Sent(Outcome.FAILED, error="whatsapp: no contact")
    if window_open(contact, d.clock.now()):
        sent = await _free_form(client, free_form(contact.wa_id, text, options, locale))
        _on_screen(d, contact.wa_id, options, sent)
        return sent
    name = d.settings.whatsapp_templates.get(kind)
    if name is None:
        log.info("WhatsApp %s message not sent: outside the 24-hour window, no template", kind)
        return Sent(
            Outcome.FAILED, error="whatsapp: outside the 24-hour window", outside_window=True
        )
    payloads = [o.id for o in options] if kind in QUICK_REPLY_KINDS else []
    message = template_message(contact.wa_id, name, locale, fields, payloads)
    sent = _read(await client.send(message), template=name)
    if payloads:  # its quick replies answer as the buttons would
        _on_screen(d, contact.wa_id, options, sent)
    return sent


def _on_screen(d: Deps, wa_id: str, options: Sequence[Option], sent: Sent) -> None:
    """A message with buttons that went is the one on the person's screen: a number or the
    words they type next answer it as a press would (the conversation decides when). One
    without buttons leaves the screen as it was: what is above still waits for an answer."""
    if options and sent.outcome is Outcome.SENT and d.whatsapp is not None:
        choice = SingleChoice(tuple(options), columns=len(options))
        d.whatsapp.screens.remember(wa_id, View("", choice))


async def _free_form(client: WhatsAppClient, messages: list[dict[str, Any]]) -> Sent:
    """Each part in order; the first that does not go stops the rest."""
    result = Sent(Outcome.FAILED, error="whatsapp: nothing to send")
    for message in messages:
        result = _read(await client.send(message))
        if result.outcome is not Outcome.SENT:
            break
    return result


def _read(delivery: Delivery, template: str | None = None) -> Sent:
    throttled = delivery.outcome is Outcome.THROTTLED
    return Sent(
        delivery.outcome,
        delivery.message_id,
        delivery.code,
        delivery.error,
        outside_window=delivery.code in OUTSIDE_WINDOW_CODES,
        template=template,
        retry_after=classify(delivery.code, 429).retry_after if throttled else None,
    )


class WhatsAppSender:
    """bot/services/notify.py's Sender for WhatsApp: ``send`` read as a personal message's
    outcome (outside the window with no template: FAILED, and said so)."""

    def __init__(self, d: Deps, client: WhatsAppClient) -> None:
        self.d = d
        self.client = client

    async def tell(
        self, applicant: Applicant, text: str, options: Sequence[Option], *,
        kind: Kind, fields: Sequence[str],
    ) -> Told:  # fmt: skip
        sent = await send(
            self.d, self.client, applicant.user_id, applicant.locale, text, options,
            kind=kind.value, fields=fields,
        )  # fmt: skip
        return Told(
            delivery_of(Outcome.OUTSIDE_WINDOW if sent.outside_window else sent.outcome),
            retry_after=sent.retry_after, error=sent.error,
            outside_window=sent.outside_window, wa_message_id=sent.message_id,
        )  # fmt: skip
