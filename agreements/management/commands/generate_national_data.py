"""`manage.py generate_national_data`: demo data at national scale, for the benchmarks.

405 Jobcenter: the 16 Landkreise of Niedersachsen, 88 further zkT (104 in all, as nationwide)
and 301 comparison units, with invented keys (90001 …, 91001 …: no Land has those numbers) and
names that say they are demo data. One delivery (Ladestand 20.01.2027, Wartezeit 3, marked as
demo data) carries the eight base quantities of every unit for every month 2011–2026
(622 080 values), and each of the 104 zkT gets a demo agreement for `--jahr` (default 2026)
built from the Heidekreis agreement with its own K2 and K3 targets.

Everything comes from `--seed`: the same seed gives the same data. Running it again adds
nothing that exists already (units by key, the delivery by its tag, agreements per Landkreis
and year). The values go through the import's own storage (`store_delivery`: COPY on
PostgreSQL, multi-row INSERTs elsewhere), built directly as columns without a file.
"""

import copy
import hashlib
import time
from datetime import date
from decimal import Decimal

import numpy as np
from django.core.management.base import BaseCommand
from django.db import transaction

from agreements import seed_heidekreis
from agreements.demo import BUDGET_PER_ELB, _replace
from agreements.models import Agreement
from agreements.serialization import create_agreement
from indicators import imports
from indicators.demo import LANDKREISE as NIEDERSACHSEN_SIZES
from indicators.models import DataDelivery, DeliverySource, Indicator
from zielsteuerung.models import Organisation, OrganisationKind

ZKT_TOTAL = 104
JOBCENTER_TOTAL = 405
FIRST_YEAR, LAST_YEAR = 2011, 2026
LADESTAND = date(2027, 1, 20)
WAITING_MONTHS = 3
CODES = ["LLU", "LUH", "ELB", "INT", "LZB", "ELB_AE", "INT_AE", "INT_LZB"]
COMPARISON_TYPES = [
    "Ia",
    "Ib",
    "Ic",
    "Id",
    "Ie",
    "IIa",
    "IIb",
    "IIc",
    "IId",
    "IIe",
    "IIIa",
    "IIIb",
    "IIIc",
    "IIId",
    "IIIe",
]
SEASON = np.array([0.85, 0.95, 1.05, 1.00, 0.95, 0.95, 1.00, 1.15, 1.15, 1.05, 1.00, 0.90])


def demo_units():
    """(key, name, kind) of the 389 units beside Niedersachsen's 16 Landkreise."""
    extra_zkt = ZKT_TOTAL - len(NIEDERSACHSEN_SIZES)
    zkt = [
        (f"{90001 + i}", f"Demo-Landkreis {90001 + i} (Demodaten)", OrganisationKind.TRAEGER)
        for i in range(extra_zkt)
    ]
    others = JOBCENTER_TOTAL - ZKT_TOTAL
    comparison = [
        (f"{91001 + i}", f"Demo-Jobcenter {91001 + i} (Demodaten)", OrganisationKind.COMPARISON)
        for i in range(others)
    ]
    return zkt + comparison


def ensure_units(rng):
    """All 405 units in a fixed order (Niedersachsen first), creating the demo ones."""
    wanted = demo_units()
    existing = set(
        Organisation.objects.filter(key__in=[key for key, _, _ in wanted]).values_list(
            "key", flat=True
        )
    )
    types = rng.integers(0, len(COMPARISON_TYPES), size=len(wanted))
    Organisation.objects.bulk_create(
        Organisation(
            key=key,
            name=name,
            short_name=name.removesuffix(" (Demodaten)").removeprefix("Demo-Landkreis "),
            kind=kind,
            comparison_type=COMPARISON_TYPES[int(kind_type)],
        )
        for (key, name, kind), kind_type in zip(wanted, types, strict=True)
        if key not in existing
    )
    keys = list(NIEDERSACHSEN_SIZES) + [key for key, _, _ in wanted]
    by_key = Organisation.objects.in_bulk(keys, field_name="key")
    return [by_key[key] for key in keys]


