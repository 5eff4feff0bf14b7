"""The resident's conversation on WhatsApp: each incoming message read, routed to the
channel-free conversation (bot/conversation/) and its reply shown as WhatsApp messages.

What WhatsApp changes, and where it is decided:
- no command menu: typed words stand for the commands (keywords.py), at every step (no
  name, NIK, date or phone number is one of them), and "menu" lists them;
- buttons and lists only, no editing: every view is a new message (render.py); a typed
  number or an option's words choose it, counted over the view last shown to the person
  (the one on their screen, also after a list's "Lainnya" pages);
- the phone number is known: offered, not asked for (phone.py);
- no passing notes for a pressed button: an alert (or a note with nothing else to show) is
  sent as a short text first;
- a free text that answers nothing: the FAQ with "Tanya petugas", or the offer to send it
  to staff, or how to reach BBPVP (questions.py); while their question is open, what they
  type when nothing is asked joins it, and a photo or voice note is asked for as text.
Replies go out as replies (not bulk); a message that Meta refuses stops the rest of that
reply, and a registration's confirmation then stays owed, to be shown with the next message.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC

from bot.channels.incoming import Incoming, Kind
from bot.channels.whatsapp import keywords, phone
from bot.channels.whatsapp.client import WhatsAppClient
from bot.channels.whatsapp.keywords import Command
from bot.channels.whatsapp.questions import Questions, ToStaff, is_question_button
from bot.channels.whatsapp.render import options, page_of, render
from bot.channels.whatsapp.screens import Screen, Screens
from bot.conversation import account, attendance, interview, status_check
from bot.conversation import views as cv
from bot.conversation.incoming import Chosen, PhoneShared, Typed, Unsupported
from bot.conversation.interview_views import current_view
from bot.conversation.reply import Asked, Reply, Shown
from bot.deps import Deps
from bot.domain import questionnaire as qn
from bot.domain.faq import normalize
from bot.domain.status import ApplicantStatus
from bot.i18n import get_locale, use_locale
from bot.storage import applicants as repo
from bot.storage import contacts, conversations
from bot.storage.applicants import Applicant

log = logging.getLogger(__name__)

_CHOICES = (cv.SingleChoice, cv.YesNo, cv.MultiSelect, cv.Ranked)


class WhatsAppConversation:
    """The channel's ``IncomingHandler``: one call per resident message, in their order."""

    def __init__(
        self,
        d: Deps,
        client: WhatsAppClient,
        tell_promoted: Callable[[int], Awaitable[None]],
        screens: Screens | None = None,
        to_staff: ToStaff | None = None,
    ) -> None:
        self.d = d
        # A question for staff, into the resident's topic of the staff group (feature.py).
        self.to_staff = to_staff
        self.client = client
        # Someone a freed place went to (an erasure here) is told on their own channel.
        self.tell_promoted = tell_promoted
        # Shared with the personal messages (outbound.py): a notice's buttons are on screen.
        self.screens = screens if screens is not None else Screens()

    async def __call__(self, incoming: Incoming) -> None:
        d = self.d
        at = incoming.sent_at.astimezone(UTC).isoformat(timespec="seconds")
        contact = await contacts.arrived(d.db, incoming.sender, at=at)
        person = await conversations.load(d.db, contact.user_id)
        applicant = person.applicant
        if applicant is None:  # nobody, or erased (/hapus): nothing of theirs stays in memory
            self.forget(incoming.sender)
        with use_locale(applicant.locale if applicant else d.settings.default_locale):
            turn = _Turn(self, incoming, contact.user_id, applicant)
            await turn.run()

    # what the person has on screen ----------------------------------------------------------
    def screen(self, wa_id: str) -> Screen | None:
        return self.screens.get(wa_id)

    def remember(self, wa_id: str, view: cv.View, page: int) -> None:
        self.screens.remember(wa_id, view, page)

    def forget(self, wa_id: str) -> None:
        self.screens.forget(wa_id)


