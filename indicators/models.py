"""Indicator catalogue, data deliveries (Ladestand) and the monthly values they carry (those
in indicators/values.py, re-exported at the end)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Exists, Max
from django.utils import timezone
from simple_history.models import HistoricalRecords

from zielsteuerung.access import (
    CHANGE,
    EVERYTHING,
    OWN,
    STANDARD_RULES,
    UPLOAD,
    VIEW,
    Role,
    ScopedQuerySet,
    membership_of,
)
from zielsteuerung.immutable import Immutable, ImmutableQuerySet
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


# Which of two deliveries is newer: the later Ladestand, then the longer waiting time, then the
# one stored later (and the higher id of two stored at once). The one rule behind
# `newest_first()` and `DataDelivery.newness`.
NEWNESS = ("ladestand", "waiting_months", "created_at", "pk")


class DataDeliveryQuerySet(ScopedQuerySet, ImmutableQuerySet):
    # Nobody changes a stored delivery (an administrator withdraws one, manage.py); the
    # ministries upload for every unit, a Jobcenter for its own Landkreis.
    landkreis = "organisation"
    rules = {
        VIEW: STANDARD_RULES[VIEW],
        UPLOAD: {Role.MINISTRY_EDITOR: EVERYTHING, Role.JOBCENTER_EDITOR: OWN},
    }

    def of_landkreis(self, unit):
        """A Landkreis' deliveries: those it delivered and those holding its values."""
        return models.Q(organisation=unit) | self._holding(unit)

    def holding_values_of(self, unit):
        """The deliveries that hold values of `unit`."""
        return self.filter(self._holding(unit))

    @staticmethod
    def _holding(unit):
        return Exists(Values.objects.of_each_delivery().for_unit(unit))

    def newest_first(self):
        return self.order_by(*(f"-{name}" for name in NEWNESS))

    def figures_version(self):
        """What cached figures depend on besides the agreements: the newest delivery and the
        latest withdrawal (a withdrawn delivery's values are gone from every figure)."""
        newest = self.order_by("-pk").values_list("pk", "created_at").first()
        withdrawn = self.aggregate(at=Max("withdrawn_at"))["at"]
        return newest, withdrawn


