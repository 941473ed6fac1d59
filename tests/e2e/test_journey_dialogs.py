"""Journeys 4 and 5: a Zieldialog with a measure from draft to frozen minutes and their PDF,
and the spring review with a final assessment that differs from the computed verdict."""

from datetime import date

import pytest

from dialogs.models import Assessment, Dialog, DialogKind, DialogStatus, FinalAssessment, Measure
from tests.dialogs_world import full_year_figures, make_agreement, make_delivery
from tests.dialogs_world import worked_example_delivery as make_worked_delivery
from tests.e2e.conftest import (
    check_accessibility,
    download,
    has_focus,
    pdf_text,
    screenshot,
    tab_to,
)

pytestmark = pytest.mark.django_db(transaction=True)


def logout(page):
    page.get_by_role("button", name="Abmelden").click()
    page.wait_for_load_state("networkidle")


def test_minutes_with_a_measure_are_commented_approved_and_printed(
    page, login, ministry_user, heidekreis_user, heidekreis
):
    agreement = make_agreement(heidekreis)
    make_worked_delivery(heidekreis)

    login(ministry_user)
    page.goto("/dialoge/")
    check_accessibility(page, "Zieldialoge (Liste)")
    page.goto(f"/dialoge/vereinbarung/{agreement.pk}/neu/")
    check_accessibility(page, "Zieldialog anlegen")
    page.get_by_label("Datum").fill("2020-04-20")  # after the Ladestand of 31.03.2020
    page.get_by_label("Ort").fill("Video")
    page.get_by_role("button", name="Zieldialog anlegen").click()
    page.wait_for_url("**/bearbeiten/")
    dialog = Dialog.objects.get(agreement=agreement)

    page.locator("#id_items-1-discussion").fill("Die Integrationsquote liegt über dem Zielpfad.")
    page.locator("[name='measures-0-text']").fill("Coaching-Plätze bis Juni besetzen")
    page.locator("[name='measures-0-responsible_organisation']").select_option(
        label="Landkreis Heidekreis"
    )
    due_date = page.locator("[name='measures-0-due_date']")
    due_date.fill("2020-06-30")
    # Keyboard only: from the measure's due date, Tab on to the save button and press Enter.
    assert has_focus(due_date)
    tab_to(page, page.get_by_role("button", name="Entwurf speichern"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert Measure.objects.get(dialog=dialog).text == "Coaching-Plätze bis Juni besetzen"
    screenshot(page, "journey-4-entwurf")
    check_accessibility(page, "Protokollentwurf")
    page.get_by_role("link", name="Zur Ansicht").click()
    check_accessibility(page, "Zieldialog (Entwurf)")
    page.get_by_role("button", name="An den Landkreis zur Prüfung senden").click()
    page.wait_for_load_state("networkidle")
    logout(page)

    login(heidekreis_user)
    page.goto(f"/dialoge/{dialog.pk}/")
    assert "Das Protokoll liegt dem Landkreis zur Prüfung vor." in page.content()
    check_accessibility(page, "Zieldialog in Prüfung (Jobcenter)")
    page.get_by_role("link", name="Anmerkungen eintragen").click()
    check_accessibility(page, "Anmerkungen des Jobcenters")
    page.locator("textarea[name$='jobcenter_comment']").nth(1).fill(
        "Wir ergänzen die Zahl der Coaching-Plätze."
    )
    page.get_by_role("button", name="Anmerkungen speichern").click()
    page.wait_for_load_state("networkidle")
    page.goto(f"/dialoge/{dialog.pk}/")
    assert "Wir ergänzen die Zahl der Coaching-Plätze." in page.content()
    page.get_by_role("button", name="Protokoll freigeben (Landkreis)").click()
    page.wait_for_load_state("networkidle")
    logout(page)

    login(ministry_user)
    page.goto(f"/dialoge/{dialog.pk}/")
    page.get_by_role("button", name="Protokoll freigeben (Ministerien)").click()
    page.wait_for_load_state("networkidle")
    dialog.refresh_from_db()
    assert dialog.status == DialogStatus.APPROVED
    screenshot(page, "journey-4-freigegeben")
    check_accessibility(page, "Zieldialog (freigegeben)")
    page.get_by_role("link", name="Verlauf").click()
    check_accessibility(page, "Zieldialog (Verlauf)")
    # Back to the minutes through the breadcrumb; their own link downloads the PDF.
    page.get_by_role("navigation", name="Brotkrumen").get_by_role("link").last.click()
    page.wait_for_url(f"**/dialoge/{dialog.pk}/")
    text = pdf_text(download(page, "Protokoll (PDF)"))
    assert "Coaching-Plätze bis Juni besetzen" in text
    assert "30.06.2020" in text
    assert "Die Integrationsquote liegt über dem Zielpfad." in text
    assert "5,57" in text  # the K2 JFW of February 2020, frozen with the minutes


def test_spring_review_needs_a_reason_where_it_differs_from_the_computed_verdict(
    page, login, ministry_user, heidekreis
):
    agreement = make_agreement(heidekreis)
    # A year in which K3 missed its target: 3 990 LZB against 4 000 is only −0,25 %.
    make_delivery(heidekreis, full_year_figures(lzb_2020=3990), ladestand=date(2021, 1, 31))

    login(ministry_user)
    page.goto(f"/dialoge/vereinbarung/{agreement.pk}/neu/")
    page.get_by_label("Art").select_option(label="Frühjahrsbilanz")
    page.get_by_label("Datum").fill("2021-03-15")
    page.get_by_label("Ort").fill("Hannover")
    page.get_by_label("Berichtsmonat").select_option(label="Dezember 2020")
    page.get_by_label("Ladestand").select_option(index=1)
    page.get_by_role("button", name="Zieldialog anlegen").click()
    page.wait_for_url("**/bearbeiten/")
    dialog = Dialog.objects.get(agreement=agreement, kind=DialogKind.SPRING)
    k3 = FinalAssessment.objects.get(dialog=dialog, goal_number=3)
    k3_form = page.locator(f"[name$='-id'][value='{k3.pk}']").locator("xpath=..")
    k3_form.locator("select[name$='-assessment']").select_option(Assessment.MET_AFTER_4_4_5)
    with page.expect_navigation():
        page.get_by_role("button", name="Entwurf speichern").click()
    assert "es wurde nichts gespeichert" in page.get_by_role("alert").first.inner_text()
    assert "Bitte begründen Sie die Abweichung" in k3_form.locator(".invalid-feedback").inner_text()
    screenshot(page, "journey-5-begruendung-fehlt")
    check_accessibility(page, "Frühjahrsbilanz mit fehlender Begründung")

    # Keyboard only: the focus stands in the missing reason; type it, Tab on to the save
    # button and press Enter.
    reason = k3_form.locator("textarea[name$='-reason']")
    assert has_focus(reason)
    page.keyboard.type("Gesetzliche Neuregelung zum 1. Juli (§ 4 Abs. 4) hat den Zugang erhöht.")
    tab_to(page, page.get_by_role("button", name="Entwurf speichern"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Der Entwurf ist gespeichert." in page.content()
    k3.refresh_from_db()
    assert k3.assessment == Assessment.MET_AFTER_4_4_5
    assert k3.reason.startswith("Gesetzliche Neuregelung")
