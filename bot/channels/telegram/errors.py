"""What a Bot API failure means for a message to one person: one table, tested as a table.

Modelled on RapidPro's courier: each row pairs an error class (and, where Telegram uses one
class for several cases, a piece of its description) with an outcome of
bot/services/delivery.py. The broadcast sender and the personal messages act on the
outcome only, never on the exception.

- THROTTLED: 429, wait ``retry_after``; BLOCKED: 403, blocked or deleted; FAILED: no such
  chat or a message Telegram refuses; RETRY: network trouble or a 5xx; STOP: the token
  revoked or another instance polling.
"""

from __future__ import annotations

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
from bot.services.delivery import Outcome, Verdict

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
