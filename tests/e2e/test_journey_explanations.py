"""Journey „Erläuterungen“ (issue 19): the Jobcenter of Heidekreis explains why goal 2 is off
the target path in February 2020; the ministry's start page no longer lists it as unexplained,
and the next dialog's agenda shows the explanation. In the spring review a button quotes an
explanation into the reason of a final assessment (static JS under the strict CSP)."""

import copy
from datetime import date

import pytest

from agreements.models import Cause, Explanation
from dialogs.models import Dialog, DialogKind
from tests.dialogs_world import (
    WORKED_EXAMPLE,
    full_year_figures,
    make_agreement,
    make_delivery,
    make_dialog,
)
from tests.e2e.conftest import PHONE, SCREENSHOTS, check_accessibility, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def _text(locator):
    return locator.inner_text().replace("\u00a0", " ")


def logout(page):
    page.get_by_role("button", name="Abmelden").click()
    page.wait_for_load_state("networkidle")


def test_jobcenter_explains_and_the_next_dialog_shows_it(
    page, login, heidekreis_user, ministry_user, heidekreis
):
    agreement = make_agreement(heidekreis)
    figures = copy.deepcopy(WORKED_EXAMPLE)
    figures["INT"][(2020, 1)] = 130
    figures["INT"][(2020, 2)] = 130  # K2 4,39 % against the path 5,28 %: off track
    make_delivery(heidekreis, figures)

    login(ministry_user)
    off_track = page.locator("section.off-track")
    assert "1 Ziel nicht auf Zielkurs ohne Erläuterung für Februar 2020" in _text(off_track)
    assert "Landkreis Heidekreis: Ziel 2 (K2)" in _text(off_track.locator(".unexplained-goals"))
    screenshot(page, "erlaeuterungen-start-ohne-erlaeuterung")
    logout(page)

    login(heidekreis_user)
    page.goto("/uebersicht/landkreis/03358/?year=2020")
    panel = page.locator("section.goal-panel", has=page.locator("#ziel-2"))
    assert "Erläuterung für Februar 2020 fehlt" in _text(panel)
    panel.get_by_role("link", name="Februar 2020 erläutern").click()
    page.wait_for_url("**/uebersicht/ziel/*/erlaeuterung/2/")
    assert "nicht auf Zielkurs" in _text(page.locator(".explanation-figures"))
    page.get_by_role("button", name="Erläuterung speichern").click()  # nothing chosen yet
    assert page.content().count("Bitte wählen Sie mindestens eine Ursache.") == 1
    assert page.locator("#id_causes_0").evaluate("el => el === document.activeElement")
    check_accessibility(page, "Erläuterung mit Fehlern")
    screenshot(page, "erlaeuterungen-fehler")
    page.get_by_label("Rechtsänderung (§ 4 Abs. 4)").check()
    page.get_by_label("Konjunktur/Arbeitsmarkt").check()
    page.get_by_label("Erläuterung").fill(
        "Die Umstellung auf das Bürgergeld hat Vermittlungen in den Herbst verschoben."
    )
    screenshot(page, "erlaeuterungen-erlaeuterung")
    page.get_by_role("button", name="Erläuterung speichern").click()
    page.wait_for_url("**/uebersicht/landkreis/03358/?year=2020#ziel-2")
    panel = page.locator("section.goal-panel", has=page.locator("#ziel-2"))
    explanation = _text(panel.locator(".explanations"))
    assert "Rechtsänderung (§ 4 Abs. 4), Konjunktur/Arbeitsmarkt" in explanation
    assert "Bürgergeld" in explanation and "fehlt" not in explanation
    check_accessibility(page, "Landkreis-Seite mit Erläuterung")
    panel.screenshot(path=str(SCREENSHOTS / "erlaeuterungen-landkreis-erlaeuterung.png"))
    logout(page)

    login(ministry_user)
    assert "Alle Ziele nicht auf Zielkurs sind erläutert." in _text(
        page.locator("section.off-track")
    )
    page.goto(f"/dialoge/vereinbarung/{agreement.pk}/neu/")
    page.get_by_label("Datum").fill("2020-04-20")
    page.get_by_label("Ort").fill("Video")
    page.get_by_role("button", name="Zieldialog anlegen").click()
    page.wait_for_url("**/bearbeiten/")
    agenda = _text(page.locator("fieldset", has_text="TOP 2: Ziel 2"))
    assert "Erläuterungen des Jobcenters seit dem letzten Zieldialog" in agenda
    assert "Bürgergeld" in agenda
    page.get_by_role("link", name="Zur Ansicht").click()
    item = page.locator("article.agenda-item", has_text="TOP 2: Ziel 2")
    assert "Rechtsänderung (§ 4 Abs. 4), Konjunktur/Arbeitsmarkt" in _text(item)
    check_accessibility(page, "Zieldialog mit Erläuterung auf der Tagesordnung")
    item.screenshot(path=str(SCREENSHOTS / "erlaeuterungen-tagesordnung.png"))
    assert Dialog.objects.filter(agreement=agreement).count() == 1

    page.set_viewport_size(PHONE)
    page.goto("/uebersicht/landkreis/03358/?year=2020")
    check_accessibility(page, "Landkreis-Seite mit Erläuterung (390 px)")
    page.locator("#erlaeuterungen-ziel-2").screenshot(
        path=str(SCREENSHOTS / "erlaeuterungen-landkreis-erlaeuterung-390.png")
    )


def test_spring_review_quotes_an_explanation_into_the_reason(
    page, login, ministry_user, heidekreis
):
    agreement = make_agreement(heidekreis)
    delivery = make_delivery(
        heidekreis, full_year_figures(int_2020_per_month=160), ladestand=date(2021, 2, 28)
    )
    Explanation.objects.create(
        goal=agreement.goals.get(number=2),
        month=date(2020, 11, 1),
        causes=[Cause.IMMIGRATION],
        text="Zuzug aus der Ukraine band die Fachkräfte.",
        author_name="Jana Jobcenter",
    )
    spring = make_dialog(
        agreement,
        ministry_user,
        when=date(2021, 3, 17),
        kind=DialogKind.SPRING,
        delivery=delivery,
        reporting_month=date(2020, 12, 1),
    )

    login(ministry_user)
    page.goto(f"/dialoge/{spring.pk}/bearbeiten/")
    index = [a.goal_number for a in spring.assessments.all()].index(2)
    reason = page.locator(f"#id_assessments-{index}-reason")
    reason.fill("Nicht erreicht wegen der Zuwanderung.")
    page.get_by_role("button", name="In die Begründung übernehmen (November 2020)").click()
    assert reason.input_value() == (
        "Nicht erreicht wegen der Zuwanderung.\n„Erläuterung des Jobcenters zu November 2020 "
        "(Zuwanderung): Zuzug aus der Ukraine band die Fachkräfte.“"
    )
    assert reason.evaluate("el => el === document.activeElement")
    check_accessibility(page, "Frühjahrsbilanz mit Erläuterungen zum Zitieren")
    page.locator(".cite-explanations").first.locator("xpath=../..").screenshot(
        path=str(SCREENSHOTS / "erlaeuterungen-fruehjahrsbilanz-zitat.png")
    )
