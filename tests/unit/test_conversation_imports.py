"""The conversation knows no channel: nothing in bot/conversation imports Telegram, WhatsApp
or a channel's own code, so a new channel renders its views without touching it."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONVERSATION = ROOT / "bot" / "conversation"
# A channel's libraries and the code that speaks to one channel.
CHANNEL_MODULES = ("telegram", "pywa", "whatsapp", "handlers", "bot.channels", "bot.context")


def _imported(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return found


def _is_channel(module: str) -> bool:
    return any(module == c or module.startswith(c + ".") for c in CHANNEL_MODULES)


def test_the_conversation_imports_no_channel() -> None:
    paths = sorted(CONVERSATION.rglob("*.py"))
    assert paths, "bot/conversation has no modules"
    offenders = {
        str(path.relative_to(ROOT)): sorted(m for m in _imported(path) if _is_channel(m))
        for path in paths
    }
    assert {path: found for path, found in offenders.items() if found} == {}


def test_the_check_sees_a_channel_import(tmp_path: Path) -> None:
    """The scan would catch one: a module importing telegram is found."""
    module = tmp_path / "m.py"
    module.write_text("from telegram import Update\nimport handlers.common\n", encoding="utf-8")
    assert sorted(m for m in _imported(module) if _is_channel(m)) == ["handlers.common", "telegram"]
