"""Zielvereinbarungen: parties, text sections, budget lines, goals, steps and signatures."""

import calendar
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, Sum
from simple_history.models import HistoricalRecords

from indicators.computations import Verdict
from indicators.models import Indicator, IndicatorKind
from zielsteuerung import formats
from zielsteuerung.access import (
    EVERYTHING,
    OWN,
    REPORT,
    STANDARD_RULES,
    VIEW,
    Role,
    ScopedQuerySet,
)
from zielsteuerung.models import Organisation, OrganisationKind

LEGAL_BASIS = "§ 48b Abs. 1 S. 1 Nr. 4 des Sozialgesetzbuchs Zweites Buch (SGB II)"
STANDARD_TITLE = "Vereinbarung zur Erreichung der Ziele der Grundsicherung für Arbeitsuchende"


class AgreementStatus(models.TextChoices):
    DRAFT = "entwurf", "Entwurf"
    NEGOTIATION = "in_abstimmung", "in Abstimmung"
    SIGNED = "unterzeichnet", "unterzeichnet"
    CLOSED = "abgeschlossen", "abgeschlossen"


def working_years(years_and_statuses):
    """The years pages open on by default, newest first: the years with an agreement beyond
    the draft stage, so that a copied draft of the next year (perhaps with its first month of
    data) never takes over; every year when no agreement is beyond the draft stage.

    `years_and_statuses`: (year, status) of each agreement."""
    pairs = list(years_and_statuses)
    settled = {year for year, status in pairs if status != AgreementStatus.DRAFT}
    return sorted(settled or {year for year, _ in pairs}, reverse=True)


class AgreementQuerySet(ScopedQuerySet):
    """Only the ministries change agreements (CHANGE). The state of the implementation steps
    and the explanations of goals off the target path (REPORT) come from the ministries and
    from the Jobcenter of the Landkreis, once the ministry has sent the agreement (beyond the
    draft stage)."""

    landkreis = "traeger"
    rules = STANDARD_RULES | {
        REPORT: {
            Role.MINISTRY_EDITOR: EVERYTHING,
            Role.JOBCENTER_EDITOR: OWN.excluding(status=AgreementStatus.DRAFT),
        }
    }

    def for_year(self, year):
        return self.filter(year=year)

    def working_years(self):
        """`working_years` of these agreements (one query)."""
        return working_years(self.order_by().values_list("year", "status").distinct())

    def without_texts(self):
        """The agreements without their long texts (a page of figures needs none of them;
        104 agreements' texts are about a megabyte)."""
        long_texts = [
            name
            for name in self.model.TEXT_FIELDS
            if isinstance(self.model._meta.get_field(name), models.TextField)
        ]
        return self.defer(*long_texts)


