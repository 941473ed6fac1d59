"""Dashboards: the overview of all Landkreise, one Landkreis' page, the indicator comparison,
the revisions page and their CSV/XLSX downloads."""

import csv
import io
import json
import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from agreements.attainment import goal_attainments, monthly_series
from agreements.models import BudgetKind, BudgetLine, Goal, ImplementationStep, StepStatus
from dialogs.models import Dialog, Measure
from tests.test_attainment import WORKED_EXAMPLE, agree, deliver
from zielsteuerung.models import Organisation, OrganisationKind

pytestmark = pytest.mark.django_db

OVERVIEW = reverse("dashboards:overview")
COMPARISON = reverse("dashboards:comparison")


def traeger_url(key="03358"):
    return reverse("dashboards:traeger", args=[key])


def revisions_url(key="03358"):
    return reverse("dashboards:revisions", args=[key])


def text_of(response):
    """The page's text without tags and with single spaces, for reading assertions."""
    html = response.content.decode()
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def shifted(figures, factor):
    """The worked example with integrations scaled (another Landkreis, another verdict)."""
    copy = {code: dict(series) for code, series in figures.items()}
    copy["INT"] = {key: round(value * factor) for key, value in copy["INT"].items()}
    return copy


@pytest.fixture
def world(heidekreis, verden):
    """Heidekreis (worked example, K2 met) and Verden (fewer integrations in 2020, K2 not met;
    its data end in January 2020, so it is late) in one delivery of 17.03.2020."""
    heidekreis_agreement = agree(heidekreis)
    verden_agreement = agree(verden, k2=Decimal("2.6"))
    verden_figures = shifted(WORKED_EXAMPLE, 1)
    verden_figures["INT"][(2020, 1)] = 120
    for code in ("INT", "LZB", "LLU"):
        del verden_figures[code][(2020, 2)]
    delivery = deliver({heidekreis: WORKED_EXAMPLE, verden: verden_figures})
    return {
        "heidekreis": heidekreis_agreement,
        "verden": verden_agreement,
        "delivery": delivery,
    }


# --- overview ------------------------------------------------------------------------------------


def test_overview_shows_every_landkreis_with_figures_verdicts_and_data_basis(
    as_user, ministry_user, world
):
    response = as_user(ministry_user).get(OVERVIEW)
    assert response.status_code == 200
    text = text_of(response)
    assert "Berichtsmonat Februar 2020, je Landkreis der neueste Ladestand" in text
    assert "17.03.2020, ohne Wartezeit (1 Landkreis)" in text
    assert "Landkreis Heidekreis" in text and "Landkreis Verden" in text
    # The figures are the engine's, formatted: K2 JFW 5,57 %, +8,7 % against +3,1 %.
    attainments = {a.indicator_code: a for a in goal_attainments(world["heidekreis"])}
    assert round(attainments["K2"].jfw, 2) == Decimal("5.57")
    assert "5,57 % +8,7 % (Ziel +3,1 %) auf Zielkurs" in text
    assert "3.910 −2,1 % (Ziel −1,5 %) auf Zielkurs" in text
    assert "6.740.000 Euro −0,6 % Monitoring" in text
    # The verdict reads as text and carries its colour class.
    assert 'class="cell verdict-met"' in response.content.decode()
    assert 'class="cell verdict-monitoring"' in response.content.decode()


def test_overview_marks_a_landkreis_whose_newest_month_is_behind_as_late(as_user, reader, world):
    text = text_of(as_user(reader).get(OVERVIEW))
    assert "Landkreis Heidekreis 03358 Februar 2020 " in text
    assert "Landkreis Verden 03361 Januar 2020 verspätet" in text
    assert "1 Landkreis mit verspäteter Lieferung" in text
    # Verden has no data for February in the delivery: no comparison, no verdict.
    assert "keine Daten" in text


def test_overview_rows_link_to_the_landkreis_page_keeping_the_selection(
    as_user, ministry_user, world
):
    response = as_user(ministry_user).get(OVERVIEW, {"year": 2020, "month": 1})
    assert f'href="{traeger_url()}?year=2020&amp;month=1"' in response.content.decode()
    assert "Berichtsmonat Januar 2020" in text_of(response)


