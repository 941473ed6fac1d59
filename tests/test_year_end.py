"""The final assessment leads somewhere (issue 15, item 3): once the spring review is approved,
its verdicts are what the overview, the Landkreis page and the agreement show for the year
(the computed verdict beside them, marked as such), the agreement is closed, and the year-end
report lists goal × Landkreis as a page, PDF and XLSX."""

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from agreements.history import agreement_history
from agreements.models import AgreementStatus
from dialogs.models import Assessment, DialogKind
from tests.dialogs_world import (
    approve_by_both,
    full_year_figures,
    make_agreement,
    make_delivery,
    make_dialog,
)

pytestmark = pytest.mark.django_db

COVID = "Corona-Pandemie: Arbeitsmarkt ab März 2020 eingebrochen."
LONG_LABEL = "erreicht unter Berücksichtigung von § 4 Abs. 4 und 5"


@pytest.fixture
def agreement(heidekreis):
    return make_agreement(heidekreis)


@pytest.fixture
def other(verden):
    return make_agreement(verden)  # no spring review yet


@pytest.fixture
def spring(agreement, heidekreis, ministry_user):
    # K2 ±0 % against +3,1 % (computed: not met), K3 −2,5 % against −1,5 % (computed: met).
    delivery = make_delivery(
        heidekreis, full_year_figures(int_2020_per_month=160), ladestand=date(2021, 2, 28)
    )
    dialog = make_dialog(
        agreement,
        ministry_user,
        when=date(2021, 3, 17),
        kind=DialogKind.SPRING,
        delivery=delivery,
        reporting_month=date(2020, 12, 1),
    )
    decided = {2: Assessment.MET_AFTER_4_4_5, 3: Assessment.MET, 4: Assessment.NOT_MET}
    for assessment in dialog.assessments.all():
        assessment.assessment = decided.get(assessment.goal_number, Assessment.NOT_MET)
        assessment.reason = COVID if assessment.goal_number == 2 else ""
        assessment.save()
    return dialog


@pytest.fixture
def approved(spring, ministry_user, heidekreis_user):
    return approve_by_both(spring, ministry_user, heidekreis_user)


def test_approving_the_spring_review_closes_the_agreement(approved, agreement):
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.CLOSED
    assert agreement_history(agreement)[0].reason == (
        "abgeschlossen mit der Frühjahrsbilanz vom 17.03.2021"
    )


def test_one_side_approving_does_not_close(spring, ministry_user, agreement):
    from dialogs import services

    services.send_to_review(spring, ministry_user, spring.version)
    spring.refresh_from_db()
    services.approve(spring, ministry_user, spring.version)
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.SIGNED


def test_overview_shows_the_final_assessment_with_the_computed_beside(
    as_user, reader, approved, other
):
    page = as_user(reader).get(reverse("dashboards:overview"), {"year": 2020}).text
    assert f"abschließend: {LONG_LABEL}" in page
    assert "errechnet: nicht erreicht" in page  # K2, computed on December
    assert "abschließend: erreicht" in page and "errechnet: erreicht" in page  # K3
    # The cell takes the colour of the final assessment: K2 counts as met.
    assert page.count("cell verdict-met") == 2


def test_landkreis_page_and_agreement_show_the_final_assessment(
    as_user, heidekreis_user, approved, agreement
):
    client = as_user(heidekreis_user)
    for url in (
        reverse("dashboards:traeger", args=["03358"]) + "?year=2020",
        reverse("agreements:detail", args=[agreement.pk]),
    ):
        page = client.get(url).text
        assert "Abschließende Bewertung 2020" in page
        assert "Frühjahrsbilanz vom 17.03.2021" in page
        assert LONG_LABEL in page and COVID in page
        assert "errechnet" in page


def test_before_approval_no_final_assessment_is_shown(as_user, reader, spring, agreement):
    client = as_user(reader)
    overview = client.get(reverse("dashboards:overview"), {"year": 2020}).text
    assert "abschließend:" not in overview
    page = client.get(reverse("agreements:detail", args=[agreement.pk])).text
    assert "Abschließende Bewertung 2020" not in page


def test_year_end_report_lists_goal_by_landkreis(as_user, reader, approved, other):
    page = as_user(reader).get(reverse("dashboards:year_end"), {"year": 2020}).text
    assert "Jahresabschlussbericht 2020" in page
    assert "Landkreis Heidekreis" in page and "Landkreis Verden" in page
    summary = " ".join(page.split())
    assert (
        "2 Landkreise, 8 Ziele: 4 abschließend bewertet, davon 2 erreicht; 4 noch offen" in summary
    )
    assert LONG_LABEL in page and COVID in page and "+3,1\u00a0%" in page
    assert "Frühjahrsbilanz vom 17.03.2021" in page
    assert "noch offen" in page


