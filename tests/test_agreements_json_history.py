"""Importing agreements updates them in place: an unchanged file leaves no history and keeps
the version, a changed one records just what changed, and `--benutzer` names who imported."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from simple_history.models import HistoricalRecords

from agreements.demo import seed_demo_agreements
from agreements.history import agreement_history
from agreements.management.commands.import_agreements import Command as ImportCommand
from agreements.models import (
    Agreement,
    AgreementParty,
    BudgetLine,
    Goal,
    ImplementationStep,
    Signature,
)
from agreements.serialization import export_agreements, import_agreements
from zielsteuerung.locking import Conflict, claim

pytestmark = pytest.mark.django_db


@pytest.fixture
def agreement():
    """The Heidekreis 2020 agreement among the demo agreements."""
    seed_demo_agreements()
    return Agreement.objects.get(year=2020, traeger__key="03358")


def exported(agreement):
    return json.loads(json.dumps(export_agreements(Agreement.objects.filter(pk=agreement.pk))))


def history_rows(agreement):
    """How many records every history table of the agreement and its parts holds."""
    goals = Goal.history.filter(agreement_id=agreement.pk).values("id")
    return {
        "agreement": Agreement.history.filter(id=agreement.pk).count(),
        "parties": AgreementParty.history.filter(agreement_id=agreement.pk).count(),
        "budget": BudgetLine.history.filter(agreement_id=agreement.pk).count(),
        "goals": Goal.history.filter(agreement_id=agreement.pk).count(),
        "steps": ImplementationStep.history.filter(goal_id__in=goals).count(),
        "signatures": Signature.history.filter(agreement_id=agreement.pk).count(),
    }


def new_entries(agreement, before):
    """The history entries added since it held `before` (newest come first)."""
    entries = agreement_history(agreement)
    return entries[: len(entries) - before]


def goal(data, number):
    return next(g for g in data["agreements"][0]["goals"] if g["number"] == number)


def import_file(tmp_path, data, *args):
    path = tmp_path / "vereinbarungen.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    out, err = StringIO(), StringIO()
    call_command("import_agreements", str(path), *args, stdout=out, stderr=err)
    return out.getvalue()


# --- in place -----------------------------------------------------------------------------------


def test_reimporting_an_unchanged_export_writes_no_history_and_keeps_the_version(agreement):
    data = exported(agreement)
    rows = history_rows(agreement)

    ((imported, created),) = import_agreements(data)

    assert imported.pk == agreement.pk and not created
    assert history_rows(agreement) == rows
    agreement.refresh_from_db()
    assert imported.version == agreement.version == 1
    assert exported(agreement) == data


def test_unchanged_import_does_not_disturb_a_form_opened_before(agreement):
    opened_at = agreement.version
    import_agreements(exported(agreement))
    claim(agreement, opened_at)  # no Conflict


def test_changed_import_still_makes_a_form_opened_before_report_a_conflict(agreement):
    opened_at = agreement.version
    data = exported(agreement)
    goal(data, 4)["steps"][0]["status"] = "umgesetzt"

    ((imported, _),) = import_agreements(data, reason="Datei der Fachabteilung")

    assert imported.version == opened_at + 1
    with pytest.raises(Conflict):
        claim(agreement, opened_at)


def test_only_the_changed_step_and_budget_line_show_in_the_history(agreement):
    data = exported(agreement)
    goal(data, 5)["steps"][0]["text"] = "Ein geänderter Umsetzungsschritt."
    data["agreements"][0]["budget"]["eingliederung"] = "7800000.00"
    step_ids = list(ImplementationStep.objects.filter(goal__agreement=agreement).values("pk"))
    before = len(agreement_history(agreement))

    ((imported, _),) = import_agreements(data, reason="Datei der Fachabteilung")

    entries = new_entries(agreement, before)
    assert sorted((entry.part, entry.kind) for entry in entries) == [
        ("Haushaltsansatz", "geändert"),
        ("Umsetzungsschritt", "geändert"),
    ]
    changes = {entry.part: entry.changes for entry in entries}
    assert [change.field for change in changes["Umsetzungsschritt"]] == ["Umsetzungsschritt"]
    assert changes["Umsetzungsschritt"][0].new == "Ein geänderter Umsetzungsschritt."
    assert [(c.old, c.new) for c in changes["Haushaltsansatz"]] == [
        ("7.795.364\xa0Euro", "7.800.000\xa0Euro")
    ]
    assert {entry.reason for entry in entries} == {"Datei der Fachabteilung"}
    assert imported.version == 2
    assert list(ImplementationStep.objects.filter(goal__agreement=agreement).values("pk")) == (
        step_ids
    )
    assert exported(agreement) == data


def test_parts_missing_from_the_file_are_deleted_and_new_ones_created(agreement):
    data = exported(agreement)
    steps = goal(data, 4)["steps"]
    removed = steps.pop()
    data["agreements"][0]["signatures"].pop()
    data["agreements"][0]["budget"]["verwaltungskosten"] = None
    before = len(agreement_history(agreement))

    import_agreements(data, reason="Datei der Fachabteilung")

    kinds = sorted((e.part, e.kind) for e in new_entries(agreement, before))
    assert kinds == [
        ("Haushaltsansatz", "gelöscht"),
        ("Umsetzungsschritt", "gelöscht"),
        ("Unterschrift", "gelöscht"),
    ]
    assert exported(agreement) == data

    steps.append(removed)
    before = len(agreement_history(agreement))
    import_agreements(data, reason="Datei der Fachabteilung")
    kinds = [(e.part, e.kind) for e in new_entries(agreement, before)]
    assert kinds == [("Umsetzungsschritt", "angelegt")]


def test_reordered_parties_keep_their_records(agreement):
    data = exported(agreement)
    parties = data["agreements"][0]["parties"]
    parties[0], parties[1] = parties[1], parties[0]
    ids = set(agreement.parties.values_list("pk", flat=True))

    import_agreements(data, reason="Datei der Fachabteilung")

    assert set(agreement.parties.values_list("pk", flat=True)) == ids
    assert exported(agreement)["agreements"][0]["parties"] == parties


def test_parties_left_out_are_the_ministries_and_the_landkreis_without_new_history(agreement):
    data = exported(agreement)
    del data["agreements"][0]["parties"]
    rows = history_rows(agreement)

    import_agreements(data, reason="Datei der Fachabteilung")

    assert history_rows(agreement) == rows
    assert list(agreement.parties.values_list("organisation__key", flat=True)) == [
        "MW",
        "MS",
        "03358",
    ]


# --- who imported -------------------------------------------------------------------------------


def test_history_names_the_user_given_to_the_command(tmp_path, agreement, ministry_user):
    data = exported(agreement)
    Agreement.objects.filter(pk=agreement.pk).delete()

    out = import_file(tmp_path, data, "--benutzer", "ministerium")

    assert "1 Vereinbarungen importiert." in out
    imported = Agreement.objects.get(year=2020, traeger__key="03358")
    entries = agreement_history(imported)
    assert len(entries) > 10
    assert {entry.user for entry in entries} == {"Maria Meyer"}
    assert not hasattr(HistoricalRecords.context, "request")


def test_history_page_names_the_user_of_an_update(tmp_path, as_user, agreement, ministry_user):
    data = exported(agreement)
    goal(data, 4)["steps"][0]["text"] = "Geändert per Import."

    import_file(tmp_path, data, "--grund", "Datei der Fachabteilung", "--benutzer", "ministerium")

    (entry,) = [e for e in agreement_history(agreement) if e.label == "Geändert per Import."]
    assert entry.user == "Maria Meyer" and entry.reason == "Datei der Fachabteilung"
    page = as_user(ministry_user).get(reverse("agreements:history", args=[agreement.pk])).text
    assert "Maria Meyer" in page


def test_without_a_user_the_history_says_system(tmp_path, as_user, agreement, ministry_user):
    data = exported(agreement)
    goal(data, 4)["steps"][0]["text"] = "Geändert per Import."

    import_file(tmp_path, data, "--grund", "Datei der Fachabteilung")

    (entry,) = [e for e in agreement_history(agreement) if e.label == "Geändert per Import."]
    assert entry.user == ""
    page = as_user(ministry_user).get(reverse("agreements:history", args=[agreement.pk])).text
    assert "System" in page


def test_an_unknown_user_is_refused_before_anything_is_written(tmp_path, agreement):
    data = exported(agreement)
    data["agreements"][0]["title"] = "Geändert"
    rows = history_rows(agreement)
    err = StringIO()

    with pytest.raises(SystemExit) as exit_:
        path = tmp_path / "vereinbarungen.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        call_command(
            "import_agreements", str(path), "--benutzer", "niemand", stdout=StringIO(), stderr=err
        )

    assert exit_.value.code == 1
    assert "Den Benutzer „niemand“ gibt es nicht." in err.getvalue()
    assert "1 Fehler – nichts gespeichert." in err.getvalue()
    agreement.refresh_from_db()
    assert agreement.title != "Geändert" and history_rows(agreement) == rows


def test_the_help_names_the_option_and_the_default():
    parser = ImportCommand().create_parser("manage.py", "import_agreements")
    help_text = " ".join(parser.format_help().split())
    assert "--benutzer" in help_text and "„System“" in help_text
