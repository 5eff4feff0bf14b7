"""The daily retention job (bot/services/retention.py) on PTB's JobQueue, re-created at every
start: at 03:00 WIB it erases the personal data whose retention period is over, and tells the
residents on a waiting list who got a quota place it freed. A night the bot was down is caught
up the next night: the job erases everything past its date, not only that day's."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import time

from bot.deps import Deps
from bot.feature import App, Feature
from bot.services import retention
from handlers.common import Context, deps
from handlers.places import tell_promoted

log = logging.getLogger(__name__)

JOB_NAME = "retention"


async def run_retention(context: Context) -> None:
    d = deps(context)
    done = await retention.run(d)
    # Counts only: never who.
    log.info(
        "retention: %d registrations, %d unfinished, %d minors, %d unregistered askers erased;"
        " %d NIK attempt tags pruned",
        done.registered, done.unfinished, done.minors, done.askers, done.attempts_pruned,
    )  # fmt: skip
    for user_id in done.promoted:
        await tell_promoted(context, user_id)


@asynccontextmanager
async def retention_lifespan(app: App, d: Deps) -> AsyncIterator[None]:
    job_queue = app.job_queue
    assert job_queue is not None, "install python-telegram-bot[job-queue]"
    at = retention.RUN_AT
    job_queue.run_daily(
        run_retention, time(at.hour, at.minute, tzinfo=d.settings.timezone), name=JOB_NAME
    )
    try:
        yield
    finally:
        for job in job_queue.get_jobs_by_name(JOB_NAME):
            job.schedule_removal()


FEATURE = Feature(name="retention", lifespan=retention_lifespan)
