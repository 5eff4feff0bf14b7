""".env.example documents every setting, with the defaults the code really uses."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from dotenv import dotenv_values

from bot.config import load_settings

ROOT = Path(__file__).resolve().parents[2]


def documented() -> dict[str, str]:
    """The settings as the bot reads the file (python-dotenv: quotes removed)."""
    values = dotenv_values(ROOT / ".env.example")
    return {key: value or "" for key, value in values.items()}


def test_every_setting_read_by_the_code_is_documented() -> None:
    source = (ROOT / "bot" / "config.py").read_text(encoding="utf-8")
    used = set(re.findall(r'get\("([A-Z_]+)"\)', source))
    assert used - set(documented()) == set()


def test_documented_defaults_load_to_the_defaults() -> None:
    from_example = load_settings(documented(), env_file=None)
    assert from_example == load_settings({}, env_file=None)


def test_a_shell_reads_the_same_values_as_the_bot() -> None:
    # docs/deploy.md step 4 loads the file with `set -a; . env` before `python -m bot check`;
    # an unquoted value with "(" stopped that shell with a syntax error.
    script = 'set -a; . "$1"; set +a; env -0'
    shell = subprocess.run(
        ["sh", "-c", script, "sh", str(ROOT / ".env.example")],
        capture_output=True,
        check=True,
        env={"PATH": "/usr/bin:/bin"},
    )
    seen = dict(item.split("=", 1) for item in shell.stdout.decode().split("\0") if "=" in item)
    assert {key: seen.get(key) for key in documented()} == documented()
