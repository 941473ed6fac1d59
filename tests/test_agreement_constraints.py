"""The invariants the database itself holds for agreements and organisations, whatever code
writes: each constraint declared in agreements/models.py and zielsteuerung/models.py refuses a
row that breaks it."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from agreements.models import (
    Agreement,
    AgreementParty,
    BudgetKind,
    BudgetLine,
    Goal,
    GoalKind,
    Signature,
)
from indicators.models import Indicator
from zielsteuerung.models import Organisation, OrganisationKind, OrganisationName

pytestmark = pytest.mark.django_db


def refused_by_database(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


@pytest.fixture
def agreement(heidekreis):
    return Agreement.objects.create(year=2020, traeger=heidekreis)


def test_one_agreement_per_landkreis_and_year(agreement, heidekreis, verden):
    refused_by_database(lambda: Agreement.objects.create(year=2020, traeger=heidekreis))
    Agreement.objects.create(year=2021, traeger=heidekreis)  # another year
    Agreement.objects.create(year=2020, traeger=verden)  # another Landkreis
    assert Agreement.objects.count() == 3


@pytest.mark.parametrize("year", [2004, 2101])
def test_agreement_year_is_plausible(heidekreis, year):
    refused_by_database(lambda: Agreement.objects.create(year=year, traeger=heidekreis))


def test_goal_numbers_are_unique_in_an_agreement(agreement, verden):
    def qualitative(on, number):
        return Goal.objects.create(
            agreement=on, number=number, kind=GoalKind.QUALITATIVE, title="Z"
        )

    qualitative(agreement, 1)
    refused_by_database(lambda: qualitative(agreement, 1))
    qualitative(agreement, 2)
    qualitative(Agreement.objects.create(year=2020, traeger=verden), 1)  # another agreement


@pytest.mark.parametrize(
    "fields",
    [
        {"indicator": None, "target_value": Decimal("3.1")},
        {"indicator": "K2", "target_value": None},
        {"indicator": None, "target_value": None},
    ],
)
def test_quantitative_goal_needs_indicator_and_target(agreement, fields):
    fields = dict(fields)
    if fields["indicator"]:
        fields["indicator"] = Indicator.objects.get(code=fields["indicator"])
    refused_by_database(
        lambda: Goal.objects.create(
            agreement=agreement, number=2, kind=GoalKind.QUANTITATIVE, title="K2", **fields
        )
    )


def test_quantitative_goal_with_indicator_and_target_is_stored(agreement):
    Goal.objects.create(
        agreement=agreement,
        number=2,
        kind=GoalKind.QUANTITATIVE,
        title="K2",
        indicator=Indicator.objects.get(code="K2"),
        target_value=Decimal("3.1"),
    )


def test_budget_is_not_negative(agreement):
    refused_by_database(
        lambda: BudgetLine.objects.create(
            agreement=agreement, kind=BudgetKind.ADMINISTRATION, amount=Decimal("-0.01")
        )
    )
    BudgetLine.objects.create(agreement=agreement, kind=BudgetKind.ADMINISTRATION, amount=0)


def test_one_budget_line_per_kind(agreement):
    BudgetLine.objects.create(agreement=agreement, kind=BudgetKind.INTEGRATION, amount=1)
    refused_by_database(
        lambda: BudgetLine.objects.create(
            agreement=agreement, kind=BudgetKind.INTEGRATION, amount=2
        )
    )


def test_a_party_is_named_once(agreement, mw):
    AgreementParty.objects.create(agreement=agreement, organisation=mw, name="MW")
    refused_by_database(
        lambda: AgreementParty.objects.create(agreement=agreement, organisation=mw, name="MW")
    )


@pytest.mark.parametrize(("field", "value"), [("day", 0), ("day", 32), ("month", 0), ("month", 13)])
def test_signature_day_and_month_are_in_range(agreement, mw, field, value):
    refused_by_database(
        lambda: Signature.objects.create(agreement=agreement, organisation=mw, **{field: value})
    )


def test_signature_with_unknown_day_and_month_is_stored(agreement, mw):
    Signature.objects.create(agreement=agreement, organisation=mw, day=27, month=None, year=2020)


@pytest.mark.parametrize("key", ["3358", "033580", "0335A", "Heide"])
def test_kreisschluessel_of_a_landkreis_has_five_digits(key):
    refused_by_database(
        lambda: Organisation.objects.create(key=key, kind=OrganisationKind.TRAEGER, name="LK")
    )


def test_other_organisations_keep_their_own_keys():
    Organisation.objects.create(key="MX", kind=OrganisationKind.MINISTRY, name="Ministerium X")
    Organisation.objects.create(key="99999", kind=OrganisationKind.TRAEGER, name="LK Neu")


def test_organisation_key_is_unique(heidekreis):
    refused_by_database(
        lambda: Organisation.objects.create(
            key=heidekreis.key, kind=OrganisationKind.TRAEGER, name="Doppelt"
        )
    )


def test_one_name_per_start_year(mw):
    OrganisationName.objects.create(organisation=mw, valid_from_year=2030, name="MW neu")
    refused_by_database(
        lambda: OrganisationName.objects.create(
            organisation=mw, valid_from_year=2030, name="MW anders"
        )
    )
