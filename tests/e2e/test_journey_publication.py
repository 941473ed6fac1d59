"""Journey: the map and the public page (issue 20). After Aurich's spring review is approved
by both sides, the ministry opens the tile map from the overview, chooses a goal, publishes the
signed agreements' targets and the year-end results, and the public reads them without login —
the reason of the assessment and the agreements still in negotiation stay internal."""

import pytest

from agreements.demo import seed_demo_agreements
from dialogs import services
from indicators.demo import seed_demo_delivery
from publication.models import Publication
from tests.conftest import make_user
from tests.e2e.conftest import PHONE, check_accessibility, screenshot
from tests.e2e.test_journey_year_end import REASON, logout, spring_review_in_review
from zielsteuerung.models import Role

pytestmark = pytest.mark.django_db(transaction=True)

WIDE = {"width": 1366, "height": 900}


def _text(locator):
    return " ".join(locator.inner_text().replace("\u00a0", " ").split())


def both_widths(page, name):
    """Screenshots at 1366 px and 390 px, then back to the wide view."""
    page.set_viewport_size(WIDE)
    screenshot(page, f"{name}-1366")
    page.set_viewport_size(PHONE)
    screenshot(page, f"{name}-390")
    page.set_viewport_size(WIDE)


def test_the_map_and_the_public_page(page, login, ministry_user):
    aurich_user = make_user("jc-aurich", "03452", Role.JOBCENTER_EDITOR, first_name="Anke")
    agreements = seed_demo_agreements()
    aurich = next(a for a in agreements if a.traeger.key == "03452")
    seed_demo_delivery()
    dialog = spring_review_in_review(aurich, ministry_user)
    services.approve(dialog, aurich_user, dialog.version)

    page.set_viewport_size(WIDE)
    login(ministry_user)
    page.goto("/uebersicht/?year=2020")
    page.get_by_role("link", name="Karte").click()
    page.wait_for_url("**/uebersicht/karte/?year=2020")
    assert "Karte der Zielerreichung 2020" in page.get_by_role("heading", level=1).inner_text()
    assert page.get_by_role("img", name="Kachelkarte Niedersachsen: K2 2020").is_visible()
    table = page.get_by_role("table", name="K2")
    aurich_row = _text(table.get_by_role("row").filter(has_text="Landkreis Aurich"))
    assert "abschließend:" in aurich_row
    assert len(table.locator("tbody tr").all()) == 16
    check_accessibility(page, "Karte")
    page.get_by_label("Ziel (Kennzahl)").select_option("K3")
    page.get_by_role("button", name="Anzeigen").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("img", name="Kachelkarte Niedersachsen: K3 2020").is_visible()
    both_widths(page, "karte")

    page.goto("/uebersicht/?year=2020")
    page.get_by_role("link", name="Veröffentlichung").click()
    page.wait_for_url("**/veroeffentlichung/")
    page.get_by_role("button", name="Veröffentlichen: Ziele 2020").click()
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="Veröffentlichen: Jahresergebnisse 2020").click()
    page.wait_for_load_state("networkidle")
    assert "Jahresergebnisse nach der Frühjahrsbilanz 2020 sind veröffentlicht" in _text(
        page.get_by_role("status").first
    )
    assert Publication.objects.current().count() == 2
    check_accessibility(page, "Veröffentlichung")
    both_widths(page, "veroeffentlichung")
    logout(page)

    page.goto("/oeffentlich/")
    page.get_by_role("link", name="2020").click()
    page.wait_for_url("**/oeffentlich/2020/")
    assert page.get_by_role("button", name="Abmelden").count() == 0
    results = _text(page.get_by_role("region", name="Ergebnisse Landkreis Aurich"))
    assert "erreicht unter Berücksichtigung von § 4 Abs. 4 und 5" in results
    targets = _text(page.get_by_role("region", name="Ziele Landkreis Heidekreis"))
    assert "+3,1 %" in targets
    body = _text(page.locator("main"))
    assert REASON not in body
    assert "Landkreis Osterholz (" not in body  # still in negotiation: not published
    assert "Noch nicht abschließend bewertet:" in body
    check_accessibility(page, "Öffentliche Seite")
    both_widths(page, "oeffentlich-2020")

    page.goto("/uebersicht/karte/")
    assert "/anmelden/" in page.url  # nothing else of the product without login
