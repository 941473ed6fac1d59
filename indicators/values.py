"""The monthly values a data delivery carries: one row of twelve months per delivery, unit,
code, sex and variant (`Values`), and the one way to read them (`ValuesQuerySet`). Defined
apart from the catalogue and the deliveries in `indicators.models`, which registers it with
Django and re-exports every name."""

from collections import namedtuple
from datetime import date

from django.db import models
from django.db.models import Case, F, Max, Min, OuterRef, Q, Sum, Value, When
from django.db.models.functions import Coalesce

from indicators.computations import BASE_CODES
from indicators.models import DataDelivery, Indicator
from zielsteuerung.access import (
    STANDARD_RULES,
    VIEW,
    ScopedQuerySet,
)
from zielsteuerung.immutable import Immutable, ImmutableQuerySet
from zielsteuerung.models import Organisation


class Sex(models.TextChoices):
    TOTAL = "g", "gesamt"
    MEN = "m", "Männer"
    WOMEN = "w", "Frauen"


class Variant(models.TextChoices):
    """What a value is: a base quantity (empty), or a published Kennzahl in one of the BA's
    variants (domain reference § 5.3: one code alone is ambiguous)."""

    BASE = "", "Basisgröße"
    JFW = "jfw", "Jahresfortschrittswert"
    TWELVE_MONTHS = "zwoelf_monate", "12-Monats-Wert"
    PREVIOUS_YEAR_MONTH = "vorjahresmonat", "Veränderung zum Vorjahresmonat"


class Flag(models.TextChoices):
    """Marks of official statistics that stand beside a number: the value is kept with it."""

    RESTRICTED = "(", "Aussagewert eingeschränkt"
    PRELIMINARY = "p", "vorläufig"
    REVISED = "r", "berichtigt"
    ESTIMATED = "s", "geschätzt"


NO_FLAG = "_"  # a month without a flag in `Values.flags`


def flag_text(flag):
    """The mark as printed in official tables: `( )`, `p`, `r`, `s`; empty without one."""
    return "( )" if flag == Flag.RESTRICTED else (flag or "")


MONTH_FIELDS = tuple(f"m{month:02d}" for month in range(1, 13))  # January … December
VALUE_DIGITS, VALUE_PLACES = 20, 4  # a delivered figure: up to 16 digits before the point


LAST_DAY = date(9999, 12, 1)  # later than any month


def _month_field(name):
    return models.DecimalField(
        name, max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES, null=True, blank=True
    )


def month_of(year, number):
    """The first day of month `number` (1 … 12) of `year`."""
    return date(year, number, 1)


def _month_held(number, until=None):
    """Rows that hold a value for month `number` (1 … 12), and, with `until`, whose month
    lies no later than `until`."""
    held = Q(**{f"{MONTH_FIELDS[number - 1]}__isnull": False})
    if until is not None and number > until.month:
        held &= Q(year__lt=until.year)
    return held


def _last_month(until):
    """Per row: year × 12 + month − 1 of its last month with a value up to `until`."""
    last = Case(
        *(When(_month_held(number, until), then=number) for number in range(12, 0, -1)),
        output_field=models.IntegerField(),
    )
    return F("year") * 12 + last - 1


def _first_month():
    """Per row: year × 12 + month − 1 of its first month with a value."""
    first = Case(
        *(When(_month_held(number), then=number) for number in range(1, 13)),
        output_field=models.IntegerField(),
    )
    return F("year") * 12 + first - 1


def _figure_count():
    """Per row: how many of its twelve months hold a value."""
    return sum(
        (Case(When(_month_held(n), then=1), default=0) for n in range(1, 13)),
        start=Value(0),
    )


