"""The daily backup: a job on PTB's JobQueue, re-created at every start; a failed backup
tells the admins (one line, no personal data: the file name and the cause)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import time
from typing import Any

from telegram.error import TelegramError
from telegram.ext import CallbackContext

from bot.deps import Deps, deps
from bot.feature import App, Feature
from bot.i18n import _, use_locale
from bot.services.backup import BackupError, backup_in_thread
from bot.services.roles import staff_locale

log = logging.getLogger(__name__)

JOB_NAME = "backup"


async def run_backup(context: CallbackContext[Any, Any, Any, Any]) -> None:
    d = deps(context)
    s = d.settings
    try:
        await backup_in_thread(s.database_path, s.backup_dir, s.backup_keep, d.clock.now())
    except (BackupError, OSError) as exc:
        log.error("backup failed: %s", exc)
        for admin in sorted(s.admin_ids):
            with use_locale(await staff_locale(d, admin)):
                text = _("backup.failed").format(cause=str(exc))
            try:
                await context.bot.send_message(admin, text, parse_mode=None)
            except TelegramError as send_error:
                log.warning("backup failure not told to an admin: %s", send_error)


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
