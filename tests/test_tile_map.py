"""The tile map of Niedersachsen (issue 20): one square per Kreis, the 16 zkT coloured by the
status of one goal — with a symbol and a pattern, so it reads without colour — the other
Kreise grey, and the same figures as a table beside it."""

import re

import pytest
from django.urls import reverse

from agreements import tile_map
from tests import test_year_end
from tests.dialogs_world import make_agreement
from tests.dialogs_world import worked_example_delivery as make_worked_delivery
from zielsteuerung.models import Organisation

pytestmark = pytest.mark.django_db

URL = reverse("dashboards:map")
spring, approved = test_year_end.spring, test_year_end.approved


@pytest.fixture
def agreement(heidekreis, verden):
    make_agreement(verden)  # no data: „keine Daten“
    make_worked_delivery(heidekreis)  # February 2020: K2 +8,7 % against +3,1 %, met
    return make_agreement(heidekreis)


def tile_status(text, label):
    """The status class of the tile labelled `label` on the page."""
    match = re.search(
        r'<g class="tile tile-([a-z-]+)">(?:(?!</g>).)*?class="tile-label">' + label + "<",
        text,
        re.S,
    )
    return match.group(1) if match else None


def test_the_layout_has_every_kreis_once_and_every_zkt_labelled(db):
    positions = [(column, row) for _, _, column, row in tile_map.TILES]
    assert len(positions) == len(set(positions)) == 45  # the 45 Kreise of Niedersachsen
    assert all(0 <= c < tile_map.COLUMNS and 0 <= r < tile_map.ROWS for c, r in positions)
    keys = {key for key, *_ in tile_map.TILES}
    zkt = set(Organisation.objects.traeger().values_list("key", flat=True))
    assert zkt <= keys
    assert set(tile_map.LABELS) == zkt


def test_tiles_and_table_show_the_goals_status(as_user, reader, agreement):
    response = as_user(reader).get(URL, {"year": 2020})
    assert response.status_code == 200
    text = response.text
    assert tile_status(text, "HK") == "on"
    assert tile_status(text, "VER") == "no-data"
    assert tile_status(text, "AUR") == "no-agreement"
    assert text.count('<g class="tile tile-other">') == 45 - 16
    assert 'fill="url(#muster-keine-daten)"' in text  # the pattern, not only the colour
    table = text[text.index("<table") :]
    assert "✓ auf Zielkurs" in table and "5,57\u00a0%" in table and "+8,7\u00a0%" in table
    assert "? keine Daten" in table and "keine Zielvereinbarung 2020" in table
    assert "2 auf Zielkurs" not in text and "1 auf Zielkurs" in text  # the summary


def test_another_goal_and_an_unknown_one(as_user, reader, agreement):
    text = as_user(reader).get(URL, {"year": 2020, "goal": "K1"}).text
    assert tile_status(text, "HK") == "monitoring"
    text = as_user(reader).get(URL, {"year": 2020, "goal": "K9", "month": "13"}).text
    assert tile_status(text, "HK") == "on"  # back to the first goal with a target (K2)


def test_a_goal_off_track_is_hatched(as_user, ministry_user, heidekreis):
    agreement = make_agreement(heidekreis)
    make_worked_delivery(heidekreis)
    goal = agreement.goals.get(number=2)
    goal.target_value = "20"
    goal.save()
    text = as_user(ministry_user).get(URL, {"year": 2020}).text
    assert tile_status(text, "HK") == "off"
    assert 'fill="url(#muster-abseits)"' in text and "✗ nicht auf Zielkurs" in text


def test_the_final_assessment_colours_the_tile(as_user, reader, approved):
    text = as_user(reader).get(URL, {"year": 2020}).text
    assert tile_status(text, "HK") == "on"  # K2 computed not met, assessed met under § 4
    assert "abschließend: erreicht unter Berücksichtigung von § 4 Abs. 4 und 5" in text


def test_a_jobcenter_is_sent_to_its_own_landkreis(as_user, heidekreis_user, agreement):
    response = as_user(heidekreis_user).get(URL)
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboards:traeger", args=["03358"])
    response = as_user(heidekreis_user).get(URL, {"year": 2020, "goal": "K2"})
    assert response["Location"] == reverse("dashboards:traeger", args=["03358"]) + "?year=2020"


def test_the_overview_links_to_the_map(as_user, reader, agreement):
    assert URL in as_user(reader).get(reverse("dashboards:overview")).text


def test_without_agreements(as_user, reader):
    assert "noch keine Zielvereinbarungen" in as_user(reader).get(URL).text


@pytest.mark.parametrize(
    "query", [{"year": "zwanzig"}, {"year": "2020.5", "month": "x"}, {"month": "-1", "goal": ""}]
)
def test_a_bad_query_string_falls_back_to_the_defaults(as_user, reader, agreement, query):
    response = as_user(reader).get(URL, query)
    assert response.status_code == 200
    assert tile_status(response.text, "HK") == "on"  # 2020, the newest month, the first goal
    assert '<option value="2020" selected>' in response.text
