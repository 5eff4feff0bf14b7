"""The context every handler gets: PTB's CallbackContext with this bot's own parts, typed.

Registered with ``ContextTypes(context=BotContext)`` in bot/app.py, so a handler reads
``context.deps`` and ``context.person`` with their types instead of dictionary look-ups.
PTB builds one context per update and hands the same one to every group's handler.
"""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot

from bot.deps import DEPS_KEY, Deps
from bot.storage.conversations import Person


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application, chat_id=chat_id, user_id=user_id)
        # The person as this update found them: read once, before any feature's handler
        # (handlers/common.py load_locale); None for an update without a user, or a job.
        self.person: Person | None = None
        # The applicant row above is handed out once (applicant_of); a second ask in the
        # same update reads SQLite again, since the handler may have changed the row.
        self.applicant_taken = False

    @property
    def deps(self) -> Deps:
        value = self.application.bot_data[DEPS_KEY]
        assert isinstance(value, Deps)
        return value
