"""What every handler needs, built once in app.py and kept in ``application.bot_data``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from telegram.ext import CallbackContext

from bot.clock import Clock, SystemClock, local_today
from bot.config import Settings
from bot.domain.eligibility import DEFAULT_RULES, ProgrammeRules
from bot.storage.db import Database

DEPS_KEY = "deps"


@dataclass
class Deps:
    settings: Settings
    db: Database
    clock: Clock = field(default_factory=SystemClock)
    rules: ProgrammeRules = DEFAULT_RULES
    extras: dict[str, Any] = field(default_factory=dict)  # feature services (broadcaster, ...)

    def today(self) -> date:
        return local_today(self.clock, self.settings.timezone)


def deps(context: CallbackContext[Any, Any, Any, Any]) -> Deps:
    value = context.application.bot_data[DEPS_KEY]
    assert isinstance(value, Deps)
    return value
