"""Issue 15, items 6, 9 and the minutes editor at 390 px: unsaved minutes are not lost, the
save is always in reach, approval says who waits for whom, and the editor fits a phone."""

from datetime import date

import pytest

from dialogs import services
from dialogs.models import Dialog
from tests.dialogs_world import make_agreement, make_dialog, worked_example_delivery
from tests.e2e.conftest import PHONE, check_accessibility, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

FIELDS_INSIDE = """() => [...document.querySelectorAll("main input, main select, main textarea, main button")]
    .filter(el => el.type !== "hidden" && el.offsetParent !== null)
    .filter(el => { const r = el.getBoundingClientRect();
                    return r.left < -1 || r.right > document.documentElement.clientWidth + 1; })
    .map(el => el.name || el.id || el.textContent.trim())"""


def logout(page):
    page.get_by_role("button", name="Abmelden").click()
    page.wait_for_load_state("networkidle")


def test_unsaved_minutes_are_kept_and_the_save_stays_in_reach(
    page, login, ministry_user, heidekreis
):
    agreement = make_agreement(heidekreis)
    delivery = worked_example_delivery(heidekreis)
    later = worked_example_delivery(heidekreis, ladestand=date(2020, 5, 31))
    dialog = make_dialog(agreement, ministry_user, delivery=delivery)
    login(ministry_user)
    edit = f"/dialoge/{dialog.pk}/bearbeiten/"
    page.goto(edit)
    save = page.get_by_role("button", name="Entwurf speichern", exact=True)
    assert save.is_visible() and save.evaluate(
        "el => el.getBoundingClientRect().bottom <= window.innerHeight"
    ), "Speichern ist ohne Scrollen erreichbar"

    # Typing and then leaving asks first; staying keeps the text.
    discussion = page.locator("#id_items-1-discussion")
    discussion.click()
    page.keyboard.type("Die Integrationsquote liegt über dem Zielpfad.")
    assert page.locator("[data-unsaved-status]").inner_text() == "Ungespeicherte Änderungen"
    asked = []

    def stay(dialog_box):
        asked.append(dialog_box.type)
        dialog_box.dismiss()

    page.on("dialog", stay)
    page.get_by_role("link", name="Zur Ansicht").click()
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"]
    assert page.url.endswith(edit)
    assert discussion.input_value() == "Die Integrationsquote liegt über dem Zielpfad."
    page.remove_listener("dialog", stay)
    screenshot(page, "minutes-ungespeichert")

    # Each section saves the draft and comes back to itself; saving never asks.
    item = dialog.items.get(goal__number=2)
    section = page.locator(f"#abschnitt-top-{item.pk}")
    section.get_by_role("button", name="Speichern").click()
    page.wait_for_url(f"**{edit}#abschnitt-top-{item.pk}")
    assert dialog.items.get(goal__number=2).discussion.startswith("Die Integrationsquote")
    assert "Zuletzt gespeichert" in page.locator("[data-unsaved-status]").inner_text()
    # The browser scrolls to the section once the page has loaded (not at a fixed moment).
    page.wait_for_function(
        """id => { const r = document.getElementById(id).getBoundingClientRect();
                   return r.top < window.innerHeight && r.bottom > 0; }""",
        arg=f"abschnitt-top-{item.pk}",
    )
    # Nothing changed since: leaving does not ask.
    page.get_by_role("link", name="Zur Ansicht").click()
    page.wait_for_url(f"**/dialoge/{dialog.pk}/")

    # The Ladestand list follows the dialog's date: a later delivery is not offered.
    page.goto(edit)
    options = page.locator("#id_dialog-delivery option:not([disabled])")
    assert str(later.pk) not in options.evaluate_all("os => os.map(o => o.value)")
    page.get_by_label("Datum").fill("2020-06-15")
    page.get_by_label("Datum").dispatch_event("change")
    assert str(later.pk) in options.evaluate_all("os => os.map(o => o.value)")
    page.get_by_label("Datum").fill("2020-04-20")
    page.get_by_label("Datum").dispatch_event("change")
    assert str(later.pk) not in options.evaluate_all("os => os.map(o => o.value)")
    page.on("dialog", lambda box: box.accept())  # the changed date is dropped on purpose
    check_accessibility(page, "Protokollentwurf mit Speicherleiste")


def test_minutes_editor_fits_a_phone(page, login, ministry_user, heidekreis):
    agreement = make_agreement(heidekreis)
    dialog = make_dialog(agreement, ministry_user, delivery=worked_example_delivery(heidekreis))
    login(ministry_user)
    page.set_viewport_size(PHONE)
    page.goto(f"/dialoge/{dialog.pk}/bearbeiten/")
    assert page.evaluate(FIELDS_INSIDE) == []
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(_screens() / "minutes-editor-390.png"), full_page=False)
    page.locator("#abschnitt-teilnehmende").scroll_into_view_if_needed()
    page.screenshot(path=str(_screens() / "minutes-editor-390-teilnehmende.png"))


def _screens():
    from tests.e2e.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


def test_approval_says_who_waits_for_whom_and_a_changed_comment_withdraws_it(
    page, login, ministry_user, heidekreis_user, reader, heidekreis
):
    agreement = make_agreement(heidekreis)
    dialog = make_dialog(agreement, ministry_user, delivery=worked_example_delivery(heidekreis))
    services.send_to_review(dialog, ministry_user, dialog.version)
    detail = f"/dialoge/{dialog.pk}/"

    login(heidekreis_user)
    page.goto(detail)
    page.get_by_role("button", name="Protokoll freigeben (Landkreis)").click()
    page.wait_for_load_state("networkidle")
    badge = page.locator("[data-status]")
    assert badge.inner_text() == "wartet auf Freigabe durch das Ministerium"
    assert (
        "wartet auf Freigabe durch das Ministerium" in page.locator("[data-waiting]").inner_text()
    )
    screenshot(page, "journey-9-wartet-auf-ministerium")
    check_accessibility(page, "Protokoll, wartet auf Freigabe")

    # Changing a comment after approving withdraws the approval, and the page says so.
    page.get_by_role("link", name="Anmerkungen eintragen").click()
    assert page.get_by_text("wird diese Freigabe aufgehoben").is_visible()
    page.locator("#id_items-1-jobcenter_comment").fill("Die Februarzahlen sind vorläufig.")
    page.get_by_role("button", name="Anmerkungen speichern").click()
    page.wait_for_url(f"**{detail}")
    assert "Die Freigabe des Landkreises ist aufgehoben" in page.content()
    assert page.locator("[data-withdrawn]").is_visible()
    assert badge.inner_text() == "beim Landkreis zur Prüfung"
    screenshot(page, "journey-9-freigabe-aufgehoben")
    logout(page)

    # The reader sees nothing of minutes not approved by both sides.
    login(reader)
    response = page.goto(detail)
    assert response.status == 404
    page.problems[:] = []  # the 404 is the point
    page.goto("/")
    logout(page)

    login(ministry_user)
    page.goto(detail)
    page.get_by_role("button", name="Protokoll freigeben (Ministerien)").click()
    page.wait_for_load_state("networkidle")
    assert badge.inner_text() == "wartet auf Freigabe durch den Landkreis"
    page.goto("/dialoge/?jahr=2020")
    assert page.get_by_text("Protokoll wartet auf Freigabe durch den Landkreis").is_visible()
    assert Dialog.objects.get(pk=dialog.pk).approvals.count() == 1
