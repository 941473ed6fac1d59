"""Years side by side (/uebersicht/landkreis/<key>/jahre/): each goal's target, Jahresendwert,
change, computed and final verdict for every year with an agreement, on a built world of
Heidekreis 2019–2021 with one delivery holding December 2018 to December 2021."""

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from agreements import years
from agreements.models import Agreement, AgreementStatus
from dialogs import services
from dialogs.models import Assessment, DialogKind
from indicators.computations import Verdict
from tests.dialogs_world import approve_by_both, make_agreement, make_delivery

pytestmark = pytest.mark.django_db

# Integrations a month and the LZB stock per year, on 6 000 ELB: K2 JFW in December is
# 12 × INT / 6 000 = 30 %, 32 %, 34 %, 33 %; K3 is the LZB stock.
INT = {2018: 150, 2019: 160, 2020: 170, 2021: 165}
LZB = {2018: 4100, 2019: 4000, 2020: 3900, 2021: 3950}
REASON = "Sondereffekt: Zuzug aus der Ukraine (§ 4 Abs. 4)."


def figures():
    result = {"ELB": {(2017, 12): 6000}, "INT": {}, "LZB": {}, "LLU": {}}
    for year in INT:
        for month in range(1, 13):
            result["ELB"][(year, month)] = 6000
            result["INT"][(year, month)] = INT[year]
            result["LZB"][(year, month)] = LZB[year]
            result["LLU"][(year, month)] = 3_400_000
    return result


@pytest.fixture
def world(heidekreis, verden, ministry_user, heidekreis_user):
    agreements = {year: make_agreement(heidekreis, year) for year in (2019, 2020, 2021)}
    make_agreement(verden, 2020)
    delivery = make_delivery(heidekreis, figures(), ladestand=date(2022, 1, 31))
    spring = services.create_dialog(
        agreements[2021],
        ministry_user,
        kind=DialogKind.SPRING,
        date=date(2022, 3, 10),
        place="Hannover",
        delivery=delivery,
        reporting_month=date(2021, 12, 1),
    )
    for assessment in spring.assessments.select_related("goal"):
        if assessment.goal.number == 2:  # computed „nicht erreicht“
            assessment.assessment = Assessment.MET_AFTER_4_4_5
            assessment.reason = REASON
        else:
            assessment.assessment = Assessment.NOT_MET
            assessment.reason = "nicht umgesetzt"
        assessment.save()
    approve_by_both(spring, ministry_user, heidekreis_user)
    return {"agreements": agreements, "spring": spring, "delivery": delivery}


def plain(texts):
    return [text.replace("\u00a0", " ") for text in texts]


def goal(result, key):
    return next(g for g in result.goals if g.key == key)


def test_years_table_shows_each_year_of_a_goal(world, heidekreis, ministry_user):
    result = years.build(heidekreis, Agreement.objects.visible_to(ministry_user))
    assert result.years == [2019, 2020, 2021]
    k2 = goal(result, "K2")
    assert [cell.year for cell in k2.cells] == [2019, 2020, 2021]
    assert plain(cell.row.year_end_text for cell in k2.cells) == ["32,00 %", "34,00 %", "33,00 %"]
    assert plain(cell.change_text for cell in k2.cells) == ["+6,7 %", "+6,3 %", "−2,9 %"]
    assert plain(cell.target_path_text for cell in k2.cells) == ["30,93 %", "32,99 %", "35,05 %"]
    assert [cell.row.computed for cell in k2.cells] == [Verdict.MET, Verdict.MET, Verdict.NOT_MET]
    assert [cell.row.final_label for cell in k2.cells][:2] == ["noch offen", "noch offen"]
    final = k2.cells[2].row.final
    assert final.label == "erreicht unter Berücksichtigung von § 4 Abs. 4 und 5"
    assert final.reason == REASON
    assert k2.cells[2].verdict == Verdict.MET  # the final assessment counts
    k3 = goal(result, "K3")
    assert [cell.row.year_end_text for cell in k3.cells] == ["4.000", "3.900", "3.950"]
    assert [cell.row.computed for cell in k3.cells] == [Verdict.MET, Verdict.MET, Verdict.NOT_MET]


def test_qualitative_goals_are_matched_by_title_and_monitoring_is_left_out(
    world, heidekreis, ministry_user
):
    result = years.build(heidekreis, Agreement.objects.visible_to(ministry_user))
    keys = [g.key for g in result.goals]
    assert "K1" not in keys
    assert "qualitativ: Gleichstellungspolitisches Ziel" in keys
    equality = goal(result, "qualitativ: Gleichstellungspolitisches Ziel")
    assert [cell.year for cell in equality.cells] == [2019, 2020, 2021]
    assert equality.figure is None