def test_overview_sorts_by_a_goal_column_and_back(as_user, ministry_user, world, ms):
    # A third Landkreis with more integrations: the highest K2 change.
    emsland = Organisation.objects.get(key="03454")
    agree(emsland)
    deliver({emsland: shifted(WORKED_EXAMPLE, 1.2)}, ladestand=date(2020, 3, 18))
    client = as_user(ministry_user)

    def order(sort):
        text = text_of(client.get(OVERVIEW, {"sort": sort}))
        names = ["Landkreis Emsland", "Landkreis Heidekreis", "Landkreis Verden"]
        return sorted(names, key=text.index)

    assert order("landkreis") == ["Landkreis Emsland", "Landkreis Heidekreis", "Landkreis Verden"]
    assert order("schluessel") == ["Landkreis Heidekreis", "Landkreis Verden", "Landkreis Emsland"]
    # Emsland's 2019 and 2020 integrations are both scaled: same change as Heidekreis but
    # rounding differs; Verden has no change and stays last in both directions.
    assert order("-K2")[-1] == "Landkreis Verden"
    assert order("K2")[-1] == "Landkreis Verden"
    assert order("monat")[0] == "Landkreis Verden"
    response = client.get(OVERVIEW, {"sort": "K2"})
    assert 'aria-sort="ascending"' in response.content.decode()
    assert "sort=-K2" in response.content.decode()


def test_jobcenter_user_is_sent_from_the_overview_to_its_own_landkreis(
    as_user, heidekreis_user, world
):
    response = as_user(heidekreis_user).get(OVERVIEW, {"year": 2020, "month": 2})
    assert response.status_code == 302
    assert response["Location"] == f"{traeger_url()}?year=2020&month=2"
    response = as_user(heidekreis_user).get(COMPARISON)
    assert response.status_code == 302 and response["Location"] == traeger_url()


def test_overview_needs_login_and_answers_only_get(client, as_user, reader, world):
    response = client.get(OVERVIEW)
    assert response.status_code == 302 and "/anmelden/" in response["Location"]
    assert as_user(reader).post(OVERVIEW).status_code == 405


def test_a_year_without_deliveries_shows_a_helpful_empty_state(as_user, ministry_user, heidekreis):
    agree(heidekreis, year=2021)
    response = as_user(ministry_user).get(OVERVIEW)
    assert response.status_code == 200
    text = text_of(response)
    assert "Für 2021 liegen noch keine Daten vor." in text
    assert "Für 2021 sind noch keine Kennzahlen geliefert." in text
    assert "Landkreis Heidekreis" in text


def test_without_agreements_the_overview_says_so(as_user, ministry_user):
    response = as_user(ministry_user).get(OVERVIEW)
    assert response.status_code == 200
    assert "Es gibt noch keine Zielvereinbarungen." in text_of(response)


def test_the_default_year_is_the_latest_with_data(as_user, ministry_user, world, heidekreis):
    agree(heidekreis, year=2021)  # signed, but no data for 2021 yet
    text = text_of(as_user(ministry_user).get(OVERVIEW))
    assert "Zielerreichung aller Landkreise 2020" in text
    text = text_of(as_user(ministry_user).get(OVERVIEW, {"year": 2021}))
    assert "Für 2021 liegen noch keine Daten vor." in text


# --- Landkreis page ------------------------------------------------------------------------------


def chart_figures(response):
    html = response.content.decode()
    found = re.findall(
        r'<script id="(chart-ziel-\d+)" type="application/json">(.*?)</script>', html
    )
    return {chart_id: json.loads(payload) for chart_id, payload in found}


def test_landkreis_page_shows_chart_and_table_with_the_engines_figures(
    as_user, ministry_user, world
):
    response = as_user(ministry_user).get(traeger_url())
    assert response.status_code == 200
    html = response.content.decode()
    text = text_of(response)
    agreement = world["heidekreis"]
    goal = agreement.goals.get(number=2)
    series = monthly_series(agreement, goal, delivery=world["delivery"])

    figures = chart_figures(response)
    assert set(figures) == {"chart-ziel-1", "chart-ziel-2", "chart-ziel-3"}
    current, previous, target = figures["chart-ziel-2"]["data"]
    assert current["y"][:2] == [float(series[0].jfw), float(series[1].jfw)]
    assert target["y"][1] == float(series[1].target_path)
    assert 'data-figure="chart-ziel-2" role="img"' in html
    assert "plotly-basic.min.js" in html and "js/charts.js" in html

    # The table beside it: JFW of both years, change, target path and verdict by month,
    # and the absolute numbers beside the quota.
    assert "Februar 2020 5,57 % 5,12 % +8,7 % 5,28 % auf Zielkurs 330 5.925,0" in text
    assert "Ziel: +3,1 % gegenüber dem Vorjahr" in text
    assert "Integrationen (Summe) 330" in text
    assert "erwerbsfähige Leistungsberechtigte (Durchschnitt) 5.925,0" in text
    assert "Februar 2020 3.910 3.995 −2,1 % 3.935 auf Zielkurs" in text


