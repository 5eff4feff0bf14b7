"""`python -m bot run` as a real process: settings errors, answering, and a clean SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from bot.simulator import BotApiSimulator
from bot.storage import applicants as repo
from bot.storage.db import Database
from tests.e2e.residents import last, say, tap
from tests.helpers.process import ROOT, bot_env


async def configuration_error(tmp_path: Path, **settings: str) -> list[str]:
    """Start `python -m bot run` with ``settings``; it must refuse with exit code 2."""
    env = {**os.environ, "BOT_TOKEN": "1:x", "DATABASE_PATH": "x.db", **settings}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _out, err = await process.communicate()
    assert process.returncode == 2
    return err.decode().strip().splitlines()


async def test_bad_setting_stops_start_up_with_one_line(tmp_path: Path) -> None:
    assert await configuration_error(tmp_path, TIMEZONE="Mars/Base") == [
        "Configuration error: TIMEZONE: 'Mars/Base' is not an IANA time zone"
    ]


async def test_bad_rules_file_stops_start_up_with_one_line(tmp_path: Path) -> None:
    (tmp_path / "rules.toml").write_text("min_age = 19\nmax_age = 18\n", encoding="utf-8")
    assert await configuration_error(tmp_path, RULES_FILE="rules.toml") == [
        "Configuration error: RULES_FILE: rules.toml: max_age is below min_age"
    ]


async def test_sigterm_stops_cleanly_and_nothing_is_lost(
    sim: BotApiSimulator, tmp_path: Path
) -> None:
    db_path = tmp_path / "process.sqlite3"
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=ROOT, env=bot_env(sim, db_path),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        user = sim.user(4001)
        await user.send("/start")
        await user.next_message(timeout=30)  # the process has started and answers
        await last(user)
        await tap(user, "Setuju")
        await say(user, "Ahmad Fauzi")
    finally:
        process.send_signal(signal.SIGTERM)
        _out, err = await asyncio.wait_for(process.communicate(), timeout=30)
    log = err.decode()
    assert process.returncode == 0, log
    assert "bot stopped" in log
    assert "Ahmad" not in log and "Traceback" not in log

    db = await Database.open(db_path)
    stored = await repo.get(db, 4001)
    await db.close()
    assert stored is not None and stored.answers["name"] == "Ahmad Fauzi"
