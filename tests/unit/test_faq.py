"""The FAQ file and its matcher: what residents type finds the answer it should, typos and
chat spellings included, and nothing is offered for a question the FAQ does not hold."""

from __future__ import annotations

import pytest

from bot.config import SHIPPED_FAQ
from bot.domain.faq import FaqError, normalize, parse_faq, similarity

FAQ = parse_faq(SHIPPED_FAQ.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("question", "best"),
    [
        ("kapan pelatihannya mulai?", "jadwal"),
        ("apakah gratis??", "biaya"),
        ("apakah pelatihannya gratiss", "biaya"),  # a typo and a suffix
        ("saya sudah daftar tapi belum dihubungi", "status"),
        ("brp kuota utk warga serang", "kuota"),  # chat spellings
        ("umur sya 35 msh bisa?", "usia"),
        ("pelatihn las ada?", "kejuruan"),
        ("gimana cara daftarnya", "daftar"),
        ("ada yg minta uang 5 juta biar lolos", "calo"),
        ("saya dari palembang boleh ikut?", "wilayah"),
        ("paspor perlu?", "dokumen"),
        ("gajinya brp", "gaji"),
        ("When does the training start?", "jadwal"),
        ("is the training free", "biaya"),
        ("kartu kuning dimana buatnya", "aki"),
    ],
)
def test_a_question_finds_its_answer(question: str, best: str) -> None:
    matches = FAQ.match(question)
    assert matches and matches[0].entry.key == best, [(m.entry.key, m.score) for m in matches]


@pytest.mark.parametrize(
    "question",
    ["what is the weather", "saya mau tanya", "halo min", "cuaca di Serang besok bagaimana",
     "apakah boleh membawa anak balita ke tempat pelatihan"],
)  # fmt: skip
def test_a_question_the_faq_does_not_hold_gets_nothing(question: str) -> None:
    assert FAQ.match(question) == []


def test_at_most_two_and_the_second_only_when_close() -> None:
    matches = FAQ.match("apakah ada biaya")
    assert [m.entry.key for m in matches] == ["biaya", "kur"]
    assert len(FAQ.match("apakah pelatihan ini gratis")) == 1


@pytest.mark.parametrize(
    ("a", "b", "alike"),
    [
        ("gratis", "gratis", True),
        ("pelatihan", "pelatiahn", True),  # two letters swapped
        ("pendaftaran", "pendaftran", True),  # one left out
        ("daftar", "daftarkan", True),  # an affix
        ("uang", "umur", False),  # short words must be exact
        ("gaji", "gajih", True),  # a common misspelling
        ("umur", "usia", False),
        ("jadwal", "jepang", False),
    ],
)
def test_similarity(a: str, b: str, alike: bool) -> None:
    assert (similarity(a, b) >= 0.7) is alike


def test_normalize_drops_what_says_nothing() -> None:
    assert normalize("Halo min, apakah pelatihannya GRATISSS? 2026") == ["pelatihan", "gratis"]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[a", "not valid TOML"),
        ("[Biaya]\n", "a key is 1-40"),
        ('[b]\ntitle_id = "x"\n', "answer_id is missing"),
        ("[b]\n" + 'title_id = "x"\ntitle_en = "x"\nanswer_id = "{nik}"\nanswer_en = "y"\n'
         'ask_id = ["gratis"]\nask_en = ["free"]\n', "uses {nik}"),
        ("[b]\n" + 'title_id = "x"\ntitle_en = "x"\nanswer_id = "<b>x</b>"\nanswer_en = "y"\n'
         'ask_id = ["gratis"]\nask_en = ["free"]\n', "plain text"),
        ("[b]\n" + 'title_id = "x"\ntitle_en = "x"\nanswer_id = "x"\nanswer_en = "y"\n'
         'ask_id = ["apa yang"]\nask_en = ["free"]\n', "has no words"),
        ("[b]\n" + 'title_id = "x"\ntitle_en = "x"\nanswer_id = "x"\nanswer_en = "y"\n'
         'ask_id = ["gratis"]\nask_en = ["free"]\nextra = 1\n', "unknown field extra"),
    ],
)  # fmt: skip
def test_a_bad_file_is_refused_saying_where(text: str, problem: str) -> None:
    with pytest.raises(FaqError, match=problem.replace("{", r"\{").replace("}", r"\}")):
        parse_faq(text)


def test_the_shipped_answers_use_only_known_placeholders_and_both_languages() -> None:
    assert len(FAQ.entries) >= 15
    for entry in FAQ.entries:
        assert entry.answer("id") != entry.answer("en")
        assert entry.title("id") and entry.title("en")