def test_chart_carries_values_targets_and_verdict_symbols(world, heidekreis, ministry_user):
    figure = goal(years.build(heidekreis, Agreement.objects.all()), "K2").figure
    values, targets = figure["data"]
    assert values["x"] == ["2019", "2020", "2021"]
    assert values["y"] == [32.0, 34.0, 33.0]
    assert values["marker"]["symbol"] == ["circle", "circle", "circle"]
    assert [round(y, 2) for y in targets["y"]] == [30.93, 32.99, 35.05]


def test_page_shows_the_table_and_the_chart_data(world, client, heidekreis_user):
    client.force_login(heidekreis_user)
    response = client.get(reverse("dashboards:years", args=["03358"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Landkreis Heidekreis: Jahre im Vergleich" in html
    assert 'id="jahre-ziel-k2" type="application/json"' in html
    assert "erreicht unter Berücksichtigung von § 4 Abs. 4 und 5" in html
    assert reverse("dialogs:detail", args=[world["spring"].pk]) in html
    assert "<script>" not in html  # no inline script (CSP)


def test_another_landkreis_gets_404_and_a_reader_sees_it(world, client, verden_user, reader):
    url = reverse("dashboards:years", args=["03358"])
    client.force_login(verden_user)
    assert client.get(url).status_code == 404
    assert client.get(url, {"format": "csv"}).status_code == 404
    client.force_login(reader)
    assert client.get(url).status_code == 200


def test_page_without_agreements_says_so(db, client, ministry_user):
    client.force_login(ministry_user)
    response = client.get(reverse("dashboards:years", args=["03451"]))
    assert response.status_code == 200
    assert "noch keine Zielvereinbarung" in response.content.decode()


def test_csv_download_has_german_numbers_per_year(world, client, ministry_user):
    client.force_login(ministry_user)
    response = client.get(reverse("dashboards:years", args=["03358"]), {"format": "csv"})
    assert response["Content-Disposition"] == 'attachment; filename="jahre-03358.csv"'
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Kreisschlüssel;Landkreis;Ziel;Kennzahl;Jahr;")
    k2_2021 = next(line for line in lines if ";K2;2021;" in line).split(";")
    assert k2_2021[7:12] == ["3,1", "33,00", "%", "-2,9", "35,05"]
    assert REASON in k2_2021[-1]


def test_xlsx_download_has_numbers(world, client, ministry_user):
    client.force_login(ministry_user)
    response = client.get(reverse("dashboards:years", args=["03358"]), {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    k2_2019 = next(row for row in rows if row[3] == "K2" and row[4] == 2019)
    assert float(k2_2019[8]) == 32.0 and k2_2019[12] == "erreicht"


def test_agreement_page_links_previous_and_next_year(world, client, heidekreis_user):
    agreements = world["agreements"]
    client.force_login(heidekreis_user)
    html = client.get(reverse("agreements:detail", args=[agreements[2020].pk])).content.decode()
    assert f'href="{reverse("agreements:detail", args=[agreements[2019].pk])}" rel="prev"' in html
    assert f'href="{reverse("agreements:detail", args=[agreements[2021].pk])}" rel="next"' in html
    first = client.get(reverse("agreements:detail", args=[agreements[2019].pk])).content.decode()
    assert 'rel="prev"' not in first and 'rel="next"' in first


def test_neighbours_skip_what_the_user_cannot_see(world, heidekreis, verden_user, ministry_user):
    agreement = world["agreements"][2020]
    assert years.neighbours(agreement, verden_user) == (None, None)
    previous, following = years.neighbours(agreement, ministry_user)
    assert (previous.year, following.year) == (2019, 2021)


def test_landkreis_page_links_the_years(world, client, ministry_user):
    client.force_login(ministry_user)
    html = client.get(reverse("dashboards:traeger", args=["03358"])).content.decode()
    assert reverse("dashboards:years", args=["03358"]) in html


def test_draft_year_is_marked(world, client, ministry_user, heidekreis):
    Agreement.objects.filter(pk=world["agreements"][2019].pk).update(status=AgreementStatus.DRAFT)
    client.force_login(ministry_user)
    html = client.get(reverse("dashboards:years", args=["03358"])).content.decode()
    assert 'draft">Entwurf' in html
