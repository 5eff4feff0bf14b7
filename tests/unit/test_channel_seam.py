"""The seam between the bot and its channels: the services, the conversation, the domain,
the storage and Deps know no channel. Telegram's side lives in handlers/ and
bot/channels/telegram/, WhatsApp's in bot/channels/whatsapp/; a service reaches a resident
through the Sender its channel registered (bot/services/notify.py). So a third channel is a
new folder, and none of these modules changes.

Checked twice: no module imports a channel itself (read from its source, so the offender is
named), and a fresh interpreter importing all of them has loaded no channel's module at all
(so nothing reaches one through another module either). Imports under ``if TYPE_CHECKING:``
are left out of the first: they name a type for mypy and load nothing (Deps' ``whatsapp``
and ``alerts`` fields, set by those channels), which the second check proves."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BOT = ROOT / "bot"
# Folders whose every module is channel-free, and single modules beside them.
FOLDERS = ("conversation", "services", "domain", "storage")
MODULES = ("deps.py", "channels/incoming.py", "channels/__init__.py")
# A channel's libraries and the code that speaks to one channel. bot.channels itself holds
# the channel-free parts (incoming.py), so only its channel folders count.
CHANNEL_MODULES = (
    "telegram", "pywa", "handlers", "bot.context", "bot.channels.telegram",
    "bot.channels.whatsapp",
)  # fmt: skip


def _paths() -> list[Path]:
    found = [p for folder in FOLDERS for p in sorted((BOT / folder).rglob("*.py"))]
    return found + [BOT / m for m in MODULES]


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and ast.unparse(node.test) in (
        "TYPE_CHECKING", "typing.TYPE_CHECKING"
    )  # fmt: skip


def _imported(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for block in [n for n in ast.walk(tree) if _type_checking(n)]:
        assert isinstance(block, ast.If)
        block.body = [ast.Pass()]  # types for mypy only: nothing is loaded
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return found


def _is_channel(module: str) -> bool:
    return any(module == c or module.startswith(c + ".") for c in CHANNEL_MODULES)


# Run in a fresh interpreter: import the modules given, print the channel modules loaded.
_PROBE = """
import importlib, sys
channels = {channels!r}
for name in sys.argv[1:]:
    importlib.import_module(name)
loaded = sorted(m for m in sys.modules
                if any(m == c or m.startswith(c + ".") for c in channels))
print("\\n".join(loaded))
"""


def _loaded_channels(modules: list[str]) -> list[str]:
    probe = _PROBE.format(channels=CHANNEL_MODULES)
    done = subprocess.run(
        [sys.executable, "-c", probe, *modules],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    return [line for line in done.stdout.splitlines() if line]


def test_the_seam_covers_the_services_and_the_resident_facing_ones() -> None:
    modules = {_module(p) for p in _paths()}
    for name in ("notify", "delivery", "applicant_desk", "scheduling", "bulk", "reminders",
                 "registration", "broadcast", "casework", "questions"):  # fmt: skip
        assert f"bot.services.{name}" in modules
    assert {"bot.deps", "bot.conversation.interview", "bot.channels.incoming"} <= modules


def test_no_channel_free_module_imports_a_channel() -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(m for m in _imported(path) if _is_channel(m))
        for path in _paths()
    }
    assert {path: found for path, found in offenders.items() if found} == {}


def test_importing_them_all_loads_no_channel() -> None:
    modules = [_module(p) for p in _paths()]
    loaded = _loaded_channels(modules)
    if loaded:  # name the module that brought one in
        culprits = [m for m in modules if _loaded_channels([m])]
        raise AssertionError(f"{culprits} load {loaded[:5]}")


def test_the_checks_see_a_channel() -> None:
    """Both checks would catch one: Telegram's own helpers load telegram, and a module
    importing the WhatsApp client is named."""
    assert "telegram" in _loaded_channels(["handlers.common"])
    assert "bot.channels.telegram.send" in _loaded_channels(["bot.channels.telegram.send"])
    module = BOT / "channels" / "whatsapp" / "outbound.py"
    assert any(_is_channel(m) for m in _imported(module))


def test_only_type_checking_imports_are_left_out(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import telegram\n"
        "else:\n    import handlers.common\nimport bot.channels.whatsapp.client\n",
        encoding="utf-8",
    )
    found = sorted(m for m in _imported(module) if _is_channel(m))
    assert found == ["bot.channels.whatsapp.client", "handlers.common"]
