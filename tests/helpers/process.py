"""The bot as a real process (`python -m bot`)."""

from __future__ import annotations

import os
from pathlib import Path

from bot.simulator import BotApiSimulator

ROOT = Path(__file__).resolve().parents[2]


def bot_env(sim: BotApiSimulator, db_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.endswith("_PROXY")}
    env.update(
        BOT_TOKEN="123456:PROCESS-TEST",
        TELEGRAM_API_BASE_URL=sim.base_url,
        DATABASE_PATH=str(db_path),
        LOG_LEVEL="INFO",
        **extra,
    )
    return env
