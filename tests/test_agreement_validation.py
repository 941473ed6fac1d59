"""The JSON import refuses what the edit page refuses: the rules live in the models' clean(), and
both name the place of the problem in German and save nothing."""

import copy
import json
from datetime import date
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from agreements.models import Agreement, Goal, GoalKind, Signature
from agreements.seed_heidekreis import HEIDEKREIS_2020, create_heidekreis_2020
from agreements.serialization import FORMAT, import_agreements
from indicators.models import Indicator
from tests.dialogs_world import make_agreement
from tests.test_agreement_pages import edit_data
from tests.test_agreements_json import goal, refusal_of

pytestmark = pytest.mark.django_db

WHERE = "Vereinbarung 2020/03358"


def heidekreis_file(change):
    data = copy.deepcopy(HEIDEKREIS_2020)
    change(data)
    return {"format": FORMAT, "agreements": [data]}


CASES = {
    "qualitative goal with an indicator": (
        lambda d: goal(d, 4).update(indicator="K2"),
        f"{WHERE}, Ziel 4, Feld „indicator“: Ein qualitatives Ziel hat keinen Zielindikator.",
    ),
    "qualitative goal with a target": (
        lambda d: goal(d, 5).update(target_change_percent="2.0"),
        f"{WHERE}, Ziel 5, Feld „target_change_percent“: Ein qualitatives Ziel hat keinen "
        "Zielwert.",
    ),
    "base quantity as indicator": (
        lambda d: goal(d, 2).update(indicator="LLU"),
        f"{WHERE}, Ziel 2, Feld „indicator“: „LLU“ ist eine Basisgröße, keine Kennzahl; ein "
        "Ziel beobachtet eine Kennzahl (z. B. K1, K2, K3, K2E4).",
    ),
    "monitoring goal with a target": (
        lambda d: goal(d, 1).update(target_change_percent="-1.0"),
        f"{WHERE}, Ziel 1, Feld „target_change_percent“: Ein Monitoringziel hat keinen Zielwert.",
    ),
    "signature of an organisation that is no party": (
        lambda d: d["signatures"][2].update(organisation="03361"),
        f"{WHERE}, Unterschrift 3, Feld „organisation“: Landkreis Verden ist kein "
        "Vereinbarungspartner dieser Vereinbarung und unterschreibt sie nicht.",
    ),
    "float as a money amount": (
        lambda d: d["budget"].update(eingliederung=7795364.5),
        f"{WHERE}, Feld „budget.eingliederung“: „7795364.5“ ist eine Gleitkommazahl; Beträge "
        "als Text mit Dezimalpunkt angeben, z. B. „4250000.50“.",
    ),
    "impossible signature date": (
        lambda d: d["signatures"][0].update(day=31, month=2, year=2020),
        f"{WHERE}, Unterschrift 1, Feld „day“: Den 31.02.2020 gibt es nicht (der Monat hat 29 "
        "Tage).",
    ),
    "impossible time of a step report": (
        lambda d: goal(d, 4)["steps"][0].update(status_updated_at="2020-02-31T10:00:00+01:00"),
        f"{WHERE}, Ziel 4, Schritt 1, Feld „status_updated_at“: „2020-02-31T10:00:00+01:00“ "
        "ist kein Zeitpunkt (ISO 8601).",
    ),
}


@pytest.mark.parametrize(("change", "message"), CASES.values(), ids=CASES.keys())
def test_import_refuses_and_writes_nothing(change, message):
    assert refusal_of(heidekreis_file(change)) == [message]
    assert not Agreement.objects.exists()
    assert not Goal.objects.exists()
    assert not Signature.objects.exists()


@pytest.mark.parametrize(("change", "message"), CASES.values(), ids=CASES.keys())
def test_import_leaves_an_existing_agreement_unchanged(change, message):
    agreement = create_heidekreis_2020()
    before = (agreement.version, list(Goal.objects.values()), list(Signature.objects.values()))
    with_title = heidekreis_file(change)
    with_title["agreements"][0]["title"] = "Geändert"
    assert message in refusal_of(with_title)
    agreement.refresh_from_db()
    assert agreement.title != "Geändert"
    after = (agreement.version, list(Goal.objects.values()), list(Signature.objects.values()))
    assert after == before


def test_every_broken_rule_of_a_file_is_reported_at_once():
    def change(data):
        goal(data, 4).update(indicator="K2")
        goal(data, 1).update(target_change_percent="-1.0")
        data["signatures"][2].update(organisation="03361")

    errors = refusal_of(heidekreis_file(change))
    assert [error.split(":")[0] for error in errors] == [
        f"{WHERE}, Ziel 1, Feld „target_change_percent“",
        f"{WHERE}, Ziel 4, Feld „indicator“",
        f"{WHERE}, Unterschrift 3, Feld „organisation“",
    ]


def test_signature_by_a_party_named_in_the_file_is_accepted():
    def change(data):
        data["parties"].append({"organisation": "03361", "name": "Landkreis Verden"})
        data["signatures"][2].update(organisation="03361")

    ((agreement, created),) = import_agreements(heidekreis_file(change))
    assert created and agreement.signatures.filter(organisation__key="03361").exists()


def test_29_february_of_a_leap_year_and_without_a_year_is_accepted():
    def change(data):
        data["signatures"][0].update(day=29, month=2, year=2020)
        data["signatures"][1].update(day=29, month=2, year=None)

    import_agreements(heidekreis_file(change))
    assert Signature.objects.filter(day=29, month=2).count() == 2