def _number_month(number):
    return None if number is None else date(number // 12, number % 12 + 1, 1)


Cell = namedtuple("Cell", "unit_id delivery_id code sex month value")
# A published Kennzahl of one month (for all people), with its variant and flag ("" if none).
Published = namedtuple("Published", "unit_id delivery_id code variant month value flag")


class ValuesQuerySet(ScopedQuerySet, ImmutableQuerySet):
    """The one way to read delivered values, in the words of the field. Every app asks through
    these methods; none touches the fields of `Values` itself (tests/test_architecture.py)."""

    landkreis = "unit"
    rules = {VIEW: STANDARD_RULES[VIEW]}  # values are written by storage.py alone

    def of_delivery(self, delivery):
        return self.filter(delivery=delivery)

    def of_deliveries(self, deliveries):
        """`deliveries`: objects, primary keys or a queryset of deliveries."""
        return self.filter(delivery__in=deliveries)

    def of_each_delivery(self):
        """For a subquery on deliveries: the values of the delivery in the outer query."""
        return self.filter(delivery=OuterRef("pk"))

    def of_own_deliveries(self):
        """Values a Landkreis delivered itself: the delivery is for the values' unit."""
        return self.filter(delivery__organisation=F("unit"))

    def for_unit(self, unit):
        return self.filter(unit=unit)

    def for_units(self, units):
        return self.filter(unit__in=units)

    def of_codes(self, codes):
        return self.filter(indicator__code__in=codes)

    def total(self):
        """Values for all people (gesamt), not those for men or women."""
        return self.filter(sex=Sex.TOTAL)

    def quantities(self):
        """Delivered quantities (LLU, LUH, ELB …), not published Kennzahlen."""
        return self.filter(variant=Variant.BASE)

    def base(self):
        """The base quantities for all people: what the JFW are computed from."""
        return self.total().of_codes(BASE_CODES).quantities()

    def published(self):
        """Published Kennzahlen (a value with a variant), not base quantities."""
        return self.exclude(variant=Variant.BASE)

    def published_at(self, month):
        """The published Kennzahlen for all people of `month`, one `Published` each."""
        number = month.month
        rows = self.published().total().holding(month)
        rows = rows.values_list(
            "unit_id",
            "delivery_id",
            "indicator__code",
            "variant",
            MONTH_FIELDS[number - 1],
            "flags",
        )
        for unit_id, delivery_id, code, variant, value, flags in rows:
            flag = flags[number - 1] if flags else NO_FLAG
            yield Published(
                unit_id, delivery_id, code, variant, month, value, "" if flag == NO_FLAG else flag
            )

    def in_year(self, year):
        """Values of some month of `year`: a row is stored only with at least one value."""
        return self.filter(year=year)

    def holding(self, month):
        """Values for `month` (the first day of a month)."""
        return self.filter(_month_held(month.month), year=month.year)

    def deliveries(self):
        """The primary keys of the deliveries these values belong to, for `pk__in`."""
        return self.values("delivery")

    def units(self):
        """The primary keys of the units these values belong to, each once."""
        return self.values_list("unit", flat=True).distinct()

    def codes(self):
        """The indicator codes these values hold, each once."""
        return set(self.values_list("indicator__code", flat=True).distinct())

    def units_and_deliveries(self):
        """The distinct (unit id, delivery id) pairs of these values."""
        return set(self.values_list("unit_id", "delivery_id").distinct())

    def latest_month(self, until):
        """The latest month up to `until` for which these rows hold a value (or None)."""
        latest = self.filter(year__lte=until.year).aggregate(latest=Max(_last_month(until)))
        return _number_month(latest["latest"])

    def latest_month_by_unit(self, until):
        """{unit id: the latest month up to `until` for which its rows hold a value}."""
        per_unit = self.filter(year__lte=until.year).values("unit")
        rows = per_unit.annotate(latest=Max(_last_month(until))).values_list("unit", "latest")
        return {unit: _number_month(latest) for unit, latest in rows}

    def span(self):
        """{"first": the first month, "last": the last month} these rows hold (None, None
        without rows)."""
        span = self.aggregate(first=Min(_first_month()), last=Max(_last_month(LAST_DAY)))
        return {"first": _number_month(span["first"]), "last": _number_month(span["last"])}

    def figure_count(self):
        """How many monthly figures these rows hold."""
        return self.aggregate(count=Sum(_figure_count()))["count"] or 0

    def summary(self):
        """Per unit, code, variant and sex: count of figures, first and last month and their
        sum (a published Kennzahl's variants are never summed together)."""
        months = [
            Coalesce(F(name), Value(0), output_field=models.DecimalField()) for name in MONTH_FIELDS
        ]
        groups = self.values(
            "unit__key", "unit__name", "indicator__code", "indicator__sort_order", "variant", "sex"
        )
        rows = groups.annotate(
            count=Sum(_figure_count()),
            first=Min(_first_month()),
            last=Max(_last_month(LAST_DAY)),
            total=Sum(sum(months[1:], start=months[0])),
        ).order_by("unit__key", "indicator__sort_order", "variant", "sex")
        return [
            {
                **row,
                "first": _number_month(row["first"]),
                "last": _number_month(row["last"]),
                "variant_label": Variant(row["variant"]).label,
            }
            for row in rows
        ]

    def months_held(self, first_month, last_month):
        """(unit id, delivery id, code, month) for each month from `first_month` to
        `last_month` that holds a value: which months exist, without reading the figures."""
        rows = self.filter(year__gte=first_month.year, year__lte=last_month.year)
        held = [Q(**{f"{name}__isnull": False}) for name in MONTH_FIELDS]
        flags = [Case(When(q, then=True), default=False) for q in held]
        rows = rows.annotate(**{f"held_{n}": flag for n, flag in enumerate(flags, start=1)})
        names = [f"held_{n}" for n in range(1, 13)]
        for unit_id, delivery_id, code, year, *marks in rows.values_list(
            "unit_id", "delivery_id", "indicator__code", "year", *names
        ):
            for number, mark in enumerate(marks, start=1):
                month = month_of(year, number)
                if mark and first_month <= month <= last_month:
                    yield unit_id, delivery_id, code, month

    def cells(self, first_month=None, last_month=None):
        """The figures (from `first_month` to `last_month`, if given), one `Cell` each."""
        rows = self
        if first_month is not None:
            rows = rows.filter(year__gte=first_month.year)
        if last_month is not None:
            rows = rows.filter(year__lte=last_month.year)
        rows = rows.values_list(
            "unit_id", "delivery_id", "indicator__code", "sex", "year", *MONTH_FIELDS
        )
        for unit_id, delivery_id, code, sex, year, *figures in rows:
            for number, value in enumerate(figures, start=1):
                month = month_of(year, number)
                if value is None or (first_month and month < first_month):
                    continue
                if last_month and month > last_month:
                    break
                yield Cell(unit_id, delivery_id, code, sex, month, value)


class Values(Immutable):
    """The figures one delivery holds for one unit, code and sex in one year: a row of twelve
    months, January to December, as users see a year in a spreadsheet. A month the delivery
    has no figure for is empty. A row is stored only with at least one figure; rows are
    written by `indicators.storage.write_values` and never changed. Read them through
    `Values.objects` (`ValuesQuerySet`)."""

    frozen_message = "Gelieferte Werte können nicht geändert oder gelöscht werden."
    change_message = "Gelieferte Werte können nicht geändert werden."
    delete_message = "Gelieferte Werte können nicht gelöscht werden."

    # No index of their own: the unique constraint (delivery first) and the index (unit first)
    # serve every query, and each index more slows the storing of a national delivery. The
    # foreign-key constraints stay: checking them costs a national import about a second on
    # PostgreSQL (docs/benchmarks.md), which the background task hides; the database, not
    # only Django, guarantees that every value belongs to a delivery, unit and indicator.
    delivery = models.ForeignKey(
        DataDelivery,
        on_delete=models.PROTECT,
        related_name="values",
        db_index=False,
    )
    unit = models.ForeignKey(
        Organisation,
        verbose_name="Träger",
        on_delete=models.PROTECT,
        related_name="values",
        db_index=False,
    )
    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.PROTECT,
        related_name="values",
        db_index=False,
    )
    sex = models.CharField("Geschlecht", max_length=1, choices=Sex.choices, default=Sex.TOTAL)
    # Empty for a base quantity; the BA's variant for a published Kennzahl.
    variant = models.CharField(
        "Variante", max_length=20, choices=Variant.choices, default=Variant.BASE, blank=True
    )
    year = models.PositiveSmallIntegerField("Jahr")
    m01 = _month_field("Januar")
    m02 = _month_field("Februar")
    m03 = _month_field("März")
    m04 = _month_field("April")
    m05 = _month_field("Mai")
    m06 = _month_field("Juni")
    m07 = _month_field("Juli")
    m08 = _month_field("August")
    m09 = _month_field("September")
    m10 = _month_field("Oktober")
    m11 = _month_field("November")
    m12 = _month_field("Dezember")
    # The statistical flags of the twelve months, one character each (`NO_FLAG` for none), or
    # empty when no month has one (the usual case): docs/architecture.md.
    flags = models.CharField("Kennzeichen", max_length=12, default="", blank=True)

    objects = ValuesQuerySet.as_manager()

    class Meta:
        verbose_name = "Jahreswerte"
        verbose_name_plural = "Jahreswerte"
        constraints = [
            models.UniqueConstraint(
                fields=["delivery", "unit", "indicator", "variant", "sex", "year"],
                name="one_row_per_variant_year_and_delivery",
            ),
        ]
        indexes = [models.Index(fields=["unit", "indicator", "year"])]

    def __str__(self):
        return f"{self.unit_id} {self.indicator_id} {self.sex} {self.year}"

    def flag_of(self, month):
        """The flag of `month` (a date in this row's year): `(`, `p`, `r`, `s` or ""."""
        flag = self.flags[month.month - 1] if self.flags else NO_FLAG
        return "" if flag == NO_FLAG else flag

    def figures(self):
        """{month: value} of the months this row holds."""
        return {
            month_of(self.year, number): value
            for number, value in enumerate((getattr(self, n) for n in MONTH_FIELDS), start=1)
            if value is not None
        }
