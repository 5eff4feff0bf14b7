"""/healthz and /metrics: what a city's monitoring asks the bot.

/healthz answers 200 with a small JSON when the bot can do its work (the database takes a
write, updates are arriving or polling is alive), 503 with the reasons when not. /metrics is
Prometheus' text format (bot/metrics.py). Neither holds personal data, and both are meant
for the server itself: the reverse proxy (deploy/Caddyfile) does not pass them on.
"""

from __future__ import annotations

import asyncio
import logging
import time
import tomllib
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.deps import Deps
from bot.feature import App
from bot.metrics import backlog
from bot.storage.schedules import iso

log = logging.getLogger(__name__)

# A long poll answers at least every poll timeout; this much more without one is a stall.
POLL_GRACE = 60.0


def version() -> str:
    try:
        return metadata.version("serang-pmi-bot")
    except metadata.PackageNotFoundError:  # run from a checkout (docs/deploy.md, the image)
        pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
        try:
            return str(tomllib.loads(pyproject.read_text("utf-8"))["project"]["version"])
        except (OSError, KeyError, tomllib.TOMLDecodeError):
            return "unknown"


@dataclass
class Operations:
    d: Deps
    app: App
    mode: str  # "polling" or "webhook"
    poll_timeout: float
    started_at: float = 0.0

    def routes(self) -> list[Route]:
        return [
            Route("/healthz", self.healthz, methods=["GET"]),
            Route("/metrics", self.metrics, methods=["GET"]),
        ]

    async def healthz(self, request: Request) -> Response:
        reasons: list[str] = []
        body: dict[str, Any] = {"version": version(), "mode": self.mode}
        body["database"] = await self._database_writable()
        if body["database"] != "writable":
            reasons.append(f"database: {body['database']}")
        receiving = self._receiving()
        body["receiving"] = receiving
        if receiving["status"] != "ok":
            reasons.append(f"updates: {receiving['status']}")
        try:
            work = await backlog(self.d.db, self.d.clock.now())
            body.update(
                broadcast_backlog=work.broadcast_backlog,
                reminders_pending=work.reminders_pending,
                reminders_late=work.reminders_late,
            )
        except Exception as exc:  # a broken database is reported above; keep answering
            log.warning("health: backlog unreadable: %s", type(exc).__name__)
        body["status"] = "unhealthy" if reasons else "ok"
        if reasons:
            body["reasons"] = reasons
        return JSONResponse(body, status_code=503 if reasons else 200)

    async def metrics(self, request: Request) -> Response:
        m = self.d.metrics
        try:
            await m.refresh(self.d.db, self.d.clock.now())
        except Exception as exc:  # the in-memory counters are still worth a scrape
            log.warning("metrics: database figures unreadable: %s", type(exc).__name__)
        return Response(m.render(), media_type=CONTENT_TYPE_LATEST)

    async def _database_writable(self) -> str:
        try:
            await asyncio.wait_for(
                self.d.db.write(
                    "INSERT INTO health_probe (id, checked_at) VALUES (1, ?)"
                    " ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at",
                    (iso(self.d.clock.now()),),
                ),
                timeout=5,
            )
        except TimeoutError:
            return "no answer within 5 s"
        except Exception as exc:
            return f"not writable ({type(exc).__name__}: {exc})"
        return "writable"

    def _receiving(self) -> dict[str, Any]:
        now = time.monotonic()
        m = self.d.metrics
        since_update = None if m.last_update_at is None else round(now - m.last_update_at, 1)
        if self.mode == "webhook":
            # Quiet nights have no updates; Telegram retries what it could not deliver, so
            # webhook mode is healthy while the endpoint takes updates.
            return {"status": "ok", "last_update_s": since_update}
        running = self.app.updater is not None and self.app.updater.running
        last_poll = m.last_poll_at or self.started_at
        since_poll = round(now - last_poll, 1)
        if not running:
            status = "polling stopped"
        elif since_poll > self.poll_timeout + POLL_GRACE:
            status = f"no answer from Telegram for {since_poll:.0f} s"
        else:
            status = "ok"
        return {"status": status, "last_poll_s": since_poll, "last_update_s": since_update}
