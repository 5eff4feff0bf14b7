"""Hadir / Tidak bisa hadir typed instead of pressed (bot/conversation/attendance.py): the
short answers people give to "Apakah Anda bisa hadir?", polite words aside; anything longer
is not taken as an answer (it may be a reason or a question)."""

from __future__ import annotations

import pytest

from bot import callbacks as cb
from bot.conversation.attendance import answering, typed_answer

ATTEND = cb.Attendance.ATTEND
CANNOT = cb.Attendance.CANNOT


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("hadir", ATTEND),
        ("Hadir.", ATTEND),
        ("Ya, saya hadir kak", ATTEND),
        ("iya bisa!", ATTEND),
        ("Insya Allah hadir", ATTEND),
        ("ya", ATTEND),
        ("I will attend", ATTEND),
        ("Yes", ATTEND),
        ("tidak bisa", CANNOT),
        ("Tidak bisa hadir", CANNOT),
        ("maaf pak, gak bisa datang", CANNOT),
        ("tdk hadir", CANNOT),
        ("berhalangan", CANNOT),
        ("I can't come", CANNOT),
        ("no", CANNOT),
        ("tidak bisa karena sakit", None),  # more than an answer: a reason, or a question
        ("hadir jam berapa?", None),
        ("ok", None),  # only polite words: no answer
        ("1", None),  # numbers are the channel's (the buttons' order on screen)
        ("", None),
    ],
)
def test_typed_answer(typed: str, expected: cb.Attendance | None) -> None:
    assert typed_answer(typed) is expected


def test_answering_finds_the_button_of_the_answer() -> None:
    ids = [cb.ScheduleAnswer(7, a).pack() for a in (ATTEND, CANNOT)]
    assert answering(ids, CANNOT) == ids[1]
    assert answering(ids, ATTEND) == ids[0]
    skip = [cb.ScheduleAnswer(7, cb.Attendance.NO_REASON).pack()]
    assert answering(skip, CANNOT) is None  # the reason's "Lewati": no such button
    assert answering(["menu:status"], ATTEND) is None
