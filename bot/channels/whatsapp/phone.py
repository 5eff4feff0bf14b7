"""The phone question on WhatsApp: the number is already known.

Telegram asks the resident to share their number with a reply keyboard. On WhatsApp the
sender's address is their number (a wa_id: E.164 digits without "+"), so the question offers
it: "Pakai nomor ini" takes it as a shared, own number; "Nomor lain" asks them to type
another. A sender's number the interview would refuse (not Indonesian) is not offered: the
question asks for a typed number at once.
"""

from __future__ import annotations

from bot.conversation import views as cv
from bot.domain.validation import Valid, validate_phone
from bot.i18n import _

PREFIX = "wa-phone:"
YES = PREFIX + "yes"
OTHER = PREFIX + "other"
INDONESIA = "62"


def is_phone_button(choice_id: str) -> bool:
    return choice_id.startswith(PREFIX)


def shown_number(wa_id: str) -> str:
    """+62 812-3456-7890: the number as people write it (others: + and the digits)."""
    if not wa_id.startswith(INDONESIA) or len(wa_id) < 10:
        return "+" + wa_id
    national = wa_id[len(INDONESIA) :]
    return f"+{INDONESIA} {national[:3]}-{national[3:7]}-{national[7:]}"


def offerable(wa_id: str) -> bool:
    return isinstance(validate_phone("+" + wa_id), Valid)


def adapt(view: cv.View, wa_id: str) -> cv.View:
    """A view asking for the phone number, as WhatsApp asks it; any other view unchanged."""
    if not isinstance(view.choice, cv.PhoneExpected):
        return view
    prompt = _("q.phone")
    if offerable(wa_id):
        asked = _("whatsapp.phone.offer").format(number=shown_number(wa_id))
        choice: cv.Choice | None = cv.YesNo(
            cv.Option(YES, _("whatsapp.btn.phone_this")),
            cv.Option(OTHER, _("whatsapp.btn.phone_other")),
        )
    else:
        asked, choice = _("whatsapp.phone.type"), cv.FreeText()
    # The question's own prompt speaks of Telegram's share button: WhatsApp's words instead.
    text = view.text.replace(prompt, asked) if prompt in view.text else f"{view.text}\n{asked}"
    return cv.View(text, choice, view.ends_phone)


def type_it_view() -> cv.View:
    """After "Nomor lain": the number is typed."""
    return cv.View(_("whatsapp.phone.type"), cv.FreeText())
