"""Residents' questions answered from the FAQ: free text outside the interview, /tanya, the
buttons under an answer, a FAQ file changed while the bot runs, and no staff group set."""

from __future__ import annotations

from pathlib import Path

from bot.config import SHIPPED_FAQ, load_faq
from bot.runner import BotRunner
from bot.simulator import BotApiSimulator
from bot.storage import questions as store
from tests.conftest import RunnerFactory
from tests.e2e.residents import at_first_question, register, say, tap
from tests.helpers.runner import db_of
from tests.helpers.staff_group import GROUP

ASKER = 730_001


def copy_shipped_faq(to: Path) -> str:
    text = SHIPPED_FAQ.read_text(encoding="utf-8")
    to.write_text(text, encoding="utf-8")
    return text


async def test_free_text_from_someone_new_gets_the_faq_answer(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    user = sim.user(ASKER, "Siti")
    reply = await say(user, "apakah pelatihannya gratiss?")  # a typo, a suffix
    assert "dibiayai anggaran BBPVP Serang" in reply.text
    # No staff group in the default settings: nothing offers what cannot happen.
    assert reply.buttons == ["👍 Ini membantu"]
    done = await tap(user, "Ini membantu")
    assert "Terima kasih" in done.text
    assert done.buttons == []
    assert await db_of(bot).fetchval("SELECT faq_key FROM faq_feedback") == "biaya"


async def test_answers_use_the_rounds_rules_and_english(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    user = sim.user(ASKER, "Ann", language_code="en")
    reply = await say(user, "how many places are there?")
    assert "3,000 training places" in reply.text  # the rules' quota, the reader's numbers
    reply = await say(user, "/tanya")
    assert "write your question" in reply.text
    reply = await say(user, "is the training free")
    assert "BBPVP Serang's budget" in reply.text


async def test_nothing_matches_without_staff_says_whom_to_contact(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    user = sim.user(ASKER, "Siti")
    reply = await say(user, "/tanya cuaca di Serang besok bagaimana")
    assert "belum punya jawaban tertulis" in reply.text
    assert "BBPVP Serang" in reply.text
    assert reply.buttons == []


async def test_during_the_interview_a_text_is_still_an_answer(
    sim: BotApiSimulator, make_runner: RunnerFactory
) -> None:
    runner = make_runner(staff_group_id=GROUP)
    await runner.start()
    try:
        user = await at_first_question(sim, ASKER)
        reply = await say(user, "Apakah gratis")  # the name question: taken as a name
        assert "Nama: Apakah gratis" in reply.text
        assert await db_of(runner).fetchval("SELECT COUNT(*) FROM questions") == 0
    finally:
        await runner.stop()


async def test_a_registered_resident_asks_and_gets_two_close_answers(
    sim: BotApiSimulator, make_runner: RunnerFactory
) -> None:
    runner = make_runner(staff_group_id=GROUP)
    await runner.start()
    try:
        await register(sim, ASKER)
        user = sim.user(ASKER)
        reply = await say(user, "apakah ada biaya")
        labels = reply.buttons
        assert "👍 Ini membantu" in labels and "💬 Tanya petugas" in labels
        other = [b for b in labels if b.startswith("📄")]
        assert len(other) == 1  # the second close answer, by its title
        first_text = reply.text
        shown = await tap(user, other[0])
        assert shown.text != first_text
        # Kept as a draft: "Tanya petugas" can still send what was asked.
        drafts = await store.messages(db_of(runner), int(await db_of(runner).fetchval(
            "SELECT id FROM questions WHERE status = 'draft'")))  # fmt: skip
        assert [m.body for m in drafts] == ["apakah ada biaya"]
    finally:
        await runner.stop()


async def test_a_changed_faq_file_is_used_without_a_restart(
    sim: BotApiSimulator, make_runner: RunnerFactory, tmp_path: Path
) -> None:
    faq = tmp_path / "faq.toml"
    shipped = copy_shipped_faq(faq)
    runner = make_runner(faq_path=faq, faq=load_faq("FAQ_PATH", faq))
    await runner.start()
    try:
        user = sim.user(ASKER, "Siti")
        assert "belum punya jawaban" in (await say(user, "di mana parkir motor")).text
        faq.write_text(
            shipped
            + '\n[parkir]\ntitle_id = "Parkir"\ntitle_en = "Parking"\n'
            'ask_id = ["di mana parkir motor"]\nask_en = ["where to park"]\n'
            'answer_id = "Parkir di halaman depan BBPVP."\nanswer_en = "Park in front."\n',
            encoding="utf-8",
        )
        assert "halaman depan" in (await say(user, "parkir motor dimana")).text
        faq.write_text("[broken", encoding="utf-8")  # a bad edit: the last good one stays
        assert "halaman depan" in (await say(user, "parkir motor dimana")).text
    finally:
        await runner.stop()
