"""A NIK is reserved only by a submitted registration; conflicts go to staff; NIK attempts are
limited (issue 10: NIK squatting, the NIK oracle)."""

from __future__ import annotations

import json

from bot.runner import BotRunner
from bot.simulator import BotApiSimulator
from bot.storage import applicants as repo
from bot.storage import staff as staff_repo
from tests.conftest import ADMIN_ID, STAFF_ID, RunnerFactory
from tests.e2e.residents import Person, at_first_question, register, say, tap

NIK = Person().nik
CHECK = "Data NIK Anda perlu kami periksa dulu"


async def test_a_nik_typed_and_never_submitted_locks_nobody_out(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    assert bot.deps is not None
    squatter = await at_first_question(sim, 7301)
    await say(squatter, "Orang Lain")
    asked = await say(squatter, NIK)
    assert "15 Desember 1998" in asked.text  # taken as an answer, nothing said about others

    reg_no = await register(sim, 7302)  # the NIK's owner, later
    done = sim.user(7302).last_message
    assert done is not None and CHECK not in done.text
    owner = await repo.get(bot.deps.db, 7302)
    held = await repo.get(bot.deps.db, 7301)
    assert owner is not None and owner.reg_no == reg_no and owner.nik == NIK
    assert held is not None and held.nik is None and held.answers["nik"] == NIK


async def test_a_conflict_at_submission_goes_to_staff_who_decide(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    assert bot.deps is not None
    db = bot.deps.db
    first = await register(sim, 7311, Person(name="Orang Lain"))
    second = await register(sim, 7312)
    done = sim.user(7312).last_message
    assert done is not None and second in done.text and CHECK in done.text
    assert "terdaftar" not in done.text.split(CHECK)[1]  # says nothing about the other one
    claimant = await repo.get(db, 7312)
    assert claimant is not None and claimant.nik is None and "nik_conflict" in claimant.staff_flags
    assert claimant.pool is not None  # keeps the place while staff check

    await staff_repo.add(db, STAFF_ID, ADMIN_ID)
    staff = sim.user(STAFF_ID, first_name="Petugas", language_code="id")
    listing = await say(staff, "/konflik")
    assert "NIK ganda: 1 menunggu keputusan" in listing.text
    assert f"Pemegang: {first} · Orang Lain" in listing.text
    assert f"Pengaju: {second} · Siti Aminah" in listing.text
    assert NIK in listing.text
    assert 'href="tg://user?id=7311"' in listing.html and 'href="tg://user?id=7312"' in listing.html
    assert f"/konflik 1 {second}" in listing.text

    assert "bukan salah satu" in (await say(staff, "/konflik 1 SRG-2026-09999")).text
    decided = await say(staff, f"/konflik 1 {second.lower()}")
    assert f"NIK dicatat milik {second}" in decided.text
    holder, claimant = await repo.get(db, 7311), await repo.get(db, 7312)
    assert holder is not None and claimant is not None
    assert (holder.nik, claimant.nik) == (None, NIK)
    assert "nik_removed" in holder.staff_flags and claimant.staff_flags == []
    removed = sim.user(7311).last_message
    confirmed = sim.user(7312).last_message
    assert removed is not None and "tidak dapat kami terima" in removed.text
    assert confirmed is not None and "tercatat lengkap dengan NIK Anda" in confirmed.text
    assert "tidak ada nik ganda" in (await say(staff, f"/konflik 1 {second}")).text.lower()

    audits = [e for e in await staff_repo.latest_audit(db, 20) if e.action == "nik_conflict"]
    assert [(e.target, json.loads(e.detail or "")) for e in reversed(audits)] == [
        ("#1", {"open": 1}),
        ("#1", {"owner": second, "not": first}),
    ]
    assert all(NIK not in f"{e.target}{e.detail}" for e in audits)
    # A resident does not have the command.
    assert "NIK ganda" not in (await say(sim.user(7311), "/konflik")).text


async def test_different_niks_are_limited_per_day_across_a_restart(
    sim: BotApiSimulator, make_runner: RunnerFactory
) -> None:
    niks = [f"367305551298{serial:04d}" for serial in range(1, 7)]
    runner = make_runner()
    await runner.start()
    try:
        user = await at_first_question(sim, 7321)
        await say(user, "Siti Aminah")
        for nik in niks[:5]:
            assert "15 Desember 1998" in (await say(user, nik)).text
            await tap(user, "Kembali")
        refused = await say(user, niks[5])
        assert "sudah memasukkan 5 NIK yang berbeda" in refused.text
        assert "NIK" in refused.text and refused.buttons  # still the NIK question
    finally:
        await runner.stop()
    runner = make_runner()
    await runner.start()
    try:
        assert "5 NIK yang berbeda" in (await say(user, niks[5])).text
        assert "15 Desember 1998" in (await say(user, niks[0])).text  # one of the five: fine
        assert runner.deps is not None
        applicant = await repo.get(runner.deps.db, 7321)
        assert applicant is not None and applicant.answers["nik"] == niks[0]
        rows = await runner.deps.db.fetchall("SELECT * FROM nik_attempts")
        assert len(rows) == 5 and all(len(r["tag"]) == 4 for r in rows)  # no NIK kept
    finally:
        await runner.stop()
