"""What staff do with an announcement, from whichever side (/umumkan in Telegram, Pengumuman on
the web): send it now, schedule it, stop it, resume it. Each is the same status change in
SQLite, the same audit entry and the same sender, so the two sides cannot drift apart.

Also the rules both sides check an announcement against before it may go out: Telegram's
lengths less the footer, an empty text, a time in the past or too far ahead.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from bot.deps import Deps
from bot.domain.recipients import RecipientFilter
from bot.i18n import N_
from bot.services.broadcast import Broadcaster
from bot.services.roles import audit
from bot.storage import broadcasts as store
from bot.storage.broadcasts import Broadcast, Status

# Telegram's limits for what bots send: 4096 characters of text, 1024 of caption; photos up
# to 10 MB and other files up to 50 MB.
MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024
# "Kirim nanti": at least a minute ahead (earlier means now), at most 90 days (a typo'd year).
MIN_LEAD = timedelta(minutes=1)
MAX_LEAD = timedelta(days=90)
# Characters that show nothing: an announcement made only of them is empty.
_INVISIBLE = re.compile(r"[\s\u200b-\u200f\u2060\u2800\u3164\ufeff]+")


def is_blank(text: str) -> bool:
    return _INVISIBLE.sub("", text) == ""


def send_at_problem(when: datetime, now: datetime) -> str | None:
    """The catalog key of what is wrong with a "kirim nanti" time, or None when it is fine."""
    if when < now + MIN_LEAD:
        return N_("broadcast.error.time_past")
    if when > now + MAX_LEAD:
        return N_("broadcast.error.time_far")
    return None


def sender(d: Deps) -> Broadcaster:
    """The running sender (the broadcast feature's lifespan starts it)."""
    assert d.broadcaster is not None, "the broadcast feature's lifespan starts the sender"
    return d.broadcaster


async def begin_sending(d: Deps, actor: int, broadcast_id: int) -> Broadcast | None:
    """A draft goes out now: its outbox is filled and the action audited; None when it was no
    longer a draft (the other tap of a double tap). The caller shows what it shows, then
    ``sender(d).launch(b.id)``: a report must not race the caller's own first view."""
    total = await store.start_sending(d.db, broadcast_id, from_status=Status.DRAFT)
    if total is None:
        return None
    b = await store.get(d.db, broadcast_id)
    assert b is not None
    f = b.recipient_filter or RecipientFilter()
    await audit(d, actor, "broadcast", f"#{b.id}",
                {"change": "send", "recipients": total, "filter": f.to_text()})  # fmt: skip
    return b


async def schedule(d: Deps, actor: int, draft: Broadcast) -> Broadcast | None:
    """A draft with its time goes out then; None when it was no longer a draft."""
    if draft.send_at is None or not await store.schedule(d.db, draft.id, draft.send_at):
        return None
    f = draft.recipient_filter or RecipientFilter()
    await audit(d, actor, "broadcast", f"#{draft.id}",
                {"change": "schedule", "at": draft.send_at, "filter": f.to_text()})  # fmt: skip
    b = await store.get(d.db, draft.id)
    assert b is not None
    sender(d).arm(b)
    return b


async def stop(d: Deps, actor: int, broadcast_id: int) -> str | None:
    """Stop a scheduled or running announcement: its status before, or None when it was
    neither (finished meanwhile). What was sent stays sent; the rest waits, resumable."""
    b = await store.get(d.db, broadcast_id)
    if b is None or b.status not in (Status.SCHEDULED, Status.SENDING):
        return None
    before = await sender(d).cancel(broadcast_id, actor)
    if before is None:
        return None
    await audit(d, actor, "broadcast", f"#{broadcast_id}", {"change": "cancel", "was": before})
    return before


async def resume(d: Deps, actor: int, broadcast_id: int) -> bool:
    """Send a stopped announcement on to those it has not reached; False when it cannot."""
    if not await sender(d).resume(broadcast_id):
        return False
    await audit(d, actor, "broadcast", f"#{broadcast_id}", {"change": "resume"})
    return True
