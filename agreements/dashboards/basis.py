"""The data basis of a dashboard: which years and deliveries have data, and the
basis in words (reporting month, Ladestand, the deliveries passed over as incomplete)."""

from collections import Counter
from dataclasses import dataclass

from django.db.models import Exists

from agreements import attainment
from indicators import computations
from indicators.models import (
    DataDelivery,
    Indicator,
    Values,
)
from zielsteuerung import formats

# ---------------------------------------------------------------------------------------------
# Data basis: years, deliveries


def demo_label(deliveries):
    """`Demodaten` when the figures shown come from demo deliveries, `teilweise Demodaten` when
    some do, else empty. `deliveries`: the delivery of each row (None where a row has none)."""
    flags = {d.is_demo for d in deliveries if d is not None}
    if flags == {True}:
        return "Demodaten"
    return "teilweise Demodaten" if True in flags else ""


def delivery_text(delivery):
    """`Ladestand 17.01.2021, ohne Wartezeit`."""
    return f"Ladestand {formats.day(delivery.ladestand)}, {delivery.waiting_label}"


def month_ranges(months):
    """Months as short ranges per year: `Dezember 2018, Januar–Dezember 2019, Januar–Mai 2020`."""
    runs = []
    for month in sorted(months):
        last = runs[-1][-1] if runs else None
        if last and last.year == month.year and last.month + 1 == month.month:
            runs[-1].append(month)
        else:
            runs.append([month])
    texts = []
    for run in runs:
        first, last = run[0], run[-1]
        if first == last:
            texts.append(formats.month_name(first))
        else:
            names = formats.MONTH_NAMES
            texts.append(f"{names[first.month - 1]}–{names[last.month - 1]} {last.year}")
    return ", ".join(texts)


@dataclass(frozen=True)
class IncompleteNote:
    """A newer delivery of a Landkreis passed over because it lacks months the comparison
    needs (attainment.Incomplete), in the words of the page."""

    delivery: DataDelivery
    missing_months: tuple
    used: DataDelivery  # the delivery the figures come from instead

    @property
    def text(self):
        return (
            f"Ladestand {formats.day(self.delivery.ladestand)} "
            f"({self.delivery.waiting_label}) unvollständig: es fehlen "
            f"{month_ranges(self.missing_months)}. Die Zahlen stammen daher aus Ladestand "
            f"{formats.day(self.used.ladestand)} ({self.used.waiting_label})."
        )


def incomplete_notes(attainments):
    """The IncompleteNotes of one Landkreis' attainments (newest passed-over delivery first)."""
    for item in attainments:
        if item.newer_incomplete and item.delivery is not None:
            ordered = sorted(item.newer_incomplete, key=lambda i: i.delivery.newness)
            return [
                IncompleteNote(i.delivery, i.missing_months, item.delivery)
                for i in reversed(ordered)
            ]
    return []


def year_has_data(year, *, units=None):
    return attainment.base_series(year, units=units).exists()


def default_year(agreements, *, units=None):
    """The year a dashboard opens on: of the agreements' working years (no year of drafts
    only, models.working_years) the latest with data, else the latest — a new year's
    agreements may be signed before its first figures arrive."""
    years = agreements.working_years()
    for year in years:
        if year_has_data(year, units=units):
            return year
    return years[0] if years else None


def deliveries_for_year(deliveries, year, *, unit=None):
    """Those of `deliveries` that hold base values of `year` (of `unit`, if given)."""
    series = Values.objects.of_each_delivery().quantities().in_year(year)
    if unit is not None:
        series = series.for_unit(unit)
    return deliveries.filter(Exists(series)).newest_first()


def basis_text(month, deliveries, *, year, unit_word=("Landkreis", "Landkreise")):
    """The data basis in words: `Berichtsmonat Juni 2020, Ladestand 17.01.2021, ohne Wartezeit`.

    `deliveries`: the delivery of each row (None where a row has no data for the month)."""
    if month is None:
        return f"Für {year} liegen noch keine Daten vor."
    text = f"Berichtsmonat {formats.month_name(month)}"
    counts = Counter(d for d in deliveries if d is not None)
    lacking = sum(1 for d in deliveries if d is None)
    if len(counts) == 1 and not lacking:
        (delivery,) = counts
        return f"{text}, {delivery_text(delivery)}"
    parts = [
        f"{formats.day(d.ladestand)}, {d.waiting_label} "
        f"({n} {unit_word[0] if n == 1 else unit_word[1]})"
        for d, n in sorted(counts.items(), key=lambda item: item[0].newness, reverse=True)
    ]
    if parts:
        text += ", je " + unit_word[0] + " der neueste Ladestand mit diesem Monat: "
        text += "; ".join(parts)
    if lacking:
        word = unit_word[0] if lacking == 1 else unit_word[1]
        text += f"; ohne Daten für diesen Monat: {lacking} {word}"
    return text


def comparable_indicators(year=None):
    """The indicators the engine computes (K1, K2, K3, K2E4, K3E1); with `year`, every one of
    them whose base quantities have data in that year (one query)."""
    indicators = list(
        Indicator.objects.filter(code__in=computations.FORMULAS).order_by("sort_order")
    )
    if year is None:
        return indicators
    delivered = attainment.base_series(year).codes()
    return [i for i in indicators if set(computations.FORMULAS[i.code].codes) <= delivered]
