"""The Landkreis page points to an older delivery that holds every month the comparison needs,
when the shown one lacks some (e.g. a Jobcenter's one-row correction). The default basis stays
the newest delivery; the hint only offers a link."""

import re
from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agreements.attainment import attainments_per_delivery, goal_attainments, measured_goals
from tests.test_attainment import WORKED_EXAMPLE, agree, deliver, without
from tests.test_dashboards import text_of, traeger_url

pytestmark = pytest.mark.django_db

HINT = "enthält nicht alle Monate, die der Vergleich braucht"
CORRECTION = {"INT": {(2020, 2): 171}}  # one row: February's integrations, corrected


def hint_link(response):
    """The href of the hint's link, or None when the page shows no hint."""
    html = response.content.decode()
    found = re.search(r'class="alert alert-warning complete-delivery".*?href="([^"]+)"', html)
    return found and found.group(1).replace("&amp;", "&")


@pytest.fixture
def corrected(heidekreis):
    """Heidekreis: the worked example complete on 17.03.2020, a one-row correction on
    17.04.2020 (the newest delivery, so the default basis)."""
    agreement = agree(heidekreis)
    complete = deliver({heidekreis: WORKED_EXAMPLE}, ladestand=date(2020, 3, 17))
    correction = deliver({heidekreis: CORRECTION}, ladestand=date(2020, 4, 17))
    return {"agreement": agreement, "complete": complete, "correction": correction}


def note_link(response):
    """The href of the note on a newer incomplete delivery, or None when there is none."""
    html = response.content.decode()
    found = re.search(r'class="alert alert-warning incomplete-delivery".*?href="([^"]+)"', html)
    return found and found.group(1).replace("&amp;", "&")


def test_landkreis_page_uses_the_complete_delivery_and_names_the_newer_one(
    as_user, ministry_user, corrected
):
    response = as_user(ministry_user).get(traeger_url())

    assert response.status_code == 200
    text = text_of(response)
    assert "Berichtsmonat Februar 2020, Ladestand 17.03.2020, ohne Wartezeit" in text
    assert "+8,7 %" in text  # the K2 change of the worked example
    assert "Kein Vergleich möglich" not in text
    assert (
        "Ladestand 17.04.2020 (ohne Wartezeit) unvollständig: es fehlen Dezember 2018, "
        "Januar–Februar 2019, Dezember 2019, Januar–Februar 2020. Die Zahlen stammen daher "
        "aus Ladestand 17.03.2020 (ohne Wartezeit). Mit Ladestand 17.04.2020 anzeigen"
    ) in text
    assert note_link(response) == (
        f"{traeger_url()}?year=2020&month=2&delivery={corrected['correction'].pk}"
    )
    assert hint_link(response) is None


def test_following_the_note_shows_the_incomplete_delivery_and_the_way_back(
    as_user, ministry_user, corrected
):
    client = as_user(ministry_user)
    response = client.get(note_link(client.get(traeger_url())))

    text = text_of(response)
    assert "Berichtsmonat Februar 2020, Ladestand 17.04.2020, ohne Wartezeit" in text
    assert "Kein Vergleich möglich" in text
    assert hint_link(response).endswith(f"delivery={corrected['complete'].pk}")
    assert note_link(response) is None


def test_a_chosen_incomplete_delivery_is_called_the_chosen_one(as_user, ministry_user, corrected):
    response = as_user(ministry_user).get(
        traeger_url(), {"year": 2020, "delivery": corrected["correction"].pk}
    )

    assert "Die gewählte Lieferung (Ladestand 17.04.2020, ohne Wartezeit)" in text_of(response)
    assert hint_link(response).endswith(f"delivery={corrected['complete'].pk}")