def test_landkreis_page_lists_qualitative_steps_budget_dialogs_and_open_measures(
    as_user, heidekreis_user, ministry_user, world
):
    agreement = world["heidekreis"]
    goal = Goal.objects.get(agreement=agreement, number=4)
    ImplementationStep.objects.create(
        goal=goal, order=1, text="Beratungsangebot für Frauen", status=StepStatus.IN_PROGRESS
    )
    BudgetLine.objects.create(
        agreement=agreement, kind=BudgetKind.ADMINISTRATION, amount=Decimal("8793355")
    )
    BudgetLine.objects.create(
        agreement=agreement, kind=BudgetKind.INTEGRATION, amount=Decimal("7795364")
    )
    dialog = Dialog.objects.create(agreement=agreement, date=date(2020, 6, 15), place="Video")
    Measure.objects.create(dialog=dialog, text="Integrationsoffensive starten")
    Measure.objects.create(dialog=dialog, text="Erledigt ist erledigt", status="erledigt")

    text = text_of(as_user(heidekreis_user).get(traeger_url()))
    assert "Ziel 4: Gleichstellung" in text
    assert "Beratungsangebot für Frauen in Umsetzung" in text
    assert "Verwaltungskosten 8.793.355 Euro" in text
    assert "Leistungen zur Eingliederung in Arbeit 7.795.364 Euro" in text
    assert "Gesamt 16.588.719 Euro" in text
    assert "Unterjähriger Zieldialog am 15.06.2020" in text
    assert "Integrationsoffensive starten" in text
    assert "Erledigt ist erledigt" not in text


def test_jobcenter_user_cannot_see_another_landkreis(as_user, heidekreis_user, world):
    client = as_user(heidekreis_user)
    assert client.get(traeger_url("03358")).status_code == 200
    assert client.get(traeger_url("03361")).status_code == 404
    assert client.get(traeger_url("03361") + "?format=csv").status_code == 404
    assert client.get(revisions_url("03361")).status_code == 404
    assert client.get(traeger_url("MW")).status_code == 404  # a ministry is no Landkreis


def test_landkreis_without_agreement_or_data_shows_an_empty_state(
    as_user, ministry_user, heidekreis, verden
):
    text = text_of(as_user(ministry_user).get(traeger_url("03361")))
    assert "Für Landkreis Verden gibt es noch keine Zielvereinbarung." in text
    agree(heidekreis)
    response = as_user(ministry_user).get(traeger_url())
    assert response.status_code == 200
    assert "Für 2020 sind für Landkreis Heidekreis noch keine Kennzahlen geliefert." in text_of(
        response
    )


# --- downloads -----------------------------------------------------------------------------------


def test_overview_downloads_as_csv_with_the_figures_shown(as_user, ministry_user, world):
    response = as_user(ministry_user).get(OVERVIEW, {"format": "csv"})
    assert response.status_code == 200
    assert 'filename="uebersicht-2020.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    heidekreis = next(row for row in rows if row["Kreisschlüssel"] == "03358")
    assert heidekreis["Landkreis"] == "Landkreis Heidekreis"
    assert heidekreis["K2 JFW 2020 (%)"] == "5,57"
    assert heidekreis["K2 Veränderung (%)"] == "8,7"
    assert heidekreis["K2 Ziel (%)"] == "3,1"  # as the page shows it: `+3,1 %`
    assert heidekreis["K2 Bewertung"] == "auf Zielkurs"
    assert heidekreis["K1 JFW 2020 (Euro)"] == "6740000"
    assert heidekreis["K3 JFW 2019 (Personen)"] == "3995"
    assert heidekreis["Ladestand"] == "17.03.2020"
    verden = next(row for row in rows if row["Kreisschlüssel"] == "03361")
    assert verden["Verspätet"] == "ja" and verden["K2 Bewertung"] == "keine Daten"


