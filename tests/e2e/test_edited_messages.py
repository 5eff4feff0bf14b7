"""An edited message runs nothing: not a staff command again, not an answer (issue 10)."""

from __future__ import annotations

from bot.runner import BotRunner
from bot.simulator import BotApiSimulator
from bot.storage import applicants as repo
from bot.storage import staff as staff_repo
from tests.conftest import ADMIN_ID, STAFF_ID
from tests.e2e.residents import Person, at_first_question, register, say

IGNORED = "Pesan yang diubah tidak kami proses"


async def test_an_edited_staff_command_changes_nothing(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    assert bot.deps is not None
    db = bot.deps.db
    reg_no = await register(sim, 7101)
    resident = sim.user(7101)
    await staff_repo.add(db, STAFF_ID, ADMIN_ID)
    staff = sim.user(STAFF_ID, first_name="Petugas", language_code="id")

    stage_cmd = await staff.send(f"/tahap {reg_no} terverifikasi")
    assert "Terverifikasi" in (await staff.next_message(timeout=15)).text
    await staff.wait_idle(quiet=0.1)
    note_cmd = await staff.send(f"/catatan {reg_no} KTP sudah dicek")
    await staff.wait_idle(quiet=0.1)
    told_before = len(resident.messages)

    await staff.edit(stage_cmd, f"/tahap {reg_no} tidak_lolos")
    await staff.edit(note_cmd, f"/catatan {reg_no} KTP belum dicek")
    replies = await staff.wait_idle(quiet=0.3)

    applicant = await repo.get(db, 7101)
    assert applicant is not None
    assert applicant.stage == "terverifikasi" and applicant.pool is not None  # place kept
    assert len(resident.messages) == told_before  # no second stage notice
    notes = await db.fetchall("SELECT text FROM staff_notes WHERE user_id = 7101")
    assert [n["text"] for n in notes] == ["KTP sudah dicek"]
    stage_audits = [e for e in await staff_repo.latest_audit(db, 50) if e.action == "stage"]
    assert len(stage_audits) == 1
    # Two edits in a row, one polite word about it.
    assert [IGNORED in r.text for r in replies] == [True]


async def test_an_edited_old_answer_is_not_an_answer(sim: BotApiSimulator, bot: BotRunner) -> None:
    assert bot.deps is not None
    user = await at_first_question(sim, 7102)
    name = await user.send("Siti Aminah")
    await user.wait_idle(quiet=0.1)
    asked = user.last_message
    assert asked is not None and "NIK" in asked.text

    await user.edit(name, "3673055512980001")  # the NIK, typed into the old name message
    replies = await user.wait_idle(quiet=0.3)
    applicant = await repo.get(bot.deps.db, 7102)
    assert applicant is not None
    assert applicant.step == "nik" and applicant.answers["name"] == "Siti Aminah"
    assert "nik" not in applicant.answers
    assert len(replies) == 1 and IGNORED in replies[0].text
    assert "pesan baru" in replies[0].text

    # The correction sent as a new message is taken as usual.
    reply = await say(user, Person().nik)
    assert "Tanggal lahir" in reply.text or "15 Desember 1998" in reply.text


async def test_edits_in_english_and_in_a_group(sim: BotApiSimulator, bot: BotRunner) -> None:
    user = await at_first_question(sim, 7103, language="en")
    sent = await user.send("John")
    await user.wait_idle(quiet=0.1)
    await user.edit(sent, "John Pratama")
    [reply] = await user.wait_idle(quiet=0.3)
    assert reply.text.startswith("We don't act on edited messages")

    group = -4001
    in_group = await user.send("/status", chat_id=group)
    await user.edit(in_group, "/info")
    await user.wait_idle(quiet=0.3)
    assert sim.chat(group).messages == []  # the bot never speaks in groups
