"""`python -m bot backup [--to PATH]` and `python -m bot restore PATH`, for a city's IT staff."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from bot.config import Settings
from bot.services.backup import BackupError, backup_name, backup_now, backup_to, restore
from bot.storage.run_lock import DatabaseInUse


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    backup = sub.add_parser("backup", help="write a checked backup of the database now")
    backup.add_argument(
        "--to",
        type=Path,
        default=None,
        metavar="PATH",
        help="a folder (the backup is named by the time) or a new file; default BACKUP_DIR",
    )
    restore_ = sub.add_parser(
        "restore", help="replace the database with a backup (the bot must be stopped)"
    )
    restore_.add_argument("path", type=Path, metavar="PATH", help="the backup file")


def run(settings: Settings, args: argparse.Namespace) -> int:
    now = datetime.now(UTC)
    try:
        if args.command == "backup":
            if args.to is None:
                path = backup_now(
                    settings.database_path, settings.backup_dir, settings.backup_keep, now
                )
            elif args.to.is_dir():
                path = backup_to(settings.database_path, args.to / backup_name(now))
            elif args.to.exists():
                print(f"backup: {args.to} exists; give a new file or a folder", file=sys.stderr)
                return 2
            else:
                path = backup_to(settings.database_path, args.to)
            print(f"backup written: {path}")
            return 0
        contents, kept = restore(args.path, settings.database_path, now)
    except DatabaseInUse:
        print(
            f"restore: a bot is running on {settings.database_path}; stop it first",
            file=sys.stderr,
        )
        return 1
    except BackupError as exc:
        print(f"{args.command}: {exc}", file=sys.stderr)
        return 1
    print(f"restored {args.path} into {settings.database_path}: {contents.line()}")
    if kept is not None:
        print(f"the replaced database is kept as {kept}")
    return 0
