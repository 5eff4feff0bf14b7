"""The words that stand for commands on WhatsApp, and greetings, as residents type them."""

from __future__ import annotations

import pytest

from bot.channels.whatsapp.keywords import Command, Typed, command_of, is_greeting
from bot.channels.whatsapp.phone import offerable, shown_number


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("daftar", Typed(Command.DAFTAR, False)),
        ("  DAFTAR. ", Typed(Command.DAFTAR, False)),
        ("/status", Typed(Command.STATUS, True)),
        (" /Hapus!", Typed(Command.HAPUS, True)),
        ("/daftar@serang_pmi_bot", Typed(Command.DAFTAR, True)),
        ("start", Typed(Command.MULAI, False)),
        ("Mulai", Typed(Command.MULAI, False)),
        ("help", Typed(Command.BANTUAN, False)),
        ("menu?", Typed(Command.MENU, False)),
        ("daftar sekarang", None),  # more than the word: not a command
        ("data saya", None),
        ("Siti", None),
        ("", None),
    ],
)
def test_commands_by_keyword(text: str, expected: Typed | None) -> None:
    assert command_of(text) == expected


@pytest.mark.parametrize(
    "text",
    ["halo", "Hallo kak", "P", "assalamu'alaikum wr. wb.", "Selamat pagi, min", "hi there",
     "Met malam bu"],
)  # fmt: skip
def test_greetings(text: str) -> None:
    assert is_greeting(text)


@pytest.mark.parametrize(
    "text", ["halo, saya mau tanya soal paspor", "pagi ini saya ke kantor", "siti", "123", ""]
)
def test_no_greetings(text: str) -> None:
    assert not is_greeting(text)


def test_the_number_as_people_write_it() -> None:
    assert shown_number("6281234567890") == "+62 812-3456-7890"
    assert shown_number("628123456789") == "+62 812-3456-789"
    assert shown_number("60123456789") == "+60123456789"
    assert offerable("6281234567890")
    assert not offerable("60123456789")  # the interview takes Indonesian numbers only