class Agreement(models.Model):
    # The text sections of the agreement document, in its order: what the editor shows, the
    # copy to the next year carries over and the JSON export holds.
    TEXT_FIELDS = (
        "title",
        "legal_basis",
        "preamble",
        "principles",
        "framework",
        "obligations",
        "budget_intro",
        "goals_intro",
        "indicator_reference",
        "target_followup_title",
        "target_followup",
    )

    year = models.PositiveSmallIntegerField("Jahr")
    traeger = models.ForeignKey(
        Organisation,
        verbose_name="Landkreis",
        on_delete=models.PROTECT,
        related_name="agreements",
        limit_choices_to={"kind": OrganisationKind.TRAEGER},
    )
    status = models.CharField(
        "Status", max_length=20, choices=AgreementStatus.choices, default=AgreementStatus.DRAFT
    )
    title = models.CharField("Titel", max_length=300, default=STANDARD_TITLE)
    legal_basis = models.CharField("Rechtsgrundlage", max_length=300, default=LEGAL_BASIS)
    preamble = models.TextField(
        "Eingangsformel",
        blank=True,
        help_text=(
            "Der Text vor „Vereinbarung“, eine Zeile des Dokuments je Zeile. Leer lassen: Die "
            "Eingangsformel wird aus den Vereinbarungspartnern, der Rechtsgrundlage und dem "
            "Jahr gebildet."
        ),
    )
    principles = models.TextField("I. Grundsätze", blank=True)
    framework = models.TextField("II. Rahmenbedingungen", blank=True)
    obligations = models.TextField("§ 1 Verpflichtung der Vereinbarungspartner", blank=True)
    budget_intro = models.TextField("§ 2 Haushaltsmittel (Einleitung)", blank=True)
    goals_intro = models.TextField("§ 3 (1) Einleitung", blank=True)
    indicator_reference = models.TextField("§ 3 (2) Kennzahlen-Verordnung", blank=True)
    target_followup = models.TextField(
        "§ 4 Zielnachhaltung und Zieldialoge",
        blank=True,
        help_text="Absätze durch Leerzeilen trennen; sie werden als (1), (2), … nummeriert.",
    )
    target_followup_title = models.CharField(
        "Überschrift § 4",
        max_length=200,
        default="Zielnachhaltung und Zieldialoge im Land Niedersachsen",
    )
    is_demo = models.BooleanField("Demodaten", default=False)
    version = models.PositiveIntegerField("Bearbeitungsstand", default=1, editable=False)
    created_at = models.DateTimeField("angelegt am", auto_now_add=True)
    updated_at = models.DateTimeField("geändert am", auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = "Zielvereinbarung"
        verbose_name_plural = "Zielvereinbarungen"
        ordering = ["-year", "traeger__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["traeger", "year"],
                name="one_agreement_per_traeger_and_year",
                violation_error_message="Für diesen Landkreis gibt es in diesem Jahr bereits eine Zielvereinbarung.",
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2005) & Q(year__lte=2100), name="agreement_year_plausible"
            ),
        ]

    CONFLICT_SUBJECT = "Die Vereinbarung"  # for zielsteuerung.locking.Conflict

    def __str__(self):
        return f"Zielvereinbarung {self.year} – {self.traeger}"

    def save(self, *args, **kwargs):
        if self.moved_under_dialogs():  # also when a caller skipped clean()
            raise ValidationError(
                "Jahr und Landkreis einer Zielvereinbarung mit Zieldialogen bleiben, wie sie sind."
            )
        super().save(*args, **kwargs)

    def last_change(self):
        """Who saved the agreement last and when, from its history: (name, datetime)."""
        last = self.history.select_related("history_user").first()
        if last is None:
            return "", None
        return formats.person_name(last.history_user), last.history_date

    @property
    def budget_total(self):
        """Derived from the budget lines; never typed twice."""
        lines = list(self.budget_lines.all())
        return sum((line.amount for line in lines), Decimal("0"))

    def budget_total_from_db(self):
        return self.budget_lines.aggregate(total=Sum("amount"))["total"] or Decimal("0")

    @property
    def own_title(self):
        """The title when it differs from the standard one, whose wording the document header
        sets out line by line; empty otherwise."""
        title = self.title.strip()
        return "" if title in ("", STANDARD_TITLE) else title

    def signing_organisation_ids(self):
        """Who may sign: the parties of the agreement. Before they are recorded (a new
        agreement) the ones `services.ensure_parties` will record: the ministries and the
        Landkreis."""
        if self.pk is not None:
            parties = set(self.parties.values_list("organisation_id", flat=True))
            if parties:
                return parties
        ministries = Organisation.objects.ministries().values_list("pk", flat=True)
        return {*ministries, self.traeger_id} - {None}

    def clean(self):
        if self.traeger_id and self.traeger.kind != OrganisationKind.TRAEGER:
            raise ValidationError(
                {"traeger": "Eine Zielvereinbarung wird mit einem zkT geschlossen."}
            )
        if self.moved_under_dialogs():
            raise ValidationError(
                "Jahr und Landkreis dieser Zielvereinbarung können nicht mehr geändert werden: "
                "Es gibt Zieldialoge zu ihr, deren Protokolle sonst ein anderes Jahr zeigten "
                "oder einem anderen Landkreis sichtbar würden."
            )

    def has_dialogs(self):
        return self.pk is not None and self.dialogs.exists()

    def moved_under_dialogs(self):
        """Whether year or Landkreis differ from the stored ones although dialogs exist.
        Once there are dialogs, both are fixed: in the admin, the editor and the import."""
        if self.pk is None:
            return False
        stored = Agreement.objects.filter(pk=self.pk).values_list("year", "traeger_id").first()
        return stored is not None and stored != (self.year, self.traeger_id) and self.has_dialogs()