class _Turn:
    """One incoming message: what it means and what is sent back."""

    def __init__(
        self,
        conv: WhatsAppConversation,
        incoming: Incoming,
        user_id: int,
        applicant: Applicant | None,
    ) -> None:
        self.conv = conv
        self.d = conv.d
        self.incoming = incoming
        self.wa_id = incoming.sender
        self.user_id = user_id
        self.applicant = applicant
        self.failed = False  # a message was refused: nothing more is sent this turn
        self.questions = Questions(conv.d, conv.to_staff, user_id, incoming.name)

    async def run(self) -> None:
        a = self.applicant
        if a is not None:
            if a.inactive:  # blocked us once; writing again makes them reachable
                await repo.update(self.d.db, a, inactive=False)
            if a.confirmation_owed and a.submitted:
                await self.show(await interview.owed_confirmation(self.d, a))
                self.applicant = await repo.get(self.d.db, self.user_id)
        match self.incoming.kind:
            case Kind.TEXT:
                await self.typed(self.incoming.text)
            case Kind.CHOICE:
                await self.chosen(self.incoming.choice_id or "")
            case Kind.REACTION:
                # An emoji on a message asks nothing: answered only while a question waits
                # (the question again); a 👍 on the confirmation or a summary needs no answer.
                if self.incoming.reaction and _question_open(self.applicant):
                    await self.receive(Unsupported())
            case _:  # media, voice, sticker, location, contacts, what WhatsApp could not show
                if self.applicant is None:
                    await self.start()
                elif _expects_nothing(self.applicant) and await self.questions.open():
                    await self.send_view(self.questions.text_only())  # staff read only text
                else:
                    await self.receive(Unsupported())

    # routes --------------------------------------------------------------------------------
    async def typed(self, text: str) -> None:
        a = self.applicant
        typed = keywords.command_of(text)
        if a is None:
            if typed is not None:
                await self.command(typed.command)
            elif status_check.looks_like(text):  # registered elsewhere (Telegram): its status
                await self.receive(Typed(text))
            else:  # the first message, whatever it says: welcome and consent, as /start
                await self.start()
            return
        if typed is not None:
            await self.command(typed.command)
            return
        # A schedule notice on screen (or its "Lewati"): its number or words, as a press.
        answer = self.notice_answer(text)
        if answer is not None:
            await self.chosen(answer)
            return
        # Asked why they cannot come to an event: this text is the reason.
        reason = await attendance.take_reason(self.d, self.user_id, a, text)
        if reason is not None:
            await self.show(reason)
            return
        # Their question is open and nothing else is asked: the text joins it (as Telegram's
        # handlers/questions.take_question); a greeting too, staff read it in the topic.
        if _expects_nothing(a) and await self.questions.open():
            await self.send_view(await self.questions.send(text))
            return
        if _expects_nothing(a) and keywords.is_greeting(text):
            await self.command(Command.MENU)
            return
        chosen = self.typed_choice(text)
        if chosen is not None:
            await self.chosen(chosen)
            return
        await self.receive(Typed(text))

    def notice_answer(self, text: str) -> str | None:
        """Hadir / Tidak bisa hadir (or "Lewati" at the reason) typed while a schedule notice
        is the last view on screen: its number, a button's words, or a short "hadir", "ya",
        "tidak bisa". Only while no question of the interview is open: then a typed answer
        is the question's (a notice arriving mid-registration does not take its "1")."""
        screen = self.conv.screen(self.wa_id)
        if screen is None or not _is_notice(screen.view) or self.current() is not None:
            return None
        chosen = self.choice_on(screen.view, text)
        if chosen is not None:
            return chosen
        answer = attendance.typed_answer(text)
        if answer is None:
            return None
        return attendance.answering([o.id for o in options(screen.view)], answer)

    def typed_choice(self, text: str) -> str | None:
        """The option a typed number or an option's words name, on the view on screen (the
        interview's question instead of a notice's, while one is open)."""
        screen = self.conv.screen(self.wa_id)
        view = screen.view if screen else None
        if view is None or _is_notice(view):
            view = self.current() or view
        return self.choice_on(view, text)

    def choice_on(self, view: cv.View | None, text: str) -> str | None:
        """The option of ``view`` that a typed number or an option's words name."""
        if view is None or not isinstance(view.choice, _CHOICES):
            return None
        shown = options(view)
        wanted = text.strip().rstrip(".").strip()
        if wanted.isdigit():
            number = int(wanted)
            return shown[number - 1].id if 1 <= number <= len(shown) else None
        words = _words(text)
        if not words:
            return None
        labels = {o.id: o.label for o in _view_options(view.choice)}
        for o in shown:
            if words in (_words(labels.get(o.id, o.label)), _words(o.label)):
                return o.id
        return None

    async def chosen(self, choice_id: str) -> None:
        page = page_of(choice_id)
        if page is not None:  # "Lainnya": the same choice, its next page
            screen = self.conv.screen(self.wa_id)
            view = screen.view if screen and screen.view.text else self.current()
            if view is not None:
                await self.send_view(view, page)
            else:  # nothing open any more: told so, with where they are
                await self.receive(Chosen(choice_id))
            return
        if phone.is_phone_button(choice_id):
            await self.phone_button(choice_id)
        elif attendance.is_attendance_button(choice_id):  # Hadir / Tidak bisa hadir
            reply = await attendance.chosen(self.d, self.user_id, self.applicant, choice_id)
            await self.show(reply)
        elif account.is_menu_button(choice_id):  # a row of the menu: as if the word was typed
            await self.command(Command(account.command_of(choice_id) or Command.MENU))
        elif account.is_account_button(choice_id):
            await self.show(await account.chosen(self.d, self.user_id, self.applicant, choice_id))
        elif is_question_button(choice_id):  # under a FAQ answer: helpful, other, Tanya petugas
            view = await self.questions.chosen(choice_id)
            if view is not None:
                await self.send_view(view)
        else:  # the interview's, or of no kind known any more (answered as outdated)
            await self.receive(Chosen(choice_id))

    async def phone_button(self, choice_id: str) -> None:
        a = self.applicant
        if a is None or a.step != "phone":
            await self.receive(Chosen(choice_id))  # an old offer: told so, with where they are
        elif choice_id == phone.YES:
            await self.receive(PhoneShared("+" + self.wa_id, own=True))
        else:
            await self.send_view(phone.type_it_view())

    async def command(self, command: Command) -> None:
        d, a = self.d, self.applicant
        match command:
            case Command.DAFTAR:
                reply = await interview.register(d, self.user_id, a, locale=get_locale())
            case Command.MULAI:
                reply = await interview.start(d, self.user_id, a, locale=get_locale(),
                                              source=None)  # fmt: skip
            case Command.UBAH:
                reply = await interview.change_answers(d, a)
            case Command.BATAL:
                reply = await interview.pause(d, a)
            case Command.STATUS:
                reply = await account.status(d, a)
            case Command.JADWAL:
                reply = await account.schedule(d, a)
            case Command.DATA:
                reply = await account.data(d, a)
            case Command.HAPUS:
                reply = await account.delete_ask(d, self.user_id, a)
            case Command.BERHENTI:
                reply = await account.stop_ask(d, a)
            case Command.LANJUT:
                reply = await account.resume(d, a)
            case Command.BAHASA:
                reply = account.language_ask()
            case Command.BANTUAN:
                reply = account.help_text(d)
            case Command.INFO:
                reply = await account.info(d)
            case Command.MENU:
                reply = account.menu(d, a)
        await self.show(reply)

    async def start(self) -> None:
        reply = await interview.start(self.d, self.user_id, self.applicant, locale=get_locale(),
                                      source=None)  # fmt: skip
        await self.show(reply)

    async def receive(self, incoming: Typed | Chosen | PhoneShared | Unsupported) -> None:
        reply = await interview.receive(self.d, self.user_id, self.applicant, incoming)
        await self.show(reply)

    def current(self) -> cv.View | None:
        """Where the person is in the interview, when a question is open."""
        a = self.applicant
        if a is None or (a.step is None and a.status != ApplicantStatus.CONSENT):
            return None
        return phone.adapt(current_view(self.d, a), self.wa_id)

    # showing -------------------------------------------------------------------------------
    async def show(self, reply: Reply) -> None:
        # No passing notes on WhatsApp: an alert, or a note with nothing else to show (a
        # "Terima kasih" for a press that changes nothing), is a short text of its own.
        if reply.ack.text and (reply.ack.alert or not reply.shown):
            await self.send_view(cv.View(reply.ack.text))
        for shown in reply.shown:
            await self.send_shown(shown)
        if reply.asked is not None:
            await self.asked(reply.asked)
        if reply.then is not None and not self.failed:
            await reply.then()
        for user_id in reply.promoted:  # a place this reply freed: theirs, on their channel
            await self.conv.tell_promoted(user_id)

    async def send_shown(self, shown: Shown) -> None:
        # WhatsApp cannot edit: NEW, REPLACE and AFTER are all a new message.
        await self.send_view(shown.view, self.same_page(shown.view))

    def same_page(self, view: cv.View) -> int:
        """A multi-choice question shown again after a toggle stays at the list page the
        person was on (they picked from page 2: page 2 again, with the mark)."""
        screen = self.conv.screen(self.wa_id)
        if screen is None or not isinstance(view.choice, cv.MultiSelect | cv.Ranked):
            return 0
        before = screen.view.choice
        if not isinstance(before, cv.MultiSelect | cv.Ranked):
            return 0
        same = [o.id for o in before.options] == [o.id for o in view.choice.options]
        return screen.page if same else 0

    async def asked(self, asked: Asked) -> None:
        """A text that answers nothing: the FAQ's answer, the offer to ask staff, or how to
        reach BBPVP (questions.py)."""
        text = self.incoming.text
        if not normalize(text):  # "ok", "halo", a number: no question, where they are
            await self.send_view(asked.where)
            return
        await self.send_view(
            await self.questions.free_text(text, asked.where if asked.remind else None)
        )

    async def send_view(self, view: cv.View, page: int = 0) -> None:
        if self.failed:
            return
        view = phone.adapt(view, self.wa_id)
        for message in render(view, page=page):
            delivery = await self.conv.client.send({"to": self.wa_id, **message})
            if not delivery.sent:
                log.info("a WhatsApp reply was not sent: %s", delivery.outcome.value)
                self.failed = True
                return
        self.conv.remember(self.wa_id, view, page)


