#!/usr/bin/env python3
"""Set-up and everyday commands that need nothing but Python 3.11+.

    python3 dev.py run     the bot (the local demo when BOT_TOKEN is not set)
    python3 dev.py test    ruff, mypy and pytest
    python3 dev.py bench   the benchmark suite
    python3 dev.py lock    re-pin requirements.lock after a change of pyproject.toml

The first call creates .venv and installs the exact versions pinned in
requirements-dev.lock (with their hashes), then the project itself; later calls reinstall
only when pyproject.toml or the lock changed. The ranges in pyproject.toml are for people
who install the package; the locks are what the tests passed with: requirements-dev.lock
here and in CI, requirements.lock (the same pins without the dev tools) on a server.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".installed"
LOCK = ROOT / "requirements-dev.lock"
RUNTIME_LOCK = ROOT / "requirements.lock"
# Much of a test's time is spent waiting for the bot (its replies, a reminder's moment, a
# process starting), so more workers than cores finish sooner; but each worker collects
# every test again (2-3 s of CPU), so not many more: on 2 cores, 6 keep both busy. worksteal
# keeps the long tests from being left to one worker at the end. `python3 dev.py test -n 0`
# runs in one.
PARALLEL = ("-n", "6", "--dist", "worksteal")


def create_venv() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - says so plainly on an older Python
        sys.exit("Python 3.11 or newer is needed (this is {}.{}).".format(*sys.version_info[:2]))
    if not (BIN / "python").exists() and not (BIN / "python.exe").exists():
        print("Creating .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)


def ensure_venv() -> None:
    create_venv()
    inputs = (ROOT / "pyproject.toml", LOCK)
    if STAMP.exists() and all(STAMP.stat().st_mtime >= f.stat().st_mtime for f in inputs):
        return
    print("Installing the project and its tools into .venv ...", flush=True)
    pip = [str(BIN / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    # Hashes make pip refuse anything but the very files that were locked.
    subprocess.run([*pip, "--require-hashes", "-r", str(LOCK)], check=True, cwd=ROOT)
    subprocess.run([*pip, "--no-deps", "-e", "."], check=True, cwd=ROOT)
    STAMP.touch()


def lock() -> int:
    """Pin every dependency and dev tool for Python 3.11+ on any platform, with hashes; then
    the server's lock: the same pins (constrained by the first), without the dev tools."""
    if not (BIN / "uv").exists():
        pip = [str(BIN / "python"), "-m", "pip", "install", "--quiet"]
        subprocess.run([*pip, "uv"], check=True)
    compile_ = [
        str(BIN / "uv"), "pip", "compile", "pyproject.toml", "--universal",
        "--python-version", "3.11", "--generate-hashes", "--no-header", "--quiet",
    ]  # fmt: skip
    code = subprocess.call([*compile_, "--extra", "dev", "-o", LOCK.name], cwd=ROOT)
    if code != 0:
        return code
    return subprocess.call([*compile_, "-c", LOCK.name, "-o", RUNTIME_LOCK.name], cwd=ROOT)


def tool(name: str, *args: str, env: dict[str, str] | None = None) -> int:
    return subprocess.call([str(BIN / name), *args], cwd=ROOT, env=env)


def test_env() -> dict[str, str]:
    """The environment for pytest, which may keep compiled modules: each worker process
    rewrites and compiles every test module it collects (about half of its start-up)
    unless they were kept in __pycache__ (git ignores those) by an earlier run."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def warm_test_cache() -> subprocess.Popen[bytes]:
    """Collect the tests once in the background, while ruff and mypy run on one core, so
    that the workers find the test modules compiled, even in a fresh clone."""
    return subprocess.Popen(
        [str(BIN / "python"), "-m", "pytest", "--collect-only", "-q", "-p", "no:xdist"],
        cwd=ROOT, env=test_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def main(argv: list[str]) -> int:
    command, rest = (argv[0], argv[1:]) if argv else ("help", [])
    if command not in ("run", "test", "bench", "lock"):
        print(__doc__)
        return 0 if command in ("help", "-h", "--help") else 2
    if command == "lock":
        create_venv()
        return lock()
    ensure_venv()
    if command == "run":
        return tool("python", "-m", "bot", *rest)
    if command == "bench":
        return tool("python", "-m", "scripts.bench", *rest)
    warming = warm_test_cache()
    try:
        for step in (("ruff", "check", "bot", "handlers", "tests", "scripts", "dev.py"), ("mypy",)):
            print("$", " ".join(step), flush=True)
            code = tool(*step)
            if code != 0:
                return code
        warming.wait()  # its errors, if any, are pytest's to report
    finally:
        if warming.poll() is None:
            warming.kill()
            warming.wait()
    step = ("pytest", "-q", *PARALLEL, *rest)
    print("$", " ".join(step), flush=True)
    return tool(*step, env=test_env())


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
