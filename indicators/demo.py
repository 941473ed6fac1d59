"""Demo indicator data: two deliveries of plausible monthly base quantities for the 16 zkT.

The figures are invented but of realistic size (Heidekreis: about 6 000 ELB, 3,4 Mio. Euro
Leistungen zum Lebensunterhalt and 150 Integrationen a month, about 4 000 LZB) and generated
from a fixed seed, so every run stores the same numbers. The 2020 trends differ by Landkreis so
that some meet the usual K2/K3 targets (+3,1 % / −1,5 %) and some do not; April and May 2020
show a dip in integrations.

- Ladestand 17.01.2021 (ohne Wartezeit): December 2018 to December 2020.
- Ladestand 17.07.2020 (ohne Wartezeit): December 2018 to June 2020, where April to June are
  still incomplete (fewer integrations recorded), so revisions between deliveries are visible.

`seed_demo_publication` adds what the BA would publish for December 2020 (Ladestand 20.03.2021,
Wartezeit 3): K1, K2 and K3 of the 16 Landkreise in their variants, rounded to one decimal
as the BA does, and the rows of Niedersachsen (`03`) and Deutschland (`D`) — so that the pages
show published values beside the computed ones, one difference above the threshold
(Heidekreis' K2 JFW, later integrations recorded) and the reference lines.
"""

import hashlib
import random
from datetime import date
from decimal import Decimal

from django.db import transaction

from indicators import official
from indicators.models import DataDelivery, DeliverySource, Indicator, Sex
from indicators.storage import store_cells
from zielsteuerung.aggregates import aggregate_unit
from zielsteuerung.models import Organisation

TAG = "zielsteuerung-demo-delivery-v1"
FIRST_MONTH = date(2018, 12, 1)
LATEST_MONTH = date(2020, 12, 1)
LADESTAND = date(2021, 1, 17)
EARLIER_LATEST_MONTH = date(2020, 6, 1)
EARLIER_LADESTAND = date(2020, 7, 17)

# Kreisschlüssel: ELB stock in 2019, change 2020 vs. 2019 of integrations, ELB and LZB.
LANDKREISE = {
    "03451": (3600, 0.050, -0.010, -0.030),  # Ammerland
    "03452": (8900, 0.010, 0.010, 0.005),  # Aurich
    "03454": (6800, 0.080, -0.005, -0.020),  # Emsland
    "03455": (3300, 0.030, 0.005, -0.010),  # Friesland
    "03159": (14500, 0.020, 0.015, -0.012),  # Göttingen
    "03456": (3900, 0.070, 0.000, -0.035),  # Grafschaft Bentheim
    "03457": (7600, 0.040, 0.010, -0.005),  # Leer
    "03458": (3500, 0.060, -0.010, -0.025),  # Oldenburg
    "03459": (11800, 0.090, 0.000, -0.040),  # Osnabrück
    "03356": (3400, 0.000, 0.020, 0.010),  # Osterholz
    "03157": (6100, 0.045, -0.005, -0.018),  # Peine
    "03357": (4600, 0.065, -0.010, -0.028),  # Rotenburg (Wümme)
    "03257": (7100, 0.025, 0.010, -0.008),  # Schaumburg
    "03358": (6000, 0.065, -0.005, -0.022),  # Heidekreis
    "03361": (4700, 0.055, 0.005, -0.012),  # Verden
    "03462": (1900, 0.035, -0.020, -0.020),  # Wittmund
}

# Integrations by calendar month (training starts in August/September, fewer around new year).
SEASON = [0.85, 0.95, 1.05, 1.00, 0.95, 0.95, 1.00, 1.15, 1.15, 1.05, 1.00, 0.90]
PANDEMIC_DIP = {date(2020, 4, 1): 0.80, date(2020, 5, 1): 0.90}

CODES = ["LLU", "LUH", "ELB", "INT", "LZB", "ELB_AE", "INT_AE", "INT_LZB"]


def _months(first, last):
    month = first
    while month <= last:
        yield month
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _level(base, change, month):
    """Yearly level: `base` in 2019 (and December 2018), `base × (1 + change)` in 2020,
    with a gentle slope through the year so the months are not flat."""
    level = base * (1 + change) if month.year == 2020 else base
    return level * (1 + change * (month.month - 6.5) / 12)


def _series(key):
    """{(code, month): value} of one Landkreis for December 2018 to December 2020."""
    elb_2019, int_change, elb_change, lzb_change = LANDKREISE[key]
    rng = random.Random(f"{TAG}-{key}")

    def noise(spread):
        return 1 + rng.uniform(-spread, spread)

    values = {}
    for month in _months(FIRST_MONTH, LATEST_MONTH):
        elb = _level(elb_2019, elb_change, month) * noise(0.004)
        lzb = _level(elb_2019 * 0.66, lzb_change, month) * noise(0.003)
        integrations = (
            elb_2019
            * 0.025
            * ((1 + int_change) if month.year == 2020 else 1)
            * SEASON[month.month - 1]
            * PANDEMIC_DIP.get(month, 1)
            * noise(0.03)
        )
        prices = 1.02 if month.year == 2020 else 1.0
        elb_ae = elb * 0.11 * noise(0.01)
        figures = {
            "ELB": round(elb),
            "LZB": round(lzb),
            "INT": round(integrations),
            "LLU": round(elb * 567 * prices * noise(0.01), 2),
            "LUH": round(elb * 430 * prices * noise(0.01), 2),
            "ELB_AE": round(elb_ae),
            "INT_AE": round(elb_ae * 0.02 * SEASON[month.month - 1] * noise(0.15)),
            "INT_LZB": round(integrations * 0.45 * noise(0.05)),
        }
        for code, value in figures.items():
            values[(code, month)] = Decimal(str(value))
    return values


