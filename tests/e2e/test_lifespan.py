"""Start-up as a lifespan: what began is undone, in reverse order, when a later step fails."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from bot.app import FEATURES
from bot.deps import Deps
from bot.feature import App, Feature
from bot.simulator import BotApiSimulator
from tests.conftest import RunnerFactory


class StartupFailed(Exception):
    pass


def recorder(name: str, events: list[str]) -> Feature:
    @asynccontextmanager
    async def lifespan(app: App, d: Deps) -> AsyncIterator[None]:
        events.append(f"{name} started")
        try:
            yield
        finally:
            events.append(f"{name} stopped (app running: {app.running})")

    return Feature(name=name, lifespan=lifespan)


def failing(events: list[str]) -> Feature:
    @asynccontextmanager
    async def lifespan(app: App, d: Deps) -> AsyncIterator[None]:
        events.append("boom starting")
        raise StartupFailed("the database is not what we expected")
        yield  # never reached: a generator all the same

    return Feature(name="boom", lifespan=lifespan)


async def test_a_failed_start_undoes_every_feature_and_closes_the_database(
    sim: BotApiSimulator, make_runner: RunnerFactory
) -> None:
    events: list[str] = []
    tasks_before = asyncio.all_tasks()
    runner = make_runner(features=(*FEATURES, recorder("last", events), failing(events)))
    with pytest.raises(StartupFailed, match="not what we expected"):
        await runner.start()
    d = runner.deps
    assert d is not None
    # Every earlier feature started, then was undone; the failing one never ran.
    assert events == ["last started", "boom starting", "last stopped (app running: False)"]
    assert d.broadcaster is None and d.reminders is None
    with pytest.raises(ValueError):  # aiosqlite: the connection is closed
        await d.db.fetchval("SELECT 1")
    assert runner.app is None
    # Nothing left running: no sender, no poller, no job queue, no stray task.
    await asyncio.sleep(0)
    left = {t for t in asyncio.all_tasks() - tasks_before if not t.done()}
    assert left == set()
    await runner.stop()  # harmless after a failed start


async def test_a_feature_that_fails_first_leaves_only_a_closed_database(
    sim: BotApiSimulator, make_runner: RunnerFactory
) -> None:
    events: list[str] = []
    runner = make_runner(features=(failing(events), recorder("never", events)))
    with pytest.raises(StartupFailed):
        await runner.start()
    assert events == ["boom starting"]
    assert runner.deps is not None
    with pytest.raises(ValueError):  # aiosqlite: the connection is closed
        await runner.deps.db.fetchval("SELECT 1")


async def test_stop_undoes_the_features_in_reverse_order_after_the_updates(
    sim: BotApiSimulator, make_runner: RunnerFactory
) -> None:
    events: list[str] = []
    runner = make_runner(
        features=(*FEATURES, recorder("first", events), recorder("second", events))
    )
    await runner.start()
    assert runner.deps is not None and runner.deps.broadcaster is not None
    assert runner.deps.reminders is not None
    await runner.stop()
    assert events == [
        "first started",
        "second started",
        "second stopped (app running: False)",
        "first stopped (app running: False)",
    ]
    assert runner.deps.broadcaster is None
    with pytest.raises(ValueError):  # aiosqlite: the connection is closed
        await runner.deps.db.fetchval("SELECT 1")
