"""The Bot API error table: real-shaped Telegram answers, through PTB, to one outcome each."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from telegram.error import NetworkError, RetryAfter, TimedOut
from telegram.request import BaseRequest, RequestData

from bot.channels.telegram.errors import classify
from bot.services.delivery import Outcome, backoff


class CannedRequest(BaseRequest):
    """A PTB request that answers with one canned HTTP status and body (or raises)."""

    def __init__(self, status: int, body: Any = None, raise_: Exception | None = None) -> None:
        self.status = status
        self.body = body
        self.raise_ = raise_

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        if self.raise_ is not None:
            raise self.raise_
        payload = self.body if isinstance(self.body, bytes) else json.dumps(self.body).encode()
        return self.status, payload


async def error_from(status: int, body: Any = None, raise_: Exception | None = None) -> Exception:
    """The exception PTB raises for this answer to sendMessage."""
    try:
        await CannedRequest(status, body, raise_).post("https://api.telegram.org/botX/sendMessage")
    except Exception as exc:
        return exc
    raise AssertionError("no error raised")


def bot_api_error(code: int, description: str, **parameters: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return body


@pytest.mark.parametrize(
    ("status", "body", "outcome"),
    [
        (429, bot_api_error(429, "Too Many Requests: retry after 7", retry_after=7),
         Outcome.THROTTLED),
        (403, bot_api_error(403, "Forbidden: bot was blocked by the user"), Outcome.BLOCKED),
        (403, bot_api_error(403, "Forbidden: user is deactivated"), Outcome.BLOCKED),
        (403, bot_api_error(403, "Forbidden: bot can't initiate conversation with a user"),
         Outcome.BLOCKED),
        (403, bot_api_error(403, "Forbidden: bot was kicked from the group chat"),
         Outcome.BLOCKED),
        (400, bot_api_error(400, "Bad Request: chat not found"), Outcome.FAILED),
        (400, bot_api_error(400, "Bad Request: user not found"), Outcome.FAILED),
        (400, bot_api_error(400, "Bad Request: can't parse entities: Unsupported start tag"),
         Outcome.FAILED),
        (400, bot_api_error(400, "Bad Request: wrong file identifier/HTTP URL specified"),
         Outcome.FAILED),
        (400, bot_api_error(400, "Bad Request: group chat was upgraded to a supergroup chat",
                            migrate_to_chat_id=-1001234), Outcome.FAILED),
        (401, bot_api_error(401, "Unauthorized"), Outcome.STOP),
        (404, bot_api_error(404, "Not Found"), Outcome.STOP),
        (409, bot_api_error(409, "Conflict: terminated by other getUpdates request"),
         Outcome.STOP),
        (413, bot_api_error(413, "Request Entity Too Large"), Outcome.FAILED),
        (500, bot_api_error(500, "Internal Server Error"), Outcome.RETRY),
        (502, b"<html>502 Bad Gateway</html>", Outcome.RETRY),
        (503, bot_api_error(503, "Service Unavailable"), Outcome.RETRY),
        (504, b"", Outcome.RETRY),
    ],
)  # fmt: skip
async def test_bot_api_answers(status: int, body: Any, outcome: Outcome) -> None:
    verdict = classify(await error_from(status, body))
    assert verdict.outcome is outcome
    assert verdict.error  # something to store in last_error


@pytest.mark.parametrize(
    "raised",
    [
        httpx.ConnectError("connection refused"),
        httpx.ReadTimeout("read timed out"),
        TimedOut(),
        NetworkError("httpx.RemoteProtocolError: Server disconnected without sending a response"),
    ],
)
async def test_network_trouble_is_retried(raised: Exception) -> None:
    error = raised if isinstance(raised, NetworkError) else await error_from(0, raise_=raised)
    assert classify(error).outcome is Outcome.RETRY


async def test_retry_after_is_read_from_the_answer() -> None:
    error = await error_from(429, bot_api_error(429, "Too Many Requests: retry after 7",
                                                retry_after=7))  # fmt: skip
    assert isinstance(error, RetryAfter)
    assert classify(error).retry_after == 7.0


def test_anything_else_is_retried_not_lost() -> None:
    assert classify(RuntimeError("a bug somewhere")).outcome is Outcome.RETRY


def test_error_text_stays_short() -> None:
    verdict = classify(NetworkError("x" * 1000))
    assert len(verdict.error) <= 200


@pytest.mark.parametrize(
    ("attempts", "seconds"), [(1, 2.0), (2, 4.0), (3, 8.0), (4, 16.0), (6, 60.0), (20, 60.0)]
)
def test_backoff_doubles_up_to_a_cap(attempts: int, seconds: float) -> None:
    assert backoff(attempts) == seconds
