"""DESIGN §3: imports go one way only, safer_norfolk ← outcomes ← delivery_plans ← meetings
← alerts (following any of them by email);
the scale-data generator, development tooling that builds records of every app, sits above
them all, so no app of the service depends on it."""

import ast
import tomllib
from fnmatch import fnmatch
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["safer_norfolk", "outcomes", "delivery_plans", "meetings", "alerts", "scale_data"]
# The composition root wires every app's URLs together and may import them all.
COMPOSITION_ROOT = ROOT / "safer_norfolk" / "urls.py"


def imported_packages(path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name.split(".")[0], node.lineno
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module.split(".")[0], node.lineno


@pytest.mark.parametrize("layer", LAYERS)
def test_app_never_imports_a_higher_layer(layer):
    higher = set(LAYERS[LAYERS.index(layer) + 1 :])
    offences = [
        f"{path.relative_to(ROOT)}:{line} imports {package}"
        for path in sorted((ROOT / layer).rglob("*.py"))
        if path != COMPOSITION_ROOT
        for package, line in imported_packages(path)
        if package in higher
    ]

    assert offences == []


def test_the_installed_package_holds_the_apps_and_not_the_scale_data_generator():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    include = pyproject["tool"]["setuptools"]["packages"]["find"]["include"]

    def shipped(package):
        return any(fnmatch(package, pattern) for pattern in include)

    assert all(shipped(app) for app in LAYERS[:-1])
    assert not shipped("scale_data")
    assert not shipped("scale_data.management.commands")


def test_layering_check_sees_an_offending_import(tmp_path):
    offender = tmp_path / "offender.py"
    offender.write_text("from meetings.models import Meeting\nimport delivery_plans.services\n")

    assert list(imported_packages(offender)) == [("meetings", 1), ("delivery_plans", 2)]
