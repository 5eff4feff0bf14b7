"""4. Staff at scale: /statistik, /ekspor (CSV and XLSX) and /cari over 10,000 applicants.

The database gets 10,000 synthetic applicants from the seed command; the bot runs in its
own process; an admin sends each command several times. The time is what the admin waits:
from sending the command to the bot's last message for it arriving at the simulator
(exports include building the file and uploading it).
"""

from __future__ import annotations

import re
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bot.seed import seed
from bot.simulator import BotApiSimulator, SentMessage, SimUser
from bot.storage.db import Database
from scripts.bench.harness import BotProcess
from scripts.bench.report import Result

NAME = "4 staff"
ADMIN_ID = 900_001


class Timer:
    """Arrival times of the bot's messages in one chat, to time a command to its last reply."""

    def __init__(self, sim: BotApiSimulator, chat_id: int) -> None:
        self.chat_id = chat_id
        self.arrivals: list[tuple[float, SentMessage]] = []
        sim.on_bot_message(self._on_message)

    def _on_message(self, chat_id: int, message: SentMessage, is_edit: bool) -> None:
        if chat_id == self.chat_id:
            self.arrivals.append((time.monotonic(), message))

    async def command(
        self, user: SimUser, text: str, quiet: float = 0.4
    ) -> tuple[float, list[SentMessage]]:
        start = len(self.arrivals)
        sent = time.monotonic()
        await user.send(text)
        await user.next_message(timeout=120)
        await user.wait_idle(quiet=quiet, timeout=120)
        replies = self.arrivals[start:]
        return replies[-1][0] - sent, [m for _t, m in replies]


async def run(applicants: int = 10_000, repeat: int = 5, charts: bool = True) -> Result:
    result = Result(NAME)
    with tempfile.TemporaryDirectory(prefix="bench-staff-") as tmp:
        path = Path(tmp) / "staff.sqlite3"
        db = await Database.open(path)
        try:
            report = await seed(db, applicants, random_seed=1)
            sample = await db.fetchall(
                "SELECT reg_no, nik FROM applicants WHERE status = 'submitted'"
                " ORDER BY user_id LIMIT ?", (repeat,),
            )  # fmt: skip
            submitted = int(await db.fetchval(
                "SELECT COUNT(*) FROM applicants WHERE status = 'submitted'"))  # fmt: skip
        finally:
            await db.close()
        async with BotApiSimulator(flood_limit=False) as sim:
            bot = BotProcess(sim, database=path, admins=[ADMIN_ID], rate_limiter=True)
            await bot.start()
            try:
                admin = sim.user(ADMIN_ID, first_name="Admin")
                timer = Timer(sim, ADMIN_ID)
                await timer.command(admin, "/start")  # the staff menu, once
                times: dict[str, list[float]] = {}
                details: dict[str, Any] = {}

                async def measure(label: str, text: str) -> list[SentMessage]:
                    took, replies = await timer.command(admin, text)
                    times.setdefault(label, []).append(took)
                    return replies

                for _ in range(repeat):
                    replies = await measure("/statistik", "/statistik")
                details["statistik_messages"] = len(replies)
                for fmt in ("csv", "xlsx"):
                    for _ in range(max(2, repeat // 2)):
                        replies = await measure(f"/ekspor {fmt}", f"/ekspor {fmt}")
                    document = next((m.document for m in replies if m.document), None)
                    details[f"{fmt}_bytes"] = len(document.data) if document else 0
                    caption = document.caption if document else ""
                    found = re.search(r"(\d[\d.,]*)", caption or "")
                    details[f"{fmt}_rows"] = (int(re.sub(r"\D", "", found.group(1)))
                                              if found else None)  # fmt: skip
                for row in sample:
                    await measure("/cari by registration no.", f"/cari {row['reg_no']}")
                    await measure("/cari by NIK", f"/cari {row['nik']}")
                for name in ("Siti", "Hidayat", "Rizky", "Putri", "Agus")[:repeat]:
                    await measure("/cari by name (list)", f"/cari {name}")
                if charts:
                    await measure("/statistik grafik", "/statistik grafik")
            finally:
                await bot.stop()

    def add(label: str, target: float | None, unit_target: str) -> None:
        values = times.get(label, [])
        if not values:
            result.add(f"{label} median / max", None, "ms", unit_target)
            return
        median, worst = statistics.median(values), max(values)
        ok = median < target if target is not None else None
        shown = f"{median * 1000:.0f} / {worst * 1000:.0f}"
        result.add(f"{label} median / max", shown, "ms", unit_target, ok)

    result.add("applicants / submitted", f"{applicants:,} / {submitted:,}")
    add("/statistik", 0.2, "< 200 ms")
    add("/ekspor csv", 3.0, "< 3 s")
    add("/ekspor xlsx", 3.0, "< 3 s")
    add("/cari by registration no.", 0.05, "< 50 ms")
    add("/cari by NIK", 0.05, "< 50 ms")
    add("/cari by name (list)", 0.05, "< 50 ms")
    if charts:
        add("/statistik grafik", None, "")
    for fmt in ("csv", "xlsx"):
        rows = details.get(f"{fmt}_rows")
        size = details[f"{fmt}_bytes"] / 1024
        result.add(f"{fmt.upper()} rows / size", f"{rows} / {size:.0f} KB", "",
                   f"{submitted:,} rows", rows == submitted)  # fmt: skip
    result.notes.append(
        "times are what the admin waits: command sent -> last reply at the simulator (the "
        "export includes building the file and uploading it over HTTP)"
    )
    result.data = {"times": times, "details": details, "seed_seconds": report.seconds}
    return result
