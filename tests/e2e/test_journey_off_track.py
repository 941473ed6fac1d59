"""Journey 6 (issue 15.1, 15.4, 15.11): the Jobcenter of Heidekreis uploads its newest month
alone; the preview warns which months the file lacks and which Ladestand the dashboards keep
using, and after saving its page keeps the figures and names the incomplete delivery. The
ministry's start page names the Landkreise off the target path; the overview filters them,
counts them per goal and sorts them by their distance to the target path; on a phone the
goals with a target come first and no chart label runs into another."""

import pytest

from agreements.demo import seed_demo_agreements
from indicators.demo import seed_demo_delivery
from tests.e2e.conftest import PHONE, check_accessibility, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

# December 2020 alone, delivered again a month later (the demo's newest Ladestand holds it).
DECEMBER_ONLY = """traeger;monat;LLU;ELB;INT;LZB
03358;12/2020;3.350.000;5900;150;3900
"""

LABELS_APART = """chart => {
    const boxes = [...chart.querySelectorAll(".xtick text, .ytick text, .legendtext")]
        .map(el => el.getBoundingClientRect()).filter(b => b.width > 0);
    for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
            const a = boxes[i], b = boxes[j];
            if (a.left < b.right - 1 && b.left < a.right - 1 &&
                a.top < b.bottom - 1 && b.top < a.bottom - 1) return false;
        }
    }
    return boxes.length > 0;
}"""


def _text(locator):
    return locator.inner_text().replace("\u00a0", " ")


def test_a_partial_upload_keeps_the_figures_and_the_ministry_sees_what_is_off_track(
    page, login, heidekreis_user, ministry_user
):
    seed_demo_agreements()
    seed_demo_delivery()

    login(heidekreis_user)
    page.get_by_role("link", name="Daten hochladen").first.click()
    page.get_by_label("Ladestand").fill("2021-02-15")
    page.get_by_label("Datei").set_input_files(
        files=[{"name": "dezember.csv", "mimeType": "text/csv", "buffer": DECEMBER_ONLY.encode()}]
    )
    page.get_by_role("button", name="Prüfen und Vorschau zeigen").click()
    page.wait_for_url("**/kennzahlen/hochladen/")
    warning = _text(page.locator(".incomplete-upload"))
    assert "für Dezember 2020 nicht berechnen: es fehlen Dezember 2018, Januar–Dezember 2019" in (
        warning
    )
    assert "weiter mit Ladestand 17.01.2021 (ohne Wartezeit)" in warning
    assert "12/2020" in _text(page.locator("table.monthly"))
    check_accessibility(page, "Vorschau einer unvollständigen Lieferung")
    screenshot(page, "journey-6-vorschau-unvollstaendig")
    page.get_by_role("button", name="Speichern als Ladestand 15.02.2021").click()
    page.wait_for_url("**/kennzahlen/lieferungen/*/")
    page.get_by_role("link", name="Zielerreichung 2020 ansehen").click()
    page.wait_for_url("**/uebersicht/landkreis/03358/?year=2020")
    assert "Ladestand 17.01.2021" in page.locator("#datengrundlage").inner_text()
    note = _text(page.locator(".incomplete-delivery"))
    assert note.startswith("Ladestand 15.02.2021 (ohne Wartezeit) unvollständig: es fehlen")
    assert "keine Daten" not in _text(page.locator("section.goal-panel").first)
    page.locator(".zs-chart .main-svg").first.wait_for()
    check_accessibility(page, "Landkreis-Seite mit unvollständiger Lieferung")
    screenshot(page, "journey-6-heidekreis-unvollstaendig")
    page.get_by_role("button", name="Abmelden").click()

    login(ministry_user)
    off_track = page.locator("section.off-track")
    assert "Zielkurs Dezember 2020" in _text(off_track)
    assert "bei mindestens einem Ziel nicht erreicht" in _text(off_track)
    check_accessibility(page, "Startseite mit Zielkurs")
    screenshot(page, "journey-6-start-zielkurs")
    named = off_track.locator("ul").first.locator("li a").count()  # not the unexplained goals
    off_track.get_by_role("link", name="Alle Landkreise nicht erreicht in der Übersicht").click()
    page.wait_for_url("**/uebersicht/?*nur=abseits*")
    rows = page.locator("table.overview-matrix tbody tr")
    assert rows.count() == named
    distances = page.locator("table.overview-matrix tbody tr td .distance").all_inner_texts()
    assert any("hinter dem Zielpfad" in text for text in distances)
    summary = _text(page.locator("section.off-track-summary"))
    assert f"{named} von 16 Landkreisen mit mindestens einem Ziel nicht erreicht" in summary
    check_accessibility(page, "Übersicht: nur nicht erreicht")
    screenshot(page, "journey-6-uebersicht-abseits")

    # On a phone: the goals with a target first, chart labels apart.
    page.set_viewport_size(PHONE)
    headings = page.locator("table.overview-matrix thead th.goal-column").all_inner_texts()
    assert headings[0].startswith("K2") and headings[-1].startswith("K1")
    screenshot(page, "journey-6-uebersicht-390")
    page.goto("/uebersicht/landkreis/03358/?year=2020")
    charts = page.locator(".js-plotly-plot")
    charts.first.locator(".main-svg").first.wait_for()
    page.wait_for_timeout(300)  # the charts redraw for the width
    for index in range(charts.count()):
        assert charts.nth(index).evaluate(LABELS_APART), f"Beschriftung überlappt: Diagramm {index}"
    screenshot(page, "journey-6-heidekreis-390")
