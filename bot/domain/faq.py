"""Frequently asked questions, as data staff edit, and the typo-tolerant matcher over them.

Residents write as they speak ("kapan pelatihannya mulai?", "apakah gratis??", "brp kuota
utk warga serang"): the matcher compares the words of a question with each entry's example
questions, word by word, forgiving a typo or two and Indonesian suffixes (-nya, -kah, -lah).
Words that say little ("apa", "yang", "saya") count for nothing, and a word every entry shares
("pelatihan") counts less than one only a few have ("gratis", "kuota") (idf weights).

The file (``bot/faq.toml`` ships with the bot, ``FAQ_PATH`` points at another) has one table
per entry, named by a stable key:

    [biaya]
    title_id = "Apakah pelatihan ini gratis?"
    title_en = "Is the training free?"
    ask_id = ["apakah gratis", "biaya pelatihan berapa", "harus bayar"]
    ask_en = ["is it free", "how much does it cost"]
    answer_id = "Pelatihan ini dibiayai anggaran BBPVP Serang ..."
    answer_en = "The training is paid from BBPVP Serang's budget ..."

Answers are plain text (no HTML) and may use the placeholders in ``PLACEHOLDERS``, filled in
with the deployment's own rules and links, so an answer never states a quota a rules file
changed.
"""

from __future__ import annotations

import functools
import math
import re
import string
import tomllib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

FAQ_LOCALES = ("id", "en")
# Room for the answer and a second entry's title in one Telegram message.
MAX_ANSWER_LENGTH = 1500
MAX_TITLE_LENGTH = 60  # a button label
PLACEHOLDERS = frozenset(
    {
        "min_age",
        "priority_quota",
        "region_quota",
        "total_quota",
        "siapkerja_url",
        "karirhub_url",
        "contact_bbpvp",
        "contact_disnaker",
    }
)

# A question must share this much (weighted) with an entry to be offered its answer, and a
# second entry is offered only when it comes close to the first.
MIN_SCORE = 0.45
SECOND_RATIO = 0.8

# Words that carry no meaning of their own in a question (Indonesian and English, informal
# spellings included). Question words ("kapan", "berapa") are NOT here: they tell a date
# question from a cost question.
_STOPWORD_TEXT = """
    masih lagi juga kalau kalo jika gimana bagaimana gmn bgmn jadi jd
    apa apakah apa2 yang yg di ke dari dan atau untuk utk buat sama dengan dgn ini itu
    saya sy aku aq gue gw kami kita anda kamu bapak ibu pak bu kak min admin mas mbak
    ada adakah sudah udah sdh belum blm bisa bisakah boleh mau ingin pengen tolong mohon
    info informasi nya lah kah pun dong ya iya tidak nggak gak ga enggak tdk halo hai
    selamat pagi siang sore malam terima kasih makasih tanya nanya bertanya
    the a an is are am do does did can could i my me we you your it this that to of in on
    for and or with be been please hello hi what about there any
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
# Indonesian particles and the possessive that ride on a word: "pelatihannya" is "pelatihan".
_SUFFIXES = ("nya", "kah", "lah", "pun")
# Chat spellings of words that matter.
_SHORT_FORMS = {
    "brp": "berapa", "kpn": "kapan", "dmn": "dimana", "krj": "kerja", "daptar": "daftar",
    "pelatihn": "pelatihan", "gaji2": "gaji", "umr": "umur", "msh": "masih", "sya": "saya",
    "tki": "pmi", "tkw": "pmi", "thn": "tahun", "org": "orang",
}  # fmt: skip
_WORD = re.compile(r"[a-z0-9]+")


class FaqError(ValueError):
    """The FAQ file is not valid; the message says where, for the person who edits it."""


@dataclass(frozen=True)
class FaqEntry:
    key: str
    titles: tuple[tuple[str, str], ...]  # (locale, plain text)
    answers: tuple[tuple[str, str], ...]  # (locale, plain text with {placeholders})
    asks: tuple[str, ...]  # example questions, both languages

    def title(self, locale: str) -> str:
        return _pick(self.titles, locale)

    def answer(self, locale: str) -> str:
        return _pick(self.answers, locale)


def _pick(texts: tuple[tuple[str, str], ...], locale: str) -> str:
    by_locale = dict(texts)
    return by_locale.get(locale) or by_locale[FAQ_LOCALES[0]]


@dataclass(frozen=True)
class FaqMatch:
    entry: FaqEntry
    score: float  # 0..1


def normalize(text: str) -> list[str]:
    """The meaningful words of a text: lower case, accents and punctuation gone, letters
    repeated for emphasis squeezed ("gratisss"), particles cut, stopwords dropped."""
    folded = unicodedata.normalize("NFKD", text.lower())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    words = []
    for raw in _WORD.findall(folded):
        if raw.isdigit():
            continue  # "35", "5 juta": a number alone says nothing about the topic
        word = re.sub(r"([a-z])\1{2,}", r"\1", raw)
        word = _SHORT_FORMS.get(word, word)
        for suffix in _SUFFIXES:
            if len(word) > len(suffix) + 3 and word.endswith(suffix):
                word = word[: -len(suffix)]
                break
        if word and word not in STOPWORDS:
            words.append(word)
    return words


@functools.lru_cache(maxsize=65536)
def similarity(a: str, b: str) -> float:
    """How alike two words are, 0..1: 1 when equal; a typo or two in a longer word still
    scores high (Damerau-Levenshtein distance over the longer length); a short word must
    be exact, since "uang" and "umur" differ by two letters and mean different things."""
    if a == b:
        return 1.0
    shorter, longer = sorted((len(a), len(b)))
    if shorter < 4:
        return 0.0
    if a.startswith(b) or b.startswith(a):
        # One word carries an affix the other lacks: "daftar" / "daftarkan".
        return 0.85 if shorter >= 5 else 0.7
    if longer - shorter > 2:
        return 0.0
    distance = _distance(a, b)
    allowed = 1 if longer < 7 else 2
    if distance > allowed:
        return 0.0
    return 1.0 - distance / longer


def _distance(a: str, b: str) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions and swaps of
    two neighbouring letters (the commonest typo on a phone) each cost one."""
    rows = [list(range(len(b) + 1))]
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            row[j] = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


