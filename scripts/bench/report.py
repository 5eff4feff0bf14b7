"""Benchmark results: a table on the terminal and JSON in bench-results/."""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Row:
    metric: str
    value: float | int | str | None
    unit: str = ""
    target: str = ""
    ok: bool | None = None  # None: no target, or not measured

    def shown(self) -> str:
        value = self.value
        if value is None:
            return "n/a"
        if isinstance(value, float):
            text = f"{value:,.3f}" if abs(value) < 10 else f"{value:,.1f}"
        elif isinstance(value, int):
            text = f"{value:,}"
        else:
            text = value
        return f"{text} {self.unit}".strip()


@dataclass
class Result:
    name: str
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    available: bool = True
    data: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0

    def add(self, metric: str, value: float | int | str | None, unit: str = "",
            target: str = "", ok: bool | None = None) -> None:  # fmt: skip
        self.rows.append(Row(metric, value, unit, target, ok))

    def row(self, metric: str) -> Row:
        return next(r for r in self.rows if r.metric == metric)


def not_available(name: str, why: str) -> Result:
    """A benchmark whose feature is not in the code yet: said so, never faked."""
    result = Result(name, available=False)
    result.add("status", "not available")
    result.notes.append(why)
    return result


def table(results: list[Result], machine: dict[str, Any]) -> str:
    lines = [
        f"Machine: {machine['cores']} cores ({machine['usable_cores']} usable), "
        f"{machine['platform']}, Python {machine['python']}, PTB {machine['ptb']}",
        "",
    ]
    header = ("benchmark", "metric", "value", "target", "")
    rows: list[tuple[str, str, str, str, str]] = []
    for result in results:
        for i, row in enumerate(result.rows):
            mark = {True: "ok", False: "MISSED", None: ""}[row.ok]
            rows.append((result.name if i == 0 else "", row.metric, row.shown(), row.target,
                         mark))  # fmt: skip
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(5)]

    def fmt(r: tuple[str, ...]) -> str:
        return "  ".join(
            r[i].rjust(widths[i]) if i == 2 else r[i].ljust(widths[i]) for i in range(5)
        ).rstrip()

    lines.append(fmt(header))
    lines.append("  ".join("-" * w for w in widths))
    previous = None
    for r, result_name in zip(rows, _owners(results), strict=True):
        if previous is not None and result_name != previous:
            lines.append("")
        previous = result_name
        lines.append(fmt(r))
    notes = [(res.name, n) for res in results for n in res.notes]
    if notes:
        lines += ["", "Notes:"]
        lines += [f"  [{name}] {note}" for name, note in notes]
    return "\n".join(lines)


def _owners(results: list[Result]) -> list[str]:
    return [result.name for result in results for _ in result.rows]


def write_json(results: list[Result], machine: dict[str, Any], folder: Path,
               command: str) -> Path:  # fmt: skip
    folder.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = folder / f"bench-{stamp}.json"
    payload = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "command": command,
        "machine": machine,
        "results": [asdict(r) for r in results],
    }
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False), encoding="utf-8")
    (folder / "latest.json").write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    return path