def unit_sizes(units, rng):
    """ELB stock of each unit at the start: Niedersachsen as in the demo delivery."""
    random_sizes = rng.integers(1500, 60000, size=len(units))
    return np.array(
        [
            NIEDERSACHSEN_SIZES[unit.key][0] if unit.key in NIEDERSACHSEN_SIZES else int(size)
            for unit, size in zip(units, random_sizes, strict=True)
        ],
        dtype=np.float64,
    )


def monthly_series(sizes, rng, first_year=FIRST_YEAR):
    """{code: array (units × months)} of plausible base quantities, January of `first_year`
    to December 2026."""
    units = len(sizes)
    months = (LAST_YEAR - first_year + 1) * 12
    drift = rng.normal(-0.001, 0.004, size=(units, months)) + rng.normal(0, 0.002, size=(units, 1))
    elb = sizes[:, None] * np.exp(np.cumsum(drift, axis=1))
    season = np.tile(SEASON, months // 12)[None, :]
    prices = 1.018 ** (np.arange(months) / 12)[None, :]

    def noise(spread):
        return rng.uniform(1 - spread, 1 + spread, size=(units, months))

    lzb_share = rng.uniform(0.55, 0.72, size=(units, 1))
    integration_rate = rng.uniform(0.018, 0.032, size=(units, 1))
    lzb = elb * lzb_share * noise(0.004)
    elb_ae = elb * rng.uniform(0.09, 0.13, size=(units, 1)) * noise(0.01)
    return {
        "ELB": np.rint(elb),
        "LZB": np.rint(lzb),
        "ELB_AE": np.rint(elb_ae),
        "INT": np.rint(elb * integration_rate * season * noise(0.08)),
        "INT_AE": np.rint(elb_ae * integration_rate * 0.8 * season * noise(0.15)),
        "INT_LZB": np.rint(lzb * integration_rate * 0.45 * season * noise(0.12)),
        "LLU": np.round(elb * 560 * prices * noise(0.01), 2),
        "LUH": np.round(elb * 390 * prices * noise(0.01), 2),
    }


def build_check(units, series, tag, first_year=FIRST_YEAR):
    """The values as an ImportCheck (the import's own form), without writing a file."""
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=CODES)}
    check = imports.ImportCheck(
        file_name="bundesweite-demodaten.csv",
        sha256=hashlib.sha256(tag.encode()).hexdigest(),
        size=0,
        ladestand=LADESTAND,
    )
    check.units = [imports.UnitRef(u.pk, u.key, u.name, u.kind) for u in units]
    check.indicators = [
        imports.IndicatorRef(indicators[c].pk, c, indicators[c].unit, indicators[c].sort_order)
        for c in CODES
    ]
    months = (LAST_YEAR - first_year + 1) * 12
    count = len(units) * len(CODES) * months
    grid = np.indices((len(units), len(CODES), months)).reshape(3, count)
    check.unit_column = grid[0].astype(np.int64)
    check.indicator_column = grid[1].astype(np.int64)
    check.month_column = (first_year * 12 + grid[2]).astype(np.int64)
    check.sex_column = np.zeros(count, dtype=np.int64)
    values = []
    for code in CODES:
        array = series[code]
        if code in ("LLU", "LUH"):
            values.extend(f"{v:.2f}" for v in array.ravel().tolist())
        else:
            values.extend(str(int(v)) for v in array.ravel().tolist())
    # values are laid out code by code; reorder to (unit, code, month) like the columns
    stacked = np.array(values, dtype=object).reshape(len(CODES), len(units), months)
    check.value_column = stacked.transpose(1, 0, 2).ravel().tolist()
    return check


