"""11. Graph API calls per WhatsApp registration (issue 12).

One resident registers on WhatsApp from the first "daftar" to the confirmation, as
tests/helpers/wa_residents.register does it (every question answered with a tap, the number
WhatsApp knows taken with "Pakai nomor ini"), against the running bot (its own process
here, its own SQLite file) and the WhatsApp simulator. Counted at the simulator: the
Graph API calls the bot made (messages accepted, refused and read marks), the messages the
resident received, and the messages the resident sent (webhook deliveries). Telegram's
figure for the same registration (benchmark 1's transcript) is the comparison: WhatsApp
cannot edit a message, so every answer is a new message there.

``registration()`` also gives the simulator's transcript: `python -m scripts.wa_transcript`
writes it to docs/whatsapp-transcript.md.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bot.channels.whatsapp.webhook import WEBHOOK_PATH
from bot.clock import FixedClock
from bot.config import Settings
from bot.runner import BotRunner
from bot.simulator import BotApiSimulator
from bot.simulator_whatsapp import WhatsAppSimulator
from scripts.bench.report import Result
from tests.conftest import NOW
from tests.helpers.wa_residents import register
from tests.helpers.whatsapp import bot_settings

NAME = "11 whatsapp registration"


@dataclass(frozen=True)
class Registration:
    reg_no: str
    calls: int  # Graph API calls the bot made
    received: int  # messages that reached the resident
    interactive: int  # of those, with buttons or a list
    sent: int  # messages the resident sent (webhook deliveries of messages)
    seconds: float
    transcript: str


async def registration() -> Registration:
    """One whole Indonesian registration on WhatsApp against a fresh bot and simulators."""
    async with BotApiSimulator(flood_limit=False) as telegram, WhatsAppSimulator() as wa:
        with tempfile.TemporaryDirectory() as folder:
            settings = Settings(
                bot_token="1:BENCH", database_path=Path(folder) / "bot.sqlite3", http_port=0,
                **bot_settings(wa),
            )  # fmt: skip
            runner = BotRunner(
                settings, clock=FixedClock(NOW), base_url=telegram.base_url,
                base_file_url=telegram.base_file_url, poll_timeout=1,
            )  # fmt: skip
            await runner.start()
            try:
                assert runner.http is not None
                wa.webhook_url = runner.http.base_url + WEBHOOK_PATH
                began = time.monotonic()
                reg_no = await register(wa, runner)
                seconds = time.monotonic() - began
            finally:
                await runner.stop()
        received = [r for user in wa.users.values() for r in user.received]
        refused = sum(n for code, n in wa.errors.items() if code not in _STATUS_ONLY)
        return Registration(
            reg_no=reg_no,
            calls=wa.accepted + refused + len(wa.read_marks),
            received=len(received),
            interactive=sum(bool(r.choices) for r in received),
            sent=sum(len(v.get("messages", [])) for v in wa.delivered),
            seconds=seconds,
            transcript=wa.transcript_text(),
        )


# Codes the simulator reports later in a failed status, not as the answer to a call.
_STATUS_ONLY = frozenset({131047, 131026})


async def run() -> Result:
    result = Result(NAME)
    r = await registration()
    result.add("Graph API calls", r.calls, "calls")
    result.add("messages received", r.received, "msgs")
    result.add("  with buttons or a list", r.interactive, "msgs")
    result.add("messages the resident sent", r.sent, "msgs")
    result.add("calls per message sent", r.calls / r.sent if r.sent else 0.0, "")
    result.add("registration", r.reg_no, "", "SRG-", r.reg_no.startswith("SRG-"))
    result.add("wall time", r.seconds, "s")
    result.data = {"calls": r.calls, "received": r.received, "interactive": r.interactive,
                   "sent": r.sent}  # fmt: skip
    return result
