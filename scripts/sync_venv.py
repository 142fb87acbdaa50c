"""Make a virtual environment hold exactly one lock file's packages, plus this project.

    .venv/bin/python scripts/sync_venv.py requirements/dev.txt

Called by `make setup` (and so by `make run` / `make test`) with the venv's own Python. It
installs the lock file with pip's hash checking (every package pinned, every file's hash
checked, nothing resolved at install time), removes any package the lock does not list (an
old dependency, or one installed by hand), and installs the project itself in editable mode,
without dependencies. It does nothing when the lock file, pyproject.toml and the venv are
unchanged since its last run.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROJECT = "twinning"
# Packages a venv brings with it, which no lock file lists.
KEEP = {"pip", "setuptools", "wheel", PROJECT}


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def locked_names(lock: Path) -> set[str]:
    names = set()
    for line in lock.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?==", line)
        if match:
            names.add(canonical(match.group(1)))
    return names


def installed_names() -> set[str]:
    listing = subprocess.run(
        [sys.executable, "-m", "pip", "list", "--format=json"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return {canonical(p["name"]) for p in json.loads(listing)}


def has_project() -> bool:
    try:
        metadata.distribution(PROJECT)
    except metadata.PackageNotFoundError:
        return False
    return True


def pip(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "pip", *args], check=True)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    lock = (ROOT / argv[0]).resolve()
    stamp = Path(sys.prefix) / ".twinning-lock"
    digest = hashlib.sha256()
    for path in (lock, ROOT / "pyproject.toml"):
        digest.update(path.read_bytes())
    state = json.dumps({"lock": str(lock), "sha256": digest.hexdigest()})
    if stamp.exists() and stamp.read_text() == state and has_project():
        return 0

    pip("install", "--quiet", "--require-hashes", "--no-deps", "-r", str(lock))
    extra = sorted(installed_names() - locked_names(lock) - KEEP)
    if extra:
        print(f"Removing packages that {lock.relative_to(ROOT)} does not list: {', '.join(extra)}")
        pip("uninstall", "--quiet", "--yes", *extra)
    pip("install", "--quiet", "--no-deps", "--editable", str(ROOT))
    subprocess.run([sys.executable, "-m", "pip", "check"], check=True, stdout=subprocess.DEVNULL)
    stamp.write_text(state)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
