"""What every PMI programme owes its applicants, where a resident reads it: the notes on
destinations with placement restrictions (data staff can change) and the safety reminder."""

from __future__ import annotations

from bot.domain.destination_notes import parse_notes
from bot.runner import BotRunner
from bot.simulator import BotApiSimulator, SimUser
from tests.conftest import ADMIN_ID, RunnerFactory
from tests.e2e.residents import Person, answer_interview, at_first_question, say, tap

MORATORIUM = "moratorium"
SAFETY = "Hati-hati penipuan"


async def at_destinations(sim: BotApiSimulator, user_id: int) -> SimUser:
    """A resident looking at the destination question (nothing picked yet)."""
    user = await at_first_question(sim, user_id)
    await answer_interview(user, Person(destinations=[]))
    return user


async def test_the_restricted_destination_carries_its_note_through_to_status(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    user = await at_destinations(sim, 6001)
    question = user.last_message
    assert question is not None and "tujuan kerja" in question.text
    assert "ℹ️ Arab Saudi: Penempatan PMI sebagai pekerja rumah tangga" in question.text
    assert MORATORIUM in question.text
    picked = await tap(user, "Arab Saudi")  # the question is drawn again: the note stays
    assert MORATORIUM in picked.text and "1. Arab Saudi" in str(picked.buttons)
    await tap(user, "Selesai")
    done = await tap(user, "Kirim pendaftaran")
    assert "SRG-" in done.text and MORATORIUM in done.text and SAFETY in done.text
    status = await say(user, "/status")
    assert MORATORIUM in status.text and SAFETY in status.text
    assert "KP2MI" in status.text and "calo" in status.text


async def test_no_note_for_a_destination_without_restrictions(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    user = await at_first_question(sim, 6002)
    await answer_interview(user, Person(destinations=["Jepang"]))
    done = await tap(user, "Kirim pendaftaran")
    assert MORATORIUM not in done.text and "ℹ️" not in done.text
    assert SAFETY in done.text  # the reminder is for everyone


async def test_after_departure_status_no_longer_warns_about_brokers(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    user = await at_first_question(sim, 6003)
    await answer_interview(user, Person())
    done = await tap(user, "Kirim pendaftaran")
    reg_no = next(w.strip(".,") for w in done.text.split() if w.startswith("SRG-"))
    await say(sim.user(ADMIN_ID, first_name="Admin"), f"/tahap {reg_no} siap_berangkat")
    ready = await say(user, "/status")
    assert SAFETY in ready.text and "BPJS Ketenagakerjaan" in ready.text
    assert "KDEI Taipei" in ready.text
    await say(sim.user(ADMIN_ID), f"/tahap {reg_no} berangkat")
    left = await say(user, "/status")
    assert SAFETY not in left.text and "KBRI" in left.text


async def test_notes_are_data_the_deployment_sets(
    sim: BotApiSimulator, make_runner: RunnerFactory
) -> None:
    notes = parse_notes('[taiwan]\nid = "Catatan <contoh> Taiwan."\nen = "A Taiwan note."\n')
    runner = make_runner(destination_notes=notes)
    await runner.start()
    try:
        user = await at_destinations(sim, 6004)
        question = user.last_message
        assert question is not None
        assert "ℹ️ Taiwan: Catatan <contoh> Taiwan." in question.text  # escaped, shown as written
        assert MORATORIUM not in question.text
    finally:
        await runner.stop()


async def test_info_tells_how_to_stay_safe(sim: BotApiSimulator, bot: BotRunner) -> None:
    info = await say(sim.user(6005, first_name="Warga"), "/info")
    parts = ("KP2MI", "BP2MI", "P3MI", "calo", "BPJS Ketenagakerjaan", "KBRI", "KJRI",
             "KDEI Taipei", "tanpa jaminan (agunan)", "bank milik negara (Himbara)")  # fmt: skip
    for part in parts:
        assert part in info.text, part
