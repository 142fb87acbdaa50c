"""The import layers of docs/architecture.md, read from [tool.twinning.architecture] in
pyproject.toml and checked over every import statement of the project's apps (with ast: no
code is imported, so an import inside a function or under TYPE_CHECKING counts too).

Two contracts:
- layers: an app imports only apps on layers below its own ("a | b": same layer, and neither
  may import the other); the composition root (``unrestricted``) may import anything;
- independent modules: besides the standard library and themselves, only the listed packages.
"""

from __future__ import annotations

import ast
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.apps import apps as django_apps

ROOT = Path(__file__).resolve().parent.parent
CONTRACT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["twinning"][
    "architecture"
]
SKIPPED_DIRS = {"migrations", "__pycache__"}


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, e.g. "applications.services"
    target: str  # the imported module, e.g. "matching.models"
    path: str  # file and line, for the message
    line: int


def parse_layers(layers: list[str]) -> dict[str, int]:
    """{app: rank}, 0 for the highest layer."""
    return {app.strip(): rank for rank, layer in enumerate(layers) for app in layer.split("|")}


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(root: Path, packages: list[str]) -> list[Import]:
    """Every import statement in the packages' modules (migrations aside), resolved."""
    found = []
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            if SKIPPED_DIRS & set(path.relative_to(root).parts):
                continue
            module = module_name(root, path)
            is_package = path.name == "__init__.py"
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    targets = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom):
                    base = resolve(module, is_package, node.level, node.module)
                    # `from pkg import mod` may import a submodule: count both.
                    targets = [base] + [f"{base}.{a.name}" for a in node.names if a.name != "*"]
                else:
                    continue
                rel = str(path.relative_to(root))
                found += [Import(module, t, rel, node.lineno) for t in targets]
    return found


def resolve(module: str, is_package: bool, level: int, name: str | None) -> str:
    if level == 0:
        return name or ""
    parts = module.split(".")
    base = parts if is_package else parts[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join([*base, name] if name else base)


def within(module: str, prefixes) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def layer_violations(root: Path, layers: list[str], unrestricted: list[str]) -> list[str]:
    rank = parse_layers(layers)
    problems = []
    for imp in imports_of(root, list(rank)):
        source, target = imp.module.split(".")[0], imp.target.split(".")[0]
        if target not in rank or target == source or within(imp.module, unrestricted):
            continue
        if rank[target] < rank[source]:
            why = "a higher layer"
        elif rank[target] == rank[source]:
            why = "an app on the same layer"
        else:
            continue
        problems.append(f"{imp.path}:{imp.line}: {imp.module} imports {imp.target} ({why})")
    return sorted(set(problems))


def independence_violations(root: Path, independent: dict[str, list[str]]) -> list[str]:
    problems = []
    for module, allowed in independent.items():
        package = module.split(".")[0]
        for imp in imports_of(root, [package]):
            if not within(imp.module, [module]):
                continue
            top = imp.target.split(".")[0]
            if top in sys.stdlib_module_names or top == "__future__" or top in allowed:
                continue
            if within(imp.target, [module]):
                continue
            problems.append(f"{imp.path}:{imp.line}: {imp.module} imports {imp.target}")
    return sorted(set(problems))


# -- the project ------------------------------------------------------------------------------


def test_no_app_imports_a_higher_layer_or_a_sibling():
    assert layer_violations(ROOT, CONTRACT["layers"], CONTRACT["unrestricted"]) == []


def test_independent_modules_import_only_what_they_may():
    assert independence_violations(ROOT, CONTRACT["independent"]) == []


def test_every_project_app_is_in_the_layers():
    ours = {
        config.name.split(".")[0]
        for config in django_apps.get_app_configs()
        if Path(config.path).resolve().parent == ROOT  # our apps, not those in .venv
    }

    missing = ours - set(parse_layers(CONTRACT["layers"]))

    assert missing == set(), "add these apps to [tool.twinning.architecture] in pyproject.toml"


def test_the_checker_sees_the_imports_the_layers_allow():
    """Not vacuous: the real graph has the expected downward edges."""
    edges = {
        (imp.module.split(".")[0], imp.target.split(".")[0])
        for imp in imports_of(ROOT, list(parse_layers(CONTRACT["layers"])))
    }

    assert {("applications", "cities"), ("matching", "applications")} <= edges


# -- the checker, on synthetic packages -------------------------------------------------------


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


@pytest.fixture
def synthetic(tmp_path):
    write(
        tmp_path,
        {
            "high/__init__.py": "",
            "high/views.py": "from low import models\nimport mid.services\n",
            "mid/__init__.py": "",
            "mid/services.py": "from low.models import Thing\nfrom . import helpers\n",
            "mid/helpers.py": "",
            "side/__init__.py": "",
            "low/__init__.py": "",
            "low/models.py": "import json\n",
            "low/migrations/0001_initial.py": "import high\n",  # migrations are not checked
        },
    )
    return tmp_path


LAYERS = ["high", "mid | side", "low"]


def test_checker_passes_imports_that_point_down(synthetic):
    assert layer_violations(synthetic, LAYERS, []) == []


def test_checker_fails_a_lower_app_importing_a_higher_one(synthetic):
    write(synthetic, {"low/models.py": "import json\n\n\ndef f():\n    from high.views import x\n"})

    assert layer_violations(synthetic, LAYERS, []) == [
        "low/models.py:5: low.models imports high.views (a higher layer)",
        "low/models.py:5: low.models imports high.views.x (a higher layer)",
    ]


def test_checker_fails_relative_imports_that_climb_out_and_siblings(synthetic):
    write(
        synthetic,
        {"mid/helpers.py": "from ..high import views\n", "side/api.py": "import mid\n"},
    )

    assert layer_violations(synthetic, LAYERS, []) == [
        "mid/helpers.py:1: mid.helpers imports high (a higher layer)",
        "mid/helpers.py:1: mid.helpers imports high.views (a higher layer)",
        "side/api.py:1: side.api imports mid (an app on the same layer)",
    ]


def test_checker_lets_the_composition_root_import_anything(synthetic):
    write(synthetic, {"low/urls.py": "import high.views\n"})

    assert layer_violations(synthetic, LAYERS, ["low.urls"]) == []
    assert layer_violations(synthetic, LAYERS, []) == [
        "low/urls.py:1: low.urls imports high.views (a higher layer)"
    ]


def test_checker_fails_an_independent_module_importing_django_or_an_app(synthetic):
    write(
        synthetic,
        {
            "low/engine/__init__.py": "import math\nimport numpy as np\nfrom . import core\n",
            "low/engine/core.py": "from django.db import models\nfrom low import models\n",
        },
    )

    assert independence_violations(synthetic, {"low.engine": ["numpy"]}) == [
        "low/engine/core.py:1: low.engine.core imports django.db",
        "low/engine/core.py:1: low.engine.core imports django.db.models",
        "low/engine/core.py:2: low.engine.core imports low",
        "low/engine/core.py:2: low.engine.core imports low.models",
    ]
