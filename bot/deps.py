"""What every handler and service needs, built once by the runner and kept in
``application.bot_data`` (handlers read it with handlers/common.deps). Knows no channel."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from bot.clock import Clock, SystemClock, local_today
from bot.config import Settings
from bot.domain.eligibility import DEFAULT_RULES, ProgrammeRules
from bot.metrics import Metrics
from bot.storage.db import Database

if TYPE_CHECKING:  # the services import this module: their types only, for the fields
    from bot.channels.telegram.alerts import Alerts
    from bot.channels.whatsapp.channel import WhatsAppChannel
    from bot.feature import StaffCommand
    from bot.services.broadcast import Broadcaster
    from bot.services.bulk import Jobs
    from bot.services.notify import Sender
    from bot.services.reminders import ReminderService
    from bot.storage.erase import ErasedCounts

DEPS_KEY = "deps"


@dataclass
class Deps:
    settings: Settings
    db: Database
    clock: Clock = field(default_factory=SystemClock)
    rules: ProgrammeRules = DEFAULT_RULES
    metrics: Metrics = field(default_factory=Metrics)  # /metrics and /healthz read it
    # Assembled by bot/app.py from the features: the staff menu.
    staff_commands: tuple[StaffCommand, ...] = ()
    # How an applicant is reached on each channel (bot/services/notify.py), by channel name
    # (bot/storage/contacts.py): Telegram's set by bot/app.py, WhatsApp's by its feature.
    senders: dict[str, Sender] = field(default_factory=dict)
    # Feature services: set by the feature's lifespan while the bot runs, None otherwise.
    broadcaster: Broadcaster | None = None
    reminders: ReminderService | None = None
    bulk: Jobs | None = None  # the staff web pages' bulk jobs (handlers/dashboard.py)
    whatsapp: WhatsAppChannel | None = None  # set while WhatsApp is configured and running
    # The admins' error alerts: set by bot/app.py with the application's bot.
    alerts: Alerts | None = None
    # What of an erased person lives outside the database (their topic in the staff group),
    # removed after the erasure committed: set by the questions feature while the bot runs.
    after_erase: Callable[[ErasedCounts], Awaitable[None]] | None = None

    def today(self) -> date:
        return local_today(self.clock, self.settings.timezone)

