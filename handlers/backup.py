"""The daily backup: a job on PTB's JobQueue, re-created at every start; a failed backup
alerts the admins through bot/channels/telegram/alerts.py (no personal data: the file name and the
cause; at most one alert per ALERT_EVERY, like every other failure)."""

from __future__ import annotations

import html
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import time
from typing import Any

from telegram.ext import CallbackContext

from bot.channels.telegram.alerts import times
from bot.deps import Deps
from bot.feature import App, Feature
from bot.i18n import _
from bot.services.backup import BackupError, backup_in_thread
from handlers.common import deps

log = logging.getLogger(__name__)

JOB_NAME = "backup"


async def run_backup(context: CallbackContext[Any, Any, Any, Any]) -> None:
    d = deps(context)
    s = d.settings
    try:
        await backup_in_thread(s.database_path, s.backup_dir, s.backup_keep, d.clock.now())
    except (BackupError, OSError) as exc:
        log.error("backup failed: %s", exc)
        if d.alerts is not None:
            cause = html.escape(str(exc))
            await d.alerts.send(("backup",), lambda count: failed_text(cause, count))


def failed_text(cause: str, count: int) -> str:
    return f"{_('backup.failed').format(cause=cause)}\n{times(count)}"


@asynccontextmanager
async def backup_lifespan(app: App, d: Deps) -> AsyncIterator[None]:
    job_queue = app.job_queue
    assert job_queue is not None, "install python-telegram-bot[job-queue]"
    at = d.settings.backup_at
    job_queue.run_daily(
        run_backup, time(at.hour, at.minute, tzinfo=d.settings.timezone), name=JOB_NAME
    )
    try:
        yield
    finally:
        for job in job_queue.get_jobs_by_name(JOB_NAME):
            job.schedule_removal()


FEATURE = Feature(name="backup", lifespan=backup_lifespan)
