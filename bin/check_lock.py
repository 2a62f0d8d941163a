#!/usr/bin/env python3
"""Is a lock file (pip-compile, with hashes) up to date with pyproject.toml?

    python bin/check_lock.py requirements-dev.lock --extras dev,sentry

Every dependency of ``[project] dependencies`` and of the given extras must be pinned in the lock (``name==version``)
at a version its range accepts. Exit status 0 when so; else 1, with one line per problem and the advice to run
``make lock``. Used by ``make install`` (which then falls back to pyproject.toml's ranges) and the Dockerfile
(which stops). Needs only the standard library and pip's vendored ``packaging``.
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from pathlib import Path

try:
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name
except ImportError:  # a bare virtualenv: pip carries its own copy
    from pip._vendor.packaging.requirements import Requirement
    from pip._vendor.packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)")


def locked(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        match = PIN.match(line.strip())
        if match:
            pins[canonicalize_name(match.group(1))] = match.group(2)
    return pins


def problems(lock: Path, extras: list[str], pyproject: Path = ROOT / "pyproject.toml") -> list[str]:
    project = tomllib.loads(pyproject.read_text())["project"]
    wanted = list(project.get("dependencies", []))
    for extra in extras:
        wanted += project.get("optional-dependencies", {}).get(extra, [])
    pins = locked(lock)
    found = []
    for text in wanted:
        requirement = Requirement(text)
        if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
            continue
        version = pins.get(canonicalize_name(requirement.name))
        if version is None:
            found.append(f"{requirement.name} ({text}) is not in {lock.name}")
        elif not requirement.specifier.contains(version, prereleases=True):
            found.append(f"{requirement.name}=={version} in {lock.name} is outside pyproject.toml's range {text!r}")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("lock", type=Path)
    parser.add_argument("--extras", default="", help="comma-separated extras the lock includes")
    parser.add_argument("--pyproject", type=Path, default=ROOT / "pyproject.toml")
    args = parser.parse_args()
    if not args.lock.exists():
        print(f"*** {args.lock} does not exist: run `make lock`.", file=sys.stderr)
        return 1
    found = problems(args.lock, [extra for extra in args.extras.split(",") if extra], args.pyproject)
    for problem in found:
        print(f"*** {problem}", file=sys.stderr)
    if found:
        print(f"*** {args.lock} is out of date with pyproject.toml: run `make lock` and commit it.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
