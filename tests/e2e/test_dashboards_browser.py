"""The overview leads to a Landkreis whose charts plotly draws under the strict CSP."""

import pytest

from tests.e2e.conftest import screenshot
from tests.test_attainment import WORKED_EXAMPLE, agree, deliver

pytestmark = pytest.mark.django_db(transaction=True)


def test_ministry_user_opens_the_overview_and_sees_a_landkreis_chart_drawn(
    page, login, ministry_user, heidekreis
):
    agree(heidekreis)
    deliver({heidekreis: WORKED_EXAMPLE})
    login(ministry_user)
    page.get_by_role("link", name="Zielerreichung", exact=True).first.click()
    page.wait_for_url("**/uebersicht/")
    assert "Berichtsmonat Februar 2020" in page.locator("#datengrundlage").inner_text()
    assert page.get_by_text("auf Zielkurs").first.is_visible()
    screenshot(page, "dashboard-overview")

    page.get_by_role("link", name="Landkreis Heidekreis").click()
    page.wait_for_url("**/uebersicht/landkreis/03358/**")
    chart = page.locator('.zs-chart[data-figure="chart-ziel-2"]')
    chart.locator(".main-svg").first.wait_for()
    # Plotly drew the three lines (two years and the target path) with German month names.
    assert chart.locator(".scatterlayer .trace").count() == 3
    assert "Feb" in chart.locator(".xtick").nth(1).text_content()
    assert "JFW 2020" in chart.locator(".legend").text_content()
    screenshot(page, "dashboard-landkreis")
    # The page fixture fails the test on any console error or CSP violation.
