"""What each WhatsApp resident has on screen: the last view with a choice the bot sent them.

WhatsApp cannot edit a message, and a cheap phone may not show buttons well, so a typed
number or an option's words choose it (conversation.py), counted over this view. Both the
conversation's replies and personal messages with buttons (a schedule notice or reminder
sent by outbound.py) put theirs here: the newest message is the one the person answers.

In memory, for the most recent senders only; the view's text is kept only where a long
list's "Lainnya" pages must show it again (a summary holds a NIK).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from bot.channels.whatsapp.render import ROWS_MAX, options
from bot.conversation import views as cv

REMEMBERED = 10_000


@dataclass(frozen=True)
class Screen:
    """The last view with a choice a person was sent, and its list page."""

    view: cv.View
    page: int = 0


class Screens:
    def __init__(self, size: int = REMEMBERED) -> None:
        self.size = size
        self._screens: OrderedDict[str, Screen] = OrderedDict()

    def get(self, wa_id: str) -> Screen | None:
        return self._screens.get(wa_id)

    def remember(self, wa_id: str, view: cv.View, page: int = 0) -> None:
        if view.choice is None:
            self.forget(wa_id)
            return
        if len(options(view)) <= ROWS_MAX:
            view = cv.View("", view.choice)  # numbers and words need only the options
        self._screens[wa_id] = Screen(view, page)
        self._screens.move_to_end(wa_id)
        while len(self._screens) > self.size:
            self._screens.popitem(last=False)

    def forget(self, wa_id: str) -> None:
        self._screens.pop(wa_id, None)
