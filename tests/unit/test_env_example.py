""".env.example documents every setting, with the defaults the code really uses."""

from __future__ import annotations

import re
from pathlib import Path

from bot.config import load_settings

ROOT = Path(__file__).resolve().parents[2]


def documented() -> dict[str, str]:
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    return dict(re.findall(r"^([A-Z_]+)=(.*)$", text, flags=re.MULTILINE))


def test_every_setting_read_by_the_code_is_documented() -> None:
    source = (ROOT / "bot" / "config.py").read_text(encoding="utf-8")
    used = set(re.findall(r'get\("([A-Z_]+)"\)', source))
    assert used - set(documented()) == set()


def test_documented_defaults_load_to_the_defaults() -> None:
    from_example = load_settings(documented(), env_file=None)
    assert from_example == load_settings({}, env_file=None)
