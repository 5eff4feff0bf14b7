"""Reminders fired by the real JobQueue on real time, with second-long REMINDER_OFFSETS:
on time, once each across restarts, missed ones sent once or skipped, reschedules, opted-out
and blocked residents, 429s and lost connections. Plus the minors' 18th-birthday message.

These tests use the system clock (the JobQueue fires on real time); each lasts a few
seconds. Lateness is printed (run with -s), never asserted: timing must not fail a test."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.clock import FixedClock, SystemClock
from bot.domain.dates import format_time
from bot.domain.reminders import relative_day
from bot.runner import BotRunner
from bot.services import schedules as svc
from bot.simulator import BotApiSimulator, SentMessage
from bot.storage import applicants as applicants_repo
from bot.storage import schedules as store
from tests.conftest import ADMIN_ID, NOW, RunnerFactory
from tests.e2e.residents import tap, until
from tests.helpers.rows import seed_applicant
from tests.helpers.runner import db_of, reminder_rows, service_of

WIB = ZoneInfo("Asia/Jakarta")


@dataclass
class Arrival:
    chat_id: int
    text: str
    at: float  # time.time()


@contextmanager
def recording(sim: BotApiSimulator) -> Iterator[list[Arrival]]:
    """Every new bot message (not edits) with the moment the simulator received it."""
    arrivals: list[Arrival] = []

    def on_message(chat_id: int, message: SentMessage, is_edit: bool) -> None:
        if not is_edit:
            arrivals.append(Arrival(chat_id, message.text, time.time()))

    sim.on_bot_message(on_message)
    yield arrivals


def reminders_to(arrivals: list[Arrival], chat_id: int) -> list[Arrival]:
    return [a for a in arrivals if a.chat_id == chat_id and a.text.startswith("⏰")]


def soon(seconds: int) -> datetime:
    """A whole second ``seconds`` from now, in WIB (stored times keep whole seconds)."""
    return (datetime.now(UTC) + timedelta(seconds=seconds)).replace(microsecond=0).astimezone(WIB)


def expected_when(starts_at: datetime) -> str:
    day = relative_day(starts_at.date(), datetime.now(WIB).date())
    word = {0: "hari ini", 1: "besok"}[day or 0]
    return f"{word} pukul {format_time(starts_at, 'id')}"


async def schedule(runner: BotRunner, reg_no: str, starts_at: datetime, place: str) -> int:
    """Staff schedule through the service (the command takes whole minutes; these events are
    seconds away) and the notice goes out as after /jadwalkan."""
    assert runner.deps is not None
    result = await svc.schedule_one(runner.deps, ADMIN_ID, reg_no, "wawancara", starts_at, place)
    assert not isinstance(result, svc.Problem)
    await service_of(runner).send_notice(result.event.id)
    return result.event.id


async def sent_at(runner: BotRunner, event_id: int) -> list[datetime]:
    return [r.due_at for r in await store.reminders_of(db_of(runner), event_id)]


def lateness(label: str, due: list[datetime], got: list[Arrival]) -> list[float]:
    late = [a.at - d.timestamp() for d, a in zip(due, got, strict=True)]
    print(f"\n{label}: lateness " + ", ".join(f"{x * 1000:.0f} ms" for x in late))
    return late


async def test_reminders_on_time_and_once_each_across_a_restart(
    sim: BotApiSimulator, make_runner: RunnerFactory
) -> None:
    runner = make_runner(clock=SystemClock(), reminder_offsets=(4, 2))
    await runner.start()
    await seed_applicant(db_of(runner), 2001, "SRG-2026-00101")
    resident = sim.user(2001, first_name="Siti")
    with recording(sim) as arrivals:
        starts_at = soon(6)
        event_id = await schedule(runner, "SRG-2026-00101", starts_at, "BBPVP Serang")
        assert "Anda dijadwalkan wawancara pada" in resident.messages[-1].text
        await tap(resident, "✅ Hadir")
        due = await sent_at(runner, event_id)
        assert [d - starts_at for d in due] == [timedelta(seconds=-4), timedelta(seconds=-2)]

        await until(lambda: len(reminders_to(arrivals, 2001)) == 1, within=8)
        # Stopped and started again between the two reminders: the second comes from the
        # job re-created out of SQLite, the first is not sent again.
        await runner.stop()
        runner = make_runner(clock=SystemClock(), reminder_offsets=(4, 2))
        await runner.start()
        # However often the jobs are re-created, one job per pending reminder (stable ids).
        await service_of(runner).restore()
        assert runner.app is not None and runner.app.job_queue is not None
        assert len(runner.app.job_queue.jobs(r"^reminder:")) == 1
        await until(lambda: len(reminders_to(arrivals, 2001)) == 2, within=8)
        # Once more, after both: nothing is pending, nothing is repeated.
        await runner.stop()
        runner = make_runner(clock=SystemClock(), reminder_offsets=(4, 2))
        await runner.start()
        await resident.wait_idle(quiet=0.5)
        got = reminders_to(arrivals, 2001)
    try:
        assert len(got) == 2
        for arrival in got:
            assert arrival.text.startswith(
                f"⏰ Pengingat: wawancara Anda {expected_when(starts_at)} di BBPVP Serang."
            )
            assert "Jawaban Anda: Hadir." in arrival.text
        rows = await reminder_rows(db_of(runner))
        assert [(s, d) for _i, _e, s, d in rows] == [("sent", None), ("sent", None)]
        lateness("on time across a restart", due, got)
    finally:
        await runner.stop()


async def test_missed_while_down_sent_once_or_skipped_if_begun(
    sim: BotApiSimulator, make_runner: RunnerFactory
) -> None:
    runner = make_runner(clock=SystemClock(), reminder_offsets=(8, 7))
    await runner.start()
    db = db_of(runner)
    for user_id in (2101, 2102):
        sim.user(user_id, first_name="Warga")
        await seed_applicant(db, user_id, f"SRG-2026-00{user_id - 1900}")
    with recording(sim) as arrivals:
        # Seconds to spare on a machine busy with other tests: the bot is down before the
        # first reminder is due (+5 s), and has 6.5 s to come up again before the first
        # event begins (+20 s).
        later = await schedule(runner, "SRG-2026-00201", soon(20), "Aula A")  # due +12, +13 s
        begun = await schedule(runner, "SRG-2026-00202", soon(13), "Aula B")  # due +5 s, +6 s
        deadline = max(await sent_at(runner, later)).timestamp() + 0.5
        await runner.stop()
        # Down through all four reminders; at +13.5 s the first event has not begun (+20 s),
        # the second has (+13 s).
        while time.time() < deadline:
            await sim.user(2101).wait_idle(quiet=0.1)
        runner = make_runner(clock=SystemClock(), reminder_offsets=(8, 7))
        await runner.start()
        try:
            await until(lambda: len(reminders_to(arrivals, 2101)) == 1, within=20)
            await sim.user(2101).wait_idle(quiet=0.5)
            assert len(reminders_to(arrivals, 2101)) == 1  # the latest only, once
            assert reminders_to(arrivals, 2102) == []
            statuses = {(e, s, d) for _i, e, s, d in await reminder_rows(db_of(runner))}
            assert statuses == {
                (later, "skipped", "superseded"), (later, "sent", None),
                (begun, "skipped", "begun"),
            }  # fmt: skip
        finally:
            await runner.stop()


async def test_reschedule_opt_out_block_and_failures(
    sim: BotApiSimulator, make_runner: RunnerFactory
) -> None:
    runner = make_runner(clock=SystemClock(), reminder_offsets=(2, 1))
    await runner.start()
    db = db_of(runner)
    service_of(runner).retry_base = 0.3  # the first retry after a failed send (15 s in use)
    for user_id, n, opted_out in ((2201, 1, False), (2202, 2, True), (2203, 3, False),
                                  (2204, 4, False)):  # fmt: skip
        sim.user(user_id, first_name="Warga")
        await seed_applicant(db, user_id, f"SRG-2026-0030{n}", opted_out=opted_out)
    try:
        with recording(sim) as arrivals:
            # Each follow-up comes right after its own event is scheduled (its first
            # reminder is due about a second later), so a slow machine cannot reorder them.
            moved = await schedule(runner, "SRG-2026-00301", soon(3), "Aula A")
            # Moved a minute later at once: the reminders at +1 s and +2 s must not come.
            assert runner.deps is not None
            await svc.schedule_one(runner.deps, ADMIN_ID, "SRG-2026-00301", "wawancara",
                                   soon(60), "Aula A")  # fmt: skip
            opted = await schedule(runner, "SRG-2026-00302", soon(3), "Aula B")
            blocked = await schedule(runner, "SRG-2026-00303", soon(3), "Aula C")
            sim.block(2203)
            flaky = await schedule(runner, "SRG-2026-00304", soon(6), "Aula D")
            # 2204: the first reminder meets a 429, then a dropped connection (the rate
            # limiter waits and retries both: the reminder's own job never sees them).
            sim.inject_error("sendMessage", status=429, retry_after=1, chat_id=2204)
            sim.inject_network_drop(method="sendMessage", chat_id=2204)
            due_flaky = await sent_at(runner, flaky)
            await until(lambda: len(reminders_to(arrivals, 2204)) == 2, within=10)
            await sim.user(2201).wait_idle(quiet=0.3)
            got_flaky = reminders_to(arrivals, 2204)

        rows = {(e, s, d) for _i, e, s, d in await reminder_rows(db)}
        assert {r for r in rows if r[0] == moved} == {(moved, "cancelled", "rescheduled")}
        assert reminders_to(arrivals, 2201) == []
        # Opted out (/berhenti): the schedule notice came, the reminders did not.
        assert "Anda dijadwalkan" in sim.user(2202).messages[0].text
        assert reminders_to(arrivals, 2202) == []
        assert {r for r in rows if r[0] == opted} == {(opted, "skipped", "opted_out")}
        # Blocked: the first reminder meets the 403, the resident becomes inactive, the
        # second is not even tried.
        assert {r for r in rows if r[0] == blocked} == {
            (blocked, "skipped", "blocked"), (blocked, "skipped", "inactive"),
        }  # fmt: skip
        applicant = await applicants_repo.get(db, 2203)
        assert applicant is not None and applicant.inactive
        # 429 and a lost connection delay a reminder; it is neither dropped nor doubled.
        assert len(got_flaky) == 2
        assert {r for r in rows if r[0] == flaky} == {(flaky, "sent", None)}
        attempts = await db.fetchval(
            "SELECT MAX(attempts) FROM reminders WHERE event_id = ?", (flaky,)
        )
        assert attempts == 0
        throttled = [c for c in sim.calls if c.chat_id == 2204 and c.error_code == 429]
        assert len(throttled) == 1
        # The throttled one may arrive after the next one: show both, unpaired.
        base = min(due_flaky).timestamp()
        print("\nafter a 429 and a dropped connection: due at "
              + ", ".join(f"+{d.timestamp() - base:.1f} s" for d in due_flaky) + "; arrived at "
              + ", ".join(f"+{a.at - base:.2f} s" for a in got_flaky))  # fmt: skip
    finally:
        await runner.stop()


async def test_minor_hears_on_the_day_they_turn_18_once(
    sim: BotApiSimulator, make_runner: RunnerFactory
) -> None:
    # A fixed clock at 10:00 WIB, after REMINDER_HOUR (08): start-up catches up at once.
    runner = make_runner(clock=FixedClock(NOW))
    await runner.start()
    db = db_of(runner)
    today = NOW.astimezone(WIB).date()
    minors = {3001: today, 3002: today - timedelta(days=2), 3003: today + timedelta(days=1),
              3004: today, 3005: today}  # fmt: skip
    for user_id, remind_on in minors.items():
        applicant = await applicants_repo.create(db, user_id, locale="id", source=None)
        await applicants_repo.update(
            db, applicant, status="minor", remind_on=remind_on.isoformat(),
            opted_out=user_id == 3004,
        )  # fmt: skip
    sim.user(3005, first_name="Andi")
    sim.block(3005)
    await runner.stop()  # the rows were written after today's check: start again
    with recording(sim) as arrivals:
        runner = make_runner(clock=FixedClock(NOW))
        await runner.start()
        try:
            await until(lambda: len([a for a in arrivals if a.chat_id == 3002]) == 1)
            await sim.user(3001, first_name="Rina").wait_idle(quiet=0.3)
            told = sorted(a.chat_id for a in arrivals)
            assert told == [3001, 3002]
            assert all("sekarang berusia 18 tahun" in a.text for a in arrivals)
            rows = await db_of(runner).fetchall(
                "SELECT user_id, remind_on, inactive FROM applicants ORDER BY user_id"
            )
            state = {r["user_id"]: (r["remind_on"], r["inactive"]) for r in rows}
            assert state[3001] == (None, 0) and state[3002] == (None, 0)
            assert state[3003] == ((today + timedelta(days=1)).isoformat(), 0)  # not yet
            assert state[3004] == (today.isoformat(), 0)  # opted out: kept, not sent
            assert state[3005] == (today.isoformat(), 1)  # blocked: unreachable, kept
        finally:
            await runner.stop()
        # Restarted the same day: nobody hears it twice.
        runner = make_runner(clock=FixedClock(NOW))
        await runner.start()
        try:
            await sim.user(3001).wait_idle(quiet=0.3)
            assert sorted(a.chat_id for a in arrivals) == [3001, 3002]
        finally:
            await runner.stop()
