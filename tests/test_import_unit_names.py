"""A unit given by its name alone (docs/import.md „Region labels“): accepted only when the name
matches exactly one organisation; otherwise the message lists the candidates and asks for the
key."""

from datetime import date

import pytest

from indicators import imports
from zielsteuerung.models import Organisation, OrganisationKind

pytestmark = pytest.mark.django_db


def problems_of(text, **options):
    result = imports.check_file(text.encode(), "test.csv", ladestand=date(2020, 3, 17), **options)
    return [str(p) for p in result.problems if not p.hint], result


def comparison_unit(key, name):
    return Organisation.objects.create(key=key, kind=OrganisationKind.COMPARISON, name=name)


@pytest.mark.parametrize("header", ["traeger", "Jobcenter"])
@pytest.mark.parametrize("name", ["Heidekreis", "LK Heidekreis"])
def test_a_name_of_a_zkt_and_a_comparison_unit_asks_for_the_key(header, name):
    comparison_unit("VE1", "Heidekreis")
    problems, _ = problems_of(f"{header};kennzahl;monat;wert\n{name};ELB;2020-01;1\n")
    assert problems == [
        f"Zeile 2, Spalte „{header}“: „{name}“ passt auf mehrere Träger: Landkreis Heidekreis "
        "(03358), Heidekreis (VE1). Bitte den Schlüssel angeben."
    ]


def test_the_key_decides_where_the_name_does_not():
    comparison_unit("VE1", "Heidekreis")
    problems, result = problems_of(
        "traeger;kennzahl;monat;wert\n03358;ELB;2020-01;1\nVE1;ELB;2020-01;2\n"
    )
    assert problems == []
    assert [cell[0] for cell in result.cells()] == ["03358", "VE1"]


def test_a_name_of_one_organisation_is_that_organisation():
    comparison_unit("03241", "Region Hannover")
    problems, result = problems_of("traeger;kennzahl;monat;wert\nHannover;ELB;2020-01;1\n")
    assert problems == []
    assert [cell[0] for cell in result.cells()] == ["03241"]


def test_a_name_of_an_aggregate_and_a_comparison_unit_asks_for_the_key():
    comparison_unit("NDS", "Niedersachsen")
    problems, _ = problems_of("traeger;kennzahl;monat;wert\nNiedersachsen;ELB;2020-01;1\n")
    assert problems == [
        "Zeile 2, Spalte „traeger“: „Niedersachsen“ passt auf mehrere Träger: Niedersachsen "
        "(03), Niedersachsen (NDS). Bitte den Schlüssel angeben."
    ]


def test_a_name_alone_of_an_aggregate_stays_the_aggregate():
    problems, result = problems_of("traeger;kennzahl;monat;wert\nNiedersachsen;ELB;2020-01;1\n")
    assert problems == []
    assert [cell[0] for cell in result.cells()] == ["03"]


def test_a_jobcenter_user_is_asked_for_the_key_when_its_own_name_is_ambiguous(heidekreis_user):
    comparison_unit("VE1", "Heidekreis")
    problems, _ = problems_of(
        "traeger;kennzahl;monat;wert\nHeidekreis;ELB;2020-01;1\n", user=heidekreis_user
    )
    assert problems == [
        "Zeile 2, Spalte „traeger“: „Heidekreis“ passt auf mehrere Träger: Landkreis Heidekreis "
        "(03358), Heidekreis (VE1). Bitte den Schlüssel angeben."
    ]


def test_a_jobcenter_user_is_told_its_rights_for_an_ambiguous_name_not_its_own(heidekreis_user):
    comparison_unit("VE2", "Oldenburg")
    problems, _ = problems_of(
        "traeger;kennzahl;monat;wert\nOldenburg;ELB;2020-01;1\n", user=heidekreis_user
    )
    assert problems == [
        "Zeile 2, Spalte „traeger“: Sie dürfen nur Daten für Landkreis Heidekreis (03358) "
        "liefern, nicht für „Oldenburg“."
    ]
