"""Journey (issue 17): the Jobcenter controller of Heidekreis uploads an own export whose header
the product does not recognise, maps its columns (a K2 column with its variant), reads the
preview with the note that the mapping was used, confirms, and next month's file with the same
header is read with the saved mapping at once."""

from pathlib import Path

import pytest

from indicators.models import ColumnMapping, DataDelivery
from tests.e2e.conftest import check_accessibility

pytestmark = pytest.mark.django_db(transaction=True)

CORPUS = Path(__file__).resolve().parents[1] / "data" / "import"


def _text(locator):
    return " ".join(locator.inner_text().replace("\u00a0", " ").split())


def _upload(page, name, text, ladestand):
    page.goto("/kennzahlen/hochladen/")
    page.get_by_label("Ladestand").fill(ladestand)
    page.get_by_label("Datei").set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": text.encode()}
    )
    page.get_by_role("button", name="Prüfen und Vorschau zeigen").click()
    page.wait_for_load_state("networkidle")


def test_an_unknown_header_is_mapped_previewed_confirmed_and_remembered(
    page, login, heidekreis_user
):
    login(heidekreis_user)
    text = (CORPUS / "eigene_kopfzeile.csv").read_text()
    _upload(page, "export.csv", text, "2020-03-17")
    step = _text(page.locator("main"))
    assert "Die Kopfzeile dieser Datei wurde nicht erkannt." in step
    assert "5.950, 5.900" in step  # sample values of „Erwerbsfähige LB“
    check_accessibility(page, "Spalten zuordnen")
    page.get_by_label("Rolle der Spalte 4").select_option("ELB")
    page.get_by_label("Rolle der Spalte 5").select_option("INT")
    page.get_by_label("Rolle der Spalte 6").select_option("K2")
    page.get_by_label("Variante der Spalte 6").select_option("jfw")
    page.get_by_role("button", name="Mit dieser Zuordnung prüfen").click()
    page.wait_for_load_state("networkidle")
    preview = _text(page.locator("main"))
    assert "Die Spalten wurden nach Ihrer Zuordnung gelesen" in preview
    assert "6 Werte für 03358 (K2, ELB, INT), 01/2020 bis 02/2020" in preview
    check_accessibility(page, "Vorschau mit Spaltenzuordnung")
    page.get_by_role("button", name="Speichern").click()
    page.wait_for_load_state("networkidle")
    assert DataDelivery.objects.count() == 1
    assert ColumnMapping.objects.count() == 1

    _upload(page, "export-maerz.csv", text.replace("5.950", "5.960"), "2020-03-18")
    preview = _text(page.locator("main"))
    assert "nach der gespeicherten Zuordnung Ihrer Organisation" in preview
    page.get_by_role("link", name="Zuordnung ändern").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_label("Variante der Spalte 6").input_value() == "jfw"