def test_import_command_reports_a_broken_rule_and_writes_nothing(tmp_path):
    path = tmp_path / "verden.json"
    data = heidekreis_file(lambda d: d["signatures"][2].update(organisation="03361"))
    path.write_text(json.dumps(data), encoding="utf-8")
    err = StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("import_agreements", str(path), stdout=StringIO(), stderr=err)
    assert exit_.value.code == 1
    assert "Unterschrift 3, Feld „organisation“: Landkreis Verden ist kein" in err.getvalue()
    assert "1 Fehler – nichts gespeichert." in err.getvalue()
    assert not Agreement.objects.exists()


# --- the models' rules, as both ways in use them -----------------------------------------------


def test_goal_clean_holds_the_rules_of_each_kind(heidekreis):
    agreement = make_agreement(heidekreis)
    llu = Indicator.objects.get(code="LLU")
    k2 = Indicator.objects.get(code="K2")
    cases = [
        (GoalKind.QUALITATIVE, {"indicator": k2}, "indicator"),
        (GoalKind.QUALITATIVE, {"target_type": "quote"}, "target_type"),
        (GoalKind.MONITORING, {"indicator": k2, "target_value": 1}, "target_value"),
        (GoalKind.MONITORING, {}, "indicator"),
        (GoalKind.QUANTITATIVE, {"indicator": llu, "target_value": 1}, "indicator"),
    ]
    for kind, fields, field in cases:
        goal = Goal(agreement=agreement, number=9, kind=kind, title="Test", **fields)
        with pytest.raises(ValidationError) as refused:
            goal.full_clean()
        assert field in refused.value.message_dict, (kind, fields)


def test_signature_clean_for_a_new_agreement_allows_ministries_and_the_landkreis(
    heidekreis, verden, mw
):
    agreement = Agreement(year=2022, traeger=heidekreis)
    assert agreement.signing_organisation_ids() >= {mw.pk, heidekreis.pk}
    assert verden.pk not in agreement.signing_organisation_ids()
    Signature(agreement=agreement, organisation=mw).clean()
    with pytest.raises(ValidationError):
        Signature(agreement=agreement, organisation=verden).clean()


# --- the edit page refuses the same --------------------------------------------------------------


@pytest.fixture
def agreement(heidekreis):
    return make_agreement(heidekreis)


def refused_on_page(as_user, ministry_user, agreement, **changes):
    data = edit_data(agreement, change_reason="Prüfung", **changes)
    response = as_user(ministry_user).post(reverse("agreements:edit", args=[agreement.pk]), data)
    assert response.status_code == 400
    assert "Bitte korrigieren Sie die markierten Angaben" in response.text
    agreement.refresh_from_db()
    assert agreement.version == 1
    return response.text


def test_page_refuses_qualitative_goal_with_indicator_or_target(as_user, ministry_user, agreement):
    k2 = Indicator.objects.get(code="K2")
    text = refused_on_page(
        as_user,
        ministry_user,
        agreement,
        **{"ziele-3-indicator": str(k2.pk), "ziele-4-target_value": "2,0"},
    )
    assert "Ein qualitatives Ziel hat keinen Zielindikator." in text
    assert "Ein qualitatives Ziel hat keinen Zielwert." in text
    assert agreement.goals.get(number=4).indicator is None


def test_page_refuses_a_base_quantity_as_indicator(as_user, ministry_user, agreement):
    llu = Indicator.objects.get(code="LLU")
    text = refused_on_page(as_user, ministry_user, agreement, **{"ziele-1-indicator": str(llu.pk)})
    assert "Bitte eine gültige Auswahl treffen" in text
    assert agreement.goals.get(number=2).indicator.code == "K2"


def test_page_refuses_monitoring_goal_with_target(as_user, ministry_user, agreement):
    text = refused_on_page(as_user, ministry_user, agreement, **{"ziele-0-target_value": "-1,0"})
    assert "Ein Monitoringziel hat keinen Zielwert." in text
    assert agreement.goals.get(number=1).target_value is None


def test_page_refuses_signature_of_no_party(as_user, ministry_user, agreement, verden):
    text = refused_on_page(
        as_user,
        ministry_user,
        agreement,
        **{"unterschriften-0-organisation": str(verden.pk), "unterschriften-0-signatory": "V"},
    )
    assert "Landkreis Verden ist kein Vereinbarungspartner dieser Vereinbarung" in text
    assert not agreement.signatures.exists()


def test_page_refuses_an_impossible_signature_date(as_user, ministry_user, agreement, mw):
    text = refused_on_page(
        as_user,
        ministry_user,
        agreement,
        **{
            "unterschriften-0-organisation": str(mw.pk),
            "unterschriften-0-signatory": "M",
            "unterschriften-0-day": "31",
            "unterschriften-0-month": "2",
            "unterschriften-0-year": "2020",
        },
    )
    assert "Den 31.02.2020 gibt es nicht" in text
    assert not agreement.signatures.exists()


def test_page_accepts_a_signature_by_a_party(as_user, ministry_user, agreement, heidekreis):
    data = edit_data(
        agreement,
        change_reason="Unterschrift",
        **{
            "unterschriften-0-organisation": str(heidekreis.pk),
            "unterschriften-0-signatory": "Manfred Ostermann",
            "unterschriften-0-day": "8",
            "unterschriften-0-month": "12",
            "unterschriften-0-year": "2020",
        },
    )
    response = as_user(ministry_user).post(reverse("agreements:edit", args=[agreement.pk]), data)
    assert response.status_code == 302
    signature = agreement.signatures.get()
    assert signature.organisation == heidekreis
    assert date(signature.year, signature.month, signature.day) == date(2020, 12, 8)
