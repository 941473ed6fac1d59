"""Pages outside the journeys, checked with axe-core and at phone width (docs/accessibility.md)."""

import pytest

from agreements.seed_heidekreis import create_heidekreis_2020
from tests.e2e.conftest import check_accessibility, tab_to

pytestmark = pytest.mark.django_db(transaction=True)


def test_jobcenter_reports_a_step_with_the_keyboard_and_reads_the_history(
    page, login, heidekreis_user
):
    agreement = create_heidekreis_2020()
    login(heidekreis_user)
    page.get_by_role("link", name="Landkreis Heidekreis").first.click()
    page.wait_for_url(f"**/vereinbarungen/{agreement.pk}/")
    page.get_by_role("link", name="Umsetzungsstand melden").click()
    page.wait_for_url(f"**/vereinbarungen/{agreement.pk}/umsetzungsstand/")
    check_accessibility(page, "Umsetzungsstand melden")

    # Keyboard only: choose the status by typing, tab to the note, write it, Tab on to the
    # save button and press Enter.
    page.locator("[name='stand-0-status']").focus()
    page.keyboard.type("in Umsetzung")
    page.keyboard.press("Tab")
    page.keyboard.type("Leitfaden liegt im Entwurf vor.")
    tab_to(page, page.get_by_role("button", name="Stand speichern"))
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/vereinbarungen/{agreement.pk}/")
    assert "Stand von 1 Umsetzungsschritt(en) gespeichert" in (
        page.get_by_role("status").first.inner_text()
    )
    step = agreement.goals.get(number=4).steps.order_by("order").first()
    assert (step.status, step.status_note) == ("in_umsetzung", "Leitfaden liegt im Entwurf vor.")

    page.get_by_role("link", name="Verlauf").click()
    page.wait_for_url(f"**/vereinbarungen/{agreement.pk}/verlauf/")
    assert "Stand gemeldet" in page.locator("main").inner_text()
    check_accessibility(page, "Verlauf der Zielvereinbarung")


def test_year_end_report_before_any_spring_review(page, login, reader):
    """The Jahresabschlussbericht with every final assessment still open (journey 6 shows it
    after an approval)."""
    create_heidekreis_2020()
    login(reader)
    page.goto("/uebersicht/jahresabschluss/")
    assert "noch offen" in page.locator("main").inner_text()
    check_accessibility(page, "Jahresabschlussbericht (noch offen)")
