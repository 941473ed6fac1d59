"""Drafts never take over (issue 15.2): a copied 2021 draft with its first month of data does
not move the overview, the comparison, /dialoge/ or the Landkreis page to 2021; a draft's
targets are marked „Entwurf“ wherever shown; after an upload the delivery leads to the year
its data belong to."""

from datetime import date

import pytest
from django.urls import reverse

from agreements.models import AgreementStatus
from tests.test_attainment import WORKED_EXAMPLE, agree, deliver
from tests.test_dashboards import COMPARISON, OVERVIEW, text_of, traeger_url

pytestmark = pytest.mark.django_db

JANUARY_2021 = {
    "ELB": {(2020, 12): 5900, (2021, 1): 5800},
    "INT": {(2020, 1): 160, (2021, 1): 150},
    "LZB": {(2020, 1): 3900, (2021, 1): 3850},
    "LLU": {(2020, 1): 3_350_000, (2021, 1): 3_300_000},
}


@pytest.fixture
def draft_2021(heidekreis, verden):
    """2020 signed for both Landkreise with data; Heidekreis' 2021 agreement copied as a
    draft, with January 2021 delivered."""
    agree(heidekreis)
    agree(verden)
    deliver({heidekreis: WORKED_EXAMPLE, verden: WORKED_EXAMPLE})
    draft = agree(heidekreis, year=2021, status=AgreementStatus.DRAFT)
    figures = {code: dict(series) for code, series in JANUARY_2021.items()}
    figures["ELB"][(2019, 12)] = 5900
    delivery = deliver({heidekreis: figures}, ladestand=date(2021, 2, 15))
    return {"draft": draft, "delivery": delivery}


def test_overview_opens_on_the_newest_year_beyond_draft(as_user, ministry_user, draft_2021):
    text = text_of(as_user(ministry_user).get(OVERVIEW))

    assert "Berichtsmonat Februar 2020" in text
    assert "Entwurf" not in text


def test_comparison_opens_on_the_newest_year_beyond_draft(as_user, reader, draft_2021):
    text = text_of(as_user(reader).get(COMPARISON))

    assert "Berichtsmonat Februar 2020" in text


def test_landkreis_page_of_the_jobcenter_opens_on_the_signed_year(
    as_user, heidekreis_user, draft_2021
):
    text = text_of(as_user(heidekreis_user).get(traeger_url()))

    assert "Landkreis Heidekreis: Zielerreichung 2020" in text
    assert "Berichtsmonat Februar 2020" in text


def test_dialog_list_opens_on_the_newest_year_beyond_draft(as_user, ministry_user, draft_2021):
    response = as_user(ministry_user).get(reverse("dialogs:list"))

    assert response.context["year"] == 2020


def test_a_drafts_targets_are_marked_as_draft(as_user, ministry_user, draft_2021):
    client = as_user(ministry_user)
    overview = text_of(client.get(OVERVIEW, {"year": 2021}))
    landkreis = text_of(client.get(traeger_url(), {"year": 2021}))
    comparison = text_of(client.get(COMPARISON, {"year": 2021, "indicator": "K3"}))

    assert "(Ziel +3,1 %, Entwurf)" in overview
    assert "Zielerreichung 2021 Entwurf" in landkreis
    assert "Ziel: +3,1 % gegenüber dem Vorjahr Entwurf" in landkreis
    assert "−1,5 % Entwurf" in comparison


def test_only_drafts_open_on_the_newest_year(as_user, ministry_user, heidekreis):
    agree(heidekreis, status=AgreementStatus.DRAFT)
    deliver({heidekreis: WORKED_EXAMPLE})

    text = text_of(as_user(ministry_user).get(OVERVIEW))

    assert "Berichtsmonat Februar 2020" in text
    assert "(Ziel +3,1 %, Entwurf)" in text


def test_the_stored_delivery_leads_to_the_year_of_its_data(as_user, heidekreis_user, draft_2021):
    url = reverse("indicators:delivery_detail", args=[draft_2021["delivery"].pk])
    response = as_user(heidekreis_user).get(url)

    assert "Zielerreichung 2021 ansehen" in text_of(response)
    assert f'href="{traeger_url()}?year=2021"' in response.content.decode()


def test_downloads_name_a_drafts_status(as_user, ministry_user, draft_2021):
    client = as_user(ministry_user)
    overview = client.get(OVERVIEW, {"year": 2021, "format": "csv"}).content.decode("utf-8-sig")
    landkreis = client.get(traeger_url(), {"year": 2021, "format": "csv"}).content.decode(
        "utf-8-sig"
    )

    assert overview.splitlines()[0].endswith(";Status der Vereinbarung")
    assert overview.splitlines()[1].endswith(";Entwurf")
    assert landkreis.splitlines()[1].endswith(";Entwurf")
