"""What a Bot API failure means for a message to one person: one table, tested as a table.

Modelled on RapidPro's courier: each row pairs an error class (and, where Telegram uses one
class for several cases, a piece of its description) with an outcome. The broadcast sender
and the reminders both act on the outcome only, never on the exception.

- THROTTLED: 429; wait ``retry_after`` seconds, then send the same message again.
- BLOCKED: 403; the person blocked the bot or deleted the account: stop writing to them
  until they write to us again.
- FAILED: will never work (no such chat, a message Telegram refuses): give up on this one.
- RETRY: network trouble or a Telegram-side error (5xx): try again later, a bounded number
  of times.
- STOP: the bot itself cannot send (token revoked): stop everything, lose nothing.
- OUTSIDE_WINDOW (WhatsApp only, never from this table): the resident's last message is more
  than 24 hours old and no approved template serves: not sent, and counted as such.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from bot.rate_limit import retry_seconds


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


# (error class, lower-case piece of the description or "" for any, outcome), first match
# wins: specific rows before general ones, and subclasses before their parents (BadRequest
# and TimedOut are NetworkErrors in PTB).
ERROR_TABLE: tuple[tuple[type[BaseException], str, Outcome], ...] = (
    (RetryAfter, "", Outcome.THROTTLED),
    (Forbidden, "", Outcome.BLOCKED),  # blocked, deactivated, kicked, can't initiate
    (InvalidToken, "", Outcome.STOP),
    (Conflict, "", Outcome.STOP),
    (EndPointNotFound, "", Outcome.STOP),
    (ChatMigrated, "", Outcome.FAILED),  # groups only; announcements go to private chats
    (BadRequest, "chat not found", Outcome.FAILED),
    (BadRequest, "user not found", Outcome.FAILED),
    (BadRequest, "", Outcome.FAILED),  # the same request would be refused again
    (TimedOut, "", Outcome.RETRY),
    (NetworkError, "request entity too large", Outcome.FAILED),
    (NetworkError, "", Outcome.RETRY),  # connection trouble and every 5xx
    (TelegramError, "invalid server response", Outcome.RETRY),
    (TelegramError, "", Outcome.FAILED),
)


def classify(exc: BaseException) -> Verdict:
    """The outcome of a failed send. Anything that is not a TelegramError (a bug, a closed
    connection outside PTB) is retried: a bounded retry is the safe side for a broadcast."""
    description = str(exc).lower()
    for error_type, fragment, outcome in ERROR_TABLE:
        if isinstance(exc, error_type) and fragment in description:
            retry_after = retry_seconds(exc) if isinstance(exc, RetryAfter) else 0.0
            return Verdict(outcome, _short(exc), retry_after)
    return Verdict(Outcome.RETRY, _short(exc))


def _short(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}"
    return text if len(text) <= 200 else text[:199] + "…"


# Backoff after RETRY: 2, 4, 8, 16 s ... capped; attempts are bounded by the caller.
def backoff(attempts: int, *, base: float = 2.0, cap: float = 60.0) -> float:
    return min(cap, base * 2 ** max(attempts - 1, 0))
