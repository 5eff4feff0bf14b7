"""Callback data: every kind packs to 1-64 bytes with its longest values and parses back;
anything else (old versions' data, garbage) parses to None, never an exception."""

from __future__ import annotations

import pytest

from bot import callbacks as cb
from bot.domain import questionnaire as qn
from bot.domain.recipients import STAGES
from bot.domain.regions import KECAMATAN

BIGGEST_ID = 2**63 - 1  # Telegram's ids are below 2**52; broadcast ids are SQLite rowids
LONGEST_KEY = max((q.key for q in qn.QUESTIONS), key=len)


def longest_option() -> tuple[str, str]:
    """The (question, value) pair whose button data is the longest in the interview."""
    pairs = [
        (q.key, o.value)
        for q in qn.QUESTIONS
        for kecamatan in KECAMATAN
        for o in q.options_given({"kecamatan": kecamatan.slug}) or ()
    ]
    return max(pairs, key=lambda p: len(p[0]) + len(p[1]))


def longest_kelurahan() -> str:
    return max((k.slug for kc in KECAMATAN for k in kc.kelurahan), key=len)


STEP, VALUE = longest_option()

# The longest instance of every kind: a kind added without a row here fails the next test.
LONGEST: dict[type[cb.Callback], cb.Callback] = {
    cb.ConsentAnswer: cb.ConsentAnswer(agreed=False),
    cb.ResumeChoice: cb.ResumeChoice(start_over=True),
    cb.Choice: cb.Choice(STEP, VALUE),
    cb.Toggle: cb.Toggle(STEP, VALUE),
    cb.ResetRanking: cb.ResetRanking(LONGEST_KEY),
    cb.DoneChoosing: cb.DoneChoosing(LONGEST_KEY),
    cb.Back: cb.Back(LONGEST_KEY),
    cb.NikNotMine: cb.NikNotMine("nik"),
    cb.EditMenu: cb.EditMenu(),
    cb.ShowSummary: cb.ShowSummary(),
    cb.EditAnswer: cb.EditAnswer(LONGEST_KEY),
    cb.Submit: cb.Submit(),
    cb.RemindAtMinAge: cb.RemindAtMinAge(),
    cb.DeleteConfirm: cb.DeleteConfirm(confirmed=True),
    cb.LanguagePick: cb.LanguagePick("en"),
    cb.OptOutConfirm: cb.OptOutConfirm(confirmed=False),
    cb.MenuCommand: cb.MenuCommand(max(cb.ResidentCommand, key=len)),
    cb.ScheduleAnswer: cb.ScheduleAnswer(BIGGEST_ID, cb.Attendance.NO_REASON),
    cb.ApplicantCard: cb.ApplicantCard(BIGGEST_ID),
    cb.BroadcastButton: cb.BroadcastButton(cb.BroadcastAction.KEEP_GOING, BIGGEST_ID),
    cb.BroadcastGroup: cb.BroadcastGroup(
        BIGGEST_ID, "t." + max((str(s) for s in STAGES), key=len)
    ),
}


def test_every_kind_has_a_longest_example() -> None:
    assert set(LONGEST) == set(cb.KINDS)


@pytest.mark.parametrize("kind", cb.KINDS, ids=lambda k: k.__name__)
def test_longest_values_fit_and_parse_back(kind: type[cb.Callback]) -> None:
    button = LONGEST[kind]
    data = button.pack()
    assert 1 <= len(data.encode()) <= cb.MAX_BYTES
    assert kind.parse(data) == button
    assert cb.parse(data) == button
    assert kind.matches(data)
    # No other kind claims it: a handler's pattern catches its own buttons only.
    assert [k for k in cb.KINDS if k.matches(data)] == [kind]


def test_every_kelurahan_button_fits() -> None:
    question = qn.BY_KEY["kelurahan"]
    for kecamatan in KECAMATAN:
        for option in question.options_given({"kecamatan": kecamatan.slug}) or ():
            for kind in (cb.Choice, cb.Toggle):
                button = kind("kelurahan", option.value)
                assert cb.parse(button.pack()) == button
    assert longest_kelurahan() == "mesjid_priyayi"


def test_a_birth_date_choice() -> None:
    data = cb.Choice("birth_date", "1998-12-15").pack()
    assert data == "choose:birth_date:1998-12-15"
    assert cb.Choice.parse(data) == cb.Choice("birth_date", "1998-12-15")


@pytest.mark.parametrize(
    ("button", "data"),
    [
        (cb.ConsentAnswer(agreed=True), "consent:yes"),
        (cb.Toggle("interests", "las"), "toggle:interests:las"),
        (cb.Submit(), "submit"),
        (cb.ScheduleAnswer(12, cb.Attendance.CANNOT), "event:12:cannot"),
        (cb.BroadcastGroup(3, "t.wawancara"), "broadcast-to:3:t.wawancara"),
        (cb.ApplicantCard(777), "card:777"),
        (cb.ApplicantCard(-12), "card:-12"),  # a WhatsApp resident (bot/storage/contacts.py)
    ],
)
def test_data_is_readable(button: cb.Callback, data: str) -> None:
    assert button.pack() == data


def test_too_long_data_is_refused_where_it_is_built() -> None:
    with pytest.raises(ValueError, match="64"):
        cb.Choice("kelurahan", "x" * 60).pack()


def test_data_that_would_not_parse_back_is_refused() -> None:
    with pytest.raises(ValueError, match="parse back"):
        cb.Choice("a:b", "c").pack()  # the ":" would move into the value
    with pytest.raises(ValueError, match="parse back"):
        cb.LanguagePick("").pack()


@pytest.mark.parametrize(
    "data",
    [
        # The data of the version before these names, still on residents' phones:
        "c:yes", "r:restart", "a:education:smp", "t:interests:las", "x:destinations",
        "k:languages", "b:nik", "m:edit", "e:name", "s:submit", "m18:yes", "h:yes", "l:en",
        "oo:stop", "sc:123", "bc:go:4", "bc:g:4:ks",
        # Garbled or hostile:
        "", "consent", "consent:maybe", "consent:yes:extra", "choose:education", "choose::smp",
        "card:--1", "card:-", "card:+1", "card:12a", "card:１２", "card:" + "9" * 20,
        "event:1:later",
        "broadcast:explode:1", "broadcast-to:x:ks", "submit:now", "🙂", ":::",
    ],
)
def test_unknown_data_is_no_kind(data: str) -> None:
    assert cb.parse(data) is None
    assert not any(kind.matches(data) for kind in cb.KINDS)


def test_non_strings_are_no_kind() -> None:
    assert cb.parse(None) is None
    assert cb.parse(42) is None
    assert not cb.Submit.matches(None)


@pytest.mark.parametrize(
    ("data", "answer"),
    [("ev:12:h", cb.Attendance.ATTEND), ("ev:12:t", cb.Attendance.CANNOT),
     ("ev:12:s", cb.Attendance.NO_REASON)],
)  # fmt: skip
def test_old_attendance_buttons_still_work(data: str, answer: cb.Attendance) -> None:
    # Reminders are answered days after they were sent, by then from an older version.
    assert cb.parse(data) == cb.ScheduleAnswer(12, answer)
    assert cb.ScheduleAnswer.matches(data)


def test_prefixes_are_distinct() -> None:
    prefixes = [kind.PREFIX for kind in cb.KINDS]
    assert len(set(prefixes)) == len(prefixes) and all(prefixes)
