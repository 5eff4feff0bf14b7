"""The bot as a real process (`python -m bot`), for tests that hold a simulator."""

from __future__ import annotations

from pathlib import Path

from bot.simulator import BotApiSimulator
from tests.e2e import processes
from tests.e2e.processes import ROOT

__all__ = ["ROOT", "bot_env"]


def bot_env(sim: BotApiSimulator, db_path: Path, **extra: str) -> dict[str, str]:
    """The environment of a bot process talking to ``sim`` (tests/e2e/processes.py)."""
    return processes.bot_env(sim.base_url, db_path, **extra)
