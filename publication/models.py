"""What the ministry has published of a year: the signed agreements' targets and, after the
spring review, the year-end results. Each act is a row (who, when; withdrawn by whom, when);
the public page shows the content stored with the act, never the live data."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from zielsteuerung.immutable import Immutable, ImmutableQuerySet


class PublicationKind(models.TextChoices):
    TARGETS = "ziele", "Ziele der unterzeichneten Zielvereinbarungen"
    RESULTS = "ergebnisse", "Jahresergebnisse nach der Frühjahrsbilanz"


class PublicationQuerySet(ImmutableQuerySet):
    def current(self):
        """The publications the public sees: not withdrawn."""
        return self.filter(withdrawn_at__isnull=True)

    def newest(self, year, kind):
        """The publication of `year` and `kind` the public page shows, or None."""
        return self.current().filter(year=year, kind=kind).order_by("-published_at", "-pk").first()

    def public_years(self):
        return sorted(set(self.current().values_list("year", flat=True)), reverse=True)


class Publication(Immutable):
    """An act of publishing: stored once and never changed or deleted
    (zielsteuerung/immutable.py); its withdrawal (`services.withdraw`) only records who
    withdrew it and when."""

    frozen_message = (
        "Eine Veröffentlichung kann nicht geändert oder gelöscht werden; "
        "sie kann nur zurückgezogen werden."
    )

    year = models.PositiveSmallIntegerField("Jahr")
    kind = models.CharField("Art", max_length=20, choices=PublicationKind.choices)
    content = models.JSONField(
        "veröffentlichter Inhalt", help_text="der Stand zum Zeitpunkt der Veröffentlichung"
    )
    published_at = models.DateTimeField("veröffentlicht am")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="veröffentlicht von",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    published_by_name = models.CharField("veröffentlicht von (Name)", max_length=200)
    withdrawn_at = models.DateTimeField("zurückgezogen am", null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="zurückgezogen von",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    withdrawn_by_name = models.CharField("zurückgezogen von (Name)", max_length=200, blank=True)

    objects = PublicationQuerySet.as_manager()

    class Meta:
        verbose_name = "Veröffentlichung"
        verbose_name_plural = "Veröffentlichungen"
        ordering = ["-year", "kind", "-published_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=2005) & Q(year__lte=2100), name="publication_year_plausible"
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True)
                | Q(withdrawn_at__gte=models.F("published_at")),
                name="publication_withdrawn_after_published",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.year}"

    @property
    def is_current(self):
        return self.withdrawn_at is None
