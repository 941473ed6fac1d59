"""Journey (issue 17): the ministry uploads the BA's table of published Kennzahlen as it comes,
reads in the preview that the BA table was recognised, the marks counted with their meaning and
the file's Datenstand offered, confirms, and finds the published values beside the computed
ones on the Landkreis page of Heidekreis."""

import re
from pathlib import Path

import pytest

from agreements.demo import seed_demo_agreements
from indicators.demo import seed_demo_delivery
from indicators.models import DataDelivery
from tests.e2e.conftest import check_accessibility

pytestmark = pytest.mark.django_db(transaction=True)

CORPUS = Path(__file__).resolve().parents[1] / "data" / "import"


def _text(locator):
    return " ".join(locator.inner_text().replace("\u00a0", " ").split())


def test_a_ba_file_is_uploaded_previewed_confirmed_and_shown_beside_the_computed(
    page, login, ministry_user
):
    seed_demo_agreements()
    seed_demo_delivery()

    login(ministry_user)
    page.get_by_role("link", name="Daten hochladen").first.click()
    page.get_by_label("Ladestand").fill("2020-10-01")
    page.get_by_label("Wartezeit").fill("3")
    page.get_by_label("Quelle").select_option("ba")
    page.get_by_label("Datei").set_input_files(str(CORPUS / "ba_kennzahlen.xlsx"))
    page.get_by_role("button", name="Prüfen und Vorschau zeigen").click()
    page.wait_for_load_state("networkidle")
    preview = _text(page.locator("main"))
    assert "Tabelle der BA erkannt" in preview
    assert "Laut Datei: Datenstand 01.10.2020, Wartezeit 3 Monate." in preview
    assert "1 × „*“ (Geheimhaltung)" in preview
    assert "1 × „x“ (Nachweis nicht sinnvoll)" in preview
    check_accessibility(page, "Vorschau einer Datei der BA")
    page.get_by_role("button", name="Speichern").click()
    page.wait_for_load_state("networkidle")
    assert DataDelivery.objects.filter(source="ba").count() == 1

    page.goto("/uebersicht/landkreis/03358/?year=2020&month=6")
    table = page.get_by_role("table", name="Berechnet und veröffentlicht")
    shown = _text(table)
    # computed from the demo's base data, published by the file with its flag p (vorläufig)
    assert re.search(r"Landkreis Heidekreis 03358 K2 12-Monats-Wert \d+,\d % 21,0 % p ", shown)
    # Deutschland and Niedersachsen: reference lines, published only
    assert "Deutschland D · Referenz K2 Jahresfortschrittswert – 20,4 % – 01.10.2020" in shown
    assert "Niedersachsen 03 · Referenz K2 12-Monats-Wert – 20,7 %" in shown
