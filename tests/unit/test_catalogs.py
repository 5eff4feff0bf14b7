"""Every message the code can show exists in Indonesian and English, and renders."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.domain import questionnaire as qn
from bot.domain.eligibility import Education, FamilyPermission, Missing, Reason
from bot.i18n import load_catalog, locales_dir

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ("id", "en")
KEYWORDS = {"_": None, "gettext": None, "N_": None, "ngettext": (1, 2)}
STAGES = ("terdaftar", "terverifikasi", "wawancara", "pemetaan_minat", "pelatihan",
          "siap_berangkat", "berangkat", "tidak_lolos", "mengundurkan_diri")  # fmt: skip


def keys_in_code() -> set[str]:
    found: set[str] = set()
    for folder in ("bot", "handlers"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT / folder), keywords=KEYWORDS, comment_tags=()
        ):
            if isinstance(message, tuple):
                found.add(message[0])
            elif message:
                found.add(message)
    return found


def keys_built_at_run_time() -> set[str]:
    """Keys the code composes (f"stage.{name}"), listed from the data they come from."""
    keys = {q.prompt for q in qn.QUESTIONS} | {q.label for q in qn.QUESTIONS}
    for question in qn.QUESTIONS:
        keys |= {o.label for o in question.options if o.translate}
    keys |= {f"education.{e.value}" for e in Education}
    keys |= {f"family.{p.value}" for p in FamilyPermission}
    keys |= {f"verdict.reason.{r.value}" for r in Reason}
    keys |= {f"verdict.missing.{m.value}" for m in Missing}
    keys |= {f"verdict.{o}" for o in ("memenuhi_syarat", "perlu_dilengkapi",
                                      "belum_memenuhi_syarat")}  # fmt: skip
    keys |= {f"stage.{s}" for s in STAGES} | {f"stage.{s}.next" for s in STAGES}
    keys |= {f"error.nik.{p}" for p in ("not_digits", "length", "province", "date", "serial")}
    keys |= {f"error.date.{p}" for p in ("format", "invalid", "future", "too_old")}
    keys |= {f"error.phone.{p}" for p in ("format", "foreign", "not_own")}
    keys |= {"pool.kota_serang", "pool.wilayah", "language.id", "language.en", "sex.L", "sex.P"}
    return keys


@pytest.mark.parametrize("locale", LOCALES)
def test_every_key_used_has_a_translation(locale: str) -> None:
    catalog = load_catalog(locale)
    known = set(catalog.singular) | set(catalog.plural)
    missing = sorted((keys_in_code() | keys_built_at_run_time()) - known)
    assert missing == [], f"{locale}: no translation for {missing}"


def test_both_languages_have_the_same_keys() -> None:
    indonesian, english = load_catalog("id"), load_catalog("en")
    assert set(indonesian.singular) ^ set(english.singular) == set()
    assert set(indonesian.plural) ^ set(english.plural) == set()


@pytest.mark.parametrize("locale", LOCALES)
def test_placeholders_agree_between_languages(locale: str) -> None:
    reference, other = load_catalog("id"), load_catalog(locale)
    pattern = re.compile(r"\{(\w+)\}")
    for key, text in reference.singular.items():
        assert set(pattern.findall(text)) == set(pattern.findall(other.gettext(key))), key


def test_indonesian_has_one_plural_form() -> None:
    for po in (locales_dir() / "id" / "LC_MESSAGES").glob("*.po"):
        with po.open("rb") as fh:
            assert read_po(fh, locale="id").num_plurals == 1, po.name


@pytest.mark.parametrize("locale", LOCALES)
def test_catalog_texts_are_valid_telegram_html(locale: str) -> None:
    from bot.simulator import HtmlParseError, parse_html

    for key, text in load_catalog(locale).singular.items():
        try:
            parse_html(text)
        except HtmlParseError as exc:  # pragma: no cover - the assertion message is the point
            pytest.fail(f"{locale} {key}: {exc}")
