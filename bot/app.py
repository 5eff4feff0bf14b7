"""build_application(): the one place where the features are assembled into a PTB Application.

Each feature module exposes one ``FEATURE`` (bot/feature.py): its handlers by group, the
conversations it takes messages for, its fallbacks, its lifespan and its staff commands.
This module only collects them; no feature imports it back. Their lifespans are entered by
bot/runner.py.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Coroutine, Sequence
from typing import Any

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import Application, ContextTypes, Defaults, TypeHandler

from bot.channels.telegram.alerts import Alerts
from bot.channels.telegram.send import TelegramSender
from bot.channels.whatsapp import feature as whatsapp
from bot.context import BotContext
from bot.deps import DEPS_KEY, Deps
from bot.feature import Feature, Group, conversation_handler
from bot.http import AiohttpRequest, Reachability
from bot.rate_limit import SmoothRateLimiter
from bot.storage.contacts import TELEGRAM
from bot.update_processor import PerChatUpdateProcessor
from handlers import (
    account,
    backup,
    broadcast,
    dashboard,
    edits,
    export,
    menus,
    nik_conflicts,
    optout,
    questions,
    registration,
    retention,
    schedule,
    staff,
    stats,
)
from handlers.common import load_locale
from handlers.errors import on_error
from handlers.flood import notify_flood

log = logging.getLogger(__name__)

REACHABILITY_KEY = "reachability"  # bot/http.py's Reachability, for /healthz and tests

# The bot's features. Their order is the order of their handlers within a group (it matters
# only where patterns overlap), of their fallbacks (registration's catch-all text before
# account's unknown command), of their start-up (menus first) and, reversed, of their
# shut-down; and the order of the staff menu.
FEATURES: tuple[Feature, ...] = (
    menus.FEATURE,
    edits.FEATURE,
    registration.FEATURE,
    account.FEATURE,
    staff.FEATURE,
    nik_conflicts.FEATURE,
    stats.FEATURE,
    export.FEATURE,
    # Before broadcast: its lifespan starts the client the WhatsApp lane of the broadcast
    # sender uses, and stops it only after the sender let its sends in flight finish.
    whatsapp.FEATURE,
    broadcast.FEATURE,
    optout.FEATURE,
    schedule.FEATURE,
    backup.FEATURE,
    questions.FEATURE,
    retention.FEATURE,
    dashboard.FEATURE,
)


_UPDATE_KINDS = ("message", "edited_message", "callback_query", "my_chat_member")


def update_kind(update: object) -> str:
    """The kind of a Telegram update, for /metrics (bot_updates)."""
    if isinstance(update, Update):
        for kind in _UPDATE_KINDS:
            if getattr(update, kind, None) is not None:
                return kind
    return "other"


class MeteredApplication(Application[Any, Any, Any, Any, Any, Any]):
    """PTB's Application, timing each update from when it is taken off the queue (PTB
    creates this coroutine then) to the end of its handling, waits for its chat included."""

    def process_update(self, update: object) -> Coroutine[Any, Any, None]:
        taken = time.perf_counter()
        return self._process_timed(update, taken)

    async def _process_timed(self, update: object, taken: float) -> None:
        try:
            await super().process_update(update)
        finally:
            d = self.bot_data.get(DEPS_KEY)
            if isinstance(d, Deps):
                d.metrics.observe_update(update_kind(update), time.perf_counter() - taken)


def build_application(
    d: Deps,
    *,
    features: Sequence[Feature] = FEATURES,
    base_url: str | None = None,
    base_file_url: str | None = None,
    rate_limiter: bool = True,
) -> Application[Any, Any, Any, Any, Any, Any]:
    s = d.settings
    assert s.bot_token is not None
    processor = PerChatUpdateProcessor(64)
    reachability = Reachability()  # one outage, one log line, whichever client meets it
    observe = d.metrics.observe_call
    builder = (
        Application.builder()
        .application_class(MeteredApplication)
        .token(s.bot_token)
        .base_url(base_url or s.telegram_api_base_url)
        .base_file_url(base_file_url or s.telegram_file_base_url)
        .defaults(Defaults(parse_mode=ParseMode.HTML, tzinfo=s.timezone))
        .request(AiohttpRequest(64, reachability=reachability, observer=observe))
        .get_updates_request(AiohttpRequest(1, reachability=reachability, observer=observe))
        .concurrent_updates(processor)
        .context_types(ContextTypes(context=BotContext))
    )
    if rate_limiter:
        # Evenly spaced sends under TELEGRAM_RATE_LIMIT, paced per chat; a 429 holds back its
        # chat, retried.
        limiter = SmoothRateLimiter(
            limit=s.telegram_rate_limit, network_backoff=s.network_backoff
        )
        builder = builder.rate_limiter(limiter)  # type: ignore[arg-type]
    app = builder.build()
    d.staff_commands = tuple(c for f in features for c in f.staff_commands)
    d.alerts = Alerts(d, app.bot)
    d.senders[TELEGRAM] = TelegramSender(app.bot)  # personal messages (bot/services/notify.py)
    processor.on_flood = functools.partial(notify_flood, app)
    app.bot_data[DEPS_KEY] = d
    app.bot_data[REACHABILITY_KEY] = reachability

    app.add_handler(TypeHandler(Update, load_locale), group=Group.CONTEXT)
    app.add_handler(conversation_handler(features), group=Group.CONVERSATION)
    for feature in features:
        for group, handlers in feature.handlers.items():
            app.add_handlers(list(handlers), group=group)
    # Last in their group: plain text, contacts, stickers... and commands nobody else took.
    for feature in features:
        app.add_handlers(list(feature.fallbacks), group=Group.MAIN)
    app.add_error_handler(on_error)
    return app
