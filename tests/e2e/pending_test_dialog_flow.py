"""A Zieldialog from the draft to the approval by both sides, in a real browser."""

import pytest

from dialogs.models import Dialog, DialogStatus
from tests.dialogs_world import make_agreement, worked_example_delivery

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def logout(page):
    page.get_by_role("button", name="Abmelden").click()
    page.wait_for_load_state("networkidle")


def test_dialog_from_draft_to_approval(page, login, ministry_user, heidekreis_user, heidekreis):
    agreement = make_agreement(heidekreis)
    worked_example_delivery(heidekreis)

    # The ministry plans the dialog; the agenda comes from the agreement.
    login(ministry_user)
    page.get_by_role("link", name="Zieldialoge").click()
    page.get_by_role("link", name="Zieldialog anlegen").first.click()
    page.get_by_label("Datum").fill("2020-03-20")
    page.get_by_label("Ort").fill("Video")
    page.get_by_role("button", name="Zieldialog anlegen").click()
    page.wait_for_url("**/bearbeiten/")
    dialog = Dialog.objects.get(agreement=agreement)
    assert "5,57" in page.content()  # the K2 JFW of February 2020

    # ... and writes the minutes.
    page.locator("#id_items-1-discussion").fill("Die Integrationsquote liegt über dem Zielpfad.")
    page.locator("#id_items-1-decisions").fill("Der Landkreis berichtet im nächsten Dialog.")
    page.get_by_role("button", name="Entwurf speichern").click()
    page.wait_for_url("**/bearbeiten/")
    assert "Der Entwurf ist gespeichert." in page.content()
    page.get_by_role("link", name="Zur Ansicht").click()
    page.get_by_role("button", name="An den Landkreis zur Prüfung senden").click()
    page.wait_for_load_state("networkidle")
    assert "an den Landkreis zur Prüfung gesandt" in page.content()
    logout(page)

    # The Jobcenter reads and approves its side.
    login(heidekreis_user)
    page.goto(f"/dialoge/{dialog.pk}/")
    assert "Die Integrationsquote liegt über dem Zielpfad." in page.content()
    page.get_by_role("button", name="Protokoll freigeben (Landkreis)").click()
    page.wait_for_load_state("networkidle")
    assert "Freigabe der anderen Seite steht noch aus" in page.content()
    logout(page)

    # The ministry approves: the minutes are frozen.
    login(ministry_user)
    page.goto(f"/dialoge/{dialog.pk}/")
    page.get_by_role("button", name="Protokoll freigeben (Ministerien)").click()
    page.wait_for_load_state("networkidle")
    assert "von beiden Seiten freigegeben" in page.content()
    assert page.get_by_role("link", name="Entwurf bearbeiten").count() == 0
    dialog.refresh_from_db()
    assert dialog.status == DialogStatus.APPROVED
