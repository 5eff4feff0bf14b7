"""The reminder service's timers (bot/services/reminders.py ``Timers``) on PTB's JobQueue,
the one scheduler of the running application (APScheduler underneath)."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, CallbackContext

from bot.services.reminders import Run

App = Application[Any, Any, Any, Any, Any, Any]


class JobQueueTimers:
    def __init__(self, app: App) -> None:
        self.app = app

    def once(self, job_id: str, delay: float, run: Run, name: str) -> None:
        job_queue = self.app.job_queue
        assert job_queue is not None, "install python-telegram-bot[job-queue]"

        async def job(context: CallbackContext[Any, Any, Any, Any]) -> None:
            await run()

        job.__name__ = name  # an error's alert names the job (handlers/errors.py)
        job_queue.run_once(
            job,
            when=delay,
            name=job_id,
            # A stable id and replace_existing: re-creating never doubles a job. No misfire
            # grace limit: APScheduler's default (1 s) would silently drop a late reminder.
            job_kwargs={"id": job_id, "replace_existing": True, "misfire_grace_time": None},
        )

    def cancel(self, job_id: str) -> None:
        job_queue = self.app.job_queue
        if job_queue is None:
            return
        job = job_queue.scheduler.get_job(job_id)
        if job is not None:
            job.remove()

    def has(self, job_id: str) -> bool:
        job_queue = self.app.job_queue
        return job_queue is not None and job_queue.scheduler.get_job(job_id) is not None

    def running(self) -> bool:
        return self.app.running
