"""WhatsApp's error codes read as the same outcomes as Telegram's: a table, tested as one."""

from __future__ import annotations

import pytest

from bot.channels.whatsapp.errors import classify
from bot.services.delivery import Outcome


@pytest.mark.parametrize(
    ("code", "status", "outcome", "retry_after"),
    [
        (130429, 400, Outcome.THROTTLED, 1.0),  # the number's 80/s
        (131056, 400, Outcome.THROTTLED, 6.0),  # pair rate: one person, 1 per 6 s
        (80007, 400, Outcome.THROTTLED, 60.0),  # the account's rate
        (131026, None, Outcome.BLOCKED, 0.0),  # undeliverable (a failed status)
        (131047, None, Outcome.FAILED, 0.0),  # re-engagement: outside 24 hours
        (131030, 400, Outcome.FAILED, 0.0),  # invalid recipient
        (131009, 400, Outcome.FAILED, 0.0),
        (132000, 400, Outcome.FAILED, 0.0),
        (131000, 500, Outcome.RETRY, 0.0),
        (131016, 503, Outcome.RETRY, 0.0),
        (190, 401, Outcome.STOP, 0.0),
        (200, 403, Outcome.STOP, 0.0),  # permissions, a whole range
        (299, 403, Outcome.STOP, 0.0),
        (None, 502, Outcome.RETRY, 0.0),  # a bare 5xx page
        (None, None, Outcome.RETRY, 0.0),  # no answer
        (None, 429, Outcome.THROTTLED, 1.0),
        (None, 400, Outcome.FAILED, 0.0),
        (999999, 400, Outcome.FAILED, 0.0),  # a code Meta adds later: by its status
        (999999, 500, Outcome.RETRY, 0.0),
    ],
)
def test_error_table(
    code: int | None, status: int | None, outcome: Outcome, retry_after: float
) -> None:
    verdict = classify(code, status)
    assert (verdict.outcome, verdict.retry_after) == (outcome, retry_after)
    assert verdict.error.startswith("whatsapp")
