"""build_application(): the one place where handlers, limits and start-up work are wired."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from types import ModuleType
from typing import Any

from telegram import BotCommand, BotCommandScopeDefault, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import Application, Defaults, TypeHandler

from bot.deps import DEPS_KEY, Deps
from bot.http import AiohttpRequest
from bot.i18n import catalog
from bot.rate_limit import SmoothRateLimiter
from bot.update_processor import PerChatUpdateProcessor
from handlers import account, optout, registration
from handlers import broadcast as broadcast_handlers
from handlers import export as export_handlers
from handlers import schedule as schedule_handlers
from handlers import staff as staff_handlers
from handlers import stats as stats_handlers
from handlers.common import load_locale
from handlers.errors import on_error

log = logging.getLogger(__name__)

# Feature modules, each with handlers() and optionally setup(app). Order matters only for
# overlapping patterns; the catch-all message handlers are added after all of them.
FEATURES: tuple[ModuleType, ...] = (
    registration,
    account,
    staff_handlers,
    stats_handlers,
    export_handlers,
    broadcast_handlers,
    optout,
    schedule_handlers,
)

Hook = Callable[[Application[Any, Any, Any, Any, Any, Any]], Awaitable[None]]

# Resident commands in menu order; the descriptions are catalog keys.
RESIDENT_COMMANDS = (
    "start", "daftar", "status", "jadwal", "ubah", "batal", "data", "hapus", "berhenti",
    "lanjut", "bahasa", "bantuan", "info",
)  # fmt: skip


def resident_commands(locale: str) -> list[BotCommand]:
    cat = catalog(locale)
    return [BotCommand(name, cat.gettext(f"cmd.{name}")) for name in RESIDENT_COMMANDS]


async def set_menus(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """The command menu per language; the default one is in DEFAULT_LOCALE."""
    d: Deps = app.bot_data[DEPS_KEY]
    try:
        for locale in ("id", "en"):
            await app.bot.set_my_commands(
                resident_commands(locale), scope=BotCommandScopeDefault(), language_code=locale
            )
        await app.bot.set_my_commands(resident_commands(d.settings.default_locale))
    except TelegramError as exc:  # a menu is a convenience: never a reason not to start
        log.warning("could not set the command menu: %s", exc)


def build_application(
    d: Deps,
    *,
    base_url: str | None = None,
    base_file_url: str | None = None,
    rate_limiter: bool = True,
) -> Application[Any, Any, Any, Any, Any, Any]:
    s = d.settings
    assert s.bot_token is not None
    builder = (
        Application.builder()
        .token(s.bot_token)
        .base_url(base_url or s.telegram_api_base_url)
        .base_file_url(base_file_url or s.telegram_file_base_url)
        .defaults(Defaults(parse_mode=ParseMode.HTML, tzinfo=s.timezone))
        .request(AiohttpRequest(connection_pool_size=64))
        .get_updates_request(AiohttpRequest(connection_pool_size=1))
        .concurrent_updates(PerChatUpdateProcessor(64))
    )
    if rate_limiter:
        # Evenly spaced sends under ~30/s; a 429 pauses every send and the reply is retried.
        builder = builder.rate_limiter(SmoothRateLimiter())  # type: ignore[arg-type]
    app = builder.build()
    app.bot_data[DEPS_KEY] = d
    app.bot_data["startup"] = [set_menus]
    app.bot_data["shutdown"] = []

    app.add_handler(TypeHandler(Update, load_locale), group=-1)
    for feature in FEATURES:
        for handler in feature.handlers():
            app.add_handler(handler)
        setup = getattr(feature, "setup", None)
        if setup is not None:  # start-up and shut-down hooks: add_hook(app, "startup", ...)
            setup(app)
    # Last: plain text, contacts, stickers... and commands nobody else took.
    for handler in registration.message_handlers() + account.fallback_handlers():
        app.add_handler(handler)
    app.add_error_handler(on_error)
    return app


def add_hook(app: Application[Any, Any, Any, Any, Any, Any], when: str, hook: Hook) -> None:
    app.bot_data[when].append(hook)


async def run_hooks(app: Application[Any, Any, Any, Any, Any, Any], when: str) -> None:
    """Start-up work (menus, resuming broadcasts, re-creating reminder jobs) and its undo."""
    for hook in app.bot_data[when]:
        await hook(app)
