"""`python -m bot` as a real process, for tests of how it starts and how it ends."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BOT = (sys.executable, "-m", "bot", "run")


def bot_env(base_url: str, db_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.endswith("_PROXY")}
    env.update(
        BOT_TOKEN="123456:PROCESS-TEST",
        TELEGRAM_API_BASE_URL=base_url,
        DATABASE_PATH=str(db_path),
        LOG_LEVEL="INFO",
        HTTP_PORT="0",
    )
    env.update(extra)
    return env


async def run_to_exit(
    command: tuple[str, ...], env: dict[str, str], *, give_up_after: float = 60
) -> tuple[int | None, str]:
    """(return code, stderr); None when the process was still running after give_up_after seconds
    (then it is killed: a process that hangs is the failure being looked for)."""
    process = await asyncio.create_subprocess_exec(
        *command, cwd=ROOT, env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert process.stderr is not None
    try:
        err = await asyncio.wait_for(process.stderr.read(), timeout=give_up_after)
        code = await asyncio.wait_for(process.wait(), timeout=give_up_after)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        await process.wait()
        return None, ""
    return code, err.decode()


def can_mount() -> bool:
    """Mounts in a private namespace (root, CAP_SYS_ADMIN, util-linux `unshare`): a read-only
    or a full file system for one process, gone when it exits."""
    if shutil.which("unshare") is None or os.geteuid() != 0:
        return False
    probe = subprocess.run(
        ["unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=4k tmpfs /mnt"],
        capture_output=True, check=False,
    )  # fmt: skip
    return probe.returncode == 0


def in_mount_namespace(shell: str, command: tuple[str, ...]) -> tuple[str, ...]:
    """command run after the shell lines (mounts), in a mount namespace of its own."""
    return ("unshare", "-m", "sh", "-c", f'{shell} && exec "$@"', "sh", *command)


class RunningBot:
    """`python -m bot run` in the background; its stderr is read as it comes (a full pipe
    would block the bot at DEBUG)."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self._err = bytearray()
        self._started = asyncio.Event()
        self._reader = asyncio.create_task(self._read())

    @classmethod
    async def start(cls, env: dict[str, str]) -> RunningBot:
        process = await asyncio.create_subprocess_exec(
            *BOT, cwd=ROOT, env=env,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        return cls(process)

    async def _read(self) -> None:
        assert self.process.stderr is not None
        while chunk := await self.process.stderr.read(65536):
            self._err += chunk
            if b"bot started" in self._err:
                self._started.set()
        self._started.set()  # it ended: nobody should wait for it any longer

    async def started(self) -> None:
        """Until the bot polls (its log says so): a new process on a busy machine takes a
        while to import everything, longer than a resident's wait for an answer."""
        await asyncio.wait_for(self._started.wait(), timeout=180)

    async def stop(self) -> tuple[int, str]:
        """SIGTERM, then (return code, everything it wrote to stderr)."""
        with contextlib.suppress(ProcessLookupError):
            self.process.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(self.process.wait(), timeout=60)
        await asyncio.wait_for(self._reader, timeout=60)
        return code, self._err.decode()
