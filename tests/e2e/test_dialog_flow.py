"""A Zieldialog from the draft to the approval by both sides, in a real browser."""

import pytest

from dialogs.models import Dialog, DialogStatus
from tests.dialogs_world import make_agreement, worked_example_delivery

pytestmark = pytest.mark.django_db(transaction=True)


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
    page.get_by_label("Datum").fill("2020-04-20")
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


def test_second_save_of_a_draft_is_refused_and_keeps_the_typed_text(
    browser, live_server, page, login, ministry_user, heidekreis
):
    from tests.conftest import PASSWORD, make_user
    from tests.dialogs_world import make_dialog
    from zielsteuerung.models import Role

    colleague = make_user(
        "ms-kollegin", "MS", Role.MINISTRY_EDITOR, first_name="Klara", last_name="Kolleg"
    )
    agreement = make_agreement(heidekreis)
    dialog = make_dialog(agreement, ministry_user, delivery=worked_example_delivery(heidekreis))
    edit = f"/dialoge/{dialog.pk}/bearbeiten/"

    # Both open the draft.
    login(ministry_user)
    page.goto(edit)
    other = browser.new_context(base_url=live_server.url, locale="de-DE").new_page()
    other.goto("/anmelden/")
    other.get_by_label("Benutzername").fill(colleague.username)
    other.get_by_label("Passwort").fill(PASSWORD)
    other.get_by_role("button", name="Anmelden").click()
    other.goto(edit)

    # The colleague saves first ...
    other.locator("#id_items-1-discussion").fill("Fassung der Kollegin")
    other.get_by_role("button", name="Entwurf speichern").click()
    other.wait_for_url("**/bearbeiten/")
    other.context.close()

    # ... so the second save is refused, and what was typed is still in the form.
    page.locator("#id_items-1-discussion").fill("Meine ausführliche Fassung")
    page.get_by_role("button", name="Entwurf speichern").click()
    page.wait_for_load_state("networkidle")
    assert "Nicht gespeichert" in page.content() and "Klara Kolleg" in page.content()
    assert page.locator("#id_items-1-discussion").input_value() == "Meine ausführliche Fassung"
    assert dialog.items.get(goal__number=2).discussion == "Fassung der Kollegin"
    # The page answered 409 on purpose; the browser logs that as a failed load.
    page.problems[:] = [problem for problem in page.problems if "409" not in problem]

    # Saving again is a deliberate choice and replaces the colleague's text.
    page.get_by_role("button", name="Entwurf speichern").click()
    page.wait_for_url("**/bearbeiten/")
    assert "Der Entwurf ist gespeichert." in page.content()
    assert dialog.items.get(goal__number=2).discussion == "Meine ausführliche Fassung"
