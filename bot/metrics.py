"""What the bot counts for its operators (Prometheus' text format at /metrics).

Labels are method names, kinds and outcomes only: never a user id, chat id, registration
number or text, so a scrape can be kept, graphed and shared without personal data. Counters
live in memory (since the start); figures that must survive a restart (backlogs, reminders,
registrations, deliveries) are read from SQLite at each scrape.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import datetime

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from bot.storage.db import Database
from bot.storage.schedules import iso

# Bot API method names are camelCase words; anything else is not a label value we want.
_METHOD = re.compile(r"^[A-Za-z]{1,40}$")
def api_outcome(status: int | None) -> str:
    """One word per kind of answer: what an operator graphs and alerts on."""
    if status is None:
        return "network_error"
    if status == 200:
        return "ok"
    if status == 429:
        return "throttled"
    if status in (401, 404):
        return "unauthorized"
    if status == 403:
        return "forbidden"
    return "bad_request" if status < 500 else "server_error"


class Metrics:
    """One registry per bot, so two bots in one test process never mix their figures."""

    def __init__(self) -> None:
        r = self.registry = CollectorRegistry()
        self.updates = Counter("bot_updates", "Updates handled, by kind", ["kind"], registry=r)
        self.update_seconds = Histogram(
            "bot_update_seconds",
            "From taking an update off the queue to the end of its handling (replies sent)",
            buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
            registry=r,
        )
        self.api_calls = Counter(
            "bot_api_calls", "Bot API calls by method and outcome", ["method", "outcome"],
            registry=r,
        )  # fmt: skip
        self.api_429 = Counter("bot_api_429", "Bot API answers 429 Too Many Requests", registry=r)
        self.webhook_requests = Counter(
            "bot_webhook_requests", "Requests to /webhooks/telegram by answer", ["status"],
            registry=r,
        )  # fmt: skip
        self.deliveries = Gauge(
            "bot_deliveries",
            "Announcement and reminder messages by outcome (from the database)",
            ["kind", "outcome"],
            registry=r,
        )
        self.broadcast_backlog = Gauge(
            "bot_broadcast_backlog", "Announcement messages still to send", registry=r
        )
        self.reminders_pending = Gauge(
            "bot_reminders_pending", "Reminders waiting for their time", registry=r
        )
        self.reminders_late = Gauge(
            "bot_reminders_late", "Reminders past their time and not yet sent", registry=r
        )
        self.registrations = Gauge(
            "bot_registrations", "Submitted registrations by verdict", ["verdict"], registry=r
        )
        self.whatsapp_outside_window = Counter(
            "bot_whatsapp_outside_window",
            "WhatsApp messages not sent: outside the 24-hour window with no template, by kind",
            ["kind"],
            registry=r,
        )
        # Liveness, for /healthz: monotonic times of the last update and the last good poll.
        self.last_update_at: float | None = None
        self.last_poll_at: float | None = None

    def observe_call(self, method: str, status: int | None) -> None:
        """Called by the Bot API client (bot/http.py) after every request."""
        name = method if _METHOD.match(method) else "other"
        self.api_calls.labels(name, api_outcome(status)).inc()
        if status == 429:
            self.api_429.inc()
        if name == "getUpdates" and status == 200:
            self.last_poll_at = time.monotonic()

    def observe_update(self, kind: str, seconds: float) -> None:
        """One update handled: ``kind`` is the channel's word for it (bot/app.py)."""
        self.updates.labels(kind).inc()
        self.update_seconds.observe(seconds)
        self.last_update_at = time.monotonic()

    async def refresh(self, db: Database, now: datetime) -> None:
        """The figures kept in SQLite, read at scrape time."""
        figures = await backlog(db, now)
        self.broadcast_backlog.set(figures.broadcast_backlog)
        self.reminders_pending.set(figures.reminders_pending)
        self.reminders_late.set(figures.reminders_late)
        self.deliveries.clear()
        for kind, table in (("broadcast", "broadcast_outbox"), ("reminder", "reminders")):
            rows = await db.fetchall(f"SELECT status, count(*) FROM {table} GROUP BY status")
            for status, n in rows:
                self.deliveries.labels(kind, str(status)).set(n)
        self.registrations.clear()
        rows = await db.fetchall(
            "SELECT coalesce(outcome, 'none'), count(*) FROM applicants"
            " WHERE reg_no IS NOT NULL GROUP BY 1"
        )
        for verdict, n in rows:
            self.registrations.labels(str(verdict)).set(n)

    def render(self) -> bytes:
        return generate_latest(self.registry)


@dataclass(frozen=True)
class Backlog:
    broadcast_backlog: int
    reminders_pending: int
    reminders_late: int


async def backlog(db: Database, now: datetime) -> Backlog:
    """Work waiting in SQLite: /healthz shows it, /metrics graphs it."""
    row = await db.fetchone(
        "SELECT"
        " (SELECT count(*) FROM broadcast_outbox o JOIN broadcasts b ON b.id = o.broadcast_id"
        "   WHERE o.status = 'pending' AND b.status = 'sending'),"
        " (SELECT count(*) FROM reminders WHERE status = 'pending' AND due_at > ?),"
        " (SELECT count(*) FROM reminders WHERE status = 'pending' AND due_at <= ?)",
        (iso(now), iso(now)),
    )
    assert row is not None
    return Backlog(int(row[0]), int(row[1]), int(row[2]))
