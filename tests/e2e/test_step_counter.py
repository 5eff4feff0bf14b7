"""The "5/19" step counter: the total never changes and the number only moves forward."""

from __future__ import annotations

import re

from bot.domain import questionnaire as qn
from bot.runner import BotRunner
from bot.simulator import BotApiSimulator
from tests.e2e.residents import Person, answer_interview, at_first_question

COUNTER = re.compile(r"^(\d+)/(\d+)$", re.M)


def counters(texts: list[str]) -> list[tuple[int, int]]:
    found = []
    for text in texts:
        match = COUNTER.search(text)
        if match:
            found.append((int(match[1]), int(match[2])))
    return found


async def test_the_total_is_the_same_from_first_to_last_question(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    people = {
        4801: Person(worked_abroad="Pernah"),  # every question applies
        4802: Person(domicile="Lampung", kecamatan=None, kelurahan=None,
                     nik="1871055512980001"),
    }
    for user_id, person in people.items():
        user = await at_first_question(sim, user_id)
        await answer_interview(user, person)
        # Every version of every message (the question edited in place shows each step).
        seen = counters([t for m in user.messages for t in [*m.edits, m.text]])
        assert seen, user.transcript()
        totals = {total for _n, total in seen}
        assert totals == {len(qn.QUESTIONS)}, (user_id, seen)
        numbers = [n for n, _total in seen]
        assert numbers == sorted(numbers), (user_id, numbers)  # never backwards
        assert numbers[0] == 1 and numbers[-1] == len(qn.QUESTIONS), (user_id, numbers)
