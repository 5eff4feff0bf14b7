"""The text of a list of events (/jadwal for a resident, and for staff about one applicant),
in whichever channel shows it: one line block per event, packed into messages that fit."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from bot.deps import Deps
from bot.i18n import _
from bot.services.reminders import answer_label, capitalised, kind_label, when_text
from bot.storage.schedules import Event

# Under the 4096 characters both Telegram and WhatsApp take in one text, with room for a
# heading.
MAX_TEXT = 3800


def chunks(lines: Sequence[str], limit: int = MAX_TEXT) -> list[str]:
    """Pack lines into as few messages as fit the length limit."""
    messages: list[str] = []
    current = ""
    for line in lines:
        if current and len(current) + 1 + len(line) > limit:
            messages.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    if current:
        messages.append(current)
    return messages


def answer_text(event: Event) -> str:
    """The person's answer to an event, with the reason they gave for not coming."""
    text = answer_label(event.answer)
    if event.answer == "tidak_bisa" and event.reason:
        text += " — " + _("schedule.reason_is").format(reason=escape(event.reason))
    return text


def event_lines(d: Deps, events: Sequence[Event], locale: str) -> list[str]:
    """Each event with its kind, time, place and answer; one that began says so."""
    now = d.clock.now()
    lines = []
    for event in events:
        lines.append("")
        lines.append(_("schedule.list.item").format(
            kind=capitalised(kind_label(event.kind)),
            when=when_text(d, event.starts_at, locale), place=escape(event.place),
            answer=answer_text(event),
        ))  # fmt: skip
        if event.note:
            lines.append(_("schedule.note").format(note=escape(event.note)))
        if event.starts_at <= now:
            lines.append(_("schedule.list.past"))
    return lines
