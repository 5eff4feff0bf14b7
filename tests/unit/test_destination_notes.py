"""Destination notes: the TOML staff edit, read strictly so a mistake stops start-up."""

from __future__ import annotations

import pytest

from bot.config import SHIPPED_DESTINATION_NOTES
from bot.domain import questionnaire as qn
from bot.domain.destination_notes import MAX_NOTE_LENGTH, NotesError, parse_notes

GOOD = '[arab_saudi]\nid = "Catatan."\nen = "A note."\n'


def test_the_shipped_notes_are_valid_and_name_known_destinations() -> None:
    notes = parse_notes(SHIPPED_DESTINATION_NOTES.read_text(encoding="utf-8"))
    known = {o.value for o in qn.DESTINATIONS}
    assert notes.notes and {n.destination for n in notes.notes} <= known
    saudi = notes.for_destinations(["arab_saudi"])[0]
    assert "260 Tahun 2015" in saudi.text("id")
    assert "260 of 2015" in saudi.text("en")


def test_a_note_in_each_language_and_spaces_folded() -> None:
    notes = parse_notes('[taiwan]\nid = """Satu\n   dua."""\nen = "One two."\n')
    (note,) = notes.notes
    assert note.text("id") == "Satu dua." and note.text("en") == "One two."
    assert note.text("fr") == "Satu dua."  # a language without a note falls back to Indonesian


def test_notes_follow_the_order_asked_for() -> None:
    text = GOOD + '[jepang]\nid = "J."\nen = "J."\n'
    notes = parse_notes(text)
    assert [n.destination for n in notes.notes] == ["jepang", "arab_saudi"]  # interview order
    ranked = notes.for_destinations(["arab_saudi", "korea", "jepang"])
    assert [n.destination for n in ranked] == ["arab_saudi", "jepang"]


def test_no_file_content_means_no_notes() -> None:
    assert parse_notes("").notes == ()


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[arab_saudi\nid = 'x'", "not valid TOML"),
        ('[saudi]\nid = "x"\nen = "y"\n', "[saudi] is not a destination"),
        ('arab_saudi = "x"\n', "must be a table"),
        ('[arab_saudi]\nid = "x"\n', 'has no en = "..." text'),
        ('[arab_saudi]\nid = "  "\nen = "y"\n', 'has no id = "..." text'),
        ('[arab_saudi]\nid = 3\nen = "y"\n', 'has no id = "..." text'),
        ('[arab_saudi]\nid = "x"\nen = "y"\nar = "z"\n', "unknown keys: ar"),
        (f'[arab_saudi]\nid = "{"x" * (MAX_NOTE_LENGTH + 1)}"\nen = "y"\n', "longer than"),
    ],
)
def test_mistakes_are_named(text: str, problem: str) -> None:
    with pytest.raises(NotesError) as error:
        parse_notes(text)
    assert problem in str(error.value)
