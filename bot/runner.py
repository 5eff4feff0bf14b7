"""Start and stop the bot: the same path for `python -m bot`, the demo, tests and benchmarks.

PTB's run_polling() owns the event loop and signal handling; the demo and the tests need the
bot inside a loop they own, next to the simulator, so the life cycle is spelled out here once.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import Any

from telegram.ext import Application

from bot.app import build_application, run_hooks
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.deps import Deps
from bot.domain.eligibility import DEFAULT_RULES, ProgrammeRules
from bot.storage.db import Database

log = logging.getLogger(__name__)


class BotRunner:
    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock | None = None,
        base_url: str | None = None,
        base_file_url: str | None = None,
        rate_limiter: bool = True,
        poll_timeout: int = 10,
        rules: ProgrammeRules | None = None,
    ) -> None:
        self.rules = rules or DEFAULT_RULES
        self.settings = settings
        self.clock = clock or SystemClock()
        self.base_url = base_url
        self.base_file_url = base_file_url
        self.rate_limiter = rate_limiter
        self.poll_timeout = poll_timeout
        self.app: Application[Any, Any, Any, Any, Any, Any] | None = None
        self.deps: Deps | None = None

    async def start(self) -> Application[Any, Any, Any, Any, Any, Any]:
        db = await Database.open(self.settings.database_path)
        self.deps = Deps(settings=self.settings, db=db, clock=self.clock, rules=self.rules)
        app = build_application(
            self.deps,
            base_url=self.base_url,
            base_file_url=self.base_file_url,
            rate_limiter=self.rate_limiter,
        )
        self.app = app
        await app.initialize()
        await run_hooks(app, "startup")
        await app.start()
        assert app.updater is not None
        # Updates sent while the bot was down are still waiting at Telegram: take them all.
        await app.updater.start_polling(
            poll_interval=0, timeout=self.poll_timeout, drop_pending_updates=False
        )
        log.info("bot started")
        return app

    async def stop(self) -> None:
        app, self.app = self.app, None
        if app is None:
            return
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()  # waits for the updates already taken to be handled
        await run_hooks(app, "shutdown")
        await app.shutdown()
        if self.deps is not None:
            await self.deps.db.close()
        log.info("bot stopped")

    async def run_until_signal(self) -> None:
        """`python -m bot`: run until SIGTERM or Ctrl-C, then stop cleanly."""
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await self.start()
        try:
            await stop.wait()
        finally:
            await self.stop()