class AgreementParty(models.Model):
    """A party of the agreement with its name as valid in the agreement's year."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="parties")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    name = models.CharField("Name im Vereinbarungsjahr", max_length=200)
    abbreviation = models.CharField("Kurzbezeichnung", max_length=20, blank=True)
    order = models.PositiveSmallIntegerField("Reihenfolge", default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "Vereinbarungspartner"
        verbose_name_plural = "Vereinbarungspartner"
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "organisation"], name="party_once")
        ]

    def __str__(self):
        return self.name


class BudgetKind(models.TextChoices):
    ADMINISTRATION = "verwaltungskosten", "Verwaltungskosten"
    INTEGRATION = "eingliederung", "Leistungen zur Eingliederung in Arbeit"


class BudgetLine(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="budget_lines")
    kind = models.CharField("Haushaltsansatz", max_length=30, choices=BudgetKind.choices)
    amount = models.DecimalField("Betrag (Euro)", max_digits=14, decimal_places=2)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "Haushaltsansatz"
        verbose_name_plural = "Haushaltsansätze"
        ordering = ["agreement", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "kind"], name="one_budget_line_per_kind"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_not_negative"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.amount}"


class GoalKind(models.TextChoices):
    QUANTITATIVE = "quantitative", "quantitatives Ziel"
    MONITORING = "monitoring", "Monitoring"
    QUALITATIVE = "qualitative", "qualitatives Ziel"


class TargetType(models.TextChoices):
    CHANGE = "veraenderung", "Veränderung zum Vorjahr (%)"
    QUOTA = "quote", "absolute Quote (%)"
    CEILING = "obergrenze", "höchstens Veränderung (%)"


class Goal(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="goals")
    number = models.PositiveSmallIntegerField("Nummer")
    kind = models.CharField("Art", max_length=20, choices=GoalKind.choices)
    title = models.CharField("Titel", max_length=300)
    description = models.TextField("Beschreibung", blank=True)
    indicator = models.ForeignKey(
        Indicator,
        verbose_name="Zielindikator",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="goals",
    )
    target_type = models.CharField(
        "Zielart", max_length=20, choices=TargetType.choices, blank=True, default=""
    )
    target_value = models.DecimalField(
        "Zielwert (%)",
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Vorzeichenbehaftet: +3,1 für einen Anstieg, −1,5 für einen Rückgang.",
    )
    target_text = models.TextField(
        "Zielformulierung",
        blank=True,
        help_text="z. B. „Das Ziel ist im Jahr 2020 erreicht, wenn …“",
    )
    monitoring_text = models.TextField("Weitere Monitoringgrößen", blank=True)
    steps_intro = models.TextField("Einleitung der Umsetzungsschritte", blank=True)
    criterion = models.TextField("Kriterium der Zielerreichung", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "Ziel"
        verbose_name_plural = "Ziele"
        ordering = ["agreement", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "number"],
                name="goal_number_unique_in_agreement",
                violation_error_message="Diese Zielnummer ist in der Vereinbarung schon vergeben.",
            ),
            models.CheckConstraint(
                condition=~Q(kind="quantitative")
                | (Q(indicator__isnull=False) & Q(target_value__isnull=False)),
                name="quantitative_goal_has_indicator_and_target",
                violation_error_message="Ein quantitatives Ziel braucht Zielindikator und Zielwert.",
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"

    @property
    def is_quantitative(self):
        return self.kind == GoalKind.QUANTITATIVE

    @property
    def is_monitoring(self):
        return self.kind == GoalKind.MONITORING

    @property
    def is_qualitative(self):
        return self.kind == GoalKind.QUALITATIVE

    def steps_verdict(self):
        """A qualitative goal is met when every agreed step has been implemented (its criterion:
        „erreicht, wenn die vereinbarten Steuerungsansätze umgesetzt wurden“)."""
        statuses = [step.status for step in self.steps.all()]
        if not statuses:
            return Verdict.NO_DATA
        return Verdict.MET if all(s == StepStatus.DONE for s in statuses) else Verdict.NOT_MET

    @property
    def target_is_change(self):
        """A change to the previous year (or a ceiling on it) reads signed, `+3,1 %`; an
        absolute quota does not, `31,1 %`."""
        return self.target_type != TargetType.QUOTA

    def _no_target(self, subject):
        errors = {}
        if self.target_value is not None:
            errors["target_value"] = f"{subject} hat keinen Zielwert."
        if self.target_type:
            errors["target_type"] = f"{subject} hat keine Zielart."
        return errors

    def clean(self):
        """The rules of the kinds of goal, shared by the page and the JSON import."""
        errors = {}
        if self.indicator_id and self.indicator.kind == IndicatorKind.BASE:
            errors["indicator"] = (
                f"„{self.indicator.code}“ ist eine Basisgröße, keine Kennzahl; ein Ziel "
                "beobachtet eine Kennzahl (z. B. K1, K2, K3, K2E4)."
            )
        if self.kind == GoalKind.QUANTITATIVE:
            if not self.indicator_id:
                errors["indicator"] = "Ein quantitatives Ziel braucht einen Zielindikator."
            if self.target_value is None:
                errors["target_value"] = "Ein quantitatives Ziel braucht einen Zielwert."
            if not self.target_type:
                self.target_type = TargetType.CHANGE
        elif self.kind == GoalKind.MONITORING:
            if not self.indicator_id:
                errors["indicator"] = "Ein Monitoringziel beobachtet einen Indikator."
            errors.update(self._no_target("Ein Monitoringziel"))
        elif self.kind == GoalKind.QUALITATIVE:
            if self.indicator_id:
                errors["indicator"] = "Ein qualitatives Ziel hat keinen Zielindikator."
            errors.update(self._no_target("Ein qualitatives Ziel"))
        if errors:
            raise ValidationError(errors)


class StepStatus(models.TextChoices):
    OPEN = "offen", "offen"
    IN_PROGRESS = "in_umsetzung", "in Umsetzung"
    DONE = "umgesetzt", "umgesetzt"
    NOT_DONE = "nicht_umgesetzt", "nicht umgesetzt"


class ImplementationStep(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField("Reihenfolge", default=0)
    text = models.TextField("Umsetzungsschritt")
    status = models.CharField(
        "Stand", max_length=20, choices=StepStatus.choices, default=StepStatus.OPEN
    )
    status_note = models.TextField("Bericht zum Stand", blank=True)
    status_updated_at = models.DateTimeField("Stand gemeldet am", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "Umsetzungsschritt"
        verbose_name_plural = "Umsetzungsschritte"
        ordering = ["goal", "order", "pk"]

    def __str__(self):
        return formats.shorten(self.text)


class Signature(models.Model):
    """A signature block. Dates in real agreements are often incomplete: store what is known."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="signatures")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField("Reihenfolge", default=0)
    place = models.CharField("Ort", max_length=100, blank=True)
    day = models.PositiveSmallIntegerField("Tag", null=True, blank=True)
    month = models.PositiveSmallIntegerField("Monat", null=True, blank=True)
    year = models.PositiveSmallIntegerField("Jahr", null=True, blank=True)
    in_representation = models.BooleanField("In Vertretung", default=False)
    signatory = models.CharField("Name", max_length=200, blank=True)
    organisation_label = models.TextField(
        "Bezeichnung unter der Unterschrift", blank=True, help_text="wie im Dokument, mehrzeilig"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "Unterschrift"
        verbose_name_plural = "Unterschriften"
        ordering = ["agreement", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(day__isnull=True) | (Q(day__gte=1) & Q(day__lte=31)),
                name="signature_day_valid",
            ),
            models.CheckConstraint(
                condition=Q(month__isnull=True) | (Q(month__gte=1) & Q(month__lte=12)),
                name="signature_month_valid",
            ),
        ]

    def __str__(self):
        return f"{self.signatory} ({self.organisation})"

    def clean(self):
        """Only a party signs, and only on a day that exists; shared by the page and the JSON
        import."""
        errors = {}
        try:
            agreement = self.agreement
        except Agreement.DoesNotExist:
            agreement = None
        if (
            agreement is not None
            and self.organisation_id
            and self.organisation_id not in agreement.signing_organisation_ids()
        ):
            errors["organisation"] = (
                f"{self.organisation} ist kein Vereinbarungspartner dieser Vereinbarung "
                "und unterschreibt sie nicht."
            )
        if self.day and self.month and 1 <= self.month <= 12:
            # Without a year, 29 February may be meant: take a leap year.
            days = calendar.monthrange(self.year or 2000, self.month)[1]
            if self.day > days:
                year = f".{self.year}" if self.year else "."  # "31.02.2020", "31.02."
                errors["day"] = (
                    f"Den {self.day:02d}.{self.month:02d}{year} gibt es nicht "
                    f"(der Monat hat {days} Tage)."
                )
        if errors:
            raise ValidationError(errors)

    @property
    def date_text(self):
        """The date as far as it is known: `28.11.2020`, `27. … 2020` (a missing part shown
        as „…“, so that a partly known date never reads as another date), or empty."""
        if self.day and self.month and self.year:
            return f"{self.day:02d}.{self.month:02d}.{self.year}"
        if not (self.day or self.month or self.year):
            return ""
        return " ".join(
            [
                f"{self.day}." if self.day else "…",
                f"{self.month:02d}." if self.month else "…",
                str(self.year) if self.year else "…",
            ]
        )

    @property
    def place_and_date(self):
        date = self.date_text
        if self.place and date:
            return f"{self.place}, den {date}"
        return self.place or (f"den {date}" if date else "")


