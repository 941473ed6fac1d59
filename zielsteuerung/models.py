"""Organisations (ministries, zkT Landkreise, comparison units) and users' memberships."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from zielsteuerung.access import Role, ScopedQuerySet


class OrganisationKind(models.TextChoices):
    MINISTRY = "ministerium", "Ministerium"
    TRAEGER = "traeger", "Zugelassener kommunaler Träger"
    COMPARISON = "vergleich", "Vergleichseinheit"
    AGGREGATE = "aggregat", "Aggregat (Bund, West/Ost, Land, Vergleichstyp)"
    OTHER = "sonstige", "Sonstige Stelle"


class OrganisationQuerySet(ScopedQuerySet):
    landkreis = "pk"

    def ministries(self):
        return self.filter(kind=OrganisationKind.MINISTRY)

    def traeger(self):
        return self.filter(kind=OrganisationKind.TRAEGER)

    def data_units(self):
        """Units that indicator values can belong to: zkT, declared comparison units and
        aggregates (Deutschland, West/Ost, the Länder, Vergleichstyp groups)."""
        return self.filter(
            kind__in=[
                OrganisationKind.TRAEGER,
                OrganisationKind.COMPARISON,
                OrganisationKind.AGGREGATE,
            ]
        )

    def aggregates(self):
        return self.filter(kind=OrganisationKind.AGGREGATE)

    def of_landkreis(self, unit):
        # A Jobcenter user sees the ministries (its partners) and its own Landkreis.
        return Q(kind=OrganisationKind.MINISTRY) | Q(pk=unit.pk)


class Organisation(models.Model):
    """A party of the agreements, or a unit that indicator values are reported for.

    `key` is the Kreisschlüssel for Landkreise (five digits, leading zero kept), the
    abbreviation for ministries (MW, MS) and the Jobcenter key for comparison units.
    """

    key = models.CharField("Schlüssel", max_length=20, unique=True)
    kind = models.CharField("Art", max_length=20, choices=OrganisationKind.choices)
    name = models.CharField("Name", max_length=200)
    short_name = models.CharField("Kurzname", max_length=80, blank=True)
    comparison_type = models.CharField(
        "Vergleichstyp", max_length=10, blank=True, help_text="IAB-Vergleichstyp, z. B. IIb"
    )
    place = models.CharField("Sitz", max_length=80, blank=True)

    objects = OrganisationQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        verbose_name = "Organisation"
        verbose_name_plural = "Organisationen"
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="traeger") | Q(key__regex=r"^[0-9]{5}$"),
                name="traeger_key_is_kreisschluessel",
                violation_error_message="Der Kreisschlüssel eines Trägers hat fünf Ziffern.",
            )
        ]

    def __str__(self):
        return self.name

    @property
    def is_ministry(self):
        return self.kind == OrganisationKind.MINISTRY

    @property
    def is_traeger(self):
        return self.kind == OrganisationKind.TRAEGER

    @property
    def is_aggregate(self):
        """Deutschland, West/Ost, a Land or a Vergleichstyp group: a reference line in
        comparisons, never ranked among Jobcenter."""
        return self.kind == OrganisationKind.AGGREGATE

    @property
    def display_short(self):
        return self.short_name or self.name

    def name_in(self, year):
        """The name the organisation carried in `year` (ministries are renamed over time)."""
        for record in self.names.all():  # ordered newest first; prefetch-friendly
            if record.valid_from_year <= year:
                return record.name
        return self.name


class OrganisationName(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="names")
    valid_from_year = models.PositiveSmallIntegerField("gültig ab Jahr")
    name = models.CharField("Name", max_length=200)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "Name im Zeitraum"
        verbose_name_plural = "Namen im Zeitraum"
        ordering = ["organisation", "-valid_from_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "valid_from_year"], name="one_name_per_start_year"
            )
        ]

    def __str__(self):
        return f"{self.name} (ab {self.valid_from_year})"


class Membership(models.Model):
    """A user belongs to exactly one organisation, with one role."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField("Rolle", max_length=20, choices=Role.choices)
    function = models.CharField("Funktion", max_length=120, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "Mitgliedschaft"
        verbose_name_plural = "Mitgliedschaften"

    def __str__(self):
        return f"{self.user} – {self.organisation} ({self.get_role_display()})"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.role == Role.JOBCENTER_EDITOR and not self.organisation.is_traeger:
            raise ValidationError("Jobcenter-Bearbeitung setzt einen Landkreis (zkT) voraus.")
        if self.role == Role.MINISTRY_EDITOR and not self.organisation.is_ministry:
            raise ValidationError("Ministeriums-Bearbeitung setzt ein Ministerium voraus.")