def test_year_end_report_defaults_to_the_assessed_year(as_user, reader, approved, heidekreis):
    make_agreement(heidekreis, year=2021)
    page = as_user(reader).get(reverse("dashboards:year_end")).text
    assert "Jahresabschlussbericht 2020" in page


def test_jobcenter_sees_its_own_landkreis_only(as_user, verden_user, approved, other):
    page = as_user(verden_user).get(reverse("dashboards:year_end"), {"year": 2020}).text
    assert "Landkreis Verden" in page
    assert "Heidekreis" not in page and COVID not in page


def test_year_end_report_as_xlsx(as_user, ministry_user, approved, other):
    response = as_user(ministry_user).get(
        reverse("dashboards:year_end"), {"year": 2020, "format": "xlsx"}
    )
    assert response["Content-Disposition"] == 'attachment; filename="jahresabschluss-2020.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Kreisschlüssel", "Landkreis", "Ziel Nr.")
    k2 = next(row for row in rows if row[0] == "03358" and row[2] == 2)
    header = rows[0]
    assert k2[header.index("Zielwert (%)")] == pytest.approx(3.1)
    assert k2[header.index("errechnete Bewertung")] == "nicht erreicht"
    assert k2[header.index("abschließende Bewertung")] == LONG_LABEL
    assert k2[header.index("Begründung")] == COVID
    assert k2[header.index("Jahresendwert (Dezember)")] == pytest.approx(32)  # 1 920 / 6 000
    verden = [row for row in rows if row[0] == "03361"]
    assert {row[header.index("abschließende Bewertung")] for row in verden} == {"noch offen"}


def test_year_end_report_as_pdf(as_user, reader, approved):
    response = as_user(reader).get(reverse("dashboards:year_end"), {"year": 2020, "format": "pdf"})
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    assert "Jahresabschlussbericht 2020" in text
    assert "Landkreis Heidekreis" in text and "Frühjahrsbilanz vom 17.03.2021" in text
    assert "Corona-Pandemie" in text


def test_year_end_report_wrong_method_and_anonymous(client, as_user, reader):
    url = reverse("dashboards:year_end")
    assert client.get(url).status_code == 302
    assert as_user(reader).post(url).status_code == 405


def test_a_cached_overview_follows_the_approval(
    as_user, reader, ministry_user, heidekreis_user, spring
):
    client = as_user(reader)
    url = reverse("dashboards:overview")
    assert "abschließend:" not in client.get(url, {"year": 2020}).text
    approve_by_both(spring, ministry_user, heidekreis_user)
    client.force_login(reader)
    assert "abschließend:" in client.get(url, {"year": 2020}).text


def test_the_report_is_linked_from_the_overview_and_the_landkreis_page(
    as_user, reader, heidekreis_user, agreement
):
    overview = as_user(reader).get(reverse("dashboards:overview")).text
    assert 'href="/uebersicht/jahresabschluss/"' in overview
    landkreis = as_user(heidekreis_user).get(reverse("dashboards:traeger", args=["03358"])).text
    assert 'href="/uebersicht/jahresabschluss/?year=2020"' in landkreis


def test_landkreis_panels_lead_with_the_final_assessment(as_user, reader, approved):
    page = as_user(reader).get(reverse("dashboards:traeger", args=["03358"]), {"year": 2020})
    text = " ".join(page.text.split())
    assert (
        f'abschließend: {LONG_LABEL}</span> <span class="small computed-verdict">errechnet: nicht erreicht'
        in text
    )
    assert "errechnete Bewertung" in text


def test_the_spring_review_says_that_approval_closes_the_agreement(
    as_user, heidekreis_user, spring, ministry_user
):
    from dialogs import services

    services.send_to_review(spring, ministry_user, spring.version)
    page = as_user(heidekreis_user).get(reverse("dialogs:detail", args=[spring.pk])).text
    assert "die Zielvereinbarung wird abgeschlossen" in page


def test_overview_download_carries_the_final_assessment(as_user, reader, approved):
    response = as_user(reader).get(reverse("dashboards:overview"), {"year": 2020, "format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    header, heidekreis = rows[0], next(row for row in rows if row[0] == "03358")
    assert heidekreis[header.index("K2 Bewertung")] == "nicht erreicht"
    assert heidekreis[header.index("K2 abschließende Bewertung")] == LONG_LABEL