@dataclass(frozen=True)
class Faq:
    entries: tuple[FaqEntry, ...] = ()

    @functools.cached_property
    def _vocabulary(self) -> tuple[tuple[frozenset[str], ...], dict[str, float]]:
        words = tuple(frozenset(w for ask in e.asks for w in normalize(ask)) for e in self.entries)
        count = len(self.entries)
        frequency: dict[str, int] = {}
        for entry_words in words:
            for word in entry_words:
                frequency[word] = frequency.get(word, 0) + 1
        idf = {w: math.log(1 + count / n) for w, n in frequency.items()}
        return words, idf

    def match(self, question: str, limit: int = 2) -> list[FaqMatch]:
        """The best entries for a question, best first: at most ``limit``, each scoring at
        least MIN_SCORE, a second one only when close to the first."""
        words = list(dict.fromkeys(normalize(question)))
        if not words or not self.entries:
            return []
        entry_words, idf = self._vocabulary
        ceiling = max(idf.values())
        # How much each word of the question says: its rarest look-alike in the FAQ; a word
        # the FAQ has never seen weighs as much as the rarest one, so a question mostly
        # about something else does not get this FAQ's answer.
        weights = []
        for word in words:
            alike = [(similarity(word, known), known) for known in idf]
            closest = max((s for s, _ in alike), default=0.0)
            weights.append(
                max((idf[k] for s, k in alike if s == closest), default=ceiling)
                if closest > 0
                else ceiling
            )
        total = sum(weights)
        scored = []
        for entry, known in zip(self.entries, entry_words, strict=True):
            gained = sum(
                weight * max((similarity(word, k) for k in known), default=0.0)
                for word, weight in zip(words, weights, strict=True)
            )
            scored.append(FaqMatch(entry, gained / total))
        scored.sort(key=lambda m: m.score, reverse=True)
        best = [m for m in scored if m.score >= MIN_SCORE][:limit]
        if len(best) > 1:
            best = [best[0], *(m for m in best[1:] if m.score >= best[0].score * SECOND_RATIO)]
        return best

    def get(self, key: str) -> FaqEntry | None:
        return next((e for e in self.entries if e.key == key), None)


NO_FAQ = Faq()


def parse_faq(text: str) -> Faq:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise FaqError(f"not valid TOML ({exc})") from None
    entries = []
    for key, table in data.items():
        if not re.fullmatch(r"[a-z0-9_]{1,40}", key):
            raise FaqError(f"[{key}]: a key is 1-40 of a-z, 0-9 and _")
        if not isinstance(table, Mapping):
            raise FaqError(f"{key}: must be a table ([{key}]) with titles, asks and answers")
        entries.append(_entry(key, table))
    return Faq(tuple(entries))


def _entry(key: str, table: Mapping[str, object]) -> FaqEntry:
    known = {f"{part}_{locale}" for part in ("title", "ask", "answer") for locale in FAQ_LOCALES}
    unknown = sorted(set(table) - known)
    if unknown:
        raise FaqError(f"[{key}]: unknown field {unknown[0]} (expected {', '.join(sorted(known))})")
    titles, answers, asks = [], [], []
    for locale in FAQ_LOCALES:
        title = _text(key, table, f"title_{locale}", MAX_TITLE_LENGTH)
        answer = _text(key, table, f"answer_{locale}", MAX_ANSWER_LENGTH)
        _check_placeholders(key, f"answer_{locale}", answer)
        titles.append((locale, title))
        answers.append((locale, answer))
        examples = table.get(f"ask_{locale}")
        if not isinstance(examples, list) or not examples:
            raise FaqError(f"[{key}]: ask_{locale} must be a list of example questions")
        for example in examples:
            if not isinstance(example, str) or not normalize(example):
                raise FaqError(f"[{key}]: ask_{locale} holds {example!r}, which has no words")
            asks.append(example)
    return FaqEntry(key, tuple(titles), tuple(answers), tuple(asks))


def _text(key: str, table: Mapping[str, object], name: str, limit: int) -> str:
    value = table.get(name)
    if not isinstance(value, str) or not value.strip():
        raise FaqError(f"[{key}]: {name} is missing or empty")
    if len(value) > limit:
        raise FaqError(f"[{key}]: {name} has {len(value)} characters, at most {limit}")
    if "<" in value or ">" in value:
        raise FaqError(f"[{key}]: {name} is plain text: no < or >")
    return value.strip()


def _check_placeholders(key: str, name: str, text: str) -> None:
    try:
        fields = {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}
    except ValueError:
        raise FaqError(f"[{key}]: {name} has an unpaired {{ or }}") from None
    unknown = sorted(fields - PLACEHOLDERS)
    if unknown:
        allowed = ", ".join("{" + p + "}" for p in sorted(PLACEHOLDERS))
        raise FaqError(f"[{key}]: {name} uses {{{unknown[0]}}}; the placeholders are {allowed}")