def test_the_newest_complete_delivery_is_used(as_user, reader, heidekreis):
    agree(heidekreis)
    deliver({heidekreis: WORKED_EXAMPLE}, ladestand=date(2020, 3, 10))
    deliver({heidekreis: WORKED_EXAMPLE}, ladestand=date(2020, 3, 17))
    gap = deliver(
        {heidekreis: without(WORKED_EXAMPLE, "INT", 2019, 2)}, ladestand=date(2020, 3, 20)
    )
    deliver({heidekreis: CORRECTION}, ladestand=date(2020, 4, 17))

    text = text_of(as_user(reader).get(traeger_url()))

    assert "Berichtsmonat Februar 2020, Ladestand 17.03.2020, ohne Wartezeit" in text
    assert "Ladestand 17.04.2020 (ohne Wartezeit) unvollständig" in text
    assert "Ladestand 20.03.2020 (ohne Wartezeit) unvollständig: es fehlen Februar 2019." in text, (
        gap
    )
    assert text.index("17.04.2020 (ohne Wartezeit) unvollständig") < text.index(
        "20.03.2020 (ohne Wartezeit) unvollständig"
    )  # newest first


def test_no_hint_when_the_newest_delivery_is_complete(as_user, ministry_user, heidekreis):
    agree(heidekreis)
    deliver({heidekreis: without(WORKED_EXAMPLE, "INT", 2019, 2)}, ladestand=date(2020, 3, 10))
    deliver({heidekreis: WORKED_EXAMPLE}, ladestand=date(2020, 3, 17))

    response = as_user(ministry_user).get(traeger_url())

    assert "+8,7 %" in text_of(response)
    assert HINT not in text_of(response)
    assert hint_link(response) is None


def test_no_hint_when_no_delivery_is_complete(as_user, ministry_user, heidekreis):
    agree(heidekreis)
    # December 2018 is needed by K2 at every month; no delivery holds it.
    deliver({heidekreis: without(WORKED_EXAMPLE, "ELB", 2018, 12)}, ladestand=date(2020, 3, 17))
    deliver({heidekreis: CORRECTION}, ladestand=date(2020, 4, 17))

    response = as_user(ministry_user).get(traeger_url())

    assert response.status_code == 200
    assert "Berichtsmonat Februar 2020, Ladestand 17.04.2020" in text_of(response)
    assert "Kein Vergleich möglich" in text_of(response)
    assert HINT not in text_of(response)
    assert note_link(response) is None


def test_jobcenter_user_of_the_landkreis_sees_the_hint(as_user, heidekreis_user, corrected):
    response = as_user(heidekreis_user).get(traeger_url())

    assert note_link(response).endswith(f"delivery={corrected['correction'].pk}")


def test_jobcenter_user_of_another_landkreis_gets_404_and_no_hint(as_user, verden_user, corrected):
    client = as_user(verden_user)
    for params in ({}, {"year": 2020, "month": 2, "delivery": corrected["complete"].pk}):
        response = client.get(traeger_url(), params)
        assert response.status_code == 404
        assert HINT not in response.content.decode()
        assert "17.03.2020" not in response.content.decode()


def test_the_hint_does_not_grow_the_queries_with_the_number_of_deliveries(
    as_user, ministry_user, heidekreis
):
    agree(heidekreis)
    client = as_user(ministry_user)
    client.get(traeger_url())  # warm session and content types out of the count

    def count():
        cache.clear()  # the figures of every delivery computed afresh
        with CaptureQueriesContext(connection) as queries:
            response = client.get(traeger_url())
        assert "unvollständig" in text_of(response)
        return len(queries)

    deliver({heidekreis: WORKED_EXAMPLE}, ladestand=date(2020, 3, 1))
    deliver({heidekreis: CORRECTION}, ladestand=date(2020, 4, 17))
    with_two = count()
    for day in range(2, 8):
        incomplete = without(WORKED_EXAMPLE, "LZB", 2019, 1)
        deliver({heidekreis: without(incomplete, "INT", 2019, 2)}, ladestand=date(2020, 3, day))
    with_eight = count()

    assert with_eight == with_two


def test_attainments_per_delivery_match_the_attainments_on_each_delivery(corrected):
    agreement = corrected["agreement"]
    goals = measured_goals(agreement)
    deliveries = [corrected["correction"], corrected["complete"]]

    figures = attainments_per_delivery(goals, date(2020, 2, 1), deliveries)

    for delivery in deliveries:
        expected = goal_attainments(agreement, month=2, delivery=delivery)
        assert figures[delivery] == expected
