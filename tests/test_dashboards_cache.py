"""The overview table is cached, and every change it depends on shows at once."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.dialogs_world import make_agreement, make_delivery, worked_example_delivery

pytestmark = pytest.mark.django_db

OVERVIEW = reverse("dashboards:overview")


def main_part(page):
    start = page.index('id="datengrundlage"')
    return page[start : page.index("</table>", start)]


def text(response):
    return response.text.replace("\u00a0", " ")


def test_a_changed_target_and_a_new_delivery_show_at_once(as_user, ministry_user, heidekreis):
    agreement = make_agreement(heidekreis)
    worked_example_delivery(heidekreis)
    client = as_user(ministry_user)
    first = text(client.get(OVERVIEW, {"year": 2020}))
    assert "(Ziel +3,1 %)" in first and "5,57 %" in first
    with CaptureQueriesContext(connection) as computed:
        sorted_once = text(client.get(OVERVIEW, {"year": 2020, "sort": "schluessel"}))
    with CaptureQueriesContext(connection) as cached:
        sorted_again = text(client.get(OVERVIEW, {"year": 2020, "sort": "schluessel"}))
    assert len(cached) < len(computed)  # the second time the table comes from the cache
    assert main_part(sorted_again) == main_part(sorted_once)

    goal = agreement.goals.get(number=2)
    goal.target_value = Decimal("9.5")
    goal.save()
    assert "(Ziel +9,5 %)" in text(client.get(OVERVIEW, {"year": 2020}))

    figures = {
        "ELB": {(2019, 1): 6100, (2019, 2): 6000, (2020, 1): 5950, (2020, 2): 5900},
        "INT": {(2019, 1): 150, (2019, 2): 160, (2020, 1): 160, (2020, 2): 300},
        "LZB": {(2019, 1): 4000, (2019, 2): 3990, (2020, 1): 3900, (2020, 2): 3920},
        "LLU": {
            (2019, 1): 3_400_000,
            (2019, 2): 3_380_000,
            (2020, 1): 3_350_000,
            (2020, 2): 3_390_000,
        },
    }
    figures["ELB"][(2018, 12)] = 6000
    figures["ELB"][(2019, 12)] = 5900  # complete, so the dashboards take it
    make_delivery(heidekreis, figures, ladestand=date(2020, 4, 30))
    after = text(client.get(OVERVIEW, {"year": 2020}))
    assert "17.03.2020" not in after and "30.04.2020" in after
    assert "5,57 %" not in after


def test_a_reader_and_a_ministry_see_the_same_table(as_user, ministry_user, reader, heidekreis):
    make_agreement(heidekreis)
    worked_example_delivery(heidekreis)
    ministry = text(as_user(ministry_user).get(OVERVIEW, {"year": 2020}))
    shown = text(as_user(reader).get(OVERVIEW, {"year": 2020}))
    assert main_part(ministry) in shown
