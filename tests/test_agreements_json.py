"""Agreements as JSON: the full agreement goes out and comes back unchanged, updates change
the agreement's parts in place and move its version on, and a bad file is refused as a whole with
German messages that name the agreement and the field."""

import copy
import json
from datetime import UTC, datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from agreements.demo import seed_demo_agreements
from agreements.models import Agreement, AgreementStatus, ImplementationStep
from agreements.seed_heidekreis import HEIDEKREIS_2020, create_heidekreis_2020
from agreements.serialization import (
    FORMAT,
    ImportRefused,
    export_agreements,
    import_agreements,
)

pytestmark = pytest.mark.django_db


def file_of(*agreements):
    return {"format": FORMAT, "agreements": [copy.deepcopy(a) for a in agreements]}


def heidekreis(**changes):
    data = copy.deepcopy(HEIDEKREIS_2020)
    data.update(changes)
    return data


def goal(data, number):
    return next(g for g in data["goals"] if g["number"] == number)


def refusal_of(data):
    with pytest.raises(ImportRefused) as refused:
        import_agreements(data)
    return refused.value.errors


def run(command, *args):
    out, err = StringIO(), StringIO()
    call_command(command, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


# --- export -----------------------------------------------------------------------------------


def test_export_has_the_documented_shape():
    create_heidekreis_2020()
    data = export_agreements(Agreement.objects.all())
    assert data["format"] == "zielsteuerung.agreements/1"
    (agreement,) = data["agreements"]
    assert (agreement["year"], agreement["traeger"], agreement["status"]) == (
        2020,
        "03358",
        "unterzeichnet",
    )
    assert agreement["budget"] == {"verwaltungskosten": "8793355.00", "eingliederung": "7795364.00"}
    goals = {g["number"]: g for g in agreement["goals"]}
    assert (goals[1]["kind"], goals[1]["indicator"]) == ("monitoring", "K1")
    assert (goals[2]["kind"], goals[2]["indicator"], goals[2]["target_change_percent"]) == (
        "quantitative",
        "K2",
        "3.1",
    )
    assert goals[3]["target_change_percent"] == "-1.5"
    assert goals[4]["steps"][0]["status"] == "offen" and goals[4]["criterion"]
    assert agreement["signatures"][1]["month"] is None
    assert agreement["is_demo"] is False


def test_export_holds_every_fact_of_the_seed():
    create_heidekreis_2020()
    (exported,) = export_agreements()["agreements"]
    assert exported == HEIDEKREIS_2020


def test_export_is_ordered_by_year_and_kreisschluessel():
    seed_demo_agreements()
    keys = [a["traeger"] for a in export_agreements()["agreements"]]
    assert keys == sorted(keys) and len(keys) == 16
    assert export_agreements() == export_agreements()


def test_export_command_filters_by_year():
    create_heidekreis_2020()
    out, _ = run("export_agreements", "--year", "2020")
    assert [a["traeger"] for a in json.loads(out)["agreements"]] == ["03358"]
    out, _ = run("export_agreements", "--year", "2021")
    assert json.loads(out) == {"format": FORMAT, "agreements": []}


# --- round trip -------------------------------------------------------------------------------


def test_export_import_into_empty_database_export_is_identical():
    seed_demo_agreements()
    step = ImplementationStep.objects.filter(goal__agreement__traeger__key="03358").first()
    step.status, step.status_note = "umgesetzt", "Leitfaden liegt vor."
    step.status_updated_at = datetime(2020, 10, 21, 9, 30, tzinfo=UTC)
    step.save()
    before = export_agreements()
    Agreement.objects.all().delete()

    results = import_agreements(json.loads(json.dumps(before)))

    assert len(results) == 16 and all(created for _, created in results)
    assert export_agreements() == before


def test_round_trip_through_the_commands(tmp_path):
    seed_demo_agreements()
    out, _ = run("export_agreements")
    Agreement.objects.all().delete()
    path = tmp_path / "vereinbarungen.json"
    path.write_text(out, encoding="utf-8")

    imported, _ = run("import_agreements", str(path))

    assert "16 Vereinbarungen importiert." in imported
    assert run("export_agreements")[0] == out


# --- updates ----------------------------------------------------------------------------------


def test_import_updates_matching_agreement_and_moves_version_on():
    agreement = create_heidekreis_2020()
    changed = heidekreis()
    changed["budget"]["eingliederung"] = "7800000.00"
    goal(changed, 2)["target_change_percent"] = "2.5"
    goal(changed, 4)["steps"] = [
        {"text": "Neuer Schritt A", "status": "in_umsetzung", "status_note": "läuft"},
        {"text": "Neuer Schritt B"},
    ]
    changed["goals"] = [g for g in changed["goals"] if g["number"] != 5]
    changed["signatures"] = changed["signatures"][:1]

    ((updated, created),) = import_agreements(file_of(changed), reason="neue Haushaltszahlen")

    assert updated.pk == agreement.pk and not created
    assert updated.version == agreement.version + 1
    assert updated.budget_total_from_db() == Decimal("8793355.00") + Decimal("7800000.00")
    assert updated.goals.get(number=2).target_value == Decimal("2.5")
    assert list(updated.goals.values_list("number", flat=True)) == [1, 2, 3, 4]
    steps = list(updated.goals.get(number=4).steps.values_list("text", "status"))
    assert steps == [("Neuer Schritt A", "in_umsetzung"), ("Neuer Schritt B", "offen")]
    assert updated.signatures.count() == 1
    assert Agreement.objects.count() == 1


def test_import_keeps_goal_identity_for_dialogs():
    agreement = create_heidekreis_2020()
    goal_ids = dict(agreement.goals.values_list("number", "pk"))
    import_agreements(file_of(heidekreis()))
    assert dict(agreement.goals.values_list("number", "pk")) == goal_ids


def test_import_refuses_to_change_a_closed_agreement():
    agreement = create_heidekreis_2020()
    agreement.status = AgreementStatus.CLOSED
    agreement.save()
    changed = heidekreis(title="Geändert")

    errors = refusal_of(file_of(changed))

    assert errors == [
        "Vereinbarung 2020/03358: ist abgeschlossen und wird nicht mehr geändert; "
        "nichts importiert."
    ]
    agreement.refresh_from_db()
    assert agreement.title != "Geändert"


# --- bad input --------------------------------------------------------------------------------


def test_unknown_indicator_names_agreement_goal_and_field():
    bad = heidekreis()
    goal(bad, 2)["indicator"] = "K9"
    assert refusal_of(file_of(bad)) == [
        "Vereinbarung 2020/03358, Ziel 2, Feld „indicator“: „K9“ ist keine bekannte Kennzahl."
    ]
    assert not Agreement.objects.exists()


def test_every_error_of_the_file_is_reported():
    bad = heidekreis(status="fertig")
    bad["budget"]["verwaltungskosten"] = "8.793.355,00"
    goal(bad, 3)["target_change_percent"] = None
    goal(bad, 4)["steps"][0]["status"] = "erledigt"
    bad["signatures"][0]["month"] = 13
    bad["parties"][0]["organisation"] = "MX"
    errors = refusal_of(file_of(bad))
    assert errors == [
        "Vereinbarung 2020/03358, Feld „status“: „fertig“ ist nicht zulässig (erlaubt: "
        "„entwurf“, „in_abstimmung“, „unterzeichnet“, „abgeschlossen“).",
        "Vereinbarung 2020/03358, Partner 1, Feld „organisation“: „MX“ ist keine bekannte "
        "Organisation.",
        "Vereinbarung 2020/03358, Feld „budget.verwaltungskosten“: „8.793.355,00“ ist keine "
        "Zahl (Dezimalpunkt verwenden, z. B. „3.1“).",
        "Vereinbarung 2020/03358, Ziel 3, Feld „target_change_percent“: ein quantitatives Ziel "
        "braucht einen Zielwert.",
        "Vereinbarung 2020/03358, Ziel 4, Schritt 1, Feld „status“: „erledigt“ ist nicht "
        "zulässig (erlaubt: „offen“, „in_umsetzung“, „umgesetzt“, „nicht_umgesetzt“).",
        "Vereinbarung 2020/03358, Unterschrift 1, Feld „month“: 13 liegt nicht zwischen 1 und 12.",
    ]


def test_kreisschluessel_without_leading_zero_gets_a_hint():
    errors = refusal_of(file_of(heidekreis(traeger="3358")))
    assert errors[0] == (
        "Vereinbarung 2020/3358, Feld „traeger“: „3358“ ist kein Kreisschlüssel eines zkT "
        "(führende Null vergessen? z. B. „03358“)."
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "Die Datei muss ein JSON-Objekt {…} enthalten."),
        ({"agreements": []}, "Feld „format“: leer (null) ist nicht „zielsteuerung.agreements/1“."),
        ({"format": FORMAT}, "Feld „agreements“: muss eine Liste von Vereinbarungen sein."),
        ({"format": FORMAT, "agreements": ["x"]}, "Vereinbarung Nr. 1: muss ein Objekt {…} sein."),
    ],
)
def test_malformed_files_are_refused(data, message):
    assert refusal_of(data) == [message]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d.update(year="2020"),
            "Vereinbarung Nr. 1, Feld „year“: „2020“ ist keine ganze Zahl.",
        ),
        (
            lambda d: d.update(farbe="rot"),
            "Vereinbarung 2020/03358: unbekanntes Feld „farbe“.",
        ),
        (
            lambda d: d["goals"].append(copy.deepcopy(d["goals"][0])),
            "Vereinbarung 2020/03358, Ziel 1, Feld „number“: Ziel 1 ist doppelt vergeben.",
        ),
        (
            lambda d: goal(d, 2).update(number=[2]),
            "Vereinbarung 2020/03358, Ziel an Position 2, Feld „number“: „[2]“ ist keine "
            "Zielnummer (1, 2, …).",
        ),
        (
            lambda d: goal(d, 1).update(title=""),
            "Vereinbarung 2020/03358, Ziel 1, Feld „title“: darf nicht leer sein.",
        ),
        (
            lambda d: d["budget"].update(verwaltungskosten="-1"),
            "Vereinbarung 2020/03358, Feld „budget.verwaltungskosten“: „-1“ darf nicht negativ "
            "sein.",
        ),
        (
            lambda d: d["budget"].update(eingliederung="1.005"),
            "Vereinbarung 2020/03358, Feld „budget.eingliederung“: „1.005“ hat mehr als 2 "
            "Nachkommastellen.",
        ),
        (
            lambda d: d["signatures"][2].update(in_representation="ja"),
            "Vereinbarung 2020/03358, Unterschrift 3, Feld „in_representation“: „ja“ ist weder "
            "true noch false.",
        ),
        (
            lambda d: goal(d, 5)["steps"][0].update(status_updated_at="gestern"),
            "Vereinbarung 2020/03358, Ziel 5, Schritt 1, Feld „status_updated_at“: „gestern“ "
            "ist kein Zeitpunkt (ISO 8601).",
        ),
    ],
)
def test_bad_fields_are_named(change, message):
    bad = heidekreis()
    change(bad)
    assert message in refusal_of(file_of(bad))


