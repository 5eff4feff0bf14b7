"""A WhatsApp resident's own questions, as a Telegram resident's (handlers/questions.py): the
FAQ's answer with "Ini membantu" / "Tanya petugas" (and the other close answer), or, when
nothing matches and staff are reachable, the offer to send it to staff; "Tanya petugas" sends
the kept question on (bot/services/questions.py), relayed into the resident's topic of the
staff group as text (``ToStaff``, given by feature.py: Telegram's relay). While the question
is open, what the resident types when nothing else is asked joins it, until staff close it.

WhatsApp messages cannot be copied into Telegram, and staff could not open a WhatsApp photo
or voice note from the group: a resident's media while a question is open is not passed on,
and they are asked, politely, to write it instead.
"""

from __future__ import annotations

import html
from collections.abc import Awaitable, Callable

from bot import callbacks as cb
from bot.conversation import views as cv
from bot.conversation.faq_answer import entry_text
from bot.conversation.question_texts import expectation, limit_text
from bot.deps import Deps
from bot.domain.faq import FaqEntry
from bot.i18n import _, get_locale
from bot.services import questions as service
from bot.storage import conversations
from bot.storage import questions as store
from bot.storage.conversations import Kind
from bot.storage.questions import Question

# Relays the question's messages not yet with staff into the resident's topic (first name
# as WhatsApp shows it): whether they went. None: no staff group relay runs.
ToStaff = Callable[[Question, str | None], Awaitable[bool]]

# WhatsApp has no original to copy: the question's rows carry the text (sent as text).
NO_ORIGINAL = 0


def is_question_button(choice_id: str) -> bool:
    return any(k.matches(choice_id) for k in (cb.AskStaff, cb.FaqHelpful, cb.FaqOther))


class Questions:
    """One resident's questions desk on WhatsApp."""

    def __init__(self, d: Deps, to_staff: ToStaff | None, user_id: int, name: str) -> None:
        self.d = d
        self.to_staff = to_staff
        self.user_id = user_id
        self.first_name = name.split(" ")[0] if name.strip() else None

    def reachable(self) -> bool:
        return self.to_staff is not None and service.staff_reachable(self.d)

    async def open(self) -> Question | None:
        return await store.open_for(self.d.db, self.user_id) if self.reachable() else None

    def incoming(self, text: str) -> service.Incoming:
        return service.Incoming(
            self.user_id, get_locale(), "text", text, self.user_id, NO_ORIGINAL
        )

    # the FAQ first ---------------------------------------------------------------------------
    async def free_text(self, text: str, where: cv.View | None) -> cv.View:
        """A question for the FAQ: its best answer (and a second close one), else the offer
        to ask staff (``where`` the person is, under it), else how to reach BBPVP."""
        d = self.d
        matches = service.match(d, text)
        draft = await service.keep_draft(d, self.incoming(text)) if self.reachable() else 0
        if matches:
            other = matches[1].entry if len(matches) > 1 else None
            return self.answer_view(matches[0].entry, other, draft)
        below = "\n\n" + where.text if where is not None and where.text else ""
        if not self.reachable():
            contact = html.escape(d.settings.contact_bbpvp)
            sorry = _("questions.no_match.no_staff").format(contact=contact)
            return cv.View(sorry + below, where.choice if where is not None else None)
        ask = cv.Option(cb.AskStaff(draft).pack(), _("questions.btn.ask_staff"))
        return cv.View(_("questions.no_match") + below, cv.SingleChoice((ask,)))

    def answer_view(self, shown: FaqEntry, other: FaqEntry | None, draft: int) -> cv.View:
        buttons = [cv.Option(cb.FaqHelpful(draft, shown.key).pack(), _("questions.btn.helpful"))]
        text = entry_text(self.d, shown)
        if self.reachable():
            buttons.append(cv.Option(cb.AskStaff(draft).pack(), _("questions.btn.ask_staff")))
            text += "\n\n" + _("questions.answer.footer")
        if other is not None:
            label = "📄 " + other.title(get_locale())
            buttons.append(cv.Option(cb.FaqOther(draft, other.key).pack(), label))
        return cv.View(text, cv.SingleChoice(tuple(buttons), columns=len(buttons)))

    async def chosen(self, choice_id: str) -> cv.View | None:
        """A press under a FAQ answer; None when the button is not a question's."""
        d = self.d
        helpful = cb.FaqHelpful.parse(choice_id)
        if helpful is not None:
            await service.helpful(d, helpful.key)
            return cv.View(_("questions.thanks"))
        other = cb.FaqOther.parse(choice_id)
        if other is not None:
            entry = service.faq(d).get(other.key)
            return self.answer_view(entry, None, other.draft) if entry else cv.View(
                _("questions.gone")
            )
        ask = cb.AskStaff.parse(choice_id)
        if ask is None:
            return None
        return await self.send_draft(ask.draft)

    # to staff --------------------------------------------------------------------------------
    async def send_draft(self, draft: int) -> cv.View:
        """"Tanya petugas": the kept question goes to staff (or joins the one open)."""
        d = self.d
        if not self.reachable() or draft == 0:
            return cv.View(_("questions.gone"))
        until = await service.send_allowed(d, self.user_id)
        if until is not None:
            return cv.View(limit_text(d, until))
        was_open = await store.open_for(d.db, self.user_id)
        question = await service.send_draft(d, self.user_id, draft)
        if question is None:
            return cv.View(_("questions.gone"))
        return await self._relayed(question, was_open is None)

    async def send(self, text: str) -> cv.View:
        """A text while the question is open: it joins it."""
        d = self.d
        until = await service.send_allowed(d, self.user_id)
        if until is not None:
            return cv.View(limit_text(d, until))
        was_open = await store.open_for(d.db, self.user_id)
        question, _row = await service.ask(d, self.incoming(text))
        return await self._relayed(question, was_open is None)

    async def _relayed(self, question: Question, fresh: bool) -> cv.View:
        d = self.d
        # The person's next messages join this question (until staff close it), as on
        # Telegram; stored first, so one the group missed is relayed at the next start.
        async with d.db.transaction() as conn:
            await conversations.begin(conn, self.user_id, Kind.QUESTION, question.id, d.clock.now())
        assert self.to_staff is not None
        await self.to_staff(question, self.first_name)
        if fresh:
            return cv.View(_("questions.sent") + " " + expectation(d))
        return cv.View(_("questions.joined"))

    @staticmethod
    def text_only() -> cv.View:
        return cv.View(_("questions.whatsapp.text_only"))
