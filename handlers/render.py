"""Telegram's rendering of the conversation's neutral views (bot/conversation/views.py):
choices as inline keyboards, the phone number as a reply keyboard with a share button.

What the resident sees on Telegram is decided here, and only here: a chosen option shows ✅,
a ranked one its place ("1. "), the suggested answer (from the NIK) ✅ and first.
"""

from __future__ import annotations

from collections.abc import Sequence

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from bot.conversation import views as cv
from handlers.common import Markup, View, keyboard

CHECK = "✅"


def render(view: cv.View) -> View:
    """The Telegram message for a neutral view."""
    if view.ends_phone and view.choice is None:
        return View(view.text, ReplyKeyboardRemove())
    return View(view.text, markup(view.choice))


def _button(option: cv.Option, mark: str = "") -> InlineKeyboardButton:
    return InlineKeyboardButton(mark + option.label, callback_data=option.id)


def _back(back: cv.Option | None) -> list[list[InlineKeyboardButton]]:
    return [[_button(back)]] if back is not None else []


def _checked(option: cv.Option, on: bool) -> InlineKeyboardButton:
    return _button(option, CHECK + " " if on else "")


def markup(choice: cv.Choice | None) -> Markup:
    match choice:
        case None:
            return None
        case cv.SingleChoice(options, columns, suggested, back):
            buttons = [_checked(o, o.id == suggested) for o in options]
            return keyboard(buttons, columns, _back(back))
        case cv.YesNo(yes, no, columns):
            return keyboard([_button(yes), _button(no)], columns)
        case cv.MultiSelect(options, chosen, done, columns, back):
            buttons = [_checked(o, o.id in chosen) for o in options]
            return keyboard(buttons, columns, [[_button(done)], *_back(back)])
        case cv.Ranked(options, chosen, _most, done, reset, columns, back):
            buttons = [
                _button(o, f"{chosen.index(o.id) + 1}. " if o.id in chosen else "") for o in options
            ]
            controls = [_button(reset)] if reset is not None else []
            return keyboard(buttons, columns, [[*controls, _button(done)], *_back(back)])
        case cv.DateExpected(suggested, back) if suggested is not None:
            return keyboard([_checked(suggested, True)], extra_rows=_back(back))
        case cv.FreeText(back) | cv.DateExpected(None, back):
            return _only(_back(back))
        case cv.PhoneExpected(share_label, placeholder):
            share = KeyboardButton(share_label, request_contact=True)
            return ReplyKeyboardMarkup(
                [[share]], resize_keyboard=True, one_time_keyboard=True,
                input_field_placeholder=placeholder,
            )  # fmt: skip
    raise TypeError(f"no Telegram rendering for {choice!r}")


def _only(rows: Sequence[Sequence[InlineKeyboardButton]]) -> InlineKeyboardMarkup | None:
    return keyboard([], extra_rows=rows) if rows else None
