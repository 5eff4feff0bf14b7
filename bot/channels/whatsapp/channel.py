"""The WhatsApp channel while the bot runs: notifications in, handled once, in order.

The webhook (webhook.py) answers Meta at once and hands the checked body here; a worker
then reads it (notifications.py). Statuses of the bot's messages are stored (a personal
message that failed updates its log row, an announcement its outbox row; 131026 marks the
applicant inactive); each resident's message goes to the ``IncomingHandler``:

- once: Meta delivers a notification again when unsure it arrived. A message id is
  recorded as seen (bot/storage/whatsapp.py) when its handling ends, and one being handled
  is known in memory, so a duplicate, now or after a restart, is skipped. Ids older than
  Meta's retries are forgotten at start and then once a day;
- in order per person, at once across people (as bot/update_processor.py does for
  Telegram), at most ``concurrency`` handled at the same time;
- not lost at a stop: the bot stops taking notifications (503, Meta delivers them again
  later) and finishes those it took before the channel closes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.channels.incoming import Incoming, IncomingHandler
from bot.channels.whatsapp import announcements
from bot.channels.whatsapp.client import WhatsAppClient
from bot.channels.whatsapp.errors import classify
from bot.channels.whatsapp.notifications import StatusUpdate, read_notification
from bot.channels.whatsapp.outbound import OUTSIDE_WINDOW_CODES
from bot.channels.whatsapp.screens import Screens
from bot.deps import Deps
from bot.feature import App
from bot.services.delivery import Outcome
from bot.storage import applicants, message_log
from bot.storage import whatsapp as store

log = logging.getLogger(__name__)

# Meta retries an unanswered delivery for up to 7 days; a day more for clocks and queues.
SEEN_RETENTION = timedelta(days=8)
PRUNE_EVERY = timedelta(days=1)
DRAIN_TIMEOUT = 10.0


class WhatsAppChannel:
    def __init__(
        self,
        d: Deps,
        app: App,
        client: WhatsAppClient,
        on_message: IncomingHandler,
        *,
        concurrency: int = 64,
        screens: Screens | None = None,
    ) -> None:
        self.d = d
        self.app = app
        self.client = client
        self.on_message = on_message
        # What each resident has on screen: personal messages with buttons put theirs here
        # (outbound.py), for the conversation to read typed numbers and words against.
        self.screens = screens if screens is not None else Screens()
        self._open = False
        self._bodies: asyncio.Queue[Any] = asyncio.Queue()
        self._unread = 0  # notifications taken whose messages are not yet dispatched
        self._worker: asyncio.Task[None] | None = None
        self._chains: dict[str, asyncio.Task[None]] = {}  # the last message of each sender
        self._handling: set[str] = set()  # message ids being handled now
        self._slots = asyncio.Semaphore(concurrency)
        self.counts: Counter[str] = Counter()  # handled, duplicate, status_<name>, failed
        self._next_prune: datetime | None = None

    @property
    def accepting(self) -> bool:
        """Notifications are taken while the bot runs: not during start-up or a stop."""
        return self._open and self.app.running

    async def start(self) -> None:
        await self.client.start()
        await self._prune()
        self._worker = asyncio.create_task(self._work(), name="whatsapp-notifications")
        self._open = True

    async def stop(self) -> None:
        """Take nothing more; finish what was taken; then close the client."""
        self._open = False
        try:
            async with asyncio.timeout(DRAIN_TIMEOUT):
                await self._bodies.join()
                while self._chains:
                    await asyncio.gather(*self._chains.values(), return_exceptions=True)
        except TimeoutError:
            log.warning("WhatsApp messages still being handled at the stop were left")
        if self._worker is not None:
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker
        for task in list(self._chains.values()):
            task.cancel()
        await self.client.close()

    def take(self, notification: Any) -> None:
        """A checked notification (parsed JSON), handled after the webhook has answered."""
        self._unread += 1
        self._bodies.put_nowait(notification)

    @property
    def busy(self) -> bool:
        """Notifications taken and not yet handled (the demo waits for quiet on it)."""
        return self._unread > 0 or bool(self._chains)

    async def idle(self) -> None:
        """Every notification taken has been handled (tests and the demo wait on it)."""
        await self._bodies.join()
        while self._chains:
            await asyncio.gather(*self._chains.values(), return_exceptions=True)

    # handling ------------------------------------------------------------------------------
    def _now(self) -> datetime:
        return self.d.clock.now()

    async def _prune(self) -> None:
        """Forget the ids Meta can no longer deliver again: at start, then once a day."""
        now = self._now()
        gone = await store.forget_seen_before(self.d.db, _utc(now - SEEN_RETENTION))
        if gone:
            log.info("forgot %d WhatsApp message ids older than the retention", gone)
        self._next_prune = now + PRUNE_EVERY

    async def _work(self) -> None:
        phone_id = self.client.phone_number_id
        while True:
            notification = await self._bodies.get()
            try:
                if self._next_prune is not None and self._now() >= self._next_prune:
                    await self._prune()
                messages, statuses = read_notification(notification, phone_id)
                for update in statuses:
                    await self._status(update)
                for incoming in messages:
                    self._dispatch(incoming)
            except Exception:  # a bug must not stop the worker: later messages still count
                log.exception("a WhatsApp notification could not be read")
            finally:
                self._unread -= 1
                self._bodies.task_done()

    async def _status(self, update: StatusUpdate) -> None:
        await store.record_status(
            self.d.db, update.message_id, update.status, update.error_code, at=_utc(update.at)
        )
        self.counts[f"status_{update.status}"] += 1
        if update.status == "failed":
            verdict = classify(update.error_code)
            log.info("a WhatsApp message failed: %s (%s)", verdict.outcome.value, verdict.error)
            await self._failed(update.message_id, update.error_code, verdict.outcome)

    async def _failed(self, message_id: str, code: int | None, outcome: Outcome) -> None:
        """Meta took a personal message, then could not deliver it: its log row says why,
        and someone who cannot be reached (131026) is marked inactive, as a Telegram 403
        does, until they write again."""
        d = self.d
        logged = await message_log.of_wa_message(d.db, message_id)
        if logged is None:  # an announcement (its outbox row says it now), or a reply
            await announcements.failed_later(d, message_id, code)
            return
        if code in OUTSIDE_WINDOW_CODES:
            await message_log.set_outcome(d.db, message_id, message_log.OUTSIDE_WINDOW)
            d.metrics.whatsapp_outside_window.labels(logged.kind).inc()
        elif outcome is Outcome.BLOCKED:
            await message_log.set_outcome(d.db, message_id, message_log.BLOCKED)
            applicant = await applicants.get(d.db, logged.user_id)
            if applicant is not None and not applicant.inactive:
                await applicants.update(d.db, applicant, inactive=True)
        else:
            await message_log.set_outcome(d.db, message_id, message_log.FAILED)

    def _dispatch(self, incoming: Incoming) -> None:
        before = self._chains.get(incoming.sender)
        task = asyncio.create_task(self._one(incoming, before))
        self._chains[incoming.sender] = task

        def forget(done: asyncio.Task[None]) -> None:
            if self._chains.get(incoming.sender) is done:
                del self._chains[incoming.sender]

        task.add_done_callback(forget)

    async def _one(self, incoming: Incoming, before: asyncio.Task[None] | None) -> None:
        if before is not None:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await asyncio.shield(before)
        async with self._slots:
            message_id = incoming.message_id
            if message_id in self._handling or await store.was_seen(self.d.db, message_id):
                self.counts["duplicate"] += 1
                return
            self._handling.add(message_id)
            try:
                await self.on_message(incoming)
                self.counts["handled"] += 1
            except Exception as exc:
                self.counts["failed"] += 1
                log.exception("a WhatsApp message could not be handled")
                if self.d.alerts is not None:
                    self.d.alerts.error_soon(exc, "message")
            finally:
                # Seen even when its handling failed: a second try by Meta would fail alike,
                # and the person gets the alert's fix, not the same error twice.
                await store.mark_seen(self.d.db, message_id, at=_utc(self._now()))
                self._handling.discard(message_id)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")
