"""What a button says when it is pressed (Telegram's callback_data): one frozen dataclass
per kind, packed and parsed here and nowhere else.

A kind is a readable prefix and its fields in order, joined by ":" ("choose:education:smp").
Fields are str, int, bool ("yes"/"no") or a StrEnum; only the last str field may hold ":".
``pack()`` refuses data a button cannot carry (Telegram takes 1-64 bytes) or that would not
parse back to the same value, so a bad button fails where it is built, in tests, not on a
phone. ``parse()`` never raises: buttons outlive upgrades on residents' phones, and data from
an older version is simply not a kind any more (the handlers then show where the person is).
Handlers take their pattern from the same class: ``CallbackQueryHandler(fn,
pattern=Choice.matches)``.

Nothing here knows Telegram: a WhatsApp reply button's id can carry the same strings.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, ClassVar, Self, get_type_hints

MAX_BYTES = 64  # Telegram's limit for callback_data
SEPARATOR = ":"


class Callback:
    """The base of every kind; subclasses are frozen dataclasses with a PREFIX."""

    PREFIX: ClassVar[str]

    def pack(self) -> str:
        values = [_encode(getattr(self, f.name)) for f in dataclasses.fields(self)]  # type: ignore[arg-type]
        data = SEPARATOR.join([self.PREFIX, *values])
        if not 1 <= len(data.encode()) <= MAX_BYTES:
            raise ValueError(f"{type(self).__name__}: {len(data.encode())} bytes, at most 64")
        if type(self).parse(data) != self:
            raise ValueError(f"{type(self).__name__}: {data!r} would not parse back")
        return data

    @classmethod
    def parse(cls, data: object) -> Self | None:
        """The button of this kind that ``data`` names, or None (another kind, old, garbled)."""
        if not isinstance(data, str):
            return None
        types = _field_types(cls)
        parts = data.split(SEPARATOR, len(types))
        if parts[0] != cls.PREFIX or len(parts) != len(types) + 1:
            return None
        values: dict[str, Any] = {}
        for (name, kind), raw in zip(types, parts[1:], strict=True):
            value = _decode(kind, raw)
            if value is None:
                return None
            values[name] = value
        return cls(**values)

    @classmethod
    def matches(cls, data: object) -> bool:
        """For a handler's pattern: does ``data`` name a button of this kind?"""
        return cls.parse(data) is not None


_FIELD_TYPES: dict[type[Callback], tuple[tuple[str, type], ...]] = {}


def _field_types(cls: type[Callback]) -> tuple[tuple[str, type], ...]:
    """(name, type) of each field, in order; resolved once per kind."""
    found = _FIELD_TYPES.get(cls)
    if found is None:
        hints = get_type_hints(cls)
        fields = dataclasses.fields(cls)  # type: ignore[arg-type]
        found = _FIELD_TYPES[cls] = tuple((f.name, hints[f.name]) for f in fields)
    return found


