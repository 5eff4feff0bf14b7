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
    keys |= {f"education.{kind}.{e.value}" for kind in ("minimum", "catch_up") for e in Education}
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


def test_placeholders_agree_between_languages() -> None:
    indonesian, english = load_catalog("id"), load_catalog("en")
    pattern = re.compile(r"\{(\w+)\}")
    differ = [
        key
        for key, text in indonesian.singular.items()
        if set(pattern.findall(text)) != set(pattern.findall(english.gettext(key)))
    ]
    for key, forms in indonesian.plural.items():
        wanted = {name for form in forms for name in pattern.findall(form)}
        if any(set(pattern.findall(form)) != wanted for form in english.plural.get(key, ())):
            differ.append(key)
    assert differ == []


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


# --- one voice ------------------------------------------------------------------------------

SAYA = re.compile(r"\bsaya\b", re.IGNORECASE)
KAMI = re.compile(r"\bkami\b", re.IGNORECASE)
# Words in quotation marks are someone else's ("tekan “Ingatkan saya”"), not the service's.
QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"|«[^»]*»")


def residents_own_words() -> set[str]:
    """Keys whose text the resident says, not the service: the labels of the answers they
    pick in the interview (family.ya "Ya, bisa"). Button keys are found by their name."""
    keys = {o.label for q in qn.QUESTIONS for o in q.options if o.translate}
    keys |= {f"education.{e.value}" for e in Education}
    keys |= {f"family.{p.value}" for p in FamilyPermission}
    return keys


def is_residents_voice(key: str, own_words: set[str]) -> bool:
    return "btn" in key.split(".") or key in own_words


def service_texts_by_family() -> dict[str, dict[str, str]]:
    """The service's Indonesian texts grouped twice: by msgid family (the prefix before the
    first dot) and by the .po file they are in."""
    own_words = residents_own_words()
    groups: dict[str, dict[str, str]] = {}
    for po in sorted((locales_dir() / "id" / "LC_MESSAGES").glob("*.po")):
        with po.open("rb") as fh:
            for message in read_po(fh, locale="id"):
                if not message.id or not isinstance(message.string, str):
                    continue
                key = str(message.id)
                if is_residents_voice(key, own_words):
                    continue
                text = QUOTED.sub("", message.string)
                groups.setdefault(f"family {key.split('.')[0]}", {})[key] = text
                groups.setdefault(f"file {po.name}", {})[key] = text
    return groups


def test_the_service_speaks_as_kami_in_every_family() -> None:
    """The service speaks as "kami" and says "Anda"; a family of messages (the msgid prefix
    before the first dot, e.g. "schedule.", or one .po file) that says "saya" in one message
    and "kami" in another reads as two different speakers.

    The rule for who is speaking: buttons (a "btn" part in the key: btn.remind_at_18 "Ingatkan
    saya saat berusia 18", schedule.btn.hadir) and the labels of the answers a resident picks
    in the interview (family.ya "Ya, bisa") are the resident's own words and may say "saya";
    so may words in quotation marks inside a message. Everything else is the service."""
    mixed = {
        group: sorted(key for key, text in texts.items() if SAYA.search(text))
        for group, texts in service_texts_by_family().items()
        if any(SAYA.search(t) for t in texts.values())
        and any(KAMI.search(t) for t in texts.values())
    }
    assert mixed == {}


def test_the_service_never_says_saya() -> None:
    """Stricter than "no mixing": the one voice of the service is "kami" everywhere."""
    said = sorted(
        key
        for texts in service_texts_by_family().values()
        for key, text in texts.items()
        if SAYA.search(text)
    )
    assert said == []


def test_the_voice_rule_tells_the_resident_from_the_service() -> None:
    """The test above can fail: "saya" in a service message is found, in a button it is not."""
    own_words = residents_own_words()
    assert is_residents_voice("btn.remind_at_18", own_words)
    assert is_residents_voice("family.ya", own_words)
    assert not is_residents_voice("error.unknown_command", own_words)
    assert SAYA.search(QUOTED.sub("", "Maaf, perintah itu tidak saya kenal."))
    assert not SAYA.search(QUOTED.sub("", "Tekan “Ingatkan saya” di bawah."))
