"""The year-end forecast (docs/attainment.md „Jahresendprognose“): the pure function on
hand-computed numbers, the json rows and the pages that show it."""

import csv
import io
import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from indicators.computations import Target
from indicators.forecast import Outlook, forecast
from tests.dialogs_world import make_agreement, make_dialog
from tests.test_attainment import agree, deliver
from tests.test_dialog_pdf import pdf_text


def lzb(**years):
    """lzb(y2018=(100, 130)) → LZB 100 in January–June 2018 and 130 in July–December."""
    values = {}
    for name, halves in years.items():
        year = int(name[1:])
        for month in range(1, 13):
            value = halves[0] if month <= 6 else halves[1] if len(halves) > 1 else None
            if value is not None:
                values[("LZB", date(year, month, 1))] = Decimal(value)
    return values


# K3 = mean LZB. 2018: JFW(June) 100, JFW(December) 115, ratio 1,15.
# 2019: JFW(June) 200, JFW(December) 210, ratio 1,05. 2020: JFW(June) 300.
# Forecast at June 2020: 300 × (1,15 + 1,05) / 2 = 330; band 300 × 1,05 = 315 … 300 × 1,15 = 345.
HISTORY = lzb(y2018=(100, 130), y2019=(200, 220), y2020=(300,))


def test_forecast_is_the_jfw_times_the_mean_seasonal_ratio_of_the_previous_years():
    result = forecast("K3", HISTORY, 2020, 6)
    assert result.value == Decimal(330)
    assert (result.low, result.high) == (Decimal(315), Decimal(345))
    assert result.years == (2019, 2018)
    assert result.reason == ""


def test_the_ratio_is_taken_at_the_same_month_of_each_previous_year():
    # At March the 2020 JFW is still 300 and the ratios are the same as at June here; move
    # 2019's first half so the ratio at March differs from the one at June.
    values = dict(HISTORY)
    for month in (1, 2, 3):
        values[("LZB", date(2019, month, 1))] = Decimal(170)
    for month in (4, 5, 6):
        values[("LZB", date(2019, month, 1))] = Decimal(230)
    # 2019: JFW(March) 170, JFW(December) (3·170 + 3·230 + 6·220) / 12 = 210 → ratio 210/170.
    result = forecast("K3", values, 2020, 3)
    expected = Decimal(300) * (Decimal(210) / Decimal(170) + Decimal("1.15")) / 2
    assert abs(result.value - expected) < Decimal("1e-20")
    assert result.high == Decimal(300) * Decimal(210) / Decimal(170)


@pytest.mark.parametrize(
    ("target_value", "better", "outlook"),
    [
        # Year-end line 210 × (1 − 1,5 %) = 206,85: band 315…345 wholly above, fewer wanted.
        ("-1.5", "niedriger", Outlook.UNLIKELY),
        # 210 × 1,6 = 336 lies inside the band.
        ("60", "niedriger", Outlook.AT_RISK),
        # 210 × 1,7 = 357: the whole band is below it.
        ("70", "niedriger", Outlook.REACHABLE),
        # The same lines for an indicator where more is better.
        ("-1.5", "hoeher", Outlook.REACHABLE),
        ("70", "hoeher", Outlook.UNLIKELY),
    ],
)
def test_outlook_compares_the_band_with_the_year_end_target_line(target_value, better, outlook):
    target = Target("veraenderung", Decimal(target_value), better)
    result = forecast("K3", HISTORY, 2020, 6, target)
    assert result.target == Decimal(210) * (100 + Decimal(target_value)) / 100
    assert result.outlook == outlook
    assert outlook.label in {"erreichbar", "gefährdet", "kaum erreichbar"}


def test_a_target_line_on_the_band_edge_counts_as_reachable():
    # A quota of 315 with fewer wanted: the band's high end 345 is above → not reachable;
    # with more wanted the low end 315 equals the quota → reachable.
    assert forecast("K3", HISTORY, 2020, 6, Target("quote", Decimal(315), "hoeher")).outlook == (
        Outlook.REACHABLE
    )
    assert forecast("K3", HISTORY, 2020, 6, Target("quote", Decimal(345), "niedriger")).outlook == (
        Outlook.REACHABLE
    )


def test_monitoring_gets_the_band_but_no_outlook():
    result = forecast("K3", HISTORY, 2020, 6, None)
    assert result.value == Decimal(330)
    assert result.outlook is None and result.target is None


def test_no_forecast_in_december():
    result = forecast("K3", lzb(y2018=(1, 1), y2019=(1, 1), y2020=(1, 1)), 2020, 12)
    assert result.value is None
    assert "Dezember" in result.reason


def test_one_previous_year_is_too_short_a_history():
    result = forecast("K3", lzb(y2019=(200, 220), y2020=(300,)), 2020, 6)
    assert result.value is None and result.outlook is None
    assert result.years == (2019,)
    assert "mindestens 2" in result.reason


