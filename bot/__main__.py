"""`python -m bot`: the bot with BOT_TOKEN set, otherwise the local demo in this terminal.

python -m bot                      run (BOT_TOKEN set) or demo (no token)
python -m bot run                  the real bot, long polling (needs BOT_TOKEN)
python -m bot demo [--reset] [--seed N] [--reminder-offsets 30s,10s]
python -m bot seed --applicants N [--random-seed S] [--database PATH]
python -m bot check                is this server ready? one line per finding, exit 0 if so
python -m bot backup [--to PATH]   a checked backup now (default into BACKUP_DIR)
python -m bot restore PATH         replace the database with a backup (bot stopped)
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import UTC, datetime
from pathlib import Path

from bot.config import Settings, SettingsError, load_settings
from bot.logs import configure
from bot.storage.db import DatabaseOpenError

# bot.runner (and through it PTB, uvicorn and every feature) is imported only by the commands
# that run the bot: `backup`, `restore` and `seed` start in a fifth of the time without it.


def configure_logging(
    level: str, *, file: Path | None = None, settings: Settings | None = None
) -> None:
    """bot/logs.py: nothing secret or personal in any record; the token is masked."""
    secrets: list[str] = []
    if settings is not None:
        # WhatsApp's token and secrets too: an error repeating a request could carry one.
        secrets = [
            s for s in (settings.bot_token, settings.whatsapp_token,
                        settings.whatsapp_app_secret, settings.whatsapp_verify_token) if s
        ]  # fmt: skip
    fmt = settings.log_format if settings is not None else "text"
    configure(level, secrets=secrets, file=file, fmt=fmt)


def _parser(command: str | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="run the bot with long polling (needs BOT_TOKEN)")
    sub.add_parser("check", help="check settings, database and token; change nothing")
    from bot.backup_cli import add_parsers

    add_parsers(sub)

    demo = sub.add_parser("demo", help="chat with the bot in this terminal (no token needed)")
    if command in (None, "demo"):  # its options come from the demo, which imports the bot
        from bot.demo import add_arguments

        add_arguments(demo)

    seed = sub.add_parser("seed", help="write synthetic applicants into a database")
    seed.add_argument("--applicants", type=int, required=True, metavar="N")
    seed.add_argument("--random-seed", type=int, default=1, metavar="S")
    seed.add_argument(
        "--database", type=Path, default=None, help="SQLite file (default: DATABASE_PATH)"
    )
    seed.add_argument(
        "--now",
        type=datetime.fromisoformat,
        default=None,
        metavar="ISO",
        help="pretend it is this time (UTC if no offset), for byte-identical re-runs",
    )
    return parser


async def _seed(settings: Settings, args: argparse.Namespace) -> int:
    from bot.seed import seed
    from bot.storage.db import Database

    now = args.now
    if now is not None and now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    db = await Database.open(args.database or settings.database_path)
    try:
        report = await seed(
            db,
            args.applicants,
            random_seed=args.random_seed,
            now=now,
            tz=settings.timezone,
            rules=settings.rules,
        )
    except ValueError as exc:
        print(f"seed: {exc}", file=sys.stderr)
        return 2
    finally:
        await db.close()
    print(f"{db.path}: " + "\n".join(report.lines()))
    return 0


async def _check(settings: Settings) -> int:
    from bot.check import Level, run_checks

    findings = await run_checks(settings)
    for finding in findings:
        print(finding.line())
    return 1 if any(f.level is Level.PROBLEM for f in findings) else 0


_COMMANDS = ("run", "demo", "seed", "check", "backup", "restore")


def main(argv: list[str] | None = None) -> int:
    try:
        return _main(argv)
    except DatabaseOpenError as exc:
        # One line a supervisor's log shows as it is; the process then ends, to be restarted
        # once someone has fixed the file or the disk.
        print(f"Database error: {exc}", file=sys.stderr)
        return 1


def _main(argv: list[str] | None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        return 2
    wants_help = bool(argv) and argv[0] in ("-h", "--help")
    if not wants_help and (not argv or argv[0] not in _COMMANDS):
        # No command: the bot with a token; without one there is nothing to connect to,
        # so the demo is the useful thing to show (`python -m bot --reset` works too).
        argv = ["run" if settings.bot_token else "demo", *argv]
    args = _parser(argv[0] if argv and argv[0] in _COMMANDS else None).parse_args(argv)
    command = args.command

    if command == "seed":
        configure_logging("WARNING", settings=settings)
        if args.applicants < 0:
            print("seed: --applicants must be 0 or more", file=sys.stderr)
            return 2
        return asyncio.run(_seed(settings, args))

    if command == "check":
        configure_logging("ERROR", settings=settings)
        return asyncio.run(_check(settings))

    if command in ("backup", "restore"):
        from bot.backup_cli import run

        configure_logging("WARNING", settings=settings)
        return run(settings, args)

    if command == "demo":
        from bot.demo import log_file
        from bot.demo import main as demo_main

        configure_logging(settings.log_level, file=log_file(args), settings=settings)
        return demo_main(settings, args)

    configure_logging(settings.log_level, settings=settings)
    if settings.bot_token is None:
        print(
            "BOT_TOKEN is not set. Get a token from @BotFather and put it in .env"
            " (see .env.example), or export BOT_TOKEN=123456:ABC...\n"
            "Without a token, `python -m bot` opens the local demo.",
            file=sys.stderr,
        )
        return 2
    from bot.runner import BotRunner

    asyncio.run(BotRunner(settings).run_until_signal())
    return 0


if __name__ == "__main__":
    sys.exit(main())
