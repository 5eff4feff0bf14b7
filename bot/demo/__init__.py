"""The local demo: the real bot, its handlers and its SQLite, against the in-process Telegram
simulator, with a chat in this terminal. No token and no network needed.

    python -m bot                     (when BOT_TOKEN is not set)
    python -m bot demo --reset --seed 500 --reminder-offsets 30s,10s
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import TextIO

from bot.config import SUPPORTED_LOCALES, Settings, SettingsError, parse_offsets
from bot.demo.chat import (
    ACCOUNTS,
    DEFAULT_DATABASE,
    RESIDENT_ID,
    STAFF_ID,
    DemoChat,
    DemoOptions,
    run_session,
)
from bot.demo.render import wants_colour
from bot.demo.terminal import lines_from

__all__ = [
    "RESIDENT_ID",
    "STAFF_ID",
    "DemoChat",
    "DemoOptions",
    "add_arguments",
    "log_file",
    "main",
    "options_from",
    "run_demo",
]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--database", type=Path, default=DEFAULT_DATABASE, metavar="PATH",
                        help=f"the demo's own SQLite file (default: {DEFAULT_DATABASE})")
    parser.add_argument("--reset", action="store_true", help="start from an empty database")
    parser.add_argument("--seed", type=int, default=0, metavar="N",
                        help="add N synthetic applicants (when the database has none yet)")
    parser.add_argument("--random-seed", type=int, default=1, metavar="S")
    parser.add_argument("--reminder-offsets", default=None, metavar="LIST",
                        help="reminder offsets before an event, e.g. 30s,10s to see one soon")
    parser.add_argument("--lang", choices=SUPPORTED_LOCALES, default=None,
                        help="language of the demo and of its two accounts (default: id)")
    parser.add_argument("--as", dest="account", choices=ACCOUNTS, default=ACCOUNTS[0],
                        help="the account typing first: warga (resident) or staf (staff, an "
                             "admin); :warga and :staf switch later")  # fmt: skip
    parser.add_argument("--no-flood-limit", action="store_true",
                        help="switch off the simulated Telegram rate limits")  # fmt: skip


def options_from(settings: Settings, args: argparse.Namespace) -> DemoOptions:
    offsets = None
    if args.reminder_offsets:
        offsets = parse_offsets("--reminder-offsets", args.reminder_offsets)
    if args.seed < 0:
        raise SettingsError("--seed: must be 0 or more")
    return DemoOptions(
        database=args.database,
        reset=args.reset,
        seed=args.seed,
        random_seed=args.random_seed,
        reminder_offsets=offsets,
        locale=args.lang or settings.default_locale,
        flood_limit=not args.no_flood_limit,
        account=args.account,
    )


async def run_demo(
    settings: Settings, options: DemoOptions, stdin: TextIO, stdout: TextIO, *, colour: bool
) -> None:
    chat = DemoChat(settings, options, stdout, colour=colour)
    interactive = bool(getattr(stdin, "isatty", None) and stdin.isatty())
    await run_session(chat, lines_from(stdin), echo=not interactive)


def main(settings: Settings, args: argparse.Namespace) -> int:
    """`python -m bot demo`: run the demo in this terminal until `:keluar` or Ctrl-C/Ctrl-D."""
    try:
        options = options_from(settings, args)
    except SettingsError as exc:
        print(f"demo: {exc}", file=sys.stderr)
        return 2
    try:
        asyncio.run(run_demo(settings, options, sys.stdin, sys.stdout,
                             colour=wants_colour(sys.stdout)))  # fmt: skip
    except KeyboardInterrupt:
        print()
    return 0


def log_file(args: argparse.Namespace) -> Path:
    """The terminal is the chat, so the bot's log goes next to the demo database."""
    return Path(args.database).parent / "demo.log"
