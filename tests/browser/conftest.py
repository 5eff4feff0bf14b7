"""Fixtures of the real-browser tests: one headless Chromium per test process (an xdist
worker), reused by every browser test in it; each test gets a fresh browser context (no
cookies from another test) against its own bot.

The browser lives as long as the process, so it and everything a test talks to must share
one event loop: the tests, the bot and the simulator here run in pytest-asyncio's session
loop (the other tests keep one loop per test).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from playwright.async_api import Browser, Page, async_playwright, expect

from bot.runner import BotRunner
from bot.simulator import BotApiSimulator
from tests.conftest import RunnerFactory, under_telegram_limits
from tests.e2e.conftest import nothing_telegram_would_reject  # noqa: F401 - autouse here too
from tests.helpers.browser import LAPTOP, chromium_path, free_port, launch

# A page that has not shown what a test waits for within this long has failed; the machine
# is shared by many test processes, so not less.
WAIT_MS = 20_000
expect.set_options(timeout=WAIT_MS)  # `expect` has its own timeout (5 s), apart from the page's


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def chromium() -> AsyncIterator[Browser]:
    executable = chromium_path()
    if executable is None:
        pytest.skip("chromium not installed: `apt-get install chromium` (.ci/run does it)")
    async with async_playwright() as playwright:
        browser = await launch(playwright, executable)
        yield browser
        await browser.close()


@pytest_asyncio.fixture(loop_scope="session")
async def sim(request: pytest.FixtureRequest) -> AsyncIterator[BotApiSimulator]:
    simulator = BotApiSimulator(flood_limit=under_telegram_limits(request))
    await simulator.start()
    yield simulator
    await simulator.stop()


@pytest_asyncio.fixture(loop_scope="session")
async def bot(make_runner: RunnerFactory) -> AsyncIterator[BotRunner]:
    """The bot, its server on a port chosen first so that the /dasbor link is its address."""
    last: OSError | None = None
    for _attempt in range(3):  # another process may take the port between choice and start
        port = free_port()
        runner = make_runner(http_port=port, web_base_url=f"http://127.0.0.1:{port}")
        try:
            await runner.start()
        except OSError as exc:
            last = exc
            continue
        yield runner
        await runner.stop()
        return
    raise AssertionError(f"no free port for the bot's server: {last}")


@pytest_asyncio.fixture(loop_scope="session")
async def page(chromium: Browser, bot: BotRunner) -> AsyncIterator[Page]:
    """A fresh tab at laptop width, in Indonesian, with no session yet."""
    context = await chromium.new_context(viewport=LAPTOP, locale="id-ID")
    context.set_default_timeout(WAIT_MS)
    tab = await context.new_page()
    yield tab
    await context.close()
