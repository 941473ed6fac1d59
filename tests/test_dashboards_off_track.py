"""Steer to what is off track (issue 15.4): the ministry's start page counts and names the
Landkreise off the target path in the newest month; the overview filters „nur nicht auf
Zielkurs“, counts per goal and sorts by the distance to the target path; the comparison ranks
by the distance to the target too and offers every indicator that has data."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from agreements.attainment import goal_attainments
from tests.test_attainment import WORKED_EXAMPLE, agree, deliver
from tests.test_dashboards import COMPARISON, OVERVIEW, shifted, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(heidekreis, verden):
    """Heidekreis on track (worked example), Verden and Emsland off the K2 path (fewer
    integrations in 2020), Emsland further behind."""
    from zielsteuerung.models import Organisation

    emsland = Organisation.objects.get(key="03454")
    agree(heidekreis)
    agree(verden)
    agree(emsland)
    verden_figures = shifted(WORKED_EXAMPLE, 1)
    verden_figures["INT"][(2020, 1)] = 130
    emsland_figures = shifted(WORKED_EXAMPLE, 1)
    emsland_figures["INT"][(2020, 1)] = 100
    deliver({heidekreis: WORKED_EXAMPLE, verden: verden_figures, emsland: emsland_figures})
    return {"emsland": emsland}


def landkreise_in_order(response):
    html = response.content.decode()
    return re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', html)


def test_distance_to_the_target_path_is_signed_by_direction(heidekreis):
    agreement = agree(heidekreis)
    deliver({heidekreis: WORKED_EXAMPLE})
    by_code = {a.indicator_code: a for a in goal_attainments(agreement)}

    # K2 (higher is better): 5,5696 % against the path 5,2828 % is 5,4 % ahead.
    assert round(by_code["K2"].distance_percent, 1) == Decimal("5.4")
    # K3 (lower is better): 3 910 against the path 3 935,075 lies below it, so ahead.
    assert by_code["K3"].distance_percent > 0
    assert by_code["K1"].distance_percent is None  # monitoring


def test_start_page_names_the_landkreise_off_track(as_user, ministry_user, three):
    response = as_user(ministry_user).get(reverse("home"))
    text, html = text_of(response), response.content.decode()

    assert "Zielkurs Februar 2020" in text
    assert "2 von 3 Landkreisen sind bei mindestens einem Ziel nicht auf Zielkurs:" in text
    assert "Landkreis Emsland</a>: K2" in html and "Landkreis Verden</a>: K2" in html
    assert "Landkreis Heidekreis</a>: K2" not in html


def test_overview_counts_per_goal_and_filters_the_off_track(as_user, reader, three):
    client = as_user(reader)
    everything = client.get(OVERVIEW)
    only = client.get(OVERVIEW, {"year": 2020, "nur": "abseits"})

    text = text_of(everything)
    assert "2 von 3 Landkreisen mit mindestens einem Ziel nicht auf Zielkurs." in text
    assert "K2: 2 nicht auf Zielkurs, 1 auf Zielkurs" in text
    assert "K3: 0 nicht auf Zielkurs, 3 auf Zielkurs" in text
    assert len(landkreise_in_order(everything)) == 3
    assert landkreise_in_order(only) == ["Landkreis Emsland", "Landkreis Verden"]
    assert "Alle Landkreise zeigen" in text_of(only)


def test_overview_sorts_by_the_distance_to_the_target_path(as_user, reader, three):
    client = as_user(reader)
    by_distance = client.get(OVERVIEW, {"year": 2020, "sort": "abstand"})
    by_k2 = client.get(OVERVIEW, {"year": 2020, "sort": "-abstand-K2"})

    assert landkreise_in_order(by_distance) == [
        "Landkreis Emsland",
        "Landkreis Verden",
        "Landkreis Heidekreis",
    ]
    assert landkreise_in_order(by_k2)[0] == "Landkreis Heidekreis"
    assert "hinter dem Zielpfad" in text_of(by_distance)


def test_comparison_ranks_by_the_distance_to_the_target(as_user, ministry_user, three):
    response = as_user(ministry_user).get(
        COMPARISON, {"indicator": "K2", "year": 2020, "rang": "ziel"}
    )

    text = text_of(response)
    assert "Abstand des Jahresfortschrittswerts" in text
    names = re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', response.content.decode())
    assert names == ["Landkreis Heidekreis", "Landkreis Verden", "Landkreis Emsland"]


def test_comparison_offers_every_indicator_with_data(as_user, ministry_user, three):
    response = as_user(ministry_user).get(COMPARISON, {"year": 2020})

    offered = [i.code for i in response.context["indicators"]]
    assert offered == ["K1", "K2", "K3"]  # K2E4 and K3E1 have no base quantities delivered
