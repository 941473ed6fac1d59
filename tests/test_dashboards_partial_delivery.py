"""A partial delivery (a Jobcenter's newest month alone, or a file with one `k.A.` cell) does
not blank the dashboards: each Landkreis is judged on its newest delivery holding every month
the comparison needs, and the page names the newer incomplete one with a link (issue 15.1)."""

from datetime import date

import pytest

from tests.test_attainment import WORKED_EXAMPLE, agree, deliver, without
from tests.test_dashboards import OVERVIEW, text_of, traeger_url

pytestmark = pytest.mark.django_db

MARCH_ONLY = {
    "ELB": {(2020, 3): 5960},
    "INT": {(2020, 3): 175},
    "LZB": {(2020, 3): 3930},
    "LLU": {(2020, 3): 3_400_000},
}


@pytest.fixture
def partial(heidekreis, verden):
    """Both Landkreise complete up to February 2020 (17.03.2020); Heidekreis then uploads
    March 2020 alone (15.04.2020)."""
    agree(heidekreis)
    agree(verden)
    complete = deliver({heidekreis: WORKED_EXAMPLE, verden: WORKED_EXAMPLE})
    march = deliver({heidekreis: MARCH_ONLY}, ladestand=date(2020, 4, 15))
    return {"complete": complete, "march": march}


def test_overview_keeps_the_figures_and_names_the_incomplete_delivery(
    as_user, ministry_user, partial
):
    response = as_user(ministry_user).get(OVERVIEW)

    text = text_of(response)
    assert "Berichtsmonat Februar 2020, Ladestand 17.03.2020, ohne Wartezeit" in text
    assert "keine Daten" not in text
    assert text.count("+8,7 %") == 2  # K2 of both Landkreise
    assert (
        "Ladestand 15.04.2020 (ohne Wartezeit) unvollständig: es fehlen Dezember 2018, "
        "Januar–Februar 2019, Dezember 2019, Januar–Februar 2020. Die Zahlen stammen daher "
        "aus Ladestand 17.03.2020 (ohne Wartezeit)."
    ) in text
    link = f"{traeger_url()}?year=2020&amp;month=2&amp;delivery={partial['march'].pk}"
    assert link in response.content.decode()


def test_a_file_with_one_skipped_cell_is_passed_over(as_user, reader, heidekreis):
    agree(heidekreis)
    deliver({heidekreis: WORKED_EXAMPLE})
    deliver({heidekreis: without(WORKED_EXAMPLE, "LZB", 2020, 1)}, ladestand=date(2020, 3, 20))

    text = text_of(as_user(reader).get(traeger_url()))

    assert "Ladestand 17.03.2020, ohne Wartezeit" in text
    assert "Kein Vergleich möglich" not in text
    assert "Ladestand 20.03.2020 (ohne Wartezeit) unvollständig: es fehlen Januar 2020." in text


def test_the_jobcenter_sees_its_own_figures_kept(as_user, heidekreis_user, partial):
    text = text_of(as_user(heidekreis_user).get(traeger_url()))

    assert "Berichtsmonat Februar 2020, Ladestand 17.03.2020" in text
    assert "Ladestand 15.04.2020 (ohne Wartezeit) unvollständig" in text
    assert "+8,7 %" in text


def test_a_chosen_delivery_is_used_as_chosen(as_user, ministry_user, partial):
    text = text_of(
        as_user(ministry_user).get(OVERVIEW, {"year": 2020, "delivery": partial["march"].pk})
    )

    assert "Berichtsmonat März 2020, Ladestand 15.04.2020" in text
    assert "unvollständig" not in text  # nothing is passed over when the user chose
