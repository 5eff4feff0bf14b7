"""The app depends on its features, never the other way round; every feature is assembled."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

from bot.app import FEATURES
from bot.feature import Feature

ROOT = Path(__file__).resolve().parents[2]
# Only what starts the bot may import the assembly.
ASSEMBLERS = {"bot/app.py", "bot/runner.py", "bot/__main__.py"}


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return found


def test_no_feature_or_service_imports_the_app() -> None:
    offenders = []
    for folder in ("handlers", "bot/services", "bot/storage", "bot/domain", "bot/channels"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "bot.app" in _imports(path):
                offenders.append(str(path.relative_to(ROOT)))
    offenders += [
        str(p.relative_to(ROOT))
        for p in sorted((ROOT / "bot").glob("*.py"))
        if str(p.relative_to(ROOT)) not in ASSEMBLERS and "bot.app" in _imports(p)
    ]
    assert offenders == []


def test_every_declared_feature_is_assembled_once() -> None:
    declared = []
    # Telegram's features in handlers/, each other channel's in bot/channels/<name>/feature.py.
    modules = [f"handlers.{path.stem}" for path in sorted((ROOT / "handlers").glob("*.py"))]
    modules += [
        f"bot.channels.{path.parent.name}.feature"
        for path in sorted((ROOT / "bot" / "channels").glob("*/feature.py"))
    ]
    for name in modules:
        module = importlib.import_module(name)
        feature = getattr(module, "FEATURE", None)
        if feature is not None:
            assert isinstance(feature, Feature), name
            declared.append(feature)
    assert sorted(f.name for f in declared) == sorted(f.name for f in FEATURES)
    assert len({f.name for f in FEATURES}) == len(FEATURES)


def test_staff_commands_are_declared_once() -> None:
    names = [c.name for f in FEATURES for c in f.staff_commands]
    assert len(names) == len(set(names))
