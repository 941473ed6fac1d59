"""Plotly figures for the dashboards, as plain dicts built by pure functions.

A page passes a figure with `{{ figure|json_script:"id" }}`; static/js/charts.js draws it (and
sets the German separators, so `,.2f` reads `5,57`). Numbers become floats here because the
JSON encoder of json_script would write Decimals as strings.
"""

import math
from decimal import Decimal

from zielsteuerung import formats
from zielsteuerung.formats import MONTH_ABBREVIATIONS, MONTH_NAMES

# Colours with sufficient contrast on white; the previous year is grey, the target dashed.
CURRENT = "#0b5394"
PREVIOUS = "#6c757d"
TARGET = "#b45f06"
HIGHLIGHT = "#146c43"
# The year-end forecast: its band is a light fill between two thin lines.
FORECAST = "#6f42c1"
FORECAST_FILL = "rgba(111, 66, 193, 0.18)"

FONT = {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 13}
# The legend above the plot: below it, it runs into the month labels on a narrow screen.
LEGEND = {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"}


def _float(value):
    return None if value is None else float(value)


def value_format(unit):
    """(d3 number format, suffix) for an indicator unit (`prozent`, `eur`, `personen` …)."""
    if unit == "prozent":
        return ",.2f", " %"
    if unit == "eur":
        return ",.0f", " Euro"
    return ",.0f", ""


# Steps of round tick values: 1, 2, 2.5 and 5 times a power of ten.
NICE_STEPS = (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10))


def nice_ticks(values, *, count=5):
    """Round tick values covering `values` (`8,4 %`, not `8,43 %`): about `count` ticks at
    multiples of 1, 2, 2.5 or 5 × 10ⁿ, the lowest at or below the smallest value and the
    highest at or above the largest. The axis does not start at zero unless the values reach
    it, so that a difference of a few tenths stays visible. Returns (ticks, decimal places)."""
    values = [Decimal(str(v)) for v in values if v is not None]
    if not values:
        return [], 0
    low, high = min(values), max(values)
    if low == high:
        low, high = (
            low - max(abs(low) / 20, Decimal("0.5")),
            high + max(abs(high) / 20, Decimal("0.5")),
        )
    raw = (high - low) / (count - 1)
    power = Decimal(10) ** math.floor(math.log10(raw))
    step = next(m * power for m in NICE_STEPS if raw <= m * power)
    first = (low / step).to_integral_value(rounding="ROUND_FLOOR") * step
    last = (high / step).to_integral_value(rounding="ROUND_CEILING") * step
    ticks, tick = [], first
    while tick <= last:
        ticks.append(tick)
        tick += step
    places = max(0, -step.normalize().as_tuple().exponent)
    return ticks, places


def tick_text(value, unit, places, *, sign=False):
    """A tick's label in the unit of the axis: `8,4 %`, `+1,5 %`, `6.750.000 Euro`, `3.900`."""
    if unit == "prozent":
        return formats.percent(value, places, sign=sign)
    text = formats.number(value, places)
    return f"{text} Euro" if unit == "eur" else text


def _axis(values, unit, *, sign=False):
    """An axis with round ticks, labelled in German, over the range of the values."""
    ticks, places = nice_ticks(values)
    axis = {"automargin": True, "fixedrange": True}
    if ticks:
        axis.update(
            tickvals=[float(t) for t in ticks],
            ticktext=[tick_text(t, unit, places, sign=sign) for t in ticks],
            range=[float(ticks[0]), float(ticks[-1])],
        )
    return axis


def _hover(label, unit):
    number_format, suffix = value_format(unit)
    return f"%{{customdata}}<br>{label}: %{{y:{number_format}}}{suffix}<extra></extra>"


