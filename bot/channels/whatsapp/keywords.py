"""The words that stand for commands on WhatsApp, which has no command menu.

Telegram residents tap /daftar or /status; on WhatsApp they type the word, with or without
"/", in any case, with spaces or punctuation around it ("Daftar.", " /STATUS "). A few
English words count too, for residents who chose English. A command word is the command
even while a question waits for a typed answer: no full name, NIK, date or phone number is
one of these words, and a resident who has just seen the menu types them meaning it.
A greeting ("halo", "selamat pagi kak", "assalamualaikum") is recognised separately: it
asks for the menu only when the bot expects no answer.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum


class Command(StrEnum):
    DAFTAR = "daftar"
    MULAI = "mulai"
    UBAH = "ubah"
    BATAL = "batal"
    STATUS = "status"
    JADWAL = "jadwal"
    DATA = "data"
    HAPUS = "hapus"
    BERHENTI = "berhenti"
    LANJUT = "lanjut"
    BAHASA = "bahasa"
    BANTUAN = "bantuan"
    INFO = "info"
    MENU = "menu"


_WORDS: dict[str, Command] = {c.value: c for c in Command} | {
    "start": Command.MULAI,
    "register": Command.DAFTAR,
    "edit": Command.UBAH,
    "cancel": Command.BATAL,
    "schedule": Command.JADWAL,
    "delete": Command.HAPUS,
    "stop": Command.BERHENTI,
    "resume": Command.LANJUT,
    "language": Command.BAHASA,
    "help": Command.BANTUAN,
}

_GREETINGS = frozenset({
    "halo", "hallo", "helo", "hello", "hai", "hay", "hi", "hey", "p", "ping", "permisi",
    "assalamualaikum", "asalamualaikum", "assalamu", "alaikum", "salam", "pagi", "siang",
    "sore", "malam", "selamat", "met", "good", "morning", "afternoon", "evening",
})  # fmt: skip
# Words that may come with a greeting without making it a question.
_FILLER = frozenset({
    "kak", "ka", "kakak", "min", "admin", "mimin", "pak", "bu", "ibu", "bapak", "bang", "mas",
    "mbak", "gan", "sis", "bro", "semua", "wr", "wb", "warahmatullahi", "wabarakatuh",
    "warahmatullah", "there",
})  # fmt: skip

_EDGES = re.compile(r"^[\W_]+|[\W_]+$")


@dataclass(frozen=True)
class Typed:
    """A typed text read as a command: which, and whether it came with "/"."""

    command: Command
    slashed: bool


def is_command_word(word: str) -> bool:
    """Is this word (lower case, no "/") one a resident can type for a command here?"""
    return word in _WORDS


def command_of(text: str) -> Typed | None:
    """The command a typed text stands for, or None (anything longer than one word)."""
    stripped = text.strip()
    slashed = stripped.startswith("/")
    word = _EDGES.sub("", _fold(stripped))
    if "@" in word:  # "/daftar@bot", as typed from Telegram habits
        word = word.split("@", 1)[0]
    command = _WORDS.get(word)
    return None if command is None else Typed(command, slashed)


def is_greeting(text: str) -> bool:
    """Only a greeting, perhaps with "kak" or "wr wb": no question in it."""
    words = re.findall(r"[a-z]+", _fold(text).replace("'", ""))
    if not words or len(words) > 6:
        return False
    return all(w in _GREETINGS or w in _FILLER for w in words) and any(
        w in _GREETINGS for w in words
    )


def _fold(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in folded if not unicodedata.combining(c))
