"""Journey 3: ministry staff create next year's agreement by copying this year's, change a
target, add a qualitative step and print the agreement as PDF."""

import pytest

from agreements.models import Agreement
from agreements.seed_heidekreis import create_heidekreis_2020
from tests.e2e.conftest import (
    check_accessibility,
    download,
    has_focus,
    pdf_text,
    screenshot,
    tab_to,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_copy_change_target_add_step_and_print(page, login, ministry_user, live_server):
    agreement = create_heidekreis_2020()
    login(ministry_user)
    page.get_by_role("link", name="Zielvereinbarungen").first.click()
    page.wait_for_url("**/vereinbarungen/")
    check_accessibility(page, "Zielvereinbarungen")
    page.get_by_role("link", name="Landkreis Heidekreis").first.click()
    page.wait_for_url(f"**/vereinbarungen/{agreement.pk}/")
    assert page.get_by_role("heading", name="4. Gleichstellungspolitisches Ziel").is_visible()
    screenshot(page, "vereinbarung-dokument")
    check_accessibility(page, "Zielvereinbarung")

    page.get_by_role("button", name="Als Entwurf für 2021 kopieren").click()
    page.get_by_role("button", name="Ja, Entwurf 2021 anlegen").click()
    copy = Agreement.objects.get(traeger=agreement.traeger, year=2021)
    page.wait_for_url(f"**/vereinbarungen/{copy.pk}/bearbeiten/")
    assert "Entwurf 2021 angelegt" in page.get_by_role("status").first.inner_text()
    check_accessibility(page, "Zielvereinbarung bearbeiten")

    target = page.locator("[name='ziele-1-target_value']")
    assert target.input_value() == "3,10"
    # A typing slip: the message stands next to the field and the focus moves there.
    target.fill("drei")
    page.get_by_role("button", name="Speichern").click()
    page.wait_for_load_state()
    assert "Nicht gespeichert" in page.locator("#fehler").inner_text()
    assert target.evaluate("el => el === document.activeElement")
    assert target.get_attribute("aria-invalid") == "true"
    error_id = target.get_attribute("aria-describedby").split()[-1]
    assert "Zahl" in page.locator(f"#{error_id}").inner_text()
    check_accessibility(page, "Zielvereinbarung bearbeiten mit Fehler")
    target.fill("+3,5")
    page.locator("[name='schritte-2-goal_number']").fill("4")
    step_text = page.locator("[name='schritte-2-text']")
    step_text.fill("Leitfaden in allen Teams einführen")
    # Keyboard only: from the step just written, Tab on to the save button and press Enter.
    assert has_focus(step_text)
    save = page.get_by_role("button", name="Speichern")
    tab_to(page, save)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/vereinbarungen/{copy.pk}/")
    document = page.locator("article.document").inner_text().replace("\u00a0", " ")
    assert "Zielwert +3,5 %" in document
    assert "Leitfaden in allen Teams einführen" in document
    screenshot(page, "vereinbarung-kopie-2021")
    check_accessibility(page, "Zielvereinbarung 2021")

    # Print: the page's own link downloads the agreement as PDF.
    text = pdf_text(download(page, "PDF herunterladen"))
    assert "im Jahr 2021" in text
    assert "Leitfaden in allen Teams einführen" in text
