"""The dashboards' plotly figures: pure functions, German month names, floats for JSON."""

import json
from datetime import date
from decimal import Decimal

from agreements.charts import comparison_chart, month_chart
from indicators.computations import Verdict


def series(target=True):
    rows = []
    for number in range(1, 13):
        rows.append(
            {
                "month": date(2020, number, 1),
                "jfw": Decimal("2.5") * number if number <= 6 else None,
                "jfw_previous_year": Decimal("2.4") * number,
                "change_percent": None,
                "target_path": Decimal("2.4744") * number if target else None,
                "verdict": Verdict.MET,
                "missing_months": (),
                "numerator": None,
                "denominator": None,
            }
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
    assert figure["layout"]["yaxis"]["ticksuffix"] == " %"
    assert ",.2f" in current["hovertemplate"]
    json.dumps(figure)  # plain JSON: no Decimals, no dates


def test_month_chart_without_target_has_no_target_line():
    figure = month_chart(series(target=False), year=2020, unit="eur")
    assert [trace["name"] for trace in figure["data"]] == ["JFW 2020", "JFW 2019"]
    assert figure["layout"]["yaxis"]["ticksuffix"] == " Euro"


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
