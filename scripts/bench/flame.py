"""Summarise py-spy collapsed stacks: `python -m scripts.bench.flame FILE.raw [N]`.

Prints where the sampled CPU went: by own frame (the function on top of the stack) and
inclusively for the project's own functions (bot/, handlers/) and a few library layers.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

_FRAME = re.compile(r"^(?P<func>.*?) \((?P<file>[^:()]*)(?::\d+)?\)$")


def load(path: Path) -> list[tuple[list[str], int]]:
    stacks = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _sep, count = line.rpartition(" ")
        if stack and count.isdigit():
            stacks.append((stack.split(";"), int(count)))
    return stacks


def short(frame: str) -> str:
    match = _FRAME.match(frame)
    if not match:
        return frame
    file = match["file"]
    for marker in ("site-packages/", "/work/main/", "python3.11/"):
        if marker in file:
            file = file.split(marker, 1)[1]
    return f"{match['func']} ({file})"


def layer(frame: str) -> str | None:
    f = short(frame)
    for key in ("aiosqlite", "sqlite3", "httpx", "httpcore", "h11", "json", "telegram/ext",
                "telegram/_", "telegram/request", "babel", "asyncio", "selectors"):
        if key in f:
            return key
    return None


def main(argv: list[str]) -> int:
    path = Path(argv[0])
    top = int(argv[1]) if len(argv) > 1 else 25
    stacks = load(path)
    total = sum(c for _s, c in stacks) or 1
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    layers: Counter[str] = Counter()
    for frames, count in stacks:
        own[short(frames[-1])] += count
        seen = set()
        for frame in frames:
            name = short(frame)
            if ("bot/" in name or "handlers/" in name) and name not in seen:
                inclusive[name] += count
                seen.add(name)
        for found in {layer(f) for f in frames}:
            if found is not None:
                layers[found] += count
    print(f"{path.name}: {total} samples on CPU")
    print("\nown time:")
    for name, count in own.most_common(top):
        print(f"  {100 * count / total:5.1f}%  {name}")
    print("\nproject functions, inclusive:")
    for name, count in inclusive.most_common(top):
        print(f"  {100 * count / total:5.1f}%  {name}")
    print("\nlayers anywhere on the stack:")
    for name, count in layers.most_common():
        print(f"  {100 * count / total:5.1f}%  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