def test_a_gap_in_a_previous_year_ends_the_history_there():
    values = lzb(y2017=(50, 60), y2018=(100, 130), y2019=(200, 220), y2020=(300,))
    del values[("LZB", date(2018, 9, 1))]
    result = forecast("K3", values, 2020, 6)
    assert result.years == (2019,)
    assert result.value is None


def test_without_this_years_jfw_there_is_no_forecast():
    values = dict(HISTORY)
    del values[("LZB", date(2020, 2, 1))]
    result = forecast("K3", values, 2020, 6)
    assert result.value is None
    assert "fehlt" in result.reason


def test_quota_forecast_uses_the_lagged_stock_of_each_year():
    # K2 = Σ INT / mean ELB of the months before × 100. ELB constant 1 000, so K2(m) = Σ INT / 10.
    values = {}
    for year in (2017, 2018, 2019, 2020):
        values[("ELB", date(year - 1, 12, 1))] = Decimal(1000)
        for month in range(1, 13):
            values[("ELB", date(year, month, 1))] = Decimal(1000)
    for year, per_month in ((2018, 10), (2019, 20)):
        for month in range(1, 13):
            values[("INT", date(year, month, 1))] = Decimal(per_month if month <= 6 else 30)
    for month in range(1, 7):
        values[("INT", date(2020, month, 1))] = Decimal(15)
    # 2018: K2(June) 6 %, K2(December) 24 % → 4. 2019: 12 % → 30 % → 2,5. 2020: K2(June) 9 %.
    result = forecast("K2", values, 2020, 6)
    assert result.value == Decimal(9) * Decimal("3.25")
    assert (result.low, result.high) == (Decimal("22.5"), Decimal(36))


# --- stored deliveries and manage.py attainment ---------------------------------------------


def as_series(values):
    """{code: {(year, month): value}} as tests.test_attainment.deliver takes them."""
    series = {}
    for (code, month), value in values.items():
        series.setdefault(code, {})[(month.year, month.month)] = value
    return series


@pytest.fixture
def three_years(heidekreis):
    agree(heidekreis)  # K3 −1,5 %: the year-end line is 210 × 0,985 = 206,85
    return deliver({heidekreis: as_series(HISTORY)}, ladestand=date(2020, 7, 17))


def attainment_rows(*args):
    out = io.StringIO()
    call_command("attainment", "--year", "2020", *args, stdout=out)
    return out.getvalue() if "csv" in args else json.loads(out.getvalue())


@pytest.mark.django_db
def test_json_rows_carry_the_forecast(three_years):
    rows = attainment_rows("--month", "6")
    k3 = next(row for row in rows if row["indicator"] == "K3")
    assert k3["forecast"] == {
        "value": 330,
        "low": 315,
        "high": 345,
        "verdict": "unlikely",
        "target": 206.85,
        "years": [2019, 2018],
    }
    assert k3["forecast_reason"] is None
    k2 = next(row for row in rows if row["indicator"] == "K2")
    assert k2["forecast"] is None and "fehlt" in k2["forecast_reason"]


@pytest.mark.django_db
def test_json_rows_have_no_forecast_in_december(heidekreis):
    agree(heidekreis)
    deliver({heidekreis: as_series(lzb(y2018=(1, 1), y2019=(1, 1), y2020=(1, 1)))})
    k3 = next(row for row in attainment_rows("--month", "12") if row["indicator"] == "K3")
    assert k3["forecast"] is None
    assert k3["forecast_reason"] == "Im Dezember steht der Jahresendwert fest."


@pytest.mark.django_db
def test_csv_rows_spread_the_forecast_over_columns(three_years):
    output = attainment_rows("--month", "6", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(output)))
    k3 = next(row for row in rows if row["indicator"] == "K3")
    assert (k3["forecast_value"], k3["forecast_low"], k3["forecast_high"]) == ("330", "315", "345")
    assert k3["forecast_verdict"] == "unlikely" and k3["forecast_reason"] == ""


# --- pages ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_overview_shows_the_forecast_and_its_verdict_in_the_goal_cell(
    three_years, as_user, ministry_user
):
    page = as_user(ministry_user).get(reverse("dashboards:overview") + "?year=2020&month=6").text
    cell = page[page.index("Prognose 330") :][:200]
    assert "kaum erreichbar" in cell


