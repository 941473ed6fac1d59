"""Dependencies point one way: zielsteuerung ← indicators ← agreements ← dialogs (issue 2).
Every import in the apps' code counts, including those inside functions."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["zielsteuerung", "indicators", "agreements", "dialogs"]
# The root URL configuration wires every app into the site; it is the one exception.
WIRING = {ROOT / "zielsteuerung" / "urls.py"}


def imported_apps(path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            if top in LAYERS:
                yield top, node.lineno


@pytest.mark.parametrize("app", LAYERS)
def test_an_app_imports_only_the_apps_below_it(app):
    allowed = set(LAYERS[: LAYERS.index(app) + 1])
    wrong = [
        f"{path.relative_to(ROOT)}:{line} importiert {other}"
        for path in sorted((ROOT / app).rglob("*.py"))
        if path not in WIRING
        for other, line in imported_apps(path)
        if other not in allowed
    ]
    assert wrong == []


def test_the_check_finds_an_upward_import(tmp_path):
    module = tmp_path / "example.py"
    module.write_text("def f():\n    from dialogs.models import Dialog\n", encoding="utf-8")
    assert list(imported_apps(module)) == [("dialogs", 2)]
