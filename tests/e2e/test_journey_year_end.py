"""Journey 6: the spring review leads somewhere. The Jobcenter gives the second approval of
Aurich's spring review (both of its Kennzahl goals computed „nicht erreicht“); the agreement is closed, the overview shows the final assessment
with the computed verdict beside it, and the year-end report lists every Landkreis' goals as
a page and a PDF. The ministry reopens the agreement with a reason and closes it again, which
asks first."""

from datetime import date

import pytest

from agreements.demo import seed_demo_agreements
from agreements.models import AgreementStatus
from dialogs import services
from dialogs.models import Assessment, DialogKind
from indicators.computations import Verdict
from indicators.demo import seed_demo_delivery
from tests.conftest import make_user
from tests.e2e.conftest import (
    SCREENSHOTS,
    check_accessibility,
    download,
    pdf_text,
    screenshot,
)
from zielsteuerung.models import Role

pytestmark = pytest.mark.django_db(transaction=True)

REASON = "Corona-Pandemie: Der Arbeitsmarkt ist ab März 2020 eingebrochen (§ 4 Abs. 4)."


def _text(locator):
    return " ".join(locator.inner_text().replace("\u00a0", " ").split())


def spring_review_in_review(agreement, ministry_user):
    """The spring review with every goal assessed, approved by the ministries: a
    computed „nicht erreicht“ of a goal with a Kennzahl is assessed „erreicht unter
    Berücksichtigung von § 4 Abs. 4 und 5“, with a reason."""
    month, delivery = services.suggested_basis(agreement, DialogKind.SPRING)
    dialog = services.create_dialog(
        agreement,
        ministry_user,
        kind=DialogKind.SPRING,
        date=date(2021, 3, 17),
        place="Hannover",
        delivery=delivery,
        reporting_month=month,
    )
    assessments = list(dialog.assessments.select_related("goal"))
    computed = services.assessment_verdicts(dialog, assessments)
    for assessment in assessments:
        if computed[assessment.pk] == Verdict.MET:
            assessment.assessment = Assessment.MET
        elif assessment.goal.is_qualitative:
            assessment.assessment = Assessment.NOT_MET
            assessment.reason = "Die Umsetzung ist nicht abgeschlossen."
        else:
            assessment.assessment = Assessment.MET_AFTER_4_4_5
            assessment.reason = REASON
        assessment.save()
    services.send_to_review(dialog, ministry_user, dialog.version)
    dialog.refresh_from_db()
    services.approve(dialog, ministry_user, dialog.version)
    dialog.refresh_from_db()
    return dialog


def logout(page):
    page.get_by_role("button", name="Abmelden").click()
    page.wait_for_load_state("networkidle")


def test_the_approved_spring_review_leads_to_the_year_end_report(page, login, ministry_user):
    aurich_user = make_user("jc-aurich", "03452", Role.JOBCENTER_EDITOR, first_name="Anke")
    agreements = seed_demo_agreements()
    agreement = next(a for a in agreements if a.traeger.key == "03452" and a.year == 2020)
    seed_demo_delivery()
    dialog = spring_review_in_review(agreement, ministry_user)

    login(aurich_user)
    page.goto(f"/dialoge/{dialog.pk}/")
    page.get_by_role("button", name="Protokoll freigeben (Landkreis)").click()
    page.wait_for_load_state("networkidle")
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.CLOSED
    logout(page)

    login(ministry_user)
    page.goto("/uebersicht/?year=2020")
    row = _text(page.get_by_role("row").filter(has_text="Landkreis Aurich"))
    assert "abschließend: erreicht unter Berücksichtigung von § 4 Abs. 4 und 5" in row
    assert "errechnet: nicht erreicht" in row
    other = _text(page.get_by_role("row").filter(has_text="Landkreis Verden"))
    assert "abschließend:" not in other
    screenshot(page, "journey-6-uebersicht-abschliessend")
    check_accessibility(page, "Übersicht mit abschließender Bewertung")

    page.get_by_role("link", name="Jahresabschlussbericht").first.click()
    page.wait_for_url("**/uebersicht/jahresabschluss/")
    assert "Jahresabschlussbericht 2020" in page.get_by_role("heading", level=1).inner_text()
    summary = _text(page.locator(".year-end-summary"))
    assert summary.startswith("16 Landkreise,") and "noch offen" in summary
    table = page.get_by_role("table", name="Jahresabschluss 2020")
    assert REASON in _text(table)
    assert "Frühjahrsbilanz vom 17.03.2021" in _text(table)
    screenshot(page, "journey-6-jahresabschluss")
    check_accessibility(page, "Jahresabschlussbericht")
    text = pdf_text(download(page, "PDF"))
    assert "Jahresabschlussbericht 2020" in text
    assert "Landkreis Aurich" in text and "Landkreis Verden" in text
    assert "Frühjahrsbilanz vom 17.03.2021" in text

    # The agreement shows the same assessment; the ministry reopens it with a reason.
    page.goto(f"/vereinbarungen/{agreement.pk}/")
    block = page.get_by_role("region", name="Abschließende Bewertung 2020")
    assert REASON in _text(block) and "Frühjahrsbilanz vom 17.03.2021" in _text(block)
    block.screenshot(path=str(SCREENSHOTS / "journey-6-vereinbarung-abschliessend.png"))
    check_accessibility(page, "Zielvereinbarung mit abschließender Bewertung")
    assert page.get_by_label("Status ändern").input_value() == ""
    page.get_by_label("Status ändern").select_option(label="unterzeichnet")
    page.get_by_label("Grund der Rücknahme (Pflicht)").fill("Unterschriftsdatum berichtigen")
    page.get_by_role("button", name="Abschluss zurücknehmen").click()
    page.wait_for_load_state("networkidle")
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.SIGNED

    # Closing again asks first; nothing is preselected.
    assert page.get_by_label("Status ändern").input_value() == ""
    page.get_by_label("Status ändern").select_option(label="abgeschlossen")
    page.get_by_role("button", name="Status setzen").click()
    page.wait_for_load_state("networkidle")
    assert "abschließen?" in page.get_by_role("heading", level=1).inner_text()
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.SIGNED
    screenshot(page, "journey-6-abschliessen-bestaetigen")
    check_accessibility(page, "Abschließen bestätigen")
    page.get_by_role("button", name="Ja, abschließen").click()
    page.wait_for_load_state("networkidle")
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.CLOSED
    page.get_by_role("link", name="Verlauf").click()
    assert "Abschluss zurückgenommen: Unterschriftsdatum berichtigen" in page.content()
