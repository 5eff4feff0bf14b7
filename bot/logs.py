"""Logging set-up: one handler, and no secret or personal data in any record, at any level.

The project's own loggers (bot.*, handlers.*) never log a NIK, phone number, name or message
text; the libraries underneath do at DEBUG (PTB logs every Bot API call with its parameters and
every update, aiosqlite every statement with its parameters) and even at ERROR (PTB logs the
raw update it could not parse). So a filter on the handler:
- keeps the message template of a library's record but replaces its arguments (numbers stay),
  since an argument is where a library puts the data it handled;
- masks the bot token (and any other secret given) in the final text, the traceback included:
  Bot API URLs carry the token, and a network error repeats its URL;
and the per-statement and per-frame chatter of aiosqlite, hpack, httpcore and httpx is not
logged below WARNING at all (httpx logs every URL at INFO).

LOG_FORMAT=json writes each record as one JSON object per line (JsonFormatter) for a log
collector; the formatter only lays out what the filter already rewrote, so both formats hold
the same clean text.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

# Loggers whose arguments pass as they are: the project's own, held to its rule.
OWN = ("bot", "handlers", "scripts", "__main__")
# Below WARNING these only repeat, per statement or per frame, the data they carry.
QUIET = ("aiosqlite", "hpack", "httpcore", "httpx", "apscheduler")
REDACTED = "‹…›"
_DONE = "serang_redacted"  # a record already rewritten (it may pass a second handler)
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def is_own(name: str) -> bool:
    return any(name == own or name.startswith(own + ".") for own in OWN)


def _is_bot_api_method(text: str) -> bool:
    from telegram import Bot

    return text.isascii() and text.isalpha() and text[:1].islower() and hasattr(Bot, text)


def _keep(arg: object) -> object:
    """A library's argument if it is surely not data it handled, else the placeholder."""
    # Counts, update ids, seconds, class names, "sendMessage": what a line is about.
    if arg is None or isinstance(arg, bool | int | float | type):
        return arg
    if isinstance(arg, str) and _is_bot_api_method(arg):
        return arg
    if isinstance(arg, list | tuple) and all(isinstance(a, int) for a in arg):
        return arg
    return REDACTED


def _masks(secrets: Iterable[str]) -> list[tuple[str, str]]:
    pairs: dict[str, str] = {}
    for secret in secrets:
        if not secret:
            continue
        # "123456:ABC…" → "123456:***": the bot's id is public, the rest is the key.
        bot_id, sep, key = secret.partition(":")
        shown = f"{bot_id}:***" if sep and key else "***"
        for form in (secret, quote(secret, safe="")):
            pairs[form] = shown
        if sep and len(key) >= 8:
            pairs[key] = "***"  # the key alone, wherever it was split from the id
    # Longest first, so the whole token is replaced before its key part.
    return sorted(pairs.items(), key=lambda pair: -len(pair[0]))


class Redactor(logging.Filter):
    """Rewrites each record in place, before any formatter sees it: every handler of the
    process then writes the same clean text."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.masks = _masks(secrets)
        self._formatter = logging.Formatter()

    def mask(self, text: str) -> str:
        for secret, shown in self.masks:
            text = text.replace(secret, shown)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, _DONE, False):
            return True
        if record.args and not is_own(record.name):
            if isinstance(record.args, Mapping) and "%(" in str(record.msg):
                record.args = {k: _keep(v) for k, v in record.args.items()}
            elif isinstance(record.args, Mapping):  # one dict for one %s: logging unwraps it
                record.args = (REDACTED,)
            else:
                record.args = tuple(_keep(a) for a in record.args)
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a template that does not fit its arguments
            message = f"{record.msg} {REDACTED}"
        record.msg, record.args = self.mask(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.mask(record.exc_text)
        if record.stack_info:
            record.stack_info = self.mask(record.stack_info)
        setattr(record, _DONE, True)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (ISO 8601, UTC), level, logger, message, and exc_type
    and traceback when the record carries an exception. Meant to sit behind Redactor: the
    message and traceback it writes are the ones the filter already rewrote and masked."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and record.exc_info[0] is not None:
            entry["exc_type"] = record.exc_info[0].__name__
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["traceback"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        # json.dumps escapes every newline: a record stays one line, a traceback included.
        return json.dumps(entry, ensure_ascii=False)


FORMATS = ("text", "json")


def configure(
    level: str,
    *,
    secrets: Iterable[str] = (),
    file: Path | None = None,
    fmt: str = "text",
) -> Redactor:
    """The process's logging: one handler (stderr, or file), every record through Redactor,
    laid out as text lines or (fmt="json") JSON lines."""
    handler: logging.Handler
    if file is not None:
        file.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(file, encoding="utf-8")
    else:
        handler = logging.StreamHandler(sys.stderr)
    redactor = Redactor(secrets)
    handler.addFilter(redactor)
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(FORMAT))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    quiet_level = max(logging.WARNING, logging.getLogger().getEffectiveLevel())
    for name in QUIET:
        logging.getLogger(name).setLevel(quiet_level)
    return redactor
