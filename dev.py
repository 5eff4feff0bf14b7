#!/usr/bin/env python3
"""Set-up and everyday commands that need nothing but Python 3.11+.

    python3 dev.py run     the bot (the local demo when BOT_TOKEN is not set)
    python3 dev.py test    ruff, mypy and pytest
    python3 dev.py bench   the benchmark suite

The first call creates .venv and installs the project with its dev tools; later calls
reinstall only when pyproject.toml changed.
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


def ensure_venv() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - says so plainly on an older Python
        sys.exit("Python 3.11 or newer is needed (this is {}.{}).".format(*sys.version_info[:2]))
    pyproject = ROOT / "pyproject.toml"
    if STAMP.exists() and STAMP.stat().st_mtime >= pyproject.stat().st_mtime:
        return
    if not (BIN / "python").exists() and not (BIN / "python.exe").exists():
        print("Creating .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("Installing the project and its tools into .venv ...", flush=True)
    pip = [str(BIN / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "-e", ".[dev]"], check=True, cwd=ROOT)
    STAMP.touch()


def tool(name: str, *args: str) -> int:
    return subprocess.call([str(BIN / name), *args], cwd=ROOT)


def main(argv: list[str]) -> int:
    command, rest = (argv[0], argv[1:]) if argv else ("help", [])
    if command not in ("run", "test", "bench"):
        print(__doc__)
        return 0 if command in ("help", "-h", "--help") else 2
    ensure_venv()
    if command == "run":
        return tool("python", "-m", "bot", *rest)
    if command == "bench":
        return tool("python", "-m", "scripts.bench", *rest)
    for step in (
        ("ruff", "check", "bot", "handlers", "tests", "scripts", "dev.py"),
        ("mypy",),
        ("pytest", "-q", *rest),
    ):
        print("$", " ".join(step), flush=True)
        code = tool(*step)
        if code != 0:
            return code
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
