"""The lock a running bot holds on its database: `python -m bot restore` must not replace the
file under a bot that has it open (the bot would go on writing into the replaced file).

An exclusive flock on a file beside the database ("bot.sqlite3.lock"): the kernel drops it when
the process ends, however it ends, so a crash never leaves a stale lock behind."""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path


class DatabaseInUse(Exception):
    """Another process (a running bot, a restore) holds the database's lock."""


def lock_path(database: Path) -> Path:
    return database.with_name(database.name + ".lock")


@contextlib.contextmanager
def hold(database: Path) -> Iterator[None]:
    """Hold the database's lock until the block ends; DatabaseInUse when someone else has it."""
    path = lock_path(database)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise DatabaseInUse(f"{database}: a bot or a restore is using it") from None
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
