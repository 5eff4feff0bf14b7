"""Typed replies in the chat: the consent's words count as its buttons, and a reply without
any letters is not taken as an answer."""

from __future__ import annotations

from bot.i18n import catalog
from bot.runner import BotRunner
from bot.simulator import BotApiSimulator
from bot.storage import applicants as repo
from tests.e2e.residents import at_first_question, say
from tests.helpers.rows import Seed

NAME_QUESTION = "nama lengkap"
CONSENT_TEXT = "Persetujuan penggunaan data"


async def test_typing_setuju_at_the_consent_agrees(sim: BotApiSimulator, bot: BotRunner) -> None:
    for user_id, typed in ((4401, "Setuju"), (4402, "ya saya setuju")):
        user = sim.user(user_id, first_name="Warga", language_code="id")
        await say(user, "/start")
        reply = await say(user, typed)
        assert NAME_QUESTION in reply.text, (typed, reply.text)
        assert bot.deps is not None
        stored = await repo.get(bot.deps.db, user_id)
        assert stored is not None and stored.status == "interviewing" and stored.consent_at


async def test_typing_tidak_setuju_declines(sim: BotApiSimulator, bot: BotRunner) -> None:
    user = sim.user(4403, first_name="Warga", language_code="id")
    await say(user, "/start")
    reply = await say(user, "tidak setuju")
    assert reply.text == catalog("id").gettext("consent.declined"), reply.text
    assert bot.deps is not None
    assert await repo.get(bot.deps.db, 4403) is None


async def test_other_text_at_the_consent_gets_a_hint_not_the_whole_text_again(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    user = sim.user(4404, first_name="Warga", language_code="id")
    await say(user, "/start")
    reply = await say(user, "halo, ini apa?")
    assert "<b>Setuju</b>" in reply.html and CONSENT_TEXT not in reply.text, reply.text
    assert reply.buttons == ["Setuju", "Tidak setuju"]


async def test_an_emoji_is_not_a_name(sim: BotApiSimulator, bot: BotRunner) -> None:
    user = await at_first_question(sim, 4405)
    reply = await say(user, "😀")
    assert "tidak berisi huruf" in reply.text, reply.text
    assert "terlalu pendek" not in reply.text
    assert NAME_QUESTION in reply.text  # asked again


async def test_emoji_are_not_an_answer_about_work_abroad(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    user = await at_first_question(sim, 4406)
    assert bot.deps is not None
    applicant = await repo.get(bot.deps.db, 4406)
    assert applicant is not None
    answers = {k: v for k, v in Seed(4406, None).answers().items()
               if k not in ("languages", "interests", "destinations")}  # fmt: skip
    await repo.update(bot.deps.db, applicant, answers={**answers, "worked_abroad": "pernah"},
                      step="worked_abroad_where")  # fmt: skip

    reply = await say(user, "🙂🙂🙂")
    assert "tidak berisi huruf" in reply.text, reply.text
    stored = await repo.get(bot.deps.db, 4406)
    assert stored is not None and "worked_abroad_where" not in stored.answers
    await say(user, "Malaysia, pekerja pabrik")
    stored = await repo.get(bot.deps.db, 4406)
    assert stored is not None
    assert stored.answers["worked_abroad_where"] == "Malaysia, pekerja pabrik"