def _encode(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _decode(kind: type, raw: str) -> object | None:
    if kind is bool:
        return {"yes": True, "no": False}.get(raw)
    if kind is int:
        # Negative too: a WhatsApp resident's user id (bot/storage/contacts.py).
        digits = raw[1:] if raw.startswith("-") else raw
        return int(raw) if digits.isascii() and digits.isdigit() and len(digits) <= 19 else None
    if isinstance(kind, type) and issubclass(kind, StrEnum):
        try:
            return kind(raw)
        except ValueError:
            return None
    return raw or None  # str: never empty


# --- the resident's registration --------------------------------------------------------


@dataclass(frozen=True)
class ConsentAnswer(Callback):
    """"Setuju" / "Tidak setuju" under the consent text."""

    PREFIX = "consent"
    agreed: bool


@dataclass(frozen=True)
class ResumeChoice(Callback):
    """/start in the middle of the interview: carry on, or begin again from the start."""

    PREFIX = "resume"
    start_over: bool


@dataclass(frozen=True)
class StepButton(Callback):
    """A button that belongs to one question of the interview (its key in ``step``)."""

    PREFIX = ""
    step: str


@dataclass(frozen=True)
class Choice(StepButton):
    """The answer to a one-choice question (a birth date as YYYY-MM-DD)."""

    PREFIX = "choose"
    value: str


@dataclass(frozen=True)
class Toggle(StepButton):
    """Add or take away one choice of a multi-choice or ranked question."""

    PREFIX = "toggle"
    value: str


@dataclass(frozen=True)
class ResetRanking(StepButton):
    """Start a ranking again."""

    PREFIX = "reset"


@dataclass(frozen=True)
class DoneChoosing(StepButton):
    """"Selesai" under a multi-choice or ranked question."""

    PREFIX = "done"


@dataclass(frozen=True)
class Back(StepButton):
    """Back to the question before."""

    PREFIX = "back"


@dataclass(frozen=True)
class NikNotMine(StepButton):
    """"Bukan saya, lanjut": the NIK a registration on the other channel holds is not the
    person's registration; it is taken as the answer and staff decide at submission."""

    PREFIX = "nik-not-mine"


@dataclass(frozen=True)
class EditMenu(Callback):
    """"Ubah jawaban" under the summary: the list of answers to change."""

    PREFIX = "edit-menu"


@dataclass(frozen=True)
class ShowSummary(Callback):
    """Back from the list of answers to the summary."""

    PREFIX = "summary"


@dataclass(frozen=True)
class EditAnswer(Callback):
    """Change one answer from the summary."""

    PREFIX = "edit"
    question: str


@dataclass(frozen=True)
class Submit(Callback):
    """"Kirim pendaftaran"."""

    PREFIX = "submit"


@dataclass(frozen=True)
class RemindAtMinAge(Callback):
    """A minor asks to be told when they may register."""

    PREFIX = "remind-at-age"


# --- the resident's account ------------------------------------------------------------


@dataclass(frozen=True)
class DeleteConfirm(Callback):
    """/hapus: delete my data, or keep it."""

    PREFIX = "delete"
    confirmed: bool


@dataclass(frozen=True)
class LanguagePick(Callback):
    """/bahasa: a locale code."""

    PREFIX = "language"
    locale: str


@dataclass(frozen=True)
class OptOutConfirm(Callback):
    """/berhenti: stop announcements and reminders, or keep them."""

    PREFIX = "optout"
    confirmed: bool


class ResidentCommand(StrEnum):
    """The resident's commands a menu offers (WhatsApp has no command menu of its own)."""

    DAFTAR = "daftar"
    STATUS = "status"
    JADWAL = "jadwal"
    DATA = "data"
    BAHASA = "bahasa"
    BANTUAN = "bantuan"
    INFO = "info"
    BERHENTI = "berhenti"
    LANJUT = "lanjut"
    HAPUS = "hapus"


@dataclass(frozen=True)
class MenuCommand(Callback):
    """A row of the resident's menu: run this command, as if it were typed."""

    PREFIX = "menu"
    name: ResidentCommand


class Attendance(StrEnum):
    ATTEND = "attend"
    CANNOT = "cannot"
    NO_REASON = "no-reason"  # "Tidak bisa hadir", and no reason to give


_LEGACY_ATTENDANCE = re.compile(r"^ev:(\d{1,18}):([hts])$")
_LEGACY_CODES = {"h": Attendance.ATTEND, "t": Attendance.CANNOT, "s": Attendance.NO_REASON}


@dataclass(frozen=True)
class ScheduleAnswer(Callback):
    """A resident's answer under an interview or training notice or reminder."""

    PREFIX = "event"
    event_id: int
    answer: Attendance

    @classmethod
    def parse(cls, data: object) -> Self | None:
        found = super().parse(data)
        if found is not None or not isinstance(data, str):
            return found
        # Reminders are answered days after they were sent: the buttons of the version
        # before these names ("ev:12:h") keep working.
        legacy = _LEGACY_ATTENDANCE.match(data)
        return cls(int(legacy[1]), _LEGACY_CODES[legacy[2]]) if legacy else None


# --- staff -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ApplicantCard(Callback):
    """/cari with several matches: one applicant's card (by Telegram user id)."""

    PREFIX = "card"
    user_id: int


class BroadcastAction(StrEnum):
    DISCARD = "discard"
    STAGES = "stages"  # the list of stages to send to
    RECIPIENTS = "recipients"  # back to the list of groups
    LATER = "later"  # ask for a time
    PREVIEW = "preview"
    SEND = "send"
    SCHEDULE = "schedule"
    STOP = "stop"  # asks to confirm
    STOP_CONFIRMED = "stop-yes"
    KEEP_GOING = "keep-going"
    RESUME = "resume"  # a stopped one goes on to those not reached yet


@dataclass(frozen=True)
class BroadcastButton(Callback):
    """Every button of /umumkan but the choice of recipients."""

    PREFIX = "broadcast"
    action: BroadcastAction
    broadcast_id: int


@dataclass(frozen=True)
class BroadcastGroup(Callback):
    """/umumkan: send to this group (a code of handlers/broadcast_views.GROUPS, or
    "t.<stage>")."""

    PREFIX = "broadcast-to"
    broadcast_id: int
    group: str


KINDS: tuple[type[Callback], ...] = (
    ConsentAnswer, ResumeChoice, Choice, Toggle, ResetRanking, DoneChoosing, Back, EditMenu,
    ShowSummary, EditAnswer, Submit, RemindAtMinAge, DeleteConfirm, LanguagePick,
    OptOutConfirm, MenuCommand, ScheduleAnswer, ApplicantCard, BroadcastButton, BroadcastGroup,
    NikNotMine,
)  # fmt: skip

_BY_PREFIX = {kind.PREFIX: kind for kind in KINDS}


def parse(data: object) -> Callback | None:
    """Whatever button ``data`` names, or None for data of no kind (an older version's)."""
    if not isinstance(data, str):
        return None
    kind = _BY_PREFIX.get(data.split(SEPARATOR, 1)[0])
    if kind is None:
        return ScheduleAnswer.parse(data)  # the one kind with a legacy form
    return kind.parse(data)


# --- residents' questions ---------------------------------------------------------------


@dataclass(frozen=True)
class FaqHelpful(Callback):
    """"Ini membantu" under a FAQ answer."""

    PREFIX = "faq_ok"
    draft: int
    key: str


@dataclass(frozen=True)
class FaqOther(Callback):
    """The other close answer, offered under the best one by its title."""

    PREFIX = "faq_see"
    draft: int
    key: str


@dataclass(frozen=True)
class AskStaff(Callback):
    """"Tanya petugas": the question kept as a draft goes to staff; ``draft`` 0 (from /bantuan
    or /status): the resident writes their question next."""

    PREFIX = "ask"
    draft: int