def _provisional(key, values):
    """The same months as recorded without waiting time in July 2020: the three latest months
    lack late records (fewer integrations, slightly different stocks)."""
    rng = random.Random(f"{TAG}-earlier-{key}")
    recent = {date(2020, 4, 1), date(2020, 5, 1), date(2020, 6, 1)}
    result = {}
    for (code, month), value in values.items():
        if month > EARLIER_LATEST_MONTH:
            continue
        if month in recent:
            if code.startswith("INT"):
                value = Decimal(round(value * Decimal(str(rng.uniform(0.93, 0.98)))))
            elif code in ("LLU", "LUH"):
                factor = Decimal(str(rng.uniform(0.985, 0.995)))
                value = (value * factor).quantize(Decimal("0.01"))
            else:
                value = Decimal(round(value * Decimal(str(rng.uniform(0.995, 1.005)))))
        result[(code, month)] = value
    return result


def _store(tag, ladestand, series_by_unit):
    sha256 = hashlib.sha256(tag.encode()).hexdigest()
    existing = DataDelivery.objects.filter(sha256=sha256).first()
    if existing is not None:
        return existing
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=CODES)}
    rows = [
        (unit, code, month, value)
        for unit, series in series_by_unit.items()
        for (code, month), value in series.items()
    ]
    delivery = DataDelivery.objects.create(
        ladestand=ladestand,
        waiting_months=0,
        source=DeliverySource.DEMO,
        file_name=f"demodaten-ladestand-{ladestand:%Y-%m-%d}.csv",
        sha256=sha256,
        row_count=len(rows),
        is_demo=True,
    )
    store_cells(
        delivery,
        ((unit, indicators[code], month, Sex.TOTAL, value) for unit, code, month, value in rows),
    )
    return delivery


@transaction.atomic
def seed_demo_delivery():
    """Store the two demo deliveries unless they exist; return the newer one (17.01.2021)."""
    units = Organisation.objects.traeger().filter(key__in=LANDKREISE)
    series = {unit: _series(unit.key) for unit in units}
    _store(
        f"{TAG}-{EARLIER_LADESTAND:%Y-%m}",
        EARLIER_LADESTAND,
        {unit: _provisional(unit.key, values) for unit, values in series.items()},
    )
    return _store(TAG, LADESTAND, series)


PUBLICATION_LADESTAND = date(2021, 3, 20)
PUBLISHED = [("K1", "vorjahresmonat"), ("K2", "jfw"), ("K2", "zwoelf_monate"), ("K3", "jfw")]


def _published(values, rng, month=LATEST_MONTH):
    """{(code, variant): the BA's figure}: the official value, slightly off (the BA's data
    after the Wartezeit), rounded to one decimal."""
    result = {}
    for code, variant in PUBLISHED:
        value = official.official(code, variant, values, month.year, month.month).value
        if value is not None:
            result[(code, variant)] = round(value + Decimal(str(rng.uniform(-0.04, 0.04))), 1)
    return result


@transaction.atomic
def seed_demo_publication():
    """Store the demo BA publication of December 2020 unless it exists; return it."""
    sha256 = hashlib.sha256(f"{TAG}-publication".encode()).hexdigest()
    existing = DataDelivery.objects.filter(sha256=sha256).first()
    if existing is not None:
        return existing
    rng = random.Random(f"{TAG}-publication")
    series = {
        unit: _series(unit.key)
        for unit in Organisation.objects.traeger().filter(key__in=LANDKREISE)
    }
    figures = {unit: _published(values, rng) for unit, values in series.items()}
    land = {}
    for values in series.values():
        for pair, value in values.items():
            land[pair] = land.get(pair, 0) + value
    figures[aggregate_unit("03")] = land_figures = _published(land, rng)
    figures[aggregate_unit("D")] = {
        pair: value - Decimal("0.8") if pair[0] == "K2" else value + Decimal("0.6")
        for pair, value in land_figures.items()
    }
    heidekreis = next((unit for unit in series if unit.key == "03358"), None)
    if heidekreis is not None:
        figures[heidekreis][("K2", "jfw")] += Decimal("0.3")
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=["K1", "K2", "K3"])}
    cells = [
        (
            unit,
            indicators[code],
            LATEST_MONTH,
            Sex.TOTAL,
            value,
            variant,
            "p" if code == "K2" else "",
        )
        for unit, published in figures.items()
        for (code, variant), value in published.items()
    ]
    delivery = DataDelivery.objects.create(
        ladestand=PUBLICATION_LADESTAND,
        waiting_months=3,
        source=DeliverySource.BA,
        file_name=f"demodaten-ba-kennzahlen-{LATEST_MONTH:%Y-%m}.xlsx",
        sha256=sha256,
        row_count=len(cells),
        is_demo=True,
    )
    store_cells(delivery, cells)
    return delivery
