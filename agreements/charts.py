"""Plotly figures for the dashboards, as plain dicts built by pure functions.

A page passes a figure with `{{ figure|json_script:"id" }}`; static/js/charts.js draws it (and
sets the German separators, so `,.2f` reads `5,57`). Numbers become floats here because the
JSON encoder of json_script would write Decimals as strings.
"""

from zielsteuerung.formats import MONTH_ABBREVIATIONS, MONTH_NAMES

# Colours with sufficient contrast on white; the previous year is grey, the target dashed.
CURRENT = "#0b5394"
PREVIOUS = "#6c757d"
TARGET = "#b45f06"
HIGHLIGHT = "#146c43"

FONT = {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 13}


def _float(value):
    return None if value is None else float(value)


def value_format(unit):
    """(d3 number format, suffix) for an indicator unit (`prozent`, `eur`, `personen` …)."""
    if unit == "prozent":
        return ",.2f", " %"
    if unit == "eur":
        return ",.0f", " Euro"
    return ",.0f", ""


def _hover(label, unit):
    number_format, suffix = value_format(unit)
    return f"%{{customdata}}<br>{label}: %{{y:{number_format}}}{suffix}<extra></extra>"


def month_chart(series, *, year, unit, title=""):
    """JFW month by month of `year` and `year − 1`, with the target path when there is one.

    `series` is agreements.attainment.monthly_series(...): twelve rows with `jfw`,
    `jfw_previous_year` and `target_path` (None where the delivery has no figure)."""
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
            "y": [_float(row["jfw"]) for row in series],
            "customdata": full,
            "hovertemplate": _hover(f"JFW {year}", unit),
            "line": {"color": CURRENT, "width": 3},
        },
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": f"JFW {year - 1}",
            "x": months,
            "y": [_float(row["jfw_previous_year"]) for row in series],
            "customdata": full_previous,
            "hovertemplate": _hover(f"JFW {year - 1}", unit),
            "line": {"color": PREVIOUS, "width": 2},
        },
    ]
    if any(row["target_path"] is not None for row in series):
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": "Zielpfad",
                "x": months,
                "y": [_float(row["target_path"]) for row in series],
                "customdata": full,
                "hovertemplate": _hover("Zielpfad", unit),
                "line": {"color": TARGET, "width": 2, "dash": "dash"},
            }
        )
    layout = {
        "font": FONT,
        "height": 320,
        "margin": {"l": 70, "r": 16, "t": 36 if title else 12, "b": 40},
        "xaxis": {"type": "category", "fixedrange": True},
        "yaxis": {
            "automargin": True,
            "tickformat": number_format,
            "ticksuffix": suffix,
            "fixedrange": True,
            "rangemode": "tozero" if unit == "prozent" else "normal",
        },
        "legend": {"orientation": "h", "y": -0.15},
        "hovermode": "closest",
    }
    if title:
        layout["title"] = {"text": title}
    return {"data": data, "layout": layout}


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
            "xaxis": {"tickformat": number_format, "ticksuffix": suffix, "fixedrange": True},
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
