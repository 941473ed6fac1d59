"""The preview's tables of an upload: each unit's values month by month, and per code the
totals over all units (indicators/views.py shows them before the user confirms)."""

from dataclasses import dataclass
from datetime import date

from django.utils.timezone import localdate

from indicators.models import Sex
from zielsteuerung import formats

MONTHLY_MAX_CELLS = 200_000  # larger files are previewed by their sums only


@dataclass
class MonthlyTable:
    """One unit's values month by month, one row per code and sex (the preview)."""

    key: str
    name: str
    months: list
    rows: list  # (code, sex label, [formatted value or "" per month])


def monthly_values(check):
    """Per unit of the file: its values month by month. Sums say nothing about stocks (ELB,
    LZB), so the preview shows the months themselves."""
    if not check.ok or check.value_count > MONTHLY_MAX_CELLS:
        return []
    by_unit = {}
    for key, code, month, sex, value in check.cells():
        by_unit.setdefault(key, {})[(code, sex, month)] = value
    names = {unit.key: unit.name or unit.key for unit in check.units}
    order = {ref.code: (ref.sort_order, ref.code) for ref in check.indicators}
    tables = []
    for key in sorted(by_unit):
        values = by_unit[key]
        months = sorted({month for _, _, month in values})
        rows = []
        for code, sex in sorted(
            {(code, sex) for code, sex, _ in values},
            key=lambda pair: (
                order.get(pair[0].partition(" ")[0], (0, pair[0])),
                pair[0],
                "gmw".index(pair[1]),
            ),
        ):
            cells = [values.get((code, sex, month)) for month in months]
            rows.append(
                (
                    code,
                    Sex(sex).label,
                    ["" if v is None else formats.number(v, _places(v)) for v in cells],
                )
            )
        tables.append(MonthlyTable(key, names.get(key, key), months, rows))
    return tables


def _places(value):
    return 0 if value == value.to_integral_value() else 2


def code_totals(summary):
    """Per code and sex over all units: units, values, months and sum."""
    totals = {}
    for row in summary:
        entry = totals.get((row.code, row.sex))
        if entry is None:
            totals[(row.code, row.sex)] = {
                "code": row.code,
                "sex": row.sex,
                "units": 1,
                "count": row.count,
                "first": row.first_month,
                "last": row.last_month,
                "total": row.total,
            }
            continue
        entry["units"] += 1
        entry["count"] += row.count
        entry["first"] = min(entry["first"], row.first_month)
        entry["last"] = max(entry["last"], row.last_month)
        entry["total"] += row.total
    return list(totals.values())


def titles_choice(check, details):
    """What a BA table's title rows say, when it differs from the Ladestand and Wartezeit the
    user chose: {"ladestand": ISO date, "waiting_months": n, "label": „01.10.2020, Wartezeit 3
    Monate“} for the button that takes it over (never applied without it); else None."""
    titles = check.file_titles
    if titles is None:
        return None
    chosen = date.fromisoformat(details["ladestand"])
    ladestand = titles.ladestand or chosen
    waiting = details["waiting_months"] if titles.waiting_months is None else titles.waiting_months
    if (
        (ladestand, waiting) == (chosen, details["waiting_months"])
        or ladestand > localdate()
        or waiting > 12
    ):
        return None
    months = (
        "ohne Wartezeit"
        if waiting == 0
        else f"Wartezeit {waiting} Monat" + ("e" if waiting != 1 else "")
    )
    return {
        "ladestand": ladestand.isoformat(),
        "waiting_months": waiting,
        "label": f"{ladestand:%d.%m.%Y}, {months}",
    }
