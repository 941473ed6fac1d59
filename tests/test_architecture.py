"""Dependencies point one way: zielsteuerung ← indicators ← agreements ← dialogs (issue 2).
Every import in the apps' code counts, including those inside functions.

Values are read one way (issue 16): outside the indicators app, code asks `Values.objects`
and a delivery's, unit's or indicator's `.values` only with the words of `ValuesQuerySet`,
and never names the storage model's fields in a lookup through a relation (`values__…`).

Views fetch Landkreis data only through a scoped queryset (issue 18), see below."""

import ast
from pathlib import Path

import pytest

from indicators.models import ValuesQuerySet
from zielsteuerung.access import ScopedQuerySet

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["zielsteuerung", "indicators", "agreements", "dialogs", "publication", "api"]
# Outside the indicators app, the words `Values` may be asked with: those of its queryset, and
# `exists`, which reads no field.
OWN_WORDS = {name for name in vars(ValuesQuerySet) if not name.startswith("_")}
VOCABULARY = OWN_WORDS | {"exists", "visible_to", "restrict"}
VALUE_WORDS = OWN_WORDS - {
    "refusal",
    "landkreis",
    "rules",
    "deliveries",
    "units",
    "summary",
    "total",
}
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


# The app registry's lookups by name (`apps.get_model("dialogs", "Dialog")`): a dependency as
# real as an import, which the import check alone does not see.
REGISTRY_LOOKUPS = {"get_model", "get_app_config", "get_registered_model", "is_installed"}


def looked_up_apps(path):
    """(app, line) for each lookup of an app's models or config through the app registry."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in REGISTRY_LOOKUPS
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            continue
        label = node.args[0].value.split(".")[0]
        if label in LAYERS:
            yield label, node.lineno


@pytest.mark.parametrize("app", LAYERS)
def test_no_app_looks_up_another_apps_models_by_name(app):
    """Another app's models come by import (downwards) or are passed in (upwards, as the
    dialogs app gives the agreements its minutes: agreements/minutes.py). Migrations work on
    their historical models and are left out."""
    wrong = [
        f"{path.relative_to(ROOT)}:{line} schlägt {other} in der App-Registry nach"
        for path in sorted((ROOT / app).rglob("*.py"))
        if "migrations" not in path.parts
        for other, line in looked_up_apps(path)
        if other != app
    ]
    assert wrong == []


def test_the_check_finds_a_lookup_in_the_app_registry(tmp_path):
    module = tmp_path / "example.py"
    module.write_text(
        "from django.apps import apps\n"
        "def f():\n"
        "    apps.get_model('dialogs', 'Dialog')\n"
        "    django.apps.apps.get_model('dialogs.Measure')\n"
        "    apps.is_installed('agreements')\n"
        "    registry.get_app_config('indicators')\n"
        "    {}.get('dialogs')\n",
        encoding="utf-8",
    )
    assert list(looked_up_apps(module)) == [
        ("dialogs", 3),
        ("dialogs", 4),
        ("agreements", 5),
        ("indicators", 6),
    ]


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


# Every view's object comes from a scoped queryset (issue 18): in the modules with views, a
# model holding Landkreis data (a `ScopedQuerySet` with a path to its Landkreis) is asked only
# in a chain through `visible_to(user)` or `restrict(user, action)`, never with
# `get_object_or_404(Model, …)` or `Model.objects.get(…)`, which would reach every Landkreis.
FETCHES_OF_A_MODEL = {"get_object_or_404", "get_list_or_404"}
SCOPES = {"visible_to", "restrict"}
# Read no object: a version stamp over all deliveries for the ministries' cached overview.
STAMPS = {"figures_version"}


def scoped_models():
    from django.apps import apps

    return {
        model.__name__
        for model in apps.get_models()
        if isinstance(model._default_manager.all(), ScopedQuerySet)
        and model._default_manager.all().landkreis
    }


def has_views(path):
    return "login_required" in path.read_text(encoding="utf-8")


def unscoped_fetches(path, models):
    """(line, what) for each way `path` reaches objects of `models` past their scope."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    inner = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    inner |= {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    found = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in FETCHES_OF_A_MODEL
            and node.args
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id in models
        ):
            found.add((node.lineno, f"{node.func.id}({node.args[0].id})"))
        if not isinstance(node, ast.Attribute | ast.Call) or id(node) in inner:
            continue
        chain = _chain(node)
        names = [name for name, _ in chain]
        if names[:1] and names[0] in models and names[1:2] == ["objects"]:
            called = {name for name, is_call in chain[2:] if is_call}
            if not called & (SCOPES | STAMPS):
                found.add((node.lineno, ".".join(names[:3])))
    return sorted(found)


@pytest.mark.parametrize("app", LAYERS)
def test_views_fetch_landkreis_data_only_through_a_scoped_queryset(app):
    models = scoped_models()
    assert {"Agreement", "Dialog", "Measure", "DataDelivery", "Organisation"} <= models
    wrong = [
        f"{path.relative_to(ROOT)}:{line} holt Daten ohne Zugriffsbereich: {what}"
        for path in sorted((ROOT / app).rglob("*.py"))
        if "migrations" not in path.parts and has_views(path)
        for line, what in unscoped_fetches(path, models)
    ]
    assert wrong == []


def test_the_check_finds_a_fetch_past_the_scope(tmp_path):
    module = tmp_path / "example.py"
    module.write_text(
        "@login_required\n"
        "def view(request, pk):\n"
        "    get_object_or_404(Dialog, pk=pk)\n"
        "    get_object_or_404(Dialog.objects.visible_to(request.user), pk=pk)\n"
        "    Agreement.objects.get(pk=pk)\n"
        "    Measure.objects.restrict(request.user, 'report').filter(pk=pk)\n"
        "    Measure.objects.filter(pk=pk).visible_to(request.user).get()\n"
        "    Indicator.objects.get(code='K2')\n"
        "    get_object_or_404(Indicator, code='K2')\n"
        "    Dialog.DoesNotExist\n"
        "    queryset = Dialog.objects\n"
        "    Measure.objects.filter(visible_to=1).first()\n",
        encoding="utf-8",
    )
    assert has_views(module)
    assert unscoped_fetches(module, {"Dialog", "Agreement", "Measure"}) == [
        (3, "get_object_or_404(Dialog)"),
        (5, "Agreement.objects.get"),
        (11, "Dialog.objects"),
        (12, "Measure.objects.filter"),
    ]


# -- modules a reader holds in mind (issue 16) -------------------------------------------------
# No module is longer than MAX_MODULE_LINES. The folders listed are checked recursively,
# migrations excepted; add a folder once its modules are short.

MAX_MODULE_LINES = 500
SHORT_MODULE_FOLDERS = ["indicators"]


def long_modules(folder, limit=MAX_MODULE_LINES):
    found = []
    for path in sorted(folder.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > limit:
            found.append(f"{path.relative_to(folder)}: {lines} Zeilen")
    return found


@pytest.mark.parametrize("folder", SHORT_MODULE_FOLDERS)
def test_no_module_is_longer_than_500_lines(folder):
    assert (ROOT / folder).is_dir()
    assert long_modules(ROOT / folder) == []


def test_the_check_finds_a_long_module(tmp_path):
    (tmp_path / "short.py").write_text("x = 1\n" * 10)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "long.py").write_text("x = 1\n" * 501)
    (tmp_path / "migrations").mkdir()
    (tmp_path / "migrations" / "0001_initial.py").write_text("x = 1\n" * 900)
    assert long_modules(tmp_path) == ["sub/long.py: 501 Zeilen"]