@pytest.mark.django_db
def test_landkreis_page_shows_forecast_band_in_table_and_chart(
    three_years, as_user, heidekreis_user
):
    url = reverse("dashboards:traeger", args=["03358"]) + "?year=2020&month=6"
    response = as_user(heidekreis_user).get(url)
    page = response.text
    assert "Prognoseband (Saisonverlauf 2018–2019)" in page
    assert "315 bis 345" in page
    assert "Prognose Dezember 2020" in page  # the row after the months
    # The year-end line 206,85 persons, shown as K3 figures are, and the verdict beside it.
    line = page[page.index("Ziel zum Jahresende") :][:200]
    assert '"num">207</span>' in line and "kaum erreichbar" in line
    k3 = next(p for p in response.context["panels"] if p.cell.attainment.indicator_code == "K3")
    band = {trace["name"]: trace for trace in k3.figure["data"]}
    assert band["Prognoseband"]["x"][0] == "Jun" and band["Prognoseband"]["y"][-1] == 345
    # From this year's JFW in June (300) straight to the band's ends in December.
    assert band["Prognoseband (untere Grenze)"]["y"] == [300, 302.5, 305, 307.5, 310, 312.5, 315]
    assert band["Prognose Dezember 2020"]["x"] == ["Dez"]
    assert band["Prognose Dezember 2020"]["y"] == [330]


@pytest.mark.django_db
def test_landkreis_page_says_why_there_is_no_forecast(heidekreis, as_user, heidekreis_user):
    agree(heidekreis)
    deliver({heidekreis: as_series(lzb(y2019=(200, 220), y2020=(300,)))})
    url = reverse("dashboards:traeger", args=["03358"]) + "?year=2020&month=6"
    page = as_user(heidekreis_user).get(url).text
    assert "Zu kurzer Verlauf für eine Prognose" in page
    assert "Prognoseband" not in page


# --- manage.py forecast_backtest ----------------------------------------------------------------


@pytest.mark.django_db
def test_backtest_compares_each_months_forecast_with_the_actual_year_end(heidekreis, tmp_path):
    # Four years with the same season (first half 100, second half 130): every year's K3 ratio
    # at June is 1,15, so each forecast hits exactly. 2019 (from 2018, 2017) and 2020 (from
    # 2019, 2018) have two complete years before them; 2017 and 2018 do not.
    agree(heidekreis)
    values = lzb(y2017=(100, 130), y2018=(100, 130), y2019=(100, 130), y2020=(100, 130))
    deliver({heidekreis: as_series(values)}, ladestand=date(2021, 1, 17))
    doc = tmp_path / "forecast.md"
    doc.write_text("Vorher\n<!-- backtest:start -->\nalt\n<!-- backtest:end -->\nNachher\n")
    out = io.StringIO()
    call_command("forecast_backtest", "--year", "2020", "--write", str(doc), stdout=out)
    k3 = out.getvalue().split("**K3**")[1]
    # Two forecasts per month, both exact; K3 −1,5 % asks for less than the flat years give:
    # „kaum erreichbar“, and indeed not met.
    row = "| Juni | 2 | 0 | 0,00 % | 100 % | 100 % | 100 % | 0 % |".replace(" %", "\xa0%")
    assert row in k3
    written = doc.read_text()
    assert written.startswith("Vorher\n<!-- backtest:start -->\nVereinbarungsjahr 2020")
    assert "alt" not in written and written.endswith("<!-- backtest:end -->\nNachher\n")


@pytest.mark.django_db
def test_backtest_refuses_a_file_without_markers(heidekreis, tmp_path):
    agree(heidekreis)
    doc = tmp_path / "forecast.md"
    doc.write_text("nichts\n")
    with pytest.raises(CommandError, match="Marken"):
        call_command("forecast_backtest", "--year", "2020", "--write", str(doc))


# --- dialog agenda and Dialogmappe ----------------------------------------------------------------


@pytest.fixture
def dialog_on_three_years(heidekreis, ministry_user):
    agreement = make_agreement(heidekreis)  # goal 3: K3 −1,5 %
    delivery = deliver({heidekreis: as_series(HISTORY)}, ladestand=date(2020, 7, 17))
    return make_dialog(
        agreement,
        ministry_user,
        when=date(2020, 8, 1),
        reporting_month=date(2020, 6, 1),
        delivery=delivery,
    )


@pytest.mark.django_db
def test_dialog_agenda_shows_the_forecast_of_each_goal(
    dialog_on_three_years, as_user, heidekreis_user
):
    page = as_user(heidekreis_user).get(reverse("dialogs:detail", args=[dialog_on_three_years.pk]))
    text = page.text
    line = text[text.index("Prognose Dezember 2020") :][:600]
    assert "330" in line and "315" in line and "345" in line and "kaum erreichbar" in line


@pytest.mark.django_db
def test_dialog_folder_pdf_carries_the_forecast(dialog_on_three_years, as_user, heidekreis_user):
    response = as_user(heidekreis_user).get(
        reverse("dialogs:folder", args=[dialog_on_three_years.pk])
    )
    text = " ".join(pdf_text(response).split())
    assert "Prognose Dezember 2020: 330 (Band 315 bis 345" in text
    assert "kaum erreichbar" in text
