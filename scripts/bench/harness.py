"""What every benchmark shares: the bot in a child process, the scripted resident, figures.

Design, so the figures are honest:
- The bot runs alone in a child process (`scripts.bench.botproc`), exactly as deployed:
  PTB Application, handlers, SQLite file. Its CPU seconds and RSS are read there
  (`time.process_time()` covers all its threads, aiosqlite's included).
- The simulator (the Telegram side) and the simulated residents run in this process. Their
  CPU is reported too: when it nears one core, the generator, not the bot, is the limit.
- Latency is measured by the resident: from its message or button press to the bot's last
  message or edit for it. The number of messages/edits each step produces is learnt once
  from a calibration resident, so the loop needs no "quiet" pauses that would cap it.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import platform
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.simulator import BotApiSimulator, SimUser

ROOT = Path(__file__).resolve().parents[2]


def machine() -> dict[str, Any]:
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        usable = os.cpu_count() or 1
    import telegram

    return {
        "cores": os.cpu_count(),
        "usable_cores": usable,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "ptb": telegram.__version__,
    }


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100); 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(q / 100 * len(ordered))))
    return ordered[rank - 1]


class BotProcess:
    """The bot (real or echo) as a child process pointed at `sim`."""

    def __init__(
        self,
        sim: BotApiSimulator,
        *,
        kind: str = "real",
        database: Path | None = None,
        rate_limiter: bool = True,
        admins: Sequence[int] = (),
        extra_args: Sequence[str] = (),
        limiter: str | None = None,
    ) -> None:
        self.sim = sim
        # The rate limiter bot/app.py builds, or another one for an experiment (botproc).
        self.limiter = limiter or os.environ.get("BENCH_LIMITER", "as-built")
        self.kind = kind
        self.database = database
        self.rate_limiter = rate_limiter
        self.admins = admins
        self.extra_args = list(extra_args)
        self.proc: asyncio.subprocess.Process | None = None
        self.ready: dict[str, Any] = {}
        self._log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - lives as long as the process
            prefix=f"bench-{kind}-", suffix=".log", delete=False
        )

    async def start(self, timeout: float = 120.0) -> dict[str, Any]:  # noqa: ASYNC109
        args = [
            sys.executable, "-m", "scripts.bench.botproc", "--kind", self.kind,
            "--base-url", self.sim.base_url, "--file-url", self.sim.base_file_url,
        ]  # fmt: skip
        if self.database is not None:
            args += ["--database", str(self.database)]
        if not self.rate_limiter:
            args.append("--no-rate-limiter")
        for admin in self.admins:
            args += ["--admin", str(admin)]
        if self.kind == "real":
            args += ["--limiter", self.limiter]
        args += self.extra_args
        spy = os.environ.get("BENCH_PYSPY")
        if spy:
            # Profiling only: py-spy (installed by hand, not a dependency) samples the bot
            # process, all threads, and writes collapsed stacks for scripts.bench.flame.
            # --gil: only the thread holding the GIL, so a thread waiting for it (aiosqlite's)
            # is not counted as busy.
            args = ["py-spy", "record", "--format", "raw", "--rate", "250", "--threads",
                    "--gil", "--nonblocking", "-o", f"{spy}.{self.kind}.raw", "--",
                    *args]  # fmt: skip
            args[0] = str(Path(sys.executable).with_name("py-spy"))
        self.proc = await asyncio.create_subprocess_exec(
            *args,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=self._log,
            cwd=ROOT,
        )
        self.ready = await self._expect("READY", timeout)
        return self.ready

    async def _expect(self, tag: str, timeout: float) -> dict[str, Any]:  # noqa: ASYNC109
        assert self.proc is not None and self.proc.stdout is not None
        try:
            while True:
                raw = await asyncio.wait_for(self.proc.stdout.readline(), timeout)
                if not raw:
                    raise RuntimeError(f"bot process ended early:\n{self.log_tail()}")
                line = raw.decode().strip()
                if line.startswith(tag + " "):
                    payload: dict[str, Any] = json.loads(line[len(tag) + 1 :])
                    return payload
        except TimeoutError:
            raise RuntimeError(f"no {tag} from the bot process:\n{self.log_tail()}") from None

    async def stats(self) -> dict[str, Any]:
        assert self.proc is not None and self.proc.stdin is not None
        self.proc.stdin.write(b"stats\n")
        await self.proc.stdin.drain()
        return await self._expect("STATS", 30)

    async def stop(self) -> dict[str, Any]:
        if self.proc is None:
            return {}
        proc, self.proc = self.proc, None
        assert proc.stdin is not None
        final: dict[str, Any] = {}
        try:
            proc.stdin.write(b"quit\n")
            await proc.stdin.drain()
            self.proc = proc
            final = await self._expect("BYE", 60)
        except (RuntimeError, ConnectionError):
            pass
        finally:
            self.proc = None
        try:
            await asyncio.wait_for(proc.wait(), 30)
        except TimeoutError:
            proc.kill()
            await proc.wait()
        kept = self._close_log()
        if kept:
            final["log"] = kept
        return final

    def _close_log(self) -> str | None:
        """Remove the log when nothing was logged; else its path (errors worth reading)."""
        self._log.close()
        path = Path(self._log.name)
        if path.stat().st_size == 0:
            path.unlink()
            return None
        return str(path)

    def log_tail(self, lines: int = 30) -> str:
        self._log.flush()
        text = Path(self._log.name).read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])


@dataclass
class Meter:
    """CPU of this process (simulator + generator) and of the bot process over a phase."""

    bot: BotProcess
    began_wall: float = 0.0
    began_cpu: float = 0.0
    bot_began: dict[str, Any] = field(default_factory=dict)

    async def __aenter__(self) -> Meter:
        self.bot_began = await self.bot.stats()
        self.began_wall = time.monotonic()
        self.began_cpu = time.process_time()
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.wall = time.monotonic() - self.began_wall
        self.generator_cpu = time.process_time() - self.began_cpu
        ended = await self.bot.stats()
        self.bot_cpu = ended["cpu"] - self.bot_began["cpu"]
        self.bot_rss_kb = ended.get("rss_kb")


# --- the scripted resident --------------------------------------------------------------

Action = tuple[str, str]  # ("send", text) or ("tap", label)


def interview_script(nik: str) -> list[Action]:
    """A whole registration as taps and texts (an eligible Kota Serang resident), then
    /status. The labels are the Indonesian button texts."""
    return [
        ("send", "/start"), ("tap", "Setuju"), ("send", "Siti Aminah"), ("send", nik),
        ("tap", "✅"), ("tap", "✅"), ("tap", "Kota Serang"), ("tap", "Cipocok Jaya"),
        ("tap", "Karundang"), ("tap", "SMK/MAK"), ("tap", "Belum kawin"), ("tap", "Ya, bisa"),
        ("tap", "Ya, sehat"), ("tap", "Ya, bersedia"), ("send", "0812-3456-7890"),
        ("tap", "Sudah"), ("tap", "Sudah"), ("tap", "Belum pernah"), ("tap", "Inggris"),
        ("tap", "Selesai"), ("tap", "Pengelasan (las)"),
        ("tap", "Listrik"), ("tap", "Selesai"), ("tap", "Jepang"), ("tap", "Korea Selatan"),
        ("tap", "Selesai"), ("tap", "Kirim pendaftaran"), ("send", "/status"),
    ]  # fmt: skip


CALIBRATION_NIK = "3673065512989999"  # nik_for() reaches it only after 59,993 residents


def nik_for(index: int) -> str:
    """A distinct valid NIK per resident: a woman born 15-12-1998 in one of the six Kota
    Serang kecamatan (the NIK must be unique: one application per NIK)."""
    kecamatan, serial = divmod(index, 9999)
    return f"36730{kecamatan % 6 + 1}551298{serial + 1:04d}"


async def act(user: SimUser, action: Action) -> None:
    kind, value = action
    if kind == "send":
        await user.send(value)
    else:
        await user.tap(value)


_calibrated: dict[tuple[Action, ...], list[int]] = {}


async def calibrate(script: Sequence[Action] | None = None) -> list[int]:
    """How many messages/edits the real bot produces for each step of the script.

    Learnt from the same bot code run in this process against its own simulator, where
    "the bot has finished with an update" is known exactly (its update processor is idle)
    instead of guessed from a quiet period."""
    from telegram import Update
    from telegram.ext import TypeHandler

    from bot.config import Settings
    from bot.runner import BotRunner

    script = list(script or interview_script(CALIBRATION_NIK))
    key = tuple(script)
    if key in _calibrated:  # the same code gives the same counts: learn them once
        return list(_calibrated[key])
    started = 0

    async def count(update: Update, context: Any) -> None:
        nonlocal started
        started += 1

    with tempfile.TemporaryDirectory(prefix="bench-calibrate-") as tmp:
        async with BotApiSimulator(flood_limit=False) as sim:
            settings = Settings(bot_token="7000000001:calibrate",
                                database_path=Path(tmp) / "calibrate.sqlite3",
                                http_port=0)  # fmt: skip
            runner = BotRunner(settings, base_url=sim.base_url, base_file_url=sim.base_file_url,
                               rate_limiter=False, poll_timeout=1)  # fmt: skip
            app = await runner.start()
            app.add_handler(TypeHandler(Update, count), group=-100)
            try:
                user = sim.user(1_999_999, first_name="Kalibrasi")
                counts = []
                for step, action in enumerate(script, 1):
                    before = len(user.chat.events)
                    await act(user, action)
                    deadline = time.monotonic() + 60
                    while started < step or app.update_processor.current_concurrent_updates:
                        if time.monotonic() > deadline:
                            raise RuntimeError(f"calibration: no end to step {action}")
                        await asyncio.sleep(0.002)
                    counts.append(len(user.chat.events) - before)
            finally:
                await runner.stop()
    _calibrated[key] = counts
    return counts


@dataclass
class Timed:
    waits: list[float] = field(default_factory=list)  # per step: action -> full reply
    finished_at: float = 0.0
    failed: str | None = None


async def run_script(
    user: SimUser,
    script: Sequence[Action],
    counts: Sequence[int],
    *,
    think: tuple[float, float] | None = None,
    rng: Any = None,
    timeout: float = 60.0,  # noqa: ASYNC109 - per reply, not a cancel scope
) -> Timed:
    """Play the script; after each step wait for exactly the messages it produces."""
    timed = Timed()
    for action, expected in zip(script, counts, strict=True):
        if think is not None and rng is not None:
            await asyncio.sleep(rng.uniform(*think))
        sent = time.monotonic()
        try:
            await act(user, action)
            for _ in range(expected):
                await user.next_message(timeout=timeout)
        except AssertionError as exc:
            timed.failed = f"{action}: {str(exc).splitlines()[0]}"
            break
        timed.waits.append(time.monotonic() - sent)
    timed.finished_at = time.monotonic()
    return timed


async def echo_loop(user: SimUser, rounds: int, timeout: float = 60.0) -> Timed:  # noqa: ASYNC109
    timed = Timed()
    for i in range(rounds):
        sent = time.monotonic()
        try:
            await user.send(f"halo {i}")
            await user.next_message(timeout=timeout)
        except AssertionError as exc:
            timed.failed = str(exc).splitlines()[0]
            break
        timed.waits.append(time.monotonic() - sent)
    timed.finished_at = time.monotonic()
    return timed


async def mirror_loop(
    user: SimUser, kinds: Sequence[str], timeout: float = 60.0  # noqa: ASYNC109
) -> Timed:
    """The real script's shape (texts and taps) against the mirror bot: one reply each."""
    timed = Timed()
    for i, kind in enumerate(kinds):
        sent = time.monotonic()
        try:
            if kind == "send" or not user.messages:
                await user.send(f"teks {i}")
            else:
                await user.tap("OK")
            await user.next_message(timeout=timeout)
        except AssertionError as exc:
            timed.failed = str(exc).splitlines()[0]
            break
        timed.waits.append(time.monotonic() - sent)
    timed.finished_at = time.monotonic()
    return timed


def count_submitted(database: Path) -> int:
    import sqlite3

    with sqlite3.connect(database) as conn:
        row = conn.execute("SELECT COUNT(*) FROM applicants WHERE status = 'submitted'")
        return int(row.fetchone()[0])
