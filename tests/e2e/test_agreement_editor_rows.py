"""Ministry staff add two goals and a step to the signed Heidekreis agreement in one save,
with the editor's "add row" buttons instead of saving once per blank row."""

import pytest

from agreements.models import GoalKind
from agreements.seed_heidekreis import create_heidekreis_2020
from indicators.models import Indicator
from tests.e2e.conftest import check_accessibility, has_focus

pytestmark = pytest.mark.django_db(transaction=True)


def total_forms(page, prefix):
    return int(page.locator(f"[name='{prefix}-TOTAL_FORMS']").input_value())


def test_add_two_goals_and_a_step_then_save_once(page, login, ministry_user):
    from playwright.sync_api import expect

    agreement = create_heidekreis_2020()
    goals_before = agreement.goals.count()
    k2e4 = Indicator.objects.get(code="K2E4")
    login(ministry_user)
    page.goto(f"/vereinbarungen/{agreement.pk}/bearbeiten/")
    goal_rows = page.locator("[data-formset-rows='ziele'] > [data-formset-row]")
    step_rows = page.locator("[data-formset-rows='schritte'] > [data-formset-row]")
    live_region = page.locator("[data-formset-status]")
    assert live_region.get_attribute("aria-live") == "polite"
    first_goal = total_forms(page, "ziele")
    first_step = total_forms(page, "schritte")
    assert goal_rows.count() == first_goal  # the saved goals and the server's blank row
    assert page.locator("template[data-formset-template='ziele']").count() == 1

    add_goal = page.get_by_role("button", name="Weiteres Ziel")
    add_goal.click()
    monitoring = f"ziele-{first_goal}"
    assert total_forms(page, "ziele") == first_goal + 1
    assert has_focus(page.locator(f"[name='{monitoring}-number']"))
    assert goal_rows.last.locator("legend").inner_text() == "Weiteres Ziel"
    expect(live_region).to_have_text("Ziel hinzugefügt")
    add_goal.click()
    qualitative = f"ziele-{first_goal + 1}"
    assert total_forms(page, "ziele") == first_goal + 2
    assert has_focus(page.locator(f"[name='{qualitative}-number']"))
    # Labels follow their fields into the new row.
    assert page.locator(f"label[for='id_{qualitative}-title']").count() == 1

    page.get_by_role("button", name="Weiterer Umsetzungsschritt").click()
    step = f"schritte-{first_step}"
    assert total_forms(page, "schritte") == first_step + 1
    assert has_focus(page.locator(f"[name='{step}-goal_number']"))
    assert step_rows.last.locator("legend").inner_text() == "Neuer Umsetzungsschritt"
    expect(live_region).to_have_text("Umsetzungsschritt hinzugefügt")

    page.locator(f"[name='{monitoring}-number']").fill("6")
    page.locator(f"[name='{monitoring}-kind']").select_option(GoalKind.MONITORING)
    page.locator(f"[name='{monitoring}-title']").fill("Beobachtung der Integrationsquote Frauen")
    page.locator(f"[name='{monitoring}-indicator']").select_option(str(k2e4.pk))
    page.locator(f"[name='{qualitative}-number']").fill("7")
    page.locator(f"[name='{qualitative}-kind']").select_option(GoalKind.QUALITATIVE)
    page.locator(f"[name='{qualitative}-title']").fill("Digitale Zugänge")
    page.locator(f"[name='{qualitative}-criterion']").fill("Die Terminbuchung ist online.")
    page.locator(f"[name='{step}-goal_number']").fill("7")
    page.locator(f"[name='{step}-order']").fill("1")
    page.locator(f"[name='{step}-text']").fill("Online-Terminbuchung einführen")
    page.get_by_label("Grund der Änderung").fill("Ergänzung um zwei Ziele")
    check_accessibility(page, "Zielvereinbarung bearbeiten mit neuen Zeilen")
    assert not page.problems

    page.get_by_role("button", name="Speichern").click()
    page.wait_for_url(f"**/vereinbarungen/{agreement.pk}/")
    assert agreement.goals.count() == goals_before + 2
    watched = agreement.goals.get(number=6)
    assert (watched.kind, watched.indicator_id) == (GoalKind.MONITORING, k2e4.pk)
    digital = agreement.goals.get(number=7)
    assert digital.kind == GoalKind.QUALITATIVE
    assert [s.text for s in digital.steps.all()] == ["Online-Terminbuchung einführen"]
    document = page.locator("article.document").inner_text()
    assert "Digitale Zugänge" in document
    assert "Online-Terminbuchung einführen" in document


def test_without_javascript_the_buttons_stay_hidden_and_blank_rows_serve(
    browser, live_server, ministry_user
):
    from tests.conftest import PASSWORD

    agreement = create_heidekreis_2020()
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/anmelden/")
        page.get_by_label("Benutzername").fill(ministry_user.username)
        page.get_by_label("Passwort").fill(PASSWORD)
        page.get_by_role("button", name="Anmelden").click()
        page.goto(f"/vereinbarungen/{agreement.pk}/bearbeiten/")
        for name in ("Weiteres Ziel", "Weiterer Umsetzungsschritt", "Weitere Unterschrift"):
            assert not page.get_by_role("button", name=name).is_visible()
        assert page.get_by_text("Nach dem Speichern erscheint wieder ein leeres Ziel").is_visible()
        blank = agreement.goals.count()
        assert page.locator(f"[name='ziele-{blank}-number']").is_visible()
    finally:
        context.close()
