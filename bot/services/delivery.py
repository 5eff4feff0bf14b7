"""What a failed message to one person means, whatever the channel: the outcomes, a verdict
and the backoff. Each channel reads its own errors into these (Telegram:
bot/channels/telegram/errors.py, WhatsApp: bot/channels/whatsapp/errors.py); whatever sends
to many people acts on the outcome only, never on a channel's exception or code.

- THROTTLED: wait ``retry_after`` seconds, then send the same message again.
- BLOCKED: the person blocked the bot or cannot receive: stop writing to them until they
  write to us again.
- FAILED: will never work (no such chat, a message the channel refuses): give up on this one.
- RETRY: network trouble or a channel-side error (5xx): try again later, a bounded number
  of times.
- STOP: the bot itself cannot send (token revoked): stop everything, lose nothing.
- OUTSIDE_WINDOW (WhatsApp only): the resident's last message is more than 24 hours old and
  no approved template serves: not sent, and counted as such.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Outcome(StrEnum):
    SENT = "sent"
    THROTTLED = "throttled"
    BLOCKED = "blocked"
    FAILED = "failed"
    RETRY = "retry"
    STOP = "stop"
    OUTSIDE_WINDOW = "outside_window"


@dataclass(frozen=True)
class Verdict:
    outcome: Outcome
    error: str = ""  # short, for the outbox row and the logs; never message content
    retry_after: float = 0.0
    # The channel's id of the message sent (Meta's wamid), kept on the outbox row: a status
    # that comes later by webhook (WhatsApp's "failed") finds its row by it.
    ref: str | None = None


# Backoff after RETRY: 2, 4, 8, 16 s ... capped; attempts are bounded by the caller.
def backoff(attempts: int, *, base: float = 2.0, cap: float = 60.0) -> float:
    return min(cap, base * 2 ** max(attempts - 1, 0))