def test_downloads_neutralise_formulas_and_keep_numbers_numeric_in_xlsx(
    as_user, ministry_user, world, heidekreis
):
    heidekreis.name = '=HYPERLINK("http://boese")'
    heidekreis.save()
    response = as_user(ministry_user).get(OVERVIEW, {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    headers = [cell.value for cell in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == "03358")
    values = dict(zip(headers, row, strict=True))
    assert values["Landkreis"] == '\'=HYPERLINK("http://boese")'
    assert values["K2 JFW 2020 (%)"] == 5.57
    assert values["K3 Veränderung (%)"] == -2.1
    assert values["Wartezeit (Monate)"] == 0

    response = as_user(ministry_user).get(traeger_url(), {"format": "xlsx"})
    assert 'filename="landkreis-03358-2020.xlsx"' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    headers = [cell.value for cell in sheet[1]]
    rows = [
        dict(zip(headers, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)
    ]
    february_k2 = next(r for r in rows if r["Kennzahl"] == "K2" and r["Monat"] == "Februar 2020")
    assert february_k2["JFW 2020"] == 5.57
    assert february_k2["Zielpfad"] == 5.28
    assert february_k2["Zähler (absolut)"] == 330
    assert february_k2["Nenner (absolut)"] == 5925
    assert february_k2["Bewertung"] == "auf Zielkurs"


def test_landkreis_csv_lists_every_month_with_figures(as_user, heidekreis_user, world):
    response = as_user(heidekreis_user).get(traeger_url(), {"format": "csv"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    k3 = [row for row in rows if row["Kennzahl"] == "K3"]
    assert [row["Monat"] for row in k3[:2]] == ["Januar 2020", "Februar 2020"]
    assert k3[1]["JFW 2020"] == "3910" and k3[1]["Ziel (%)"] == "-1,5"
    assert k3[1]["Zielart"] == "Veränderung zum Vorjahr (%)"


# --- indicator comparison ------------------------------------------------------------------------


def test_comparison_ranks_all_units_with_data_and_marks_agreed_targets(
    as_user, reader, world, heidekreis
):
    other = Organisation.objects.create(
        key="J99001", kind=OrganisationKind.COMPARISON, name="Jobcenter Vergleichsstadt"
    )
    deliver({other: shifted(WORKED_EXAMPLE, 1.5)}, ladestand=date(2020, 3, 20))
    response = as_user(reader).get(COMPARISON, {"indicator": "K2", "year": 2020, "month": 2})
    assert response.status_code == 200
    text = text_of(response)
    # K2 is ranked by its JFW; the comparison unit (no agreement) has the highest quota.
    assert "1 Jobcenter Vergleichsstadt J99001 8,35 %" in text
    assert (
        "2 Landkreis Heidekreis 03358 5,57 % 5,12 % +8,7 % 5,28 % (Zielpfad) +5,4 % auf Zielkurs"
        in text
    )
    assert "keine Zielvereinbarung" in text
    # Verden has no values for February: not ranked.
    assert "Landkreis Verden" not in text
    figure = json.loads(
        re.search(
            r'<script id="comparison-chart" type="application/json">(.*?)</script>',
            response.content.decode(),
        ).group(1)
    )
    bars, targets = figure["data"]
    assert bars["y"] == ["Jobcenter Vergleichsstadt", "Landkreis Heidekreis"]
    assert targets["y"] == ["Landkreis Heidekreis"]


def test_comparison_of_a_change_indicator_ranks_the_lower_change_first(
    as_user, ministry_user, world
):
    emsland = Organisation.objects.get(key="03454")
    figures = {code: dict(series) for code, series in WORKED_EXAMPLE.items()}
    figures["LZB"][(2020, 2)] = 3800  # a stronger fall of the LZB stock
    deliver({emsland: figures}, ladestand=date(2020, 3, 18))
    text = text_of(as_user(ministry_user).get(COMPARISON, {"indicator": "K3", "month": 2}))
    assert text.index("1 Landkreis Emsland") < text.index("2 Landkreis Heidekreis")
    assert "−1,5 %" in text  # Heidekreis' agreed target

    response = as_user(ministry_user).get(COMPARISON, {"indicator": "K3", "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert [row["Rang"] for row in rows[:2]] == ["1", "2"]
    assert rows[1]["Vereinbartes Ziel: Veränderung (%)"] == "-1,5"


# --- revisions -----------------------------------------------------------------------------------


def test_revisions_show_how_a_months_values_changed_between_deliveries(
    as_user, heidekreis_user, world, heidekreis
):
    corrected = {code: dict(series) for code, series in WORKED_EXAMPLE.items()}
    corrected["INT"][(2020, 2)] = 182  # late records arrived
    deliver({heidekreis: corrected}, ladestand=date(2020, 4, 17))
    response = as_user(heidekreis_user).get(revisions_url(), {"year": 2020, "month": 2})
    assert response.status_code == 200
    text = text_of(response)
    assert "17.03.2020 ohne Wartezeit 3.390.000,00 – – 170 3.920" in text
    assert "17.04.2020 ohne Wartezeit 3.390.000,00 – – 182 geändert +12 3.920" in text
    assert "6.740.000 Euro 5,57 % – 3.910" in text
    assert "5,77 % geändert +0,20 %-Punkte" in text

    response = as_user(heidekreis_user).get(
        revisions_url(), {"year": 2020, "month": 2, "format": "csv"}
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    header = rows[0]
    column = next(i for i, name in enumerate(header) if name.startswith("INT "))
    assert [row[column] for row in rows[1:]] == ["170", "182"]
    assert [row[header.index("K2 JFW (%)")] for row in rows[1:]] == ["5,57", "5,77"]
    assert [row[header.index("K1 JFW (Euro)")] for row in rows[1:]] == ["6740000", "6740000"]
