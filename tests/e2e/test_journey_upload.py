"""Journey 2: the Jobcenter controller of Heidekreis downloads the template, uploads a file with
two mistakes, reads the errors with their line numbers, uploads the corrected file, confirms the
preview and finds the new figures on the Landkreis page."""

import pytest
from openpyxl import load_workbook

from agreements.seed_heidekreis import create_heidekreis_2020
from indicators.models import DataDelivery
from tests.e2e.conftest import check_accessibility, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

# The worked example of docs (domain.md § 5.5) in the wide layout, as Excel saves it.
CORRECT = """traeger;monat;LLU;ELB;INT;LZB
03358;12/2018;;6000;;
03358;01/2019;3.400.000;6100;150;4000
03358;02/2019;3.380.000;;160;3990
03358;12/2019;;5900;;
03358;01/2020;3.350.000;5950;160;3900
03358;02/2020;3.390.000;;170;3920
"""
# Two slips: a letter O for a zero (line 4) and a minus sign before a stock (line 7).
MISTAKES = CORRECT.replace(";160;3990", ";16O;3990").replace(";170;3920", ";170;-3920")


def _csv(name, text):
    return {"name": name, "mimeType": "text/csv", "buffer": text.encode("cp1252")}


def _text(locator):
    return locator.inner_text().replace("\u00a0", " ")


def test_jobcenter_uploads_corrects_confirms_and_finds_the_figures(page, login, heidekreis_user):
    create_heidekreis_2020()
    page.goto("/anmelden/")
    check_accessibility(page, "Anmelden")
    login(heidekreis_user, password="vertippt")
    assert page.get_by_label("Benutzername").evaluate("el => el === document.activeElement")
    assert page.get_by_label("Benutzername").get_attribute("aria-describedby") == "anmeldefehler"
    check_accessibility(page, "Anmelden mit Fehler")
    login(heidekreis_user)
    check_accessibility(page, "Startseite (Jobcenter)")
    page.get_by_role("link", name="Daten hochladen").first.click()
    page.wait_for_url("**/kennzahlen/hochladen/")
    check_accessibility(page, "Daten hochladen")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Vorlage herunterladen (Excel)").click()
    with open(download_info.value.path(), "rb") as template:
        workbook = load_workbook(template)
    assert workbook.sheetnames == ["Lang", "Breit", "Erläuterung"]
    assert [cell.value for cell in workbook["Breit"][1]][:2] == ["traeger", "monat"]

    # Sent without a file: the German message stands next to the field, which has the focus.
    page.get_by_role("button", name="Prüfen und Vorschau zeigen").click()
    file_field = page.get_by_label("Datei")
    assert file_field.evaluate("el => el === document.activeElement")
    assert file_field.get_attribute("aria-invalid") == "true"
    assert "Dieses Feld ist zwingend erforderlich" in _text(page.locator("#id_file_error"))
    check_accessibility(page, "Daten hochladen mit Formularfehlern")

    page.get_by_label("Ladestand").fill("2020-03-17")
    file_field.set_input_files(files=[_csv("heidekreis-2020-02.csv", MISTAKES)])
    page.get_by_role("button", name="Prüfen und Vorschau zeigen").click()
    page.wait_for_url("**/kennzahlen/hochladen/")
    alert = page.get_by_role("alert")
    assert "Die Datei wird nicht gespeichert: 2 Fehler" in alert.inner_text()
    assert alert.evaluate("el => el === document.activeElement")  # read out first
    problems = page.locator("ol.problems li").all_inner_texts()
    assert len(problems) == 2
    assert problems[0].startswith("Zeile 4, Spalte „INT“: „16O“ ist keine Zahl")
    assert problems[1].startswith("Zeile 7, Spalte „LZB“: „-3920“ ist negativ")
    assert not page.get_by_role("button", name="Speichern als Ladestand 17.03.2020").count()
    check_accessibility(page, "Vorschau mit Fehlern")
    screenshot(page, "journey-2-fehler")

    page.get_by_role("link", name="Andere Datei hochladen").click()
    page.get_by_label("Ladestand").fill("2020-03-17")
    page.get_by_label("Datei").set_input_files(files=[_csv("heidekreis-2020-02.csv", CORRECT)])
    page.get_by_role("button", name="Prüfen und Vorschau zeigen").click()
    page.wait_for_url("**/kennzahlen/hochladen/")
    assert "Vorschau: heidekreis-2020-02.csv" in page.get_by_role("heading", level=1).inner_text()
    preview = _text(page.locator("table").first)
    assert "03358 Landkreis Heidekreis\tELB\tgesamt\t4\t12/2018 – 01/2020" in preview
    assert "03358 Landkreis Heidekreis\tINT\tgesamt\t4\t01/2019 – 02/2020\t640,00" in preview
    check_accessibility(page, "Vorschau ohne Fehler")
    screenshot(page, "journey-2-vorschau")

    # Keyboard only: tab from "Abbrechen" back to the save button and press Enter.
    page.get_by_role("link", name="Abbrechen").focus()
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == (
        "Speichern als Ladestand 17.03.2020"
    )
    page.keyboard.press("Enter")
    page.wait_for_url("**/kennzahlen/lieferungen/*/")
    delivery = DataDelivery.objects.get()
    assert delivery.organisation.key == "03358" and delivery.delivered_by == heidekreis_user
    assert "Gespeichert: Ladestand 17.03.2020" in page.get_by_role("status").inner_text()
    check_accessibility(page, "Datenlieferung")
    page.get_by_role("link", name="← Alle Datenlieferungen").click()
    assert page.get_by_role("link", name="17.03.2020").is_visible()
    check_accessibility(page, "Datenlieferungen")

    page.get_by_role("link", name="Zielerreichung").click()
    page.wait_for_url("**/uebersicht/landkreis/03358/")
    assert "Berichtsmonat Februar 2020" in page.locator("#datengrundlage").inner_text()
    panel = page.locator("section.goal-panel", has=page.locator("#ziel-2"))
    figures = panel.locator("table.figures")
    assert "5,57 %" in _text(figures.locator("tr", has_text="JFW 2020"))
    assert "+8,7 %" in _text(figures.locator("tr", has_text="Veränderung"))
    assert "auf Zielkurs" in _text(figures)
    panel.locator(".zs-chart .main-svg").first.wait_for()
    check_accessibility(page, "Landkreis-Seite (Jobcenter)")
    screenshot(page, "journey-2-heidekreis")