def test_same_agreement_twice_in_one_file_is_refused():
    errors = refusal_of(file_of(heidekreis(), heidekreis()))
    assert errors == ["Vereinbarung 2020/03358: steht doppelt in der Datei (auch Nr. 1)."]


def test_import_is_all_or_nothing(verden):
    good = heidekreis()
    bad = heidekreis(traeger="03361")
    goal(bad, 2)["indicator"] = "K9"
    errors = refusal_of(file_of(good, bad))
    assert errors == [
        "Vereinbarung 2020/03361, Ziel 2, Feld „indicator“: „K9“ ist keine bekannte Kennzahl."
    ]
    assert not Agreement.objects.exists()


def test_import_command_fails_with_status_1_and_writes_nothing(tmp_path):
    agreement = create_heidekreis_2020()
    bad = heidekreis(title="Geändert")
    goal(bad, 2)["indicator"] = "K9"
    path = tmp_path / "fehler.json"
    path.write_text(json.dumps(file_of(bad)), encoding="utf-8")
    err = StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("import_agreements", str(path), stdout=StringIO(), stderr=err)
    assert exit_.value.code == 1
    assert "Vereinbarung 2020/03358, Ziel 2, Feld „indicator“: „K9“" in err.getvalue()
    assert "1 Fehler – nichts gespeichert." in err.getvalue()
    agreement.refresh_from_db()
    assert agreement.title != "Geändert" and agreement.version == 1


def test_import_command_explains_broken_json(tmp_path):
    path = tmp_path / "kaputt.json"
    path.write_text('{"format": "zielsteuerung.agreements/1",\n "agreements": [}', "utf-8")
    err = StringIO()
    with pytest.raises(SystemExit):
        call_command("import_agreements", str(path), stdout=StringIO(), stderr=err)
    assert "Die Datei ist kein gültiges JSON (Zeile 2, Spalte" in err.getvalue()