class DataDelivery(Immutable):
    """One Ladestand: a set of monthly values as extracted on one date.

    A delivery is immutable once stored (zielsteuerung/immutable.py); newer deliveries never
    change older ones.
    """

    frozen_message = "Eine gespeicherte Datenlieferung kann nicht geändert oder gelöscht werden."
    change_message = "Eine gespeicherte Datenlieferung kann nicht geändert werden."
    delete_message = "Eine gespeicherte Datenlieferung kann nicht gelöscht werden."

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
    withdrawn_at = models.DateTimeField("zurückgezogen am", null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="zurückgezogen von",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    withdrawal_reason = models.TextField("Grund des Rückzugs", blank=True)

    objects = DataDeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = "Datenlieferung"
        verbose_name_plural = "Datenlieferungen"
        ordering = [f"-{name}" for name in NEWNESS[:3]]

    def __str__(self):
        return f"Ladestand {self.ladestand:%d.%m.%Y} ({self.waiting_label})"

    @property
    def newness(self):
        """A sort key: of two deliveries the newer has the greater (NEWNESS, as newest_first)."""
        return tuple(getattr(self, name) for name in NEWNESS)

    def withdraw(self, user, reason):
        """Take a wrong delivery out of every figure: its values are removed, its record stays
        with who delivered it and when, and who withdrew it, when and why. The one change a
        stored delivery can undergo; only an administrator does it (`manage.py
        withdraw_delivery`, docs/operations.md). Approved minutes keep their frozen figures."""
        from indicators import storage  # storage imports the models

        reason = (reason or "").strip()
        if not reason:
            raise ValidationError("Für den Rückzug einer Datenlieferung ist ein Grund nötig.")
        with transaction.atomic():
            locked = DataDelivery.objects.select_for_update().get(pk=self.pk)
            if locked.withdrawn_at is not None:
                raise ValidationError(
                    f"Die Datenlieferung wurde bereits am "
                    f"{timezone.localtime(locked.withdrawn_at):%d.%m.%Y} zurückgezogen."
                )
            storage.remove_values(self.pk)
            self.withdrawn_at, self.withdrawn_by, self.withdrawal_reason = (
                timezone.now(),
                user,
                reason,
            )
            # Past the guard: the withdrawal fields are all that is written.
            self.save_past_guard(
                update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"]
            )

    @property
    def waiting_label(self):
        if self.waiting_months == 0:
            return "ohne Wartezeit"
        return f"Wartezeit {self.waiting_months} Monat" + ("e" if self.waiting_months > 1 else "")


class DeliveryDeadlineQuerySet(ScopedQuerySet):
    # The same for every Landkreis: everyone sees the deadlines, the ministries set them.
    rules = {
        VIEW: {role: EVERYTHING for role in Role},
        CHANGE: STANDARD_RULES[CHANGE],
    }

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


class ColumnMappingQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The mappings of the user's organisation (those of users without one are shared
        among them): a Jobcenter never sees or uses another Landkreis' mappings."""
        membership = membership_of(user)
        return self.filter(organisation=membership.organisation if membership else None)

    def for_header(self, user, source, fingerprints):
        """The newest mapping the user's organisation saved for `source` and one of the
        header `fingerprints` (imports.mapping.fingerprint), or None."""
        found = self.visible_to(user).filter(source=source, fingerprint__in=list(fingerprints))
        return found.order_by("-updated_at", "-pk").first()

    def remember(self, user, source, mapping):
        """Save (or replace) the organisation's `mapping` (imports.mapping.Mapping, with the
        whole header row as the mapping step gives it) of this header for `source`."""
        from indicators.imports.mapping import fingerprint  # the import package reads models

        header = [name for name, _ in mapping.columns]
        membership = membership_of(user)
        saved, _ = self.update_or_create(
            organisation=membership.organisation if membership else None,
            source=source,
            fingerprint=fingerprint(header),
            defaults={
                "header": header,
                "roles": [role for _, role in mapping.columns],
                "header_line": mapping.header_line,
                "created_by": user,
            },
        )
        return saved


class ColumnMapping(models.Model):
    """How an organisation's files of one source with one header are read: the role of each
    column, as the user chose it in the mapping step of the upload (docs/import.md, „Spalten
    zuordnen“). Offered again when a file with the same header arrives."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name="Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="column_mappings",
        help_text="Die Organisation des Hochladenden; leer für Benutzer ohne Organisation.",
    )
    source = models.CharField("Quelle", max_length=20, choices=DeliverySource.choices)
    fingerprint = models.CharField("Kennung der Kopfzeile", max_length=64)
    header = models.JSONField("Kopfzeile", help_text="die Zellen der Kopfzeile, wie geschrieben")
    roles = models.JSONField("Rollen", help_text="je Spalte ihre Rolle (traeger, monat, ELB …)")
    header_line = models.PositiveSmallIntegerField("Zeile der Kopfzeile", default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="zuletzt gespeichert von",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField("zuletzt gespeichert am", auto_now=True)

    objects = ColumnMappingQuerySet.as_manager()

    class Meta:
        verbose_name = "Spaltenzuordnung"
        verbose_name_plural = "Spaltenzuordnungen"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "source", "fingerprint"],
                condition=models.Q(organisation__isnull=False),
                name="one_mapping_per_organisation_source_header",
            ),
            models.UniqueConstraint(
                fields=["source", "fingerprint"],
                condition=models.Q(organisation__isnull=True),
                name="one_mapping_per_source_header_without_organisation",
            ),
        ]

    def __str__(self):
        return f"{self.get_source_display()}: {' | '.join(self.header)[:80]}"


# The values live in indicators/values.py (this module would be too long with them); importing
# them here registers `Values` with Django and keeps `indicators.models` the one import path.
# Last, because values.py builds on the classes above.
from indicators.values import (  # noqa: E402, F401
    LAST_DAY,
    MONTH_FIELDS,
    NO_FLAG,
    VALUE_DIGITS,
    VALUE_PLACES,
    Cell,
    Flag,
    Published,
    Sex,
    Values,
    ValuesQuerySet,
    Variant,
    flag_text,
    month_of,
)