def month_chart(series, *, year, unit, title="", forecast=None):
    """JFW month by month of `year` and `year − 1`, with the target path when there is one,
    and the year-end forecast's band from the reporting month to December when given.

    `series` is agreements.attainment.monthly_series(...): twelve rows with `jfw`,
    `jfw_previous_year` and `target_path` (None where the delivery has no figure);
    `forecast` an indicators.forecast.Forecast (drawn only when it has a value)."""
    months = list(MONTH_ABBREVIATIONS)
    full = [f"{name} {year}" for name in MONTH_NAMES]
    full_previous = [f"{name} {year - 1}" for name in MONTH_NAMES]
    number_format, suffix = value_format(unit)
    data = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": f"JFW {year}",
            "x": months,
            "y": [_float(row.jfw) for row in series],
            "customdata": full,
            "hovertemplate": _hover(f"JFW {year}", unit),
            "line": {"color": CURRENT, "width": 3},
        },
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": f"JFW {year - 1}",
            "x": months,
            "y": [_float(row.jfw_previous_year) for row in series],
            "customdata": full_previous,
            "hovertemplate": _hover(f"JFW {year - 1}", unit),
            "line": {"color": PREVIOUS, "width": 2},
        },
    ]
    if any(row.target_path is not None for row in series):
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": "Zielpfad",
                "x": months,
                "y": [_float(row.target_path) for row in series],
                "customdata": full,
                "hovertemplate": _hover("Zielpfad", unit),
                "line": {"color": TARGET, "width": 2, "dash": "dash"},
            }
        )
    if forecast is not None and forecast.value is not None:
        data += forecast_band(forecast, series, year=year, unit=unit)
    values = [y for trace in data for y in trace["y"]]
    layout = {
        "font": FONT,
        "height": 320,
        "margin": {"l": 70, "r": 16, "t": 36 if title else 12, "b": 40},
        "xaxis": {"type": "category", "fixedrange": True, "automargin": True},
        "yaxis": _axis(values, unit),
        "legend": LEGEND,
        "hovermode": "closest",
    }
    if title:
        layout["title"] = {"text": title}
    return {"data": data, "layout": layout}


def forecast_band(forecast, series, *, year, unit):
    """Two traces: the band widening from this year's JFW at the forecast's month to the low
    and high end in December (filled between), and the forecast at December as a marker."""
    months = list(MONTH_ABBREVIATIONS)
    start = series[forecast.month - 1].jfw
    x = months[forecast.month - 1 :]
    steps = len(x) - 1

    def towards(end):
        return [_float(start + (end - start) * i / steps) for i in range(steps + 1)]

    customdata = [f"{name} {year}" for name in MONTH_NAMES[forecast.month - 1 :]]
    label = f"Prognose Dezember {year}"
    return [
        {
            "type": "scatter",
            "mode": "lines",
            "name": "Prognoseband (untere Grenze)",
            "showlegend": False,
            "x": x,
            "y": towards(forecast.low),
            "customdata": customdata,
            "hovertemplate": _hover("untere Grenze", unit),
            "line": {"color": FORECAST, "width": 1},
        },
        {
            "type": "scatter",
            "mode": "lines",
            "name": "Prognoseband",
            "x": x,
            "y": towards(forecast.high),
            "customdata": customdata,
            "hovertemplate": _hover("obere Grenze", unit),
            "line": {"color": FORECAST, "width": 1},
            "fill": "tonexty",
            "fillcolor": FORECAST_FILL,
        },
        {
            "type": "scatter",
            "mode": "markers",
            "name": label,
            "x": [months[-1]],
            "y": [_float(forecast.value)],
            "customdata": [label],
            "hovertemplate": _hover("Prognose", unit),
            "marker": {"color": FORECAST, "size": 10, "symbol": "diamond"},
        },
    ]


def change_chart(series, *, year, target_change=None):
    """The deviation month by month: the change of the JFW against the previous year (in
    percent, from the same delivery) and, for a change target or ceiling, the agreed change
    as a dashed line; the zero line marks „wie im Vorjahr“. Year-to-date lines of two years
    lie on top of each other; their difference is what the target is about.

    `series`: agreements.attainment.monthly_series(...); `target_change`: the agreed change
    in percent (None for a quota or a monitoring goal)."""
    months = list(MONTH_ABBREVIATIONS)
    full = [f"{name} {year}" for name in MONTH_NAMES]
    hover = "%{customdata}<br>%{fullData.name}: %{y:+,.1f} %<extra></extra>"
    changes = [_float(row.change_percent) for row in series]
    data = [
        {
            "type": "bar",
            "name": f"Veränderung {year} zum Vorjahr",
            "x": months,
            "y": changes,
            "customdata": full,
            "hovertemplate": hover,
            "marker": {"color": CURRENT},
        }
    ]
    if target_change is not None:
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": "vereinbarte Veränderung",
                "x": months,
                "y": [float(target_change)] * 12,
                "customdata": full,
                "hovertemplate": hover,
                "line": {"color": TARGET, "width": 2, "dash": "dash"},
            }
        )
    values = [*changes, 0, target_change]
    return {
        "data": data,
        "layout": {
            "font": FONT,
            "height": 260,
            "margin": {"l": 70, "r": 16, "t": 12, "b": 40},
            "xaxis": {"type": "category", "fixedrange": True, "automargin": True},
            "yaxis": {**_axis(values, "prozent", sign=True), "zeroline": True},
            "legend": LEGEND,
            "hovermode": "closest",
            "bargap": 0.35,
        },
    }


