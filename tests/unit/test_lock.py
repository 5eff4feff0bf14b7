"""The locks pin what pyproject.toml asks for, and this environment runs those pins.

requirements-dev.lock is what the tests passed with (dev.py and CI install from it);
requirements.lock holds the same pins without the dev tools (deploy/Dockerfile and
docs/deploy.md install from it). A dependency added to pyproject.toml without
`python3 dev.py lock` fails here, not on a city's server.
"""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)\s*(?:;([^\\]+))?")


DEV_LOCK = "requirements-dev.lock"
RUNTIME_LOCK = "requirements.lock"


def pins(lock: str = DEV_LOCK) -> dict[str, str]:
    """Name -> version for this interpreter (a universal lock may pin per Python version)."""
    found: dict[str, str] = {}
    for line in (ROOT / lock).read_text(encoding="utf-8").splitlines():
        match = _PIN.match(line)
        if match and (match.group(3) is None or Marker(match.group(3).strip()).evaluate()):
            found[canonicalize_name(match.group(1))] = match.group(2)
    return found


def declared(*, dev: bool = True) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = list(project["dependencies"])
    if dev:
        names += list(project["optional-dependencies"]["dev"])
    return [Requirement(r) for r in names]


@pytest.mark.parametrize("lock", [DEV_LOCK, RUNTIME_LOCK])
def test_the_locks_have_hashes_for_every_pin(lock: str) -> None:
    text = (ROOT / lock).read_text(encoding="utf-8")
    assert len(pins(lock)) >= len(declared(dev=lock == DEV_LOCK))
    assert text.count("==") <= text.count("--hash=sha256:")


def test_the_server_runs_the_versions_the_tests_passed_with() -> None:
    runtime, dev = pins(RUNTIME_LOCK), pins(DEV_LOCK)
    assert {name: dev.get(name) for name in runtime} == runtime
    assert not {"pytest", "mypy", "ruff"} & set(runtime)  # no dev tools on a server


@pytest.mark.parametrize(
    ("requirement", "lock"),
    [(r, DEV_LOCK) for r in declared()] + [(r, RUNTIME_LOCK) for r in declared(dev=False)],
    ids=str,
)
def test_every_declared_dependency_is_pinned_within_its_range(
    requirement: Requirement, lock: str
) -> None:
    locked = pins(lock)
    name = canonicalize_name(requirement.name)
    assert name in locked, f"{name} is not in {lock}: run `python3 dev.py lock`"
    assert requirement.specifier.contains(locked[name], prereleases=True)


def test_this_environment_runs_the_locked_versions() -> None:
    wrong = {
        name: (version, metadata.version(name))
        for name, version in pins().items()
        if _installed(name) and metadata.version(name) != version
    }
    assert wrong == {}, "run `python3 dev.py test` (it reinstalls from the lock)"


def _installed(name: str) -> bool:
    try:
        metadata.version(name)
    except metadata.PackageNotFoundError:
        return False  # a platform-only pin (e.g. colorama on Windows)
    return True
