"""The lock files (requirements/*.txt) against pyproject.toml, and one `matching` only."""

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
LOCKS = {
    "prod.txt": PYPROJECT["dependencies"],
    "dev.txt": PYPROJECT["dependencies"] + PYPROJECT["optional-dependencies"]["dev"],
    "ci.txt": PYPROJECT["dependencies"]
    + PYPROJECT["optional-dependencies"]["dev"]
    + PYPROJECT["optional-dependencies"]["bench"],
}


def pins(name: str) -> dict[str, str]:
    text = (ROOT / "requirements" / name).read_text(encoding="utf-8")
    return {
        canonicalize_name(m.group(1)): m.group(2)
        for m in re.finditer(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+) \\$", text, re.MULTILINE)
    }


@pytest.mark.parametrize("lock", sorted(LOCKS))
def test_lock_file_pins_every_dependency_of_pyproject_within_its_range(lock):
    locked = pins(lock)
    problems = []
    for line in LOCKS[lock]:
        requirement = Requirement(line)
        version = locked.get(canonicalize_name(requirement.name))
        if version is None or not requirement.specifier.contains(version, prereleases=True):
            problems.append(f"{line}: locked {version}")

    assert problems == [], f"run `make lock` after editing pyproject.toml: {problems}"


@pytest.mark.parametrize("lock", sorted(LOCKS))
def test_lock_file_has_a_hash_for_every_pin(lock):
    text = (ROOT / "requirements" / lock).read_text(encoding="utf-8")
    blocks = re.split(r"\n(?=[A-Za-z0-9])", text.strip())

    assert [b.split(" ")[0] for b in blocks if "--hash=sha256:" not in b] == []


def test_lock_files_agree_on_every_version_and_none_holds_a_matching_library():
    locks = {name: pins(name) for name in LOCKS}
    disagreements = {
        (package, name, version, locks["ci.txt"].get(package))
        for name, locked in locks.items()
        for package, version in locked.items()
        if locks["ci.txt"].get(package) != version
    }

    assert disagreements == set()
    assert [name for name, locked in locks.items() if "matching" in locked] == []


@pytest.mark.slow  # a Python process of its own
def test_import_matching_from_any_directory_gives_our_app(tmp_path):
    code = "import matching; print(matching.__file__)"

    out = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True
    )

    assert out.stdout.strip() == str(ROOT / "matching" / "__init__.py")
