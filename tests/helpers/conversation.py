"""A resident driven through bot/conversation alone, with no channel: what a channel adapter
does (read the applicant, set the language, call the engine, show the reply), kept as data
so a test reads the views the person would be shown."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bot.clock import FixedClock
from bot.config import Settings
from bot.conversation import interview
from bot.conversation import views as cv
from bot.conversation.incoming import Chosen, Incoming, PhoneShared, Typed, Unsupported
from bot.conversation.reply import Ack, Reply, Shown
from bot.deps import Deps
from bot.i18n import set_locale
from bot.storage import applicants as repo
from bot.storage.applicants import Applicant
from bot.storage.db import Database
from tests.conftest import NOW
from tests.e2e.residents import Person


@asynccontextmanager
async def engine_deps(folder: Path) -> AsyncIterator[Deps]:
    """Deps over a real SQLite file and the tests' fixed clock, with no bot at all."""
    settings = Settings(bot_token="1:NONE", database_path=folder / "bot.sqlite3", http_port=0)
    db = await Database.open(settings.database_path)
    try:
        yield Deps(settings=settings, db=db, clock=FixedClock(NOW))
    finally:
        await db.close()


def options_of(choice: cv.Choice | None) -> list[cv.Option]:
    """Every option a view offers, its controls (done, reset, back) included."""
    match choice:
        case cv.SingleChoice(options, _columns, _suggested, back):
            return [*options, *([back] if back else [])]
        case cv.YesNo(yes, no, _columns):
            return [yes, no]
        case cv.MultiSelect(options, _chosen, done, _columns, back):
            return [*options, done, *([back] if back else [])]
        case cv.Ranked(options, _chosen, _most, done, reset, _columns, back):
            return [*options, *([reset] if reset else []), done, *([back] if back else [])]
        case cv.DateExpected(suggested, back):
            return [o for o in (suggested, back) if o is not None]
        case cv.FreeText(back):
            return [back] if back else []
    return []


@dataclass
class Resident:
    """One person talking to the engine. ``shown`` holds every view they were shown, in
    order; ``acks`` the acknowledgements of their presses; ``asked`` the texts handed to the
    questions desk."""

    d: Deps
    user_id: int
    locale: str = "id"
    shown: list[Shown] = field(default_factory=list)
    acks: list[Ack] = field(default_factory=list)
    asked: list[cv.View] = field(default_factory=list)

    async def applicant(self) -> Applicant | None:
        return await repo.get(self.d.db, self.user_id)

    @property
    def last(self) -> cv.View:
        return self.shown[-1].view

    def last_with_choice(self) -> cv.View:
        return next(s.view for s in reversed(self.shown) if s.view.choice is not None)

    async def _set_locale(self) -> Applicant | None:
        applicant = await self.applicant()
        set_locale(applicant.locale if applicant else self.locale)
        return applicant

    async def _take(self, reply: Reply) -> Reply:
        self.shown.extend(reply.shown)
        if reply.asked is not None:
            self.asked.append(reply.asked.where)
        if reply.then is not None:
            await reply.then()
        return reply

    async def start(self, source: str | None = None) -> Reply:
        applicant = await self._set_locale()
        reply = await interview.start(self.d, self.user_id, applicant, locale=self.locale,
                                      source=source)  # fmt: skip
        return await self._take(reply)

    async def send(self, incoming: Incoming) -> Reply:
        applicant = await self._set_locale()
        reply = await self._take(await interview.receive(self.d, self.user_id, applicant, incoming))
        if isinstance(incoming, Chosen):
            self.acks.append(reply.ack)
        return reply

    async def say(self, text: str) -> Reply:
        return await self.send(Typed(text))

    async def choose(self, label: str, view: cv.View | None = None) -> Reply:
        """Choose the option whose label is ``label`` (or starts with it) on the latest view
        that offers a choice, or on ``view``."""
        on = view or self.last_with_choice()
        options = options_of(on.choice)
        found = [o for o in options if o.label == label] or [
            o for o in options if o.label.startswith(label)
        ]
        assert found, f"no option {label!r} in {[o.label for o in options]}"
        return await self.send(Chosen(found[0].id))

    async def choose_suggested(self) -> Reply:
        choice = self.last_with_choice().choice
        match choice:
            case cv.DateExpected(suggested, _back) if suggested is not None:
                return await self.send(Chosen(suggested.id))
            case cv.SingleChoice(_options, _columns, suggested, _back) if suggested:
                return await self.send(Chosen(suggested))
        raise AssertionError(f"nothing suggested in {choice!r}")

    async def share_phone(self, phone: str, own: bool = True) -> Reply:
        return await self.send(PhoneShared(phone, own))

    async def send_sticker(self) -> Reply:
        return await self.send(Unsupported())


async def register_through(r: Resident, p: Person) -> str:
    """A whole registration of ``p`` through the engine, from /start to the confirmation
    (Indonesian labels); the registration number."""
    await r.start()
    await r.choose("Setuju")
    await r.say(p.name)
    await r.say(p.nik)
    await answer_after_nik(r, p)
    applicant = await r.applicant()
    assert applicant is not None and applicant.reg_no is not None, r.last.text
    return applicant.reg_no


async def answer_after_nik(r: Resident, p: Person, phone: str = "+6281234567890") -> None:
    """Every answer after the NIK, to "Kirim pendaftaran" pressed: the birth date and sex
    read from the NIK taken, then ``p``'s answers, the number ``phone`` shared."""
    await r.choose_suggested()  # the birth date read from the NIK
    await r.choose_suggested()  # the sex read from the NIK
    await r.choose(p.domicile)
    if p.kecamatan:
        await r.choose(p.kecamatan)
        await r.choose(p.kelurahan or "")
    for label in (p.education, p.marital, p.family, p.health, p.health_check):
        await r.choose(label)
    await r.share_phone(phone)
    for label in (p.siapkerja, p.passport, p.worked_abroad):
        await r.choose(label)
    for group in (p.languages, p.interests, p.destinations):
        for label in group:
            await r.choose(label)
        await r.choose(p.done)
    await r.choose("Kirim pendaftaran")
