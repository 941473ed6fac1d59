"""Indicator catalogue, data deliveries (Ladestand) and the monthly values they carry."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, Max, OuterRef
from django.db.models.functions import Least
from simple_history.models import HistoricalRecords

from zielsteuerung.access import sees_all, traeger_of
from zielsteuerung.models import Organisation


class IndicatorKind(models.TextChoices):
    TARGET = "zielindikator", "Zielindikator"
    SUPPLEMENTARY = "ergaenzung", "Ergänzungsgröße"
    BASE = "basis", "Basisgröße"


class Unit(models.TextChoices):
    PERCENT = "prozent", "Prozent"
    EUR = "eur", "Euro"
    PERSONS = "personen", "Personen"
    COUNT = "anzahl", "Anzahl"


class Better(models.TextChoices):
    HIGHER = "hoeher", "höher ist besser"
    LOWER = "niedriger", "niedriger ist besser"
    NEUTRAL = "neutral", "neutral"


class Indicator(models.Model):
    """A Kennzahl (K1 … K3E4) or a base quantity that Jobcenter upload (LLU, ELB, INT …)."""

    code = models.CharField("Kennzahl", max_length=20, unique=True)
    name = models.CharField("Bezeichnung", max_length=200)
    kind = models.CharField("Art", max_length=20, choices=IndicatorKind.choices)
    unit = models.CharField("Einheit", max_length=20, choices=Unit.choices)
    better = models.CharField(
        "Bessere Richtung", max_length=20, choices=Better.choices, default=Better.NEUTRAL
    )
    legal_reference = models.CharField("Rechtsgrundlage", max_length=200, blank=True)
    description = models.TextField("Erläuterung", blank=True)
    sort_order = models.PositiveSmallIntegerField("Reihenfolge", default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "Kennzahl"
        verbose_name_plural = "Kennzahlen"
        ordering = ["sort_order", "code"]

    def __str__(self):
        return f"{self.code} – {self.name}"


class DeliverySource(models.TextChoices):
    JOBCENTER = "jobcenter", "Jobcenter-Upload"
    BA = "ba", "Bundesagentur für Arbeit"
    LAND = "land", "Land"
    DEMO = "demo", "Demodaten"


class ImmutableQuerySet(models.QuerySet):
    """Stored deliveries and values are never changed or deleted, not even in bulk."""

    refusal = "Gespeicherte Daten können nicht geändert oder gelöscht werden."

    def update(self, **kwargs):
        raise ValidationError(self.refusal)

    def delete(self):
        raise ValidationError(self.refusal)


class DataDeliveryQuerySet(ImmutableQuerySet):
    refusal = "Eine gespeicherte Datenlieferung kann nicht geändert oder gelöscht werden."

    def visible_to(self, user):
        """Ministries and readers see every delivery; a Jobcenter sees those with its values."""
        if sees_all(user):
            return self
        own = traeger_of(user)
        if own is None:
            return self.none()
        own_values = ValueSeries.objects.filter(delivery=OuterRef("pk"), unit=own)
        return self.filter(models.Q(organisation=own) | Exists(own_values))

    def newest_first(self):
        return self.order_by("-ladestand", "-waiting_months", "-created_at", "-pk")


class DataDelivery(models.Model):
    """One Ladestand: a set of monthly values as extracted on one date.

    A delivery is immutable once stored; newer deliveries never change older ones.
    """

    ladestand = models.DateField("Ladestand")
    waiting_months = models.PositiveSmallIntegerField(
        "Wartezeit (Monate)", default=0, help_text="0 = ohne Wartezeit"
    )
    source = models.CharField("Quelle", max_length=20, choices=DeliverySource.choices)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name="geliefert für",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deliveries",
        help_text="Der Landkreis bei einem Jobcenter-Upload; leer bei landes- oder bundesweiten Daten.",
    )
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="geliefert von",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deliveries",
    )
    file_name = models.CharField("Dateiname", max_length=255, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, unique=True)
    row_count = models.PositiveIntegerField("Anzahl Werte", default=0)
    is_demo = models.BooleanField("Demodaten", default=False)
    created_at = models.DateTimeField("gespeichert am", auto_now_add=True)

    objects = DataDeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = "Datenlieferung"
        verbose_name_plural = "Datenlieferungen"
        ordering = ["-ladestand", "-waiting_months", "-created_at"]

    def __str__(self):
        return f"Ladestand {self.ladestand:%d.%m.%Y} ({self.waiting_label})"

    def save(self, *args, **kwargs):
        if self.pk and DataDelivery.objects.filter(pk=self.pk).exists():
            raise ValidationError("Eine gespeicherte Datenlieferung kann nicht geändert werden.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Eine gespeicherte Datenlieferung kann nicht gelöscht werden.")

    @property
    def waiting_label(self):
        if self.waiting_months == 0:
            return "ohne Wartezeit"
        return f"Wartezeit {self.waiting_months} Monat" + ("e" if self.waiting_months > 1 else "")


class Sex(models.TextChoices):
    TOTAL = "g", "gesamt"
    MEN = "m", "Männer"
    WOMEN = "w", "Frauen"


class ValueQuerySet(ImmutableQuerySet):
    refusal = "Ein gelieferter Wert kann nicht geändert oder gelöscht werden."

    def visible_to(self, user):
        """Ministries and readers see every value; a Jobcenter only its own Landkreis'."""
        if sees_all(user):
            return self
        own = traeger_of(user)
        if own is None:
            return self.none()
        return self.filter(unit=own)


def _latest(until):
    """The latest month of a series up to `until`: a series holds each of its months."""
    return Max(Least("last_month", models.Value(until, output_field=models.DateField())))


