"""What a WhatsApp Cloud API error code means for a message to one person: one table.

The same outcomes as Telegram's (bot/services/delivery.py), so whatever sends to many
people acts on the outcome and never on the channel's codes:

- THROTTLED: a rate limit (the number's 80/s, the pair rate to one person, the account's
  limit): wait ``retry_after`` and send the same message again.
- BLOCKED: undeliverable (131026: the person blocked the business, left WhatsApp or cannot
  receive): stop writing to them until they write again.
- FAILED: this message will never go (outside the 24-hour window without a template,
  invalid recipient, a template or parameter Meta refuses).
- RETRY: Meta's side failed (5xx, "something went wrong", service unavailable).
- STOP: the bot cannot send at all (token, permissions, account locked or unpaid).

A code arrives in the answer to the send, or later in a "failed" status on the webhook
(131047 and 131026 always come that way); both are read through ``classify``. Codes are
Meta's (developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes).
"""

from __future__ import annotations

from bot.services.delivery import Outcome, Verdict

# code -> (outcome, seconds to wait before the same message may go again, short name)
ERROR_TABLE: dict[int, tuple[Outcome, float, str]] = {
    # Rate limits.
    4: (Outcome.THROTTLED, 60.0, "app rate limit"),
    80007: (Outcome.THROTTLED, 60.0, "account rate limit"),
    130429: (Outcome.THROTTLED, 1.0, "throughput limit"),
    131056: (Outcome.THROTTLED, 6.0, "pair rate limit"),
    131048: (Outcome.THROTTLED, 60.0, "spam rate limit"),
    # The person cannot be reached on this number.
    131026: (Outcome.BLOCKED, 0.0, "undeliverable"),
    131050: (Outcome.BLOCKED, 0.0, "stopped marketing messages"),
    # This message will never go.
    131047: (Outcome.FAILED, 0.0, "re-engagement required (outside 24 hours)"),
    470: (Outcome.FAILED, 0.0, "re-engagement required (outside 24 hours)"),
    131030: (Outcome.FAILED, 0.0, "recipient not allowed"),
    131021: (Outcome.FAILED, 0.0, "recipient is the sender"),
    131049: (Outcome.FAILED, 0.0, "not delivered to keep engagement healthy"),
    100: (Outcome.FAILED, 0.0, "invalid parameter"),
    131008: (Outcome.FAILED, 0.0, "required parameter missing"),
    131009: (Outcome.FAILED, 0.0, "parameter value not valid"),
    131051: (Outcome.FAILED, 0.0, "unsupported message type"),
    131052: (Outcome.FAILED, 0.0, "media download error"),
    131053: (Outcome.FAILED, 0.0, "media upload error"),
    132000: (Outcome.FAILED, 0.0, "template parameter count mismatch"),
    132001: (Outcome.FAILED, 0.0, "template does not exist"),
    132005: (Outcome.FAILED, 0.0, "template text too long"),
    132007: (Outcome.FAILED, 0.0, "template format policy"),
    132012: (Outcome.FAILED, 0.0, "template parameter format mismatch"),
    132015: (Outcome.FAILED, 0.0, "template paused"),
    132016: (Outcome.FAILED, 0.0, "template disabled"),
    135000: (Outcome.FAILED, 0.0, "generic user error"),
    # Meta's side: try again later.
    1: (Outcome.RETRY, 0.0, "API unknown"),
    2: (Outcome.RETRY, 0.0, "API service"),
    131000: (Outcome.RETRY, 0.0, "something went wrong"),
    131016: (Outcome.RETRY, 0.0, "service unavailable"),
    131057: (Outcome.RETRY, 0.0, "account in maintenance"),
    133004: (Outcome.RETRY, 0.0, "server temporarily unavailable"),
    # The bot cannot send at all: stop, lose nothing.
    0: (Outcome.STOP, 0.0, "authentication"),
    3: (Outcome.STOP, 0.0, "capability"),
    10: (Outcome.STOP, 0.0, "permission denied"),
    190: (Outcome.STOP, 0.0, "access token expired or invalid"),
    368: (Outcome.STOP, 0.0, "temporarily blocked for policy violations"),
    131031: (Outcome.STOP, 0.0, "business account locked"),
    131042: (Outcome.STOP, 0.0, "business payment issue"),
    133010: (Outcome.STOP, 0.0, "phone number not registered"),
}


def classify(code: int | None, http_status: int | None = None) -> Verdict:
    """The outcome of a refused or failed message: its code if Meta gave one (the table,
    then Meta's permission range 200-299), else the HTTP status (5xx or no answer: RETRY)."""
    if code is not None:
        row = ERROR_TABLE.get(code)
        if row is not None:
            outcome, retry_after, name = row
            return Verdict(outcome, f"whatsapp {code}: {name}", retry_after)
        if 200 <= code <= 299:
            return Verdict(Outcome.STOP, f"whatsapp {code}: permission")
    if http_status is None or http_status >= 500:
        what = "no answer" if http_status is None else f"HTTP {http_status}"
        return Verdict(Outcome.RETRY, f"whatsapp {code if code is not None else '-'}: {what}")
    if http_status == 429:
        return Verdict(Outcome.THROTTLED, "whatsapp: HTTP 429", 1.0)
    return Verdict(
        Outcome.FAILED, f"whatsapp {code if code is not None else '-'}: HTTP {http_status}"
    )
