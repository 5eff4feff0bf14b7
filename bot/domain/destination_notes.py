"""Notes on work destinations with placement restrictions, as data staff can change.

A moratorium or a new placement scheme changes by decree, not by release, so these notes live
in a small TOML file (``bot/destination_notes.toml`` ships with the bot; the setting
DESTINATION_NOTES_PATH points at another copy), not in the code or the catalogs. One table per
destination, named by its value in the interview, with the note in every language the bot
speaks (plain text, no HTML):

    [arab_saudi]
    id = "Penempatan PMI sebagai pekerja rumah tangga ..."
    en = "Placement of PMI as domestic workers ..."

This module only reads the text; bot/config.py reads the file at start-up.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass

from bot.domain.questionnaire import DESTINATIONS

NOTE_LOCALES = ("id", "en")
# Several notes may share one Telegram message (4,096 characters) with the question.
MAX_NOTE_LENGTH = 600


class NotesError(ValueError):
    """The notes file is not valid; the message says where, for the person who edits it."""


@dataclass(frozen=True)
class DestinationNote:
    destination: str
    texts: tuple[tuple[str, str], ...]  # (locale, plain text), one for each of NOTE_LOCALES

    def text(self, locale: str) -> str:
        by_locale = dict(self.texts)
        return by_locale.get(locale) or by_locale[NOTE_LOCALES[0]]


@dataclass(frozen=True)
class DestinationNotes:
    notes: tuple[DestinationNote, ...] = ()

    def for_destinations(self, destinations: Iterable[str]) -> list[DestinationNote]:
        """The notes of these destinations, in the order given (a resident's ranking)."""
        by_destination = {note.destination: note for note in self.notes}
        return [by_destination[d] for d in destinations if d in by_destination]


NO_NOTES = DestinationNotes()


def parse_notes(text: str) -> DestinationNotes:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise NotesError(f"not valid TOML ({exc})") from None
    known = [o.value for o in DESTINATIONS]
    notes: list[DestinationNote] = []
    for destination, table in data.items():
        if destination not in known:
            raise NotesError(f"[{destination}] is not a destination; use one of {', '.join(known)}")
        if not isinstance(table, dict):
            raise NotesError(f"{destination} must be a table: [{destination}] with id = and en =")
        unknown = sorted(set(table) - set(NOTE_LOCALES))
        if unknown:
            raise NotesError(f"[{destination}] has unknown keys: {', '.join(unknown)}")
        texts: list[tuple[str, str]] = []
        for locale in NOTE_LOCALES:
            value = table.get(locale)
            if not isinstance(value, str) or not value.strip():
                raise NotesError(f'[{destination}] has no {locale} = "..." text')
            if len(value) > MAX_NOTE_LENGTH:
                raise NotesError(
                    f"[{destination}] {locale} is longer than {MAX_NOTE_LENGTH} characters"
                )
            texts.append((locale, " ".join(value.split())))
        notes.append(DestinationNote(destination, tuple(texts)))
    # Shown in the interview's order of destinations, whatever the file's order.
    notes.sort(key=lambda note: known.index(note.destination))
    return DestinationNotes(tuple(notes))
