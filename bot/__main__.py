"""`python -m bot`: run the bot (the local demo when BOT_TOKEN is not set)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from bot.config import SettingsError, load_settings
from bot.runner import BotRunner


def configure_logging(level: str) -> None:
    logging.basicConfig(
        level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    # httpx logs every request URL at INFO, and Bot API URLs carry the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="run the bot with long polling (default)")
    args = parser.parse_args(argv)

    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level)

    if args.command in (None, "run"):
        if settings.bot_token is None:
            print(
                "BOT_TOKEN is not set. Get a token from @BotFather and put it in .env"
                " (see .env.example), or export BOT_TOKEN=123456:ABC...",
                file=sys.stderr,
            )
            return 2
        asyncio.run(BotRunner(settings).run_until_signal())
        return 0
    parser.print_help()
    return 2


if __name__ == "__main__":
    sys.exit(main())