class Cause(models.TextChoices):
    """Why a goal is off the target path. § 4 (4) and (5) of the agreement name legal changes
    and a budget that differs from the plan as grounds to revisit a target."""

    SPECIAL_EFFECT = "sondereffekt", "Sondereffekt"
    LEGAL_CHANGE = "rechtsaenderung", "Rechtsänderung (§ 4 Abs. 4)"
    BUDGET = "haushaltsmittel", "Abweichung der Haushaltsmittel (§ 4 Abs. 5)"
    ECONOMY = "konjunktur", "Konjunktur/Arbeitsmarkt"
    IMMIGRATION = "zuwanderung", "Zuwanderung"
    DATA_QUALITY = "datenqualitaet", "Datenqualität"
    OTHER = "sonstiges", "Sonstiges"


class ExplanationQuerySet(ScopedQuerySet):
    """Who writes an explanation is asked of its agreement (REPORT)."""

    landkreis = "goal__agreement__traeger"
    rules = {VIEW: STANDARD_RULES[VIEW]}

    def for_goals(self, goals):
        return self.filter(goal__in=goals)


class Explanation(models.Model):
    """The Jobcenter's (or the ministry's) explanation why a goal is off the target path in
    one month: one or more causes and a text. The dialogs show them on the agenda and keep
    a copy in approved minutes (docs/dialogs.md)."""

    goal = models.ForeignKey(
        Goal, verbose_name="Ziel", on_delete=models.CASCADE, related_name="explanations"
    )
    month = models.DateField("Monat", help_text="erster Tag des Monats")
    causes = models.JSONField("Ursachen", default=list)
    text = models.TextField("Erläuterung")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="zuletzt geschrieben von",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    author_name = models.CharField("Verfasst von", max_length=200, blank=True)
    created_at = models.DateTimeField("angelegt am", auto_now_add=True)
    updated_at = models.DateTimeField("geändert am", auto_now=True)

    history = HistoricalRecords()
    objects = ExplanationQuerySet.as_manager()

    class Meta:
        verbose_name = "Erläuterung"
        verbose_name_plural = "Erläuterungen"
        ordering = ["goal", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["goal", "month"],
                name="one_explanation_per_goal_and_month",
                violation_error_message="Für dieses Ziel und diesen Monat gibt es schon eine Erläuterung.",
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="explanation_month_first_day"),
        ]

    def __str__(self):
        return f"Erläuterung zu Ziel {self.goal.number}, {self.month:%m/%Y}"

    @property
    def cause_labels(self):
        return [Cause(value).label for value in self.causes if value in Cause.values]

    def clean(self):
        errors = {}
        unknown = [value for value in self.causes if value not in Cause.values]
        if not self.causes:
            errors["causes"] = "Bitte wählen Sie mindestens eine Ursache."
        elif unknown:
            errors["causes"] = f"Unbekannte Ursache: {', '.join(map(str, unknown))}."
        if self.goal_id and self.month and self.month.year != self.goal.agreement.year:
            errors["month"] = (
                f"Der Monat liegt nicht im Jahr der Zielvereinbarung ({self.goal.agreement.year})."
            )
        if errors:
            raise ValidationError(errors)
