"""Shared fixtures: the Bot API simulator on 127.0.0.1 and the real bot against it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app import FEATURES
from bot.clock import Clock, FixedClock
from bot.config import Settings
from bot.domain.eligibility import ProgrammeRules
from bot.feature import Feature
from bot.runner import BotRunner
from bot.simulator import BotApiSimulator

ADMIN_ID = 900_001
STAFF_ID = 900_002
# 10:00 WIB on 28 November 2026: ages and dates in the tests are computed from this.
NOW = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


def under_telegram_limits(request: pytest.FixtureRequest) -> bool:
    """Whether the test is marked `telegram_limits`: the simulator answers 429 past
    Telegram's rates, and the bot paces itself at Telegram's rate as in production."""
    return request.node.get_closest_marker("telegram_limits") is not None


# Without the simulator's flood limit nothing requires the bot to wait on Telegram's
# 30 messages a second, and waiting on it was most of the time of the tests that send to
# hundreds; tests of behaviour under the limits are marked and keep Telegram's rate.
UNLIMITED_RATE = 100_000
# A reply that meets a 5xx or a lost connection is retried after 0.5, 1, 2 and 4 s in
# production; the tests count the retries, not the seconds, so a tenth of each will do.
NETWORK_BACKOFF = tuple(wait / 10 for wait in Settings.network_backoff)


@pytest.fixture
def settings(tmp_path: Path, request: pytest.FixtureRequest) -> Settings:
    limited = under_telegram_limits(request)
    return Settings(
        bot_token="123456:TEST-TOKEN",
        database_path=tmp_path / "bot.sqlite3",
        admin_ids=frozenset({ADMIN_ID}),
        telegram_rate_limit=Settings.telegram_rate_limit if limited else UNLIMITED_RATE,
        network_backoff=NETWORK_BACKOFF,
        http_port=0,  # any free port: tests run side by side
    )


@pytest.fixture
async def sim(request: pytest.FixtureRequest) -> AsyncIterator[BotApiSimulator]:
    simulator = BotApiSimulator(flood_limit=under_telegram_limits(request))
    await simulator.start()
    yield simulator
    await simulator.stop()


RunnerFactory = Callable[..., BotRunner]


@pytest.fixture
def make_runner(sim: BotApiSimulator, settings: Settings, clock: FixedClock) -> RunnerFactory:
    """A bot runner against the simulator; call it again to "restart" over the same file.
    Keyword arguments override settings; ``clock=``, ``rules=`` and ``features=`` replace
    those parts."""
    fixed_clock = clock

    def make(
        *,
        clock: Clock | None = None,
        rules: ProgrammeRules | None = None,
        features: Sequence[Feature] = FEATURES,
        **overrides: object,
    ) -> BotRunner:
        chosen = Settings(**{**settings.__dict__, **overrides}) if overrides else settings
        runner = BotRunner(
            chosen,
            clock=clock or fixed_clock,
            rules=rules,
            base_url=sim.base_url,
            base_file_url=sim.base_file_url,
            poll_timeout=1,
            features=features,
        )
        sim.watch_bot(runner.idle)  # the latest one made is the one that runs
        return runner

    return make


@pytest.fixture
async def bot(make_runner: RunnerFactory) -> AsyncIterator[BotRunner]:
    runner = make_runner()
    await runner.start()
    yield runner
    await runner.stop()
