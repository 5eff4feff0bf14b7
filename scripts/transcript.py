"""`python -m scripts.transcript [--english]`: one complete registration, as the Bot API
simulator records it, with the Bot API calls it took. Used for the README and notes."""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from pathlib import Path

from bot.clock import FixedClock
from bot.config import Settings
from bot.runner import BotRunner
from bot.simulator import BotApiSimulator
from tests.conftest import NOW
from tests.e2e.residents import ENGLISH, answer_interview, register, say, tap


async def main(english: bool) -> None:
    sim = BotApiSimulator(flood_limit=False)
    await sim.start()
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            bot_token="1:DEMO", database_path=Path(folder) / "bot.sqlite3", http_port=0
        )
        runner = BotRunner(
            settings, clock=FixedClock(NOW), base_url=sim.base_url,
            base_file_url=sim.base_file_url, poll_timeout=1,
        )  # fmt: skip
        await runner.start()
        try:
            if english:
                user = sim.user(1001, first_name="John", language_code="en")
                await say(user, "/start kel_curug")
                await tap(user, "I agree")
                await answer_interview(user, ENGLISH)
                await tap(user, "Submit registration")
            else:
                await register(sim, 1001, source="kel_cipocok")
            print(sim.user(1001).transcript())
            print(sim.stats())
        finally:
            await runner.stop()
    await sim.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--english", action="store_true")
    asyncio.run(main(parser.parse_args().english))
