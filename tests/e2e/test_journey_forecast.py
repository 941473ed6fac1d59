"""Journey (issue 19, year-end forecast): Heidekreis has three years of K3 data in one
delivery; its page shows the forecast band after June in the chart and the forecast with its
verdict in the table, also on a phone, and the overview names the verdict in the goal cell."""

from datetime import date

import pytest

from tests.e2e.conftest import PHONE, check_accessibility, screenshot
from tests.test_attainment import agree, deliver
from tests.test_forecast import HISTORY, as_series
from zielsteuerung.models import Organisation

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_forecast_band_is_visible_on_the_landkreis_page(
    page, login, live_server, heidekreis_user, ministry_user
):
    heidekreis = Organisation.objects.get(key="03358")
    agree(heidekreis)
    deliver({heidekreis: as_series(HISTORY)}, ladestand=date(2020, 7, 17))

    login(heidekreis_user)
    page.goto(f"{live_server.url}/uebersicht/landkreis/03358/?year=2020&month=6")
    k3 = page.locator("section.goal-panel", has_text="K3")
    # The band is a filled area in the chart (plotly draws `fill: tonexty` as a .fills path).
    band = k3.locator(".zs-chart .scatterlayer .fills path").first
    band.wait_for(state="visible")
    assert band.bounding_box()["width"] > 20
    assert k3.get_by_role("rowheader", name="Prognose Dezember 2020").is_visible()
    assert k3.locator(".badge.outlook", has_text="kaum erreichbar").first.is_visible()
    assert "315 bis 345" in k3.inner_text().replace("\u00a0", " ")
    check_accessibility(page, "Landkreis-Seite mit Jahresendprognose")
    screenshot(page, "journey-19-prognose-heidekreis")
    page.set_viewport_size(PHONE)
    band.wait_for(state="visible")
    screenshot(page, "journey-19-prognose-heidekreis-390")
    page.set_viewport_size({"width": 1366, "height": 900})

    login(ministry_user)
    page.goto(f"{live_server.url}/uebersicht/?year=2020&month=6")
    cell = page.locator("td.cell .forecast").first
    assert "Prognose 330" in cell.inner_text() and "kaum erreichbar" in cell.inner_text()
    check_accessibility(page, "Übersicht mit Jahresendprognose")
    screenshot(page, "journey-19-prognose-uebersicht")
