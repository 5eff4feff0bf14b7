"""The conversation's neutral views (bot/conversation/views.py) as WhatsApp messages.

What the resident sees on WhatsApp is decided here, as handlers/render.py decides it for
Telegram, within Meta's rules (the simulator enforces them):

- the catalog's HTML becomes WhatsApp's own marks: <b> *bold*, <i> _italic_, <s> ~strike~,
  a link its text and address; entities unescaped; a command ("/status") the word a
  resident types here, in bold ("*status*");
- up to 3 options whose labels fit 20 characters: reply buttons;
- more, or longer labels: a list message (its button "Pilih"), rows of at most 24
  characters (a longer label is cut with "…" and given whole as the row's description);
- more than 10 rows: pages of 9 and a "Lainnya ›" row that shows the next page (the last
  page's leads back to the first), so every choice stays reachable. The row's id is
  ``PAGE_PREFIX`` and the page number: whoever takes the choice (``page_of``) shows the same
  view again at that page, and the footer says which page it is;
- a chosen option keeps Telegram's marks (✅, or its place "1. " in a ranking), and the body
  also lists what is chosen so far (WhatsApp cannot edit the earlier message);
- a body longer than an interactive message allows (1,024) goes first as text, then the
  choices under a short "Silakan pilih" (texts of 4,096 and more are split at line ends);
- a phone question has no button: WhatsApp already knows the sender's number, so the
  conversation offers it in its own words.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

from bot.channels.whatsapp.keywords import is_command_word
from bot.conversation import views as cv
from bot.i18n import gettext as _

TEXT_MAX = 4096
BODY_MAX = 1024
BUTTONS_MAX = 3
BUTTON_TITLE_MAX = 20
ROWS_MAX = 10
ROW_TITLE_MAX = 24
ROW_DESCRIPTION_MAX = 72
PAGE_SIZE = ROWS_MAX - 1  # one row is "Lainnya"
PAGE_PREFIX = "wa-page:"
CHECK = "✅"

Message = dict[str, Any]  # a Cloud API message object without "to"


@dataclass(frozen=True)
class _Row:
    id: str
    label: str


def page_of(choice_id: str) -> int | None:
    """The page a "Lainnya" row asks for, or None for any other choice."""
    if not choice_id.startswith(PAGE_PREFIX):
        return None
    number = choice_id.removeprefix(PAGE_PREFIX)
    return int(number) if number.isdigit() else None


def render(view: cv.View, *, page: int = 0) -> list[Message]:
    """The messages that show ``view`` on WhatsApp, in order (one, or a text and then the
    choices); ``page`` is the list page asked for with "Lainnya"."""
    text = plain(view.text)
    rows, chosen = _rows(view.choice)
    if chosen:
        text += "\n\n" + _("whatsapp.chosen_so_far").format(chosen=", ".join(chosen))
    if not rows:
        return [_text(part) for part in split(text, TEXT_MAX)]
    messages: list[Message] = []
    if len(text) > BODY_MAX:
        messages += [_text(part) for part in split(text, TEXT_MAX)]
        text = _("whatsapp.choose_below")
    fits_buttons = len(rows) <= BUTTONS_MAX and all(len(r.label) <= BUTTON_TITLE_MAX for r in rows)
    if fits_buttons and len({r.label for r in rows}) == len(rows):
        messages.append(_buttons(text, rows))
    else:
        messages.append(_list(text, rows, page))
    return messages


def options(view: cv.View) -> list[cv.Option]:
    """Every option the view offers, in the order shown (typed numbers count from 1)."""
    return [cv.Option(r.id, r.label) for r in _rows(view.choice)[0]]


def _rows(choice: cv.Choice | None) -> tuple[list[_Row], list[str]]:
    """The rows to offer (labels marked as on Telegram) and the labels chosen so far."""
    match choice:
        case None | cv.PhoneExpected():
            return [], []
        case cv.SingleChoice(opts, _columns, suggested, back):
            rows = [_Row(o.id, _mark(o, CHECK if o.id == suggested else "")) for o in opts]
            return rows + _back(back), []
        case cv.YesNo(yes, no, _columns):
            return [_Row(yes.id, yes.label), _Row(no.id, no.label)], []
        case cv.MultiSelect(opts, chosen, done, _columns, back):
            rows = [_Row(o.id, _mark(o, CHECK if o.id in chosen else "")) for o in opts]
            picked = [o.label for o in opts if o.id in chosen]
            return [*rows, _Row(done.id, done.label), *_back(back)], picked
        case cv.Ranked(opts, chosen, _most, done, reset, _columns, back):
            by_id = {o.id: o for o in opts}
            rows = [
                _Row(o.id, _mark(o, f"{chosen.index(o.id) + 1}." if o.id in chosen else ""))
                for o in opts
            ]
            controls = [_Row(reset.id, reset.label)] if reset is not None else []
            ranked = [f"{n}. {by_id[i].label}" for n, i in enumerate(chosen, 1) if i in by_id]
            return rows + controls + [_Row(done.id, done.label)] + _back(back), ranked
        case cv.DateExpected(suggested, back):
            rows = [_Row(suggested.id, _mark(suggested, CHECK))] if suggested else []
            return rows + _back(back), []
        case cv.FreeText(back):
            return _back(back), []
    raise TypeError(f"no WhatsApp rendering for {choice!r}")


def _mark(option: cv.Option, mark: str) -> str:
    return f"{mark} {option.label}" if mark else option.label


def _back(back: cv.Option | None) -> list[_Row]:
    return [_Row(back.id, back.label)] if back is not None else []


def _text(body: str) -> Message:
    return {"type": "text", "text": {"body": body, "preview_url": False}}


def _buttons(body: str, rows: list[_Row]) -> Message:
    buttons = [{"type": "reply", "reply": {"id": r.id, "title": r.label}} for r in rows]
    interactive = {"type": "button", "body": {"text": body}, "action": {"buttons": buttons}}
    return {"type": "interactive", "interactive": interactive}


def _list(body: str, rows: list[_Row], page: int) -> Message:
    pages = 1 if len(rows) <= ROWS_MAX else -(-len(rows) // PAGE_SIZE)
    page = page % pages
    shown = rows if pages == 1 else rows[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    listed = [_list_row(r.id, r.label) for r in shown]
    if pages > 1:
        more = _("whatsapp.more")
        listed.append(_list_row(f"{PAGE_PREFIX}{(page + 1) % pages}", more))
    interactive: dict[str, Any] = {
        "type": "list",
        "body": {"text": body},
        "action": {"button": _("whatsapp.list_button"), "sections": [{"rows": listed}]},
    }
    if pages > 1:
        footer = _("whatsapp.page").format(page=page + 1, pages=pages)
        interactive["footer"] = {"text": footer}
    return {"type": "interactive", "interactive": interactive}


def _list_row(row_id: str, label: str) -> dict[str, str]:
    if len(label) <= ROW_TITLE_MAX:
        return {"id": row_id, "title": label}
    return {
        "id": row_id,
        "title": label[: ROW_TITLE_MAX - 1].rstrip() + "…",
        "description": _cut(label, ROW_DESCRIPTION_MAX),
    }


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# The catalog's HTML (Telegram's subset) and WhatsApp's marks.
_LINK = re.compile(r'<a\s+href="([^"]*)"\s*>(.*?)</a>', re.S)
_MARKS = {"b": "*", "strong": "*", "i": "_", "em": "_", "s": "~", "del": "~"}
_TAG = re.compile(r"<(/?)([a-zA-Z]+)[^>]*>")


def plain(text: str) -> str:
    """Telegram's HTML as WhatsApp text."""

    def link(found: re.Match[str]) -> str:
        url, label = html.unescape(found.group(1)), found.group(2)
        return label if html.unescape(label) == url else f"{label} ({url})"

    def tag(found: re.Match[str]) -> str:
        return _MARKS.get(found.group(2).lower(), "")

    return _commands_as_words(html.unescape(_TAG.sub(tag, _LINK.sub(link, text))))


# "/status" in the catalog's texts, not inside an address or a path.
_COMMAND = re.compile(r"(?<![\w/.:])/([a-z]+)\b(?!@)")


def _commands_as_words(text: str) -> str:
    """The catalog's texts name Telegram's commands ("Ketik /status kapan saja"); on
    WhatsApp a resident types the word, so it reads as the word, in bold ("Ketik *status*").
    A command WhatsApp has no word for (/tanya) stays as it is."""

    def word(found: re.Match[str]) -> str:
        name = found.group(1)
        return f"*{name}*" if is_command_word(name) else found.group(0)

    return _COMMAND.sub(word, text)


def split(text: str, limit: int) -> list[str]:
    """Parts of at most ``limit`` characters, cut at a line end where one is near."""
    parts = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit)
        if cut < limit // 2:
            cut = limit
        parts.append(text[:cut].rstrip())
        text = text[cut:].lstrip("\n")
    return [*parts, text] if text or not parts else parts