def comparison_chart(rows, *, unit, label, highlight=None):
    """One indicator across units as horizontal bars, best first (top), targets marked.

    `rows`: dicts with `name`, `value` and optionally `target` (same unit) and `key`, sorted
    by rank. `highlight` is the key of a unit to draw in another colour."""
    number_format, suffix = value_format(unit)
    names = [row["name"] for row in rows]
    colours = [HIGHLIGHT if row.get("key") == highlight else CURRENT for row in rows]
    data = [
        {
            "type": "bar",
            "orientation": "h",
            "name": label,
            "x": [_float(row["value"]) for row in rows],
            "y": names,
            "marker": {"color": colours},
            "hovertemplate": f"%{{y}}: %{{x:{number_format}}}{suffix}<extra></extra>",
        }
    ]
    targeted = [row for row in rows if row.get("target") is not None]
    if targeted:
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": "vereinbartes Ziel",
                "x": [_float(row["target"]) for row in targeted],
                "y": [row["name"] for row in targeted],
                "marker": {
                    "symbol": "line-ns-open",
                    "size": 22,
                    "color": TARGET,
                    "line": {"width": 3, "color": TARGET},
                },
                "hovertemplate": f"%{{y}}: Ziel %{{x:{number_format}}}{suffix}<extra></extra>",
            }
        )
    return {
        "data": data,
        "layout": {
            "font": FONT,
            "height": max(260, 28 * len(rows) + 90),
            "margin": {"l": 16, "r": 16, "t": 12, "b": 40},
            # Bars start at zero, so zero stays in the range; the ticks are round values.
            "xaxis": _axis([0, *data[0]["x"], *[x for t in data[1:] for x in t["x"]]], unit),
            "yaxis": {
                "autorange": "reversed",
                "type": "category",
                "fixedrange": True,
                "automargin": True,
            },
            "legend": {"orientation": "h", "y": -0.08},
            "bargap": 0.3,
        },
    }


# A verdict's marker, so that the chart reads without colour too.
VERDICT_SYMBOLS = {"met": "circle", "not_met": "x", "no_data": "circle-open"}


def years_chart(points, *, unit):
    """A goal's Jahresendwert year by year, each marker shaped by its verdict (circle:
    erreicht, cross: nicht erreicht, open circle: keine Bewertung), and the Jahresendwert its
    target asked for as a dashed line.

    `points`: dicts with `year`, `value`, `target` (None without a target path) and `verdict`
    (an indicators.computations.Verdict), oldest year first."""
    years = [str(point["year"]) for point in points]
    labels = [f"{point['year']}: {point['verdict'].label}" for point in points]
    data = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": "Jahresendwert",
            "x": years,
            "y": [_float(point["value"]) for point in points],
            "customdata": labels,
            "hovertemplate": _hover("Jahresendwert", unit),
            "line": {"color": CURRENT, "width": 3},
            "marker": {
                "size": 12,
                "symbol": [
                    VERDICT_SYMBOLS.get(point["verdict"], "circle-open") for point in points
                ],
                "line": {"width": 2, "color": CURRENT},
            },
        }
    ]
    if any(point["target"] is not None for point in points):
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": "Ziel für Dezember",
                "x": years,
                "y": [_float(point["target"]) for point in points],
                "customdata": years,
                "hovertemplate": _hover("Ziel für Dezember", unit),
                "line": {"color": TARGET, "width": 2, "dash": "dash"},
                "marker": {"size": 7, "symbol": "diamond", "color": TARGET},
            }
        )
    values = [y for trace in data for y in trace["y"]]
    return {
        "data": data,
        "layout": {
            "font": FONT,
            "height": 300,
            "margin": {"l": 70, "r": 16, "t": 12, "b": 40},
            "xaxis": {"type": "category", "fixedrange": True, "automargin": True},
            "yaxis": _axis(values, unit),
            "legend": LEGEND,
            "hovermode": "closest",
        },
    }
