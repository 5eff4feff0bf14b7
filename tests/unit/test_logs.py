"""bot/logs.py: what a record may carry once through the Redactor."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest

from bot.logs import REDACTED, Redactor, configure

TOKEN = "123456789:AAHk-secretpart-XYZ_0123456789abcdef"


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """The process's logging as `python -m bot` sets it, written to a string."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    configure("DEBUG", secrets=[TOKEN])
    stream = io.StringIO()
    handler = root.handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(stream)
    yield stream
    root.handlers[:], root.level = saved
    for name in ("aiosqlite", "hpack", "httpcore", "httpx", "apscheduler"):
        logging.getLogger(name).setLevel(logging.NOTSET)


def test_the_token_is_masked_in_messages_arguments_and_tracebacks(
    captured: io.StringIO,
) -> None:
    log = logging.getLogger("bot.test")
    log.info("calling https://api.telegram.org/bot%s/getMe", TOKEN)
    log.warning("url-encoded: bot123456789%%3AAAHk-secretpart-XYZ_0123456789abcdef/x")
    log.warning(f"the key alone: {TOKEN.split(':')[1]}")
    try:
        raise ConnectionError(f"cannot reach https://api.telegram.org/bot{TOKEN}/getUpdates")
    except ConnectionError:
        log.exception("polling failed")
    text = captured.getvalue()
    assert "secretpart" not in text
    assert "bot123456789:***/getMe" in text
    assert "Traceback" in text and "bot123456789:***/getUpdates" in text


def test_a_librarys_arguments_are_replaced_but_its_line_stays(captured: io.StringIO) -> None:
    params = {"chat_id": 4101, "text": "NIK Anda 3673056303970004, Kartika"}
    logging.getLogger("telegram.ext.ExtBot").debug(
        "Calling Bot API endpoint `%s` with parameters `%s`", "sendMessage", params
    )
    logging.getLogger("telegram.ext.Application").debug("Processing update %s", params)
    logging.getLogger("telegram.ext.ExtBot").debug("Getting updates: %s", [26, 27])
    logging.getLogger("telegram.Bot").error("Received data was %r", params, exc_info=False)
    text = captured.getvalue()
    assert "3673056303970004" not in text and "Kartika" not in text
    assert f"Calling Bot API endpoint `sendMessage` with parameters `{REDACTED}`" in text
    assert f"Processing update {REDACTED}" in text
    assert "Getting updates: [26, 27]" in text


def test_the_projects_own_arguments_pass(captured: io.StringIO) -> None:
    logging.getLogger("bot.services.registration").info("application submitted: %s", "SRG-1")
    assert "application submitted: SRG-1" in captured.getvalue()


def test_statement_level_chatter_is_not_logged_at_debug(captured: io.StringIO) -> None:
    logging.getLogger("aiosqlite").debug("executing %s", "INSERT ... ('3673056303970004',)")
    logging.getLogger("httpx").info("HTTP Request: POST https://x/bot%s/sendMessage", TOKEN)
    logging.getLogger("aiosqlite").warning("iterdump completed unexpectedly")
    text = captured.getvalue()
    assert "executing" not in text and "HTTP Request" not in text
    assert "iterdump completed unexpectedly" in text


def test_a_record_is_rewritten_once_for_every_handler() -> None:
    redactor = Redactor([TOKEN])
    record = logging.LogRecord("httpx", logging.ERROR, __file__, 1, "to %s", (TOKEN,), None)
    assert redactor.filter(record) and redactor.filter(record)
    assert record.getMessage() == f"to {REDACTED}"


@pytest.fixture
def captured_json() -> Iterator[io.StringIO]:
    """The same set-up with LOG_FORMAT=json."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    configure("DEBUG", secrets=[TOKEN], fmt="json")
    stream = io.StringIO()
    handler = root.handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(stream)
    yield stream
    root.handlers[:], root.level = saved
    for name in ("aiosqlite", "hpack", "httpcore", "httpx", "apscheduler"):
        logging.getLogger(name).setLevel(logging.NOTSET)


def test_json_lines_hold_the_redacted_record(captured_json: io.StringIO) -> None:
    logging.getLogger("bot.test").info("calling https://api.telegram.org/bot%s/getMe", TOKEN)
    params = {"chat_id": 4101, "text": "NIK Anda 3673056303970004, Kartika\n0857-1122-3344"}
    logging.getLogger("telegram.ext.ExtBot").debug("Calling `%s` with `%s`", "sendMessage", params)
    try:
        raise ConnectionError(f"cannot reach https://api.telegram.org/bot{TOKEN}/getUpdates")
    except ConnectionError:
        logging.getLogger("telegram.ext.Updater").exception("failed on %s", params)
    lines = captured_json.getvalue().splitlines()
    assert len(lines) == 3  # one object per record, the traceback's lines inside its own
    first, second, third = (json.loads(line) for line in lines)
    assert first["level"] == "INFO" and first["logger"] == "bot.test"
    assert first["message"] == "calling https://api.telegram.org/bot123456789:***/getMe"
    assert datetime.fromisoformat(first["time"]).utcoffset() == timedelta(0)
    assert "exc_type" not in first and "traceback" not in first
    assert second["level"] == "DEBUG"
    assert second["message"] == f"Calling `sendMessage` with `{REDACTED}`"
    assert third["level"] == "ERROR" and third["exc_type"] == "ConnectionError"
    assert third["traceback"].startswith("Traceback")
    assert "bot123456789:***/getUpdates" in third["traceback"]
    everything = captured_json.getvalue()
    for secret in ("secretpart", "3673056303970004", "Kartika", "0857-1122"):
        assert secret not in everything