def _is_notice(view: cv.View) -> bool:
    """A schedule notice's (or its reason's) buttons: answered by attendance.py."""
    shown = options(view)
    return bool(shown) and all(attendance.is_attendance_button(o.id) for o in shown)


def _question_open(a: Applicant | None) -> bool:
    return a is not None and a.step is not None and a.step != qn.SUMMARY


def _expects_nothing(a: Applicant) -> bool:
    return a.step is None and a.status != ApplicantStatus.CONSENT


def _view_options(choice: cv.Choice) -> list[cv.Option]:
    """The options with their own labels (no marks): what a person types to name one."""
    match choice:
        case cv.SingleChoice(opts, _c, _s, back):
            return [*opts, *([back] if back else [])]
        case cv.YesNo(yes, no, _c):
            return [yes, no]
        case cv.MultiSelect(opts, _chosen, done, _c, back):
            return [*opts, done, *([back] if back else [])]
        case cv.Ranked(opts, _chosen, _most, done, reset, _c, back):
            return [*opts, *([reset] if reset else []), done, *([back] if back else [])]
    return []


def _words(text: str) -> str:
    """Lower-case letters and digits only, single-spaced: "Ya, bisa!" and "ya bisa" agree."""
    kept = "".join(c if c.isalnum() else " " for c in text.casefold())
    return " ".join(kept.split())
