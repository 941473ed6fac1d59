"""Dependencies point one way: zielsteuerung ← indicators ← agreements ← dialogs (issue 2).
Every import in the apps' code counts, including those inside functions.

Values are read one way (issue 16): outside the indicators app, code asks `Values.objects`
and a delivery's, unit's or indicator's `.values` only with the words of `ValuesQuerySet`,
and never names the storage model's fields in a lookup through a relation (`values__…`)."""

import ast
from pathlib import Path

import pytest

from indicators.models import ValuesQuerySet

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["zielsteuerung", "indicators", "agreements", "dialogs", "publication", "api"]
# Outside the indicators app, the words `Values` may be asked with: those of its queryset, and
# `exists`, which reads no field.
VOCABULARY = {name for name in vars(ValuesQuerySet) if not name.startswith("_")} | {"exists"}
VALUE_WORDS = VOCABULARY - {"refusal", "visible_to", "deliveries", "units", "summary", "total"}
VALUE_WORDS |= {"base_series"}  # agreements.attainment: the base quantities, as `Values`
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


def _chain(node):
    """The names of an attribute chain from its root, each with whether it is called:
    `Values.objects.of_delivery(d).cells()` gives Values, objects, of_delivery(), cells()."""
    names = []
    while isinstance(node, ast.Call | ast.Attribute):
        if isinstance(node, ast.Call):
            node = node.func
            if isinstance(node, ast.Attribute):
                names.append((node.attr, True))
                node = node.value
        else:
            names.append((node.attr, False))
            node = node.value
    if isinstance(node, ast.Name):
        names.append((node.id, False))
    return names[::-1]


def _asked(chain):
    """The words a chain asks of values, or None if it does not read values."""
    names = [name for name, _ in chain]
    if "Values" in names:
        asked = names[names.index("Values") + 1 :]
        return asked[1:] if asked[:1] == ["objects"] else asked
    for i, (name, called) in enumerate(chain[1:], start=1):
        if name == "values" and not called:  # a related manager: delivery.values
            return names[i + 1 :]
        if name in VALUE_WORDS and called:
            return names[i + 1 :]
    return None


def storage_field_uses(path):
    """(line, what) for each way `path` reads values past the queryset's vocabulary."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    inner = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    inner |= {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg and node.arg.startswith("values__"):
            found.add((node.value.lineno, node.arg))
        if isinstance(node, ast.Constant) and str(node.value).startswith("values__"):
            found.add((node.lineno, node.value))
        if not isinstance(node, ast.Attribute | ast.Call) or id(node) in inner:
            continue
        chain = _chain(node)
        asked = _asked(chain)
        if asked and any(name not in VOCABULARY for name in asked):
            found.add((node.lineno, ".".join(name for name, _ in chain)))
    return sorted(found)


@pytest.mark.parametrize("app", ["agreements", "dialogs", "zielsteuerung"])
def test_other_apps_read_values_only_through_the_queryset_vocabulary(app):
    wrong = [
        f"{path.relative_to(ROOT)}:{line} liest Werte an der Abfragesprache vorbei: {what}"
        for path in sorted((ROOT / app).rglob("*.py"))
        if "migrations" not in path.parts
        for line, what in storage_field_uses(path)
    ]
    assert wrong == []


def test_the_check_finds_a_read_past_the_vocabulary(tmp_path):
    module = tmp_path / "example.py"
    module.write_text(
        "def f(d, u):\n"
        "    Values.objects.for_unit(u).holding(d).exists()\n"
        "    Values.objects.filter(m01__isnull=False)\n"
        "    Values.objects.of_delivery(d).values_list('m02')\n"
        "    d.values.figure_count()\n"
        "    d.values.filter(year=2020)\n"
        "    Organisation.objects.filter(values__year=2020)\n"
        "    attainment.base_series(2020).holding(d).order_by('year')\n"
        "    {}.values()\n",
        encoding="utf-8",
    )
    assert list(storage_field_uses(module)) == [
        (3, "Values.objects.filter"),
        (4, "Values.objects.of_delivery.values_list"),
        (6, "d.values.filter"),
        (7, "values__year"),
        (8, "attainment.base_series.holding.order_by"),
    ]
