"""Journey 1: ministry staff see the overview of all Landkreise, change the month, follow
Heidekreis, read its chart and table and download the overview as XLSX."""

from decimal import Decimal

import pytest
from openpyxl import load_workbook

from agreements.attainment import goal_attainments
from agreements.dashboards.figures import Cell
from agreements.demo import seed_demo_agreements
from indicators.demo import seed_demo_delivery
from tests.e2e.conftest import check_accessibility, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def _text(locator):
    return locator.inner_text().replace("\u00a0", " ")


def test_ministry_reads_the_overview_a_landkreis_and_downloads_the_overview(
    page, login, ministry_user
):
    agreements = seed_demo_agreements()
    heidekreis_2020 = next(a for a in agreements if a.traeger.key == "03358")
    seed_demo_delivery()
    june_k2 = next(
        a for a in goal_attainments(heidekreis_2020, month=6) if a.indicator_code == "K2"
    )
    k2_june_text = Cell(june_k2).jfw_text.replace("\u00a0", " ")

    login(ministry_user)
    check_accessibility(page, "Startseite (Ministerium)")
    start_rows = page.get_by_role("table", name="Zielvereinbarungen 2020 aller Landkreise")
    assert start_rows.locator("tbody tr").count() == 16
    screenshot(page, "journey-1-start")
    page.get_by_role("link", name="Zielerreichung", exact=True).first.click()
    page.wait_for_url("**/uebersicht/")
    assert "Berichtsmonat Dezember 2020" in page.locator("#datengrundlage").inner_text()
    rows = page.locator("table.overview-matrix tbody tr")
    assert rows.count() == 16

    # Keyboard only: choose June by typing into the month list, tab to "Anzeigen", press Enter.
    page.get_by_label("Berichtsmonat").focus()
    page.keyboard.type("Juni")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Anzeigen"
    page.keyboard.press("Enter")
    page.wait_for_url("**/uebersicht/?*month=6*")
    assert "Berichtsmonat Juni 2020" in page.locator("#datengrundlage").inner_text()
    heidekreis_row = rows.filter(has=page.get_by_role("link", name="Landkreis Heidekreis"))
    assert k2_june_text in _text(heidekreis_row)
    check_accessibility(page, "Übersicht")
    screenshot(page, "journey-1-uebersicht-juni")

    heidekreis_row.get_by_role("link", name="Landkreis Heidekreis").click()
    page.wait_for_url("**/uebersicht/landkreis/03358/?*month=6*")
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Landkreis Heidekreis: Zielerreichung 2020"
    )
    chart = page.locator('.zs-chart[data-figure="chart-ziel-2"]')
    chart.locator(".main-svg").first.wait_for()
    # The chart's text alternative points to the table that carries the same figures.
    assert "K2" in chart.get_attribute("aria-label")
    assert "Tabelle" in chart.get_attribute("aria-label")
    assert chart.locator(".scatterlayer .trace").count() == 3
    panel = page.locator("section.goal-panel", has=page.locator("#ziel-2"))
    june = panel.locator("table.month-table tbody tr", has=page.get_by_text("Juni 2020"))
    assert _text(june.locator("td").first) == k2_june_text
    figures = panel.locator("table.figures")
    assert k2_june_text in _text(figures.locator("tr", has_text="JFW 2020"))
    check_accessibility(page, "Landkreis-Seite Heidekreis")
    screenshot(page, "journey-1-heidekreis-juni")

    page.get_by_role("link", name="Revisionen der Daten").click()
    page.wait_for_url("**/uebersicht/landkreis/03358/revisionen/**")
    assert page.locator("table.revisions").first.is_visible()
    check_accessibility(page, "Revisionen Heidekreis")
    page.go_back()

    page.get_by_role("link", name="← Alle Landkreise").click()
    page.wait_for_url("**/uebersicht/?*month=6*")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Excel (XLSX)").click()
    download = download_info.value
    assert download.suggested_filename == "uebersicht-2020.xlsx"
    with open(download.path(), "rb") as workbook:
        sheet = load_workbook(workbook).active
    headers = [cell.value for cell in sheet[1]]
    table = [
        dict(zip(headers, row, strict=True)) for row in sheet.iter_rows(min_row=2, values_only=True)
    ]
    assert len(table) == 16
    heidekreis = next(row for row in table if row["Kreisschlüssel"] == "03358")
    assert heidekreis["Berichtsmonat"] == "Juni 2020"
    assert Decimal(str(heidekreis["K2 JFW 2020 (%)"])) == june_k2.jfw.quantize(Decimal("0.01"))
    assert heidekreis["K2 Bewertung"] == Cell(june_k2).verdict_label

    page.get_by_role("link", name="Kennzahlen vergleichen").click()
    page.wait_for_url("**/uebersicht/vergleich/**")
    page.locator(".zs-chart .main-svg").first.wait_for()
    check_accessibility(page, "Kennzahlenvergleich")
    screenshot(page, "journey-1-vergleich")
