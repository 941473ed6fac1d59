"""Journey 20: a ministry user searches „Alleinerziehende“ from the navigation, sees the hit in
a goal's text with the inflected word marked, and opens it; then looks at Heidekreis' years
side by side. axe stays clean on both pages."""

import pytest

from agreements.models import Goal
from tests.dialogs_world import make_agreement
from tests.e2e.conftest import PHONE, check_accessibility, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_search_from_the_navigation_and_open_a_hit(page, login, ministry_user, heidekreis):
    agreement = make_agreement(heidekreis)
    make_agreement(heidekreis, 2021)
    Goal.objects.filter(agreement=agreement, number=4).update(
        description="Die Integration von Alleinerziehenden wird durch Teilzeitausbildung gefördert."
    )
    login(ministry_user)
    page.set_viewport_size({"width": 1366, "height": 900})
    box = page.get_by_role("search", name="Suche").get_by_label("Suchbegriff")
    box.fill("Alleinerziehende")
    box.press("Enter")
    page.wait_for_url("**/suche/?q=Alleinerziehende")
    hit = page.locator(".search-hit").first
    assert "Alleinerziehenden" in hit.locator("mark").first.inner_text()
    check_accessibility(page, "Suche mit Treffern")
    screenshot(page, "suche-treffer")
    page.set_viewport_size(PHONE)
    screenshot(page, "suche-treffer-390")
    page.set_viewport_size({"width": 1366, "height": 900})
    hit.get_by_role("link").click()
    page.wait_for_url(f"**/vereinbarungen/{agreement.pk}/#ziel-4")
    assert "Zielvereinbarung 2020" in page.get_by_role("heading", level=1).inner_text()

    page.get_by_role("link", name="Jahre im Vergleich").click()
    page.wait_for_url("**/uebersicht/landkreis/03358/jahre/")
    page.wait_for_load_state("networkidle")
    assert page.locator(".years-goal").count() >= 3
    check_accessibility(page, "Jahre im Vergleich")
    screenshot(page, "jahre-im-vergleich")
    page.set_viewport_size(PHONE)
    screenshot(page, "jahre-im-vergleich-390")