class SeriesQuerySet(ValueQuerySet):
    refusal = "Gelieferte Werte können nicht geändert oder gelöscht werden."

    def overlapping(self, first_month, last_month):
        """Series holding a value for some month from `first_month` to `last_month`."""
        return self.filter(first_month__lte=last_month, last_month__gte=first_month)

    def holding(self, month):
        """Series holding a value for `month`: a series has one for each of its months."""
        return self.filter(first_month__lte=month, last_month__gte=month)

    def latest_month(self, until):
        """The latest month up to `until` for which these series hold a value (or None)."""
        return self.filter(first_month__lte=until).aggregate(latest=_latest(until))["latest"]

    def latest_month_by_unit(self, until):
        """{unit id: the latest month up to `until` for which its series hold a value}."""
        per_unit = self.filter(first_month__lte=until).values("unit")
        return dict(per_unit.annotate(latest=_latest(until)).values_list("unit", "latest"))


class ValueSeries(models.Model):
    """The values of one unit, code and sex that one delivery holds for consecutive months.

    This is how values are stored: a national delivery of 600 000 monthly figures is some 3 000
    rows, one per unit, code and sex (more where months are missing), instead of a row per
    figure (docs/benchmarks.md). `figures` is a JSON array of exact decimals, one per month
    from `first_month` to `last_month`; a missing month starts a new series. Reading goes
    through `Value`, a view with one row per figure. Written only by `indicators.storage`."""

    delivery = models.ForeignKey(
        DataDelivery, on_delete=models.PROTECT, related_name="series", db_index=False
    )
    unit = models.ForeignKey(
        Organisation,
        verbose_name="Träger",
        on_delete=models.PROTECT,
        related_name="value_series",
        db_index=False,
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="series", db_index=False
    )
    sex = models.CharField("Geschlecht", max_length=1, choices=Sex.choices, default=Sex.TOTAL)
    first_month = models.DateField("erster Monat")
    last_month = models.DateField("letzter Monat")
    figures = models.TextField("Werte", help_text="JSON-Liste, ein Wert je Monat")

    objects = SeriesQuerySet.as_manager()

    class Meta:
        verbose_name = "Wertereihe"
        verbose_name_plural = "Wertereihen"
        constraints = [
            models.UniqueConstraint(
                fields=["delivery", "unit", "indicator", "sex", "first_month"],
                name="one_series_per_start_and_delivery",
            ),
        ]
        indexes = [models.Index(fields=["unit", "indicator", "first_month"])]

    def __str__(self):
        return f"{self.indicator_id} {self.first_month:%m/%Y}–{self.last_month:%m/%Y}"

    def save(self, *args, **kwargs):
        if self.pk and ValueSeries.objects.filter(pk=self.pk).exists():
            raise ValidationError("Gelieferte Werte können nicht geändert werden.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Gelieferte Werte können nicht gelöscht werden.")


class Value(models.Model):
    """One monthly figure of one unit and code, as one delivery reported it.

    A database view over `ValueSeries` (created by migration 0005), read-only: values are
    stored by `indicators.storage.write_values`. Its id is the series' id × 10 000 plus the
    month's position in the series."""

    delivery = models.ForeignKey(
        DataDelivery, on_delete=models.DO_NOTHING, related_name="values", db_index=False
    )
    unit = models.ForeignKey(
        Organisation,
        verbose_name="Träger",
        on_delete=models.DO_NOTHING,
        related_name="values",
        db_index=False,
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.DO_NOTHING, related_name="values", db_index=False
    )
    month = models.DateField("Berichtsmonat", help_text="erster Tag des Monats")
    sex = models.CharField("Geschlecht", max_length=1, choices=Sex.choices, default=Sex.TOTAL)
    value = models.DecimalField("Wert", max_digits=20, decimal_places=4)

    objects = ValueQuerySet.as_manager()

    class Meta:
        managed = False
        verbose_name = "Wert"
        verbose_name_plural = "Werte"

    def __str__(self):
        return f"{self.unit.key} {self.indicator.code} {self.month:%m/%Y}: {self.value}"

    def save(self, *args, **kwargs):
        raise ValidationError("Werte werden nur mit einer Datenlieferung gespeichert.")

    def delete(self, *args, **kwargs):
        raise ValidationError("Ein gelieferter Wert kann nicht gelöscht werden.")


class DeliveryDeadlineQuerySet(models.QuerySet):
    def in_force(self):
        """The rules oldest first, as `completeness.due_date` reads them."""
        return self.order_by("valid_from")


class DeliveryDeadline(models.Model):
    """The day by which a Jobcenter's data for a reporting month are due, set by the ministry.

    A rule applies from its reporting month on, until a later rule takes over; a changed rule
    therefore never turns a past month's delivery from punctual into late."""

    valid_from = models.DateField(
        "gilt ab Berichtsmonat", unique=True, help_text="erster Tag des Monats"
    )
    months_after = models.PositiveSmallIntegerField(
        "Monate nach dem Berichtsmonat",
        default=2,
        validators=[MinValueValidator(0), MaxValueValidator(12)],
        help_text="2 = im übernächsten Monat",
    )
    day = models.PositiveSmallIntegerField(
        "Tag des Monats", default=10, validators=[MinValueValidator(1), MaxValueValidator(28)]
    )

    objects = DeliveryDeadlineQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        verbose_name = "Liefertermin"
        verbose_name_plural = "Liefertermine"
        ordering = ["-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(day__gte=1, day__lte=28, months_after__lte=12),
                name="deadline_day_in_every_month",
                violation_error_message="Der Tag liegt zwischen 1 und 28, höchstens 12 Monate später.",
            )
        ]

    def __str__(self):
        return f"ab {self.valid_from:%m/%Y}: {self.day}. Tag, {self.months_after} Monate später"