def agreement_data(traeger, index, year, elb, rng):
    """A demo agreement of `year` for `traeger`, from the Heidekreis agreement's texts."""
    data = copy.deepcopy(seed_heidekreis.HEIDEKREIS_2020)
    data = _replace(data, "Heidekreis", traeger.short_name or traeger.name)
    data = _replace(data, seed_heidekreis.KREISSCHLUESSEL, traeger.key)
    data = _replace(data, "2020", str(year))
    data = _replace(data, "2019", str(year - 1))
    data.update(year=year, traeger=traeger.key, status="unterzeichnet", is_demo=True)
    data["budget"] = {
        kind: f"{(per_elb * Decimal(int(elb))).quantize(Decimal(1))}.00"
        for kind, per_elb in BUDGET_PER_ELB.items()
    }
    k2 = Decimal(int(rng.integers(5, 45))) / 10
    k3 = -Decimal(int(rng.integers(3, 35))) / 10
    for goal in data["goals"]:
        if goal["number"] == 2:
            goal["target_change_percent"] = str(k2)
            goal["target_text"] = goal["target_text"].replace("3,1 %", f"{k2} %".replace(".", ","))
        if goal["number"] == 3:
            goal["target_change_percent"] = str(k3)
            goal["target_text"] = goal["target_text"].replace("1,5 %", f"{-k3} %".replace(".", ","))
    for signature in data["signatures"]:
        signature["year"] = year
        if signature["organisation"] == traeger.key:
            signature.update(place=traeger.place or "", organisation_label=traeger.name)
            signature.update(signatory="" if index % 2 else signature["signatory"])
    return data


class Command(BaseCommand):
    help = (
        "Legt bundesweite Demodaten an: 405 Jobcenter, Werte 2011–2026 und Zielvereinbarungen "
        "für 104 zkT (nur für Test- und Messsysteme)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=405, help="Zufallsstartwert (405)")
        parser.add_argument(
            "--jahr", type=int, default=LAST_YEAR, help="Jahr der Zielvereinbarungen (2026)"
        )
        parser.add_argument(
            "--ab",
            type=int,
            default=FIRST_YEAR,
            choices=range(FIRST_YEAR, LAST_YEAR + 1),
            metavar="JAHR",
            help="erstes Jahr der Werte (2011; weniger Jahre für schnelle Tests)",
        )

    def handle(self, *args, seed, jahr, ab, **options):
        started = time.perf_counter()
        rng = np.random.default_rng(seed)
        with transaction.atomic():
            units = ensure_units(rng)
        sizes = unit_sizes(units, rng)
        tag = f"zielsteuerung-national-demo-v1-seed-{seed}-from-{ab}"
        sha256 = hashlib.sha256(tag.encode()).hexdigest()
        series = monthly_series(sizes, rng, ab)
        delivery = DataDelivery.objects.filter(sha256=sha256).first()
        if delivery is None:
            check = build_check(units, series, tag, ab)
            delivery = imports.store_delivery(
                check,
                waiting_months=WAITING_MONTHS,
                source=DeliverySource.DEMO,
                is_demo=True,
            )
            self.stdout.write(f"Lieferung gespeichert: {check.describe()}.")
        else:
            self.stdout.write(f"Lieferung gibt es schon: {delivery}.")
        created = self.create_agreements(units, series["ELB"][:, 0], jahr, rng)
        self.stdout.write(
            f"{len(units)} Jobcenter, {created} neue Zielvereinbarungen {jahr}, "
            f"in {time.perf_counter() - started:.1f} s."
        )

    def create_agreements(self, units, elb, year, rng):
        """A demo agreement of `year` for each of the 104 zkT without one; budgets scaled by
        the unit's ELB stock (`elb`, one figure per unit)."""
        zkt = [(i, u) for i, u in enumerate(units) if u.kind == OrganisationKind.TRAEGER]
        having = set(
            Agreement.objects.filter(year=year, traeger__in=[u for _, u in zkt]).values_list(
                "traeger_id", flat=True
            )
        )
        created = 0
        with transaction.atomic():
            for index, (row, unit) in enumerate(zkt):
                data = agreement_data(unit, index, year, elb[row], rng)
                if unit.pk in having:
                    continue
                create_agreement(data, reason="Bundesweite Demodaten angelegt")
                created += 1
        return created
