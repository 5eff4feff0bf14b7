"""Message catalogs and the current user's locale.

Catalogs are the .po files under ``locales/<lang>/LC_MESSAGES/`` (one file per feature, all
merged), read with Babel at start-up. Reading the .po directly instead of compiled .mo files
means there is no build step that can leave a stale catalog behind.

Message ids are stable keys (``consent.body``), not English sentences: the long consent and
help texts stay out of the code, and a missing translation shows up as a key in tests instead
of silently falling back to another language.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

from babel.messages.pofile import read_po
from babel.numbers import format_decimal

# The languages the bot speaks. Kept here, not in bot.config, so that the settings may read
# data the domain validates (bot.domain imports this module for N_) without an import cycle.
SUPPORTED_LOCALES = ("id", "en")

_current_locale: ContextVar[str] = ContextVar("locale", default="id")


def locales_dir() -> Path:
    """Where the catalogs live: LOCALES_DIR, the checkout, or the installed data files."""
    candidates = [
        Path(os.environ["LOCALES_DIR"]) if os.environ.get("LOCALES_DIR") else None,
        Path(__file__).resolve().parent.parent / "locales",
        Path(sys.prefix) / "share" / "serang-pmi-bot" / "locales",
    ]
    for path in candidates:
        if path is not None and path.is_dir():
            return path
    raise FileNotFoundError("locales/ not found; set LOCALES_DIR")


@dataclass
class Catalog:
    """One language: key -> text, plus plural forms (Indonesian has one form)."""

    locale: str
    singular: dict[str, str]
    plural: dict[str, tuple[str, ...]]
    nplurals: int

    def gettext(self, key: str) -> str:
        return self.singular.get(key) or key

    def ngettext(self, key: str, key_plural: str, n: int) -> str:
        forms = self.plural.get(key)
        if not forms:
            return key if n == 1 else key_plural
        # Only the two rules this project needs: Indonesian (one form) and English.
        index = 0 if self.nplurals == 1 or n == 1 else 1
        return forms[min(index, len(forms) - 1)]


def load_catalog(locale: str, base: Path | None = None) -> Catalog:
    folder = (base or locales_dir()) / locale / "LC_MESSAGES"
    singular: dict[str, str] = {}
    plural: dict[str, tuple[str, ...]] = {}
    nplurals = 2
    for po_path in sorted(folder.glob("*.po")):
        with po_path.open("rb") as fh:
            catalog = read_po(fh, locale=locale)
        nplurals = catalog.num_plurals
        for message in catalog:
            if not message.id:
                continue
            if isinstance(message.id, tuple | list):
                strings = message.string if isinstance(message.string, tuple | list) else ()
                plural[str(message.id[0])] = tuple(str(s) for s in strings)
            elif isinstance(message.string, str) and message.string:
                singular[str(message.id)] = message.string
    return Catalog(locale=locale, singular=singular, plural=plural, nplurals=nplurals)


_catalogs: dict[str, Catalog] = {}


def catalogs() -> dict[str, Catalog]:
    if not _catalogs:
        for locale in SUPPORTED_LOCALES:
            _catalogs[locale] = load_catalog(locale)
    return _catalogs


def catalog(locale: str | None = None) -> Catalog:
    all_catalogs = catalogs()
    return all_catalogs.get(locale or _current_locale.get()) or all_catalogs["id"]


def get_locale() -> str:
    return _current_locale.get()


def format_number(value: float, places: int = 0) -> str:
    """A number as people read it in the current language: 3.000 and 0,1 in Indonesian,
    3,000 and 0.1 in English; ``places`` digits after the decimal sign, always shown."""
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return format_decimal(value, format=pattern, locale=get_locale())


def set_locale(locale: str) -> None:
    _current_locale.set(locale if locale in SUPPORTED_LOCALES else "id")


@contextmanager
def use_locale(locale: str) -> Iterator[None]:
    """Render messages for another user (a broadcast or reminder recipient)."""
    token = _current_locale.set(locale if locale in SUPPORTED_LOCALES else "id")
    try:
        yield
    finally:
        _current_locale.reset(token)


def gettext(key: str) -> str:
    return catalog().gettext(key)


def ngettext(key: str, key_plural: str, n: int) -> str:
    return catalog().ngettext(key, key_plural, n)


def N_(key: str) -> str:
    return key


_ = gettext


def locale_from_telegram(language_code: str | None, default: str) -> str:
    """First contact: English for English-language phones, otherwise the default (id)."""
    if language_code and language_code.lower().startswith("en"):
        return "en"
    return default
