"""Start and stop the bot: the same path for `python -m bot`, the demo, tests and benchmarks.

PTB's run_polling() owns the event loop and signal handling; the demo and the tests need the
bot inside a loop they own, next to the simulator, so the life cycle is spelled out here once.

Start-up is a stack of steps, each with its undo (Starlette's lifespan, over an
AsyncExitStack): the database, PTB's initialisation, each feature's lifespan in order, the
HTTP server (/healthz, /metrics, the features' routes, the webhook), PTB's start, then
updates by long polling or, with WEBHOOK_URL set, by webhook. When a step fails, the steps
before it are undone in reverse order and the error goes on to the caller; stop() undoes
them all the same way.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import signal
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack, ExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from telegram.error import BadRequest, NetworkError, TelegramError
from telegram.ext import Application

from bot.app import FEATURES, build_application
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.deps import DEPS_KEY, Deps
from bot.domain.eligibility import ProgrammeRules
from bot.feature import App, Feature
from bot.storage import run_lock
from bot.storage.db import Database, DatabaseOpenError
from bot.web.operations import Operations
from bot.web.server import Listening, serving
from bot.web.telegram import TelegramWebhook, webhook_mode

log = logging.getLogger(__name__)


@asynccontextmanager
async def open_database(path: Path) -> AsyncIterator[Database]:
    db = await Database.open(path)
    try:
        yield db
    finally:
        await db.close()


@asynccontextmanager
async def database_lock(path: Path) -> AsyncIterator[None]:
    """Held while the bot runs: `python -m bot restore` refuses to replace the file under it."""
    held = ExitStack()
    try:  # only the taking of the lock: errors of the bot's later life pass through as they are
        held.enter_context(run_lock.hold(path))
    except run_lock.DatabaseInUse:
        raise DatabaseOpenError(path, "another bot or a restore is using this database") from None
    except OSError as exc:
        raise DatabaseOpenError(path, f"cannot create its lock file ({exc.strerror})") from None
    with held:
        yield


@asynccontextmanager
async def initialized(app: App) -> AsyncIterator[None]:
    """PTB's initialize/shutdown: the bot's HTTP clients, the update processor."""
    await app.initialize()
    try:
        yield
    finally:
        await app.shutdown()


@asynccontextmanager
async def started(app: App) -> AsyncIterator[None]:
    """PTB's start/stop: stop waits for the updates already taken to be handled."""
    await app.start()
    try:
        yield
    finally:
        if app.running:
            await app.stop()


@asynccontextmanager
async def polling(app: App, poll_timeout: int) -> AsyncIterator[None]:
    """Long polling. PTB deletes a webhook left from webhook mode before it polls."""
    assert app.updater is not None
    # Updates sent while the bot was down are still waiting at Telegram: take them all.
    await app.updater.start_polling(
        poll_interval=0,
        timeout=poll_timeout,
        drop_pending_updates=False,
        error_callback=functools.partial(polling_failed, app),
    )
    try:
        yield
    finally:
        if app.updater.running:
            await app.updater.stop()


def polling_failed(app: App, exc: TelegramError) -> None:
    """PTB's polling loop met an error and will try again (with its own backoff). A network
    error is an outage that bot/http.py already logged in one line; anything else gets one
    line, not PTB's traceback each time, and alerts the admins: a Conflict means a second
    copy of the bot polls with the same token, and the two now share the updates."""
    if isinstance(exc, NetworkError) and not isinstance(exc, BadRequest):
        return
    log.warning("polling for updates failed: %s: %s", type(exc).__name__, exc)
    d = app.bot_data.get(DEPS_KEY)
    if isinstance(d, Deps) and d.alerts is not None:
        d.alerts.error_soon(exc, "polling")


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
        features: Sequence[Feature] = FEATURES,
    ) -> None:
        self.rules = rules or settings.rules
        self.settings = settings
        self.clock = clock or SystemClock()
        self.base_url = base_url
        self.base_file_url = base_file_url
        self.rate_limiter = rate_limiter
        self.poll_timeout = poll_timeout
        self.features = tuple(features)
        self.app: Application[Any, Any, Any, Any, Any, Any] | None = None
        self.deps: Deps | None = None
        self.http: Listening | None = None  # where the HTTP server listens, once started
        self._stack: AsyncExitStack | None = None
        self._webhook: TelegramWebhook | None = None

    async def start(self) -> Application[Any, Any, Any, Any, Any, Any]:
        try:
            return await self._start()
        except BaseException:
            self.app = None  # what began is undone already: nothing to stop
            raise

    async def _start(self) -> Application[Any, Any, Any, Any, Any, Any]:
        async with AsyncExitStack() as stack:  # left open on success: stop() closes it
            # The database first: a file system it cannot use is reported as such.
            db = await stack.enter_async_context(open_database(self.settings.database_path))
            await stack.enter_async_context(database_lock(self.settings.database_path))
            self.deps = Deps(settings=self.settings, db=db, clock=self.clock, rules=self.rules)
            app = build_application(
                self.deps,
                features=self.features,
                base_url=self.base_url,
                base_file_url=self.base_file_url,
                rate_limiter=self.rate_limiter,
            )
            self.app = app
            await stack.enter_async_context(initialized(app))
            for feature in self.features:
                if feature.lifespan is not None:
                    await stack.enter_async_context(feature.lifespan(app, self.deps))
            await self._serve_http(stack, app, self.deps)
            await stack.enter_async_context(started(app))
            s = self.settings
            if s.webhook_url and s.webhook_secret and self._webhook is not None:
                await stack.enter_async_context(
                    webhook_mode(self._webhook, s.webhook_url, s.webhook_secret)
                )
            else:
                await stack.enter_async_context(polling(app, self.poll_timeout))
            self._stack = stack.pop_all()
        log.info("bot started")
        return app

    async def _serve_http(self, stack: AsyncExitStack, app: App, d: Deps) -> None:
        s = self.settings
        mode = "webhook" if s.webhook_url else "polling"
        ops = Operations(d, app, mode, self.poll_timeout, started_at=time.monotonic())
        routes = [*ops.routes(), *(r for f in self.features for r in f.routes)]
        self._webhook = None
        if s.webhook_url and s.webhook_secret:
            self._webhook = TelegramWebhook(app, s.webhook_secret, d.metrics)
            routes.append(self._webhook.route())
        asgi = Starlette(routes=routes)
        asgi.state.deps = d  # the features' routes find the bot's parts as request.app.state
        asgi.state.bot = app.bot
        self.http = await stack.enter_async_context(serving(asgi, s.http_host, s.http_port))

    def idle(self) -> bool:
        """Every update taken has been handled, with the tasks its handlers started (the
        answer to a button): nothing more will be sent for them. For the simulator and the
        demo, which run the bot in their own process."""
        app = self.app
        if app is None:
            return True
        queue: Any = app.update_queue  # an asyncio.Queue: PTB marks each update done
        tasks: set[Any] = getattr(app, "_Application__create_task_tasks", set())
        return queue._unfinished_tasks == 0 and not tasks

    async def stop(self) -> None:
        stack, self._stack = self._stack, None
        self.app = None
        if stack is None:
            return
        await stack.aclose()
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
