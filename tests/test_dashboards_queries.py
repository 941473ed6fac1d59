"""The dashboards' database queries do not grow with the number of Landkreise (16 → 100)
or with the number of months with data (3 of each year → all 24 months of 2019 and 2020)."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.test_attainment import WORKED_EXAMPLE, agree, deliver
from zielsteuerung.models import Organisation, OrganisationKind

pytestmark = pytest.mark.django_db

PAGES = {
    "overview": reverse("dashboards:overview"),
    "landkreis": reverse("dashboards:traeger", args=["03358"]),
    "comparison": reverse("dashboards:comparison") + "?indicator=K2",
    "overview_csv": reverse("dashboards:overview") + "?format=csv",
    "revisions": reverse("dashboards:revisions", args=["03358"]),
}


def counts(client):
    result = {}
    for name, url in PAGES.items():
        client.get(url)  # warm caches (session, content types) out of the count
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, name
        result[name] = len(queries)
    return result


def add_units(count, start):
    """`count` more units: three in four are Landkreise with an agreement, the rest are
    comparison units with data only. All deliver the worked example's figures."""
    units = []
    for number in range(start, start + count):
        kind = OrganisationKind.TRAEGER if number % 4 else OrganisationKind.COMPARISON
        unit = Organisation.objects.create(
            key=f"{number:05d}", kind=kind, name=f"Einheit {number:05d}"
        )
        if kind == OrganisationKind.TRAEGER:
            agree(unit)
        units.append(unit)
    return units


def test_dashboard_queries_do_not_grow_with_the_number_of_units(as_user, ministry_user):
    landkreise = list(Organisation.objects.traeger())
    assert len(landkreise) == 16
    for unit in landkreise:
        agree(unit)
    deliver({unit: WORKED_EXAMPLE for unit in landkreise}, ladestand=date(2020, 3, 17))
    client = as_user(ministry_user)
    with_16 = counts(client)

    more = add_units(84, start=90001)
    deliver({unit: WORKED_EXAMPLE for unit in more}, ladestand=date(2020, 3, 18))
    assert Organisation.objects.data_units().count() == 100
    with_100 = counts(client)

    assert with_100 == with_16
    assert max(with_16.values()) <= 30, with_16  # a fixed handful per page


def monthly_figures(months):
    """Base quantities for the last `months` months of 2019 and 2020 each (ELB also for the
    Decembers before), as complete as the JFW of both years needs."""
    figures = {"ELB": {}, "INT": {}, "LZB": {}, "LLU": {}}
    for year in (2019, 2020):
        figures["ELB"][(year - 1, 12)] = 6000
        for month in range(1, months + 1):
            figures["ELB"][(year, month)] = 6000 - month
            figures["INT"][(year, month)] = 150 + month
            figures["LZB"][(year, month)] = 4000 - month
            figures["LLU"][(year, month)] = 3_400_000 + 1000 * month
    return figures


def test_dashboard_queries_do_not_grow_with_the_number_of_months(as_user, ministry_user):
    landkreise = list(Organisation.objects.traeger())
    for unit in landkreise:
        agree(unit)
    deliver({unit: monthly_figures(3) for unit in landkreise}, ladestand=date(2020, 4, 17))
    client = as_user(ministry_user)
    assert "Berichtsmonat März 2020" in client.get(PAGES["overview"]).text
    with_3 = counts(client)

    deliver({unit: monthly_figures(12) for unit in landkreise}, ladestand=date(2021, 1, 18))
    assert "Berichtsmonat Dezember 2020" in client.get(PAGES["overview"]).text
    with_24 = counts(client)

    assert with_24 == with_3
