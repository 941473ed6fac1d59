"""The dashboards' plotly figures: pure functions, German month names, floats for JSON."""

import json
from datetime import date
from decimal import Decimal

from agreements.attainment import Figures
from agreements.charts import change_chart, comparison_chart, month_chart, nice_ticks, tick_text
from indicators.computations import Verdict


def series(target=True, **figures):
    """Twelve months of K2 figures; `figures` replace a field in each (a function of the
    month's number) — what agreements.attainment.monthly_series gives."""
    rows = []
    for number in range(1, 13):
        fields = {
            "jfw": Decimal("2.5") * number if number <= 6 else None,
            "jfw_previous_year": Decimal("2.4") * number,
            "target_path": Decimal("2.4744") * number if target else None,
        }
        fields.update({name: make(number) for name, make in figures.items()})
        rows.append(
            Figures(indicator_code="K2", month=date(2020, number, 1), verdict=Verdict.MET, **fields)
        )
    return rows


def test_month_chart_draws_both_years_and_the_target_path_by_german_month():
    figure = month_chart(series(), year=2020, unit="prozent")
    current, previous, target = figure["data"]
    assert current["name"] == "JFW 2020" and previous["name"] == "JFW 2019"
    assert target["name"] == "Zielpfad" and target["line"]["dash"] == "dash"
    assert current["x"][:3] == ["Jan", "Feb", "Mär"] and current["x"][11] == "Dez"
    assert current["customdata"][2] == "März 2020"
    assert previous["customdata"][11] == "Dezember 2019"
    assert current["y"][0] == 2.5 and current["y"][6] is None  # a gap, not a zero
    assert previous["y"][11] == 28.8
    assert figure["layout"]["yaxis"]["ticktext"][:2] == ["0\u00a0%", "10\u00a0%"]  # round ticks
    assert ",.2f" in current["hovertemplate"]
    json.dumps(figure)  # plain JSON: no Decimals, no dates


def test_month_chart_without_target_has_no_target_line():
    figure = month_chart(series(target=False), year=2020, unit="eur")
    assert [trace["name"] for trace in figure["data"]] == ["JFW 2020", "JFW 2019"]
    assert figure["layout"]["yaxis"]["ticktext"][-1].endswith(" Euro")


def test_comparison_chart_marks_targets_where_agreed():
    rows = [
        {
            "name": "Landkreis Emsland",
            "key": "03454",
            "value": Decimal("6.8"),
            "target": Decimal("3.8"),
        },
        {"name": "Jobcenter Vergleich", "key": "99999", "value": Decimal("1.2")},
    ]
    figure = comparison_chart(rows, unit="prozent", label="K2", highlight="03454")
    bars, targets = figure["data"]
    assert bars["type"] == "bar" and bars["orientation"] == "h"
    assert bars["y"] == ["Landkreis Emsland", "Jobcenter Vergleich"]
    assert bars["x"] == [6.8, 1.2]
    assert bars["marker"]["color"][0] != bars["marker"]["color"][1]
    assert targets["y"] == ["Landkreis Emsland"] and targets["x"] == [3.8]
    assert figure["layout"]["yaxis"]["autorange"] == "reversed"  # rank 1 on top
    json.dumps(figure)


def test_ticks_are_round_values_and_the_axis_need_not_start_at_zero():
    ticks, places = nice_ticks([Decimal("5.12"), Decimal("5.5696"), Decimal("5.2828")])
    assert ticks == [Decimal("5.0"), Decimal("5.2"), Decimal("5.4"), Decimal("5.6")]
    assert places == 1
    assert [tick_text(t, "prozent", places) for t in ticks][1] == "5,2\u00a0%"
    ticks, places = nice_ticks([Decimal("3910"), Decimal("3995")])
    assert ticks[0] > 0 and places == 0


def test_month_chart_axis_follows_the_values_not_zero():
    rows = series(
        jfw=lambda number: Decimal("8.43") if number <= 6 else None,
        jfw_previous_year=lambda number: Decimal("8.2"),
        target_path=lambda number: Decimal("8.4562"),
    )
    axis = month_chart(rows, year=2020, unit="prozent")["layout"]["yaxis"]
    assert axis["range"][0] > 8  # a difference of tenths stays visible
    assert axis["ticktext"] == ["8,2\u00a0%", "8,3\u00a0%", "8,4\u00a0%", "8,5\u00a0%"]


def test_change_chart_shows_the_change_and_the_agreed_change():
    rows = series(change_percent=lambda number: Decimal("4.1666") if number <= 6 else None)
    figure = change_chart(rows, year=2020, target_change=Decimal("3.1"))
    bars, target = figure["data"]
    assert bars["y"][:6] == [4.1666] * 6 and bars["y"][6] is None
    assert target["y"] == [3.1] * 12 and target["line"]["dash"] == "dash"
    assert figure["layout"]["yaxis"]["ticktext"][0] == "0\u00a0%"  # zero is in view
    assert "+2\u00a0%" in figure["layout"]["yaxis"]["ticktext"]
    assert [t["name"] for t in change_chart(rows, year=2020)["data"]] == [
        "Veränderung 2020 zum Vorjahr"
    ]
    json.dumps(figure)


def test_pdf_chart_ticks_are_round_values():
    from dialogs.charts import month_chart as pdf_chart
    from dialogs.templatetags.dialog_format import jfw_tick

    chart = pdf_chart(
        [
            ("JFW 2020", "line-current", [Decimal("5.5696"), Decimal("5.4321")] + [None] * 10),
            ("JFW 2019", "line-previous", [Decimal("5.124")] * 12),
        ]
    )
    labels = [jfw_tick(value, "K2") for _, value in chart.y_ticks]
    assert labels == ["5,0\u00a0%", "5,2\u00a0%", "5,4\u00a0%", "5,6\u00a0%"]
    assert jfw_tick(Decimal("6750000"), "K1") == "6.750.000\u00a0Euro"
