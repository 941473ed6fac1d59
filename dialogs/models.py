"""Zieldialoge: the dialog, its agenda with figures, measures, approvals and corrections.

A dialog's minutes go through three states: a draft the ministry writes, the review by the
Landkreis, and the approved (frozen) minutes. Once approved, nothing in the minutes changes:
the models refuse to save or delete any part of them, whatever the caller (page, admin, shell).
A later change is a `Correction`, added beside the approved text.
"""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from agreements.attainment import Figures
from agreements.models import Agreement, Goal
from indicators.computations import Verdict
from indicators.models import DataDelivery
from zielsteuerung import formats
from zielsteuerung.access import (
    CHANGE,
    EVERYTHING,
    OWN,
    REPORT,
    REVIEW,
    STANDARD_RULES,
    VIEW,
    Role,
    ScopedQuerySet,
)
from zielsteuerung.immutable import Immutable, ImmutableQuerySet
from zielsteuerung.models import Organisation

FROZEN_MESSAGE = (
    "Das Protokoll ist freigegeben und kann nicht mehr geändert oder gelöscht werden. "
    "Änderungen sind nur als Korrektur des Ministeriums möglich."
)


class MinutesFrozen(ValidationError):
    """Raised when anything tries to change or delete approved minutes."""

    def __init__(self, message=FROZEN_MESSAGE):
        super().__init__(message)


class DialogKind(models.TextChoices):
    INTERIM = "unterjaehrig", "unterjähriger Zieldialog"
    OCCASION = "anlassbezogen", "anlassbezogener Zieldialog"
    SPRING = "fruehjahrsbilanz", "Frühjahrsbilanz"


class DialogStatus(models.TextChoices):
    DRAFT = "entwurf", "Entwurf"
    REVIEW = "in_pruefung", "beim Landkreis zur Prüfung"
    APPROVED = "freigegeben", "freigegeben"


class DialogQuerySet(ScopedQuerySet, ImmutableQuerySet):
    """The ministries write minutes and corrections (CHANGE); the Jobcenter of the dialog's
    Landkreis reviews, comments and approves its side (REVIEW). Readers (the Ausschuss) see
    minutes once both sides approved them, not before."""

    landkreis = "agreement__traeger"
    rules = {
        VIEW: STANDARD_RULES[VIEW] | {Role.READER: EVERYTHING.only(status=DialogStatus.APPROVED)},
        CHANGE: STANDARD_RULES[CHANGE],
        REVIEW: {Role.JOBCENTER_EDITOR: OWN},
    }

    def for_year(self, year):
        return self.filter(agreement__year=year)


class Dialog(Immutable):
    frozen_rows = Q(status=DialogStatus.APPROVED)
    refusal_class = MinutesFrozen
    frozen_message = FROZEN_MESSAGE

    agreement = models.ForeignKey(
        Agreement,
        verbose_name="Zielvereinbarung",
        on_delete=models.PROTECT,  # an agreement with dialogs cannot be deleted
        related_name="dialogs",
    )
    kind = models.CharField(
        "Art", max_length=20, choices=DialogKind.choices, default=DialogKind.INTERIM
    )
    date = models.DateField("Datum")
    place = models.CharField("Ort", max_length=200, blank=True, help_text="Ort oder „Video“")
    delivery = models.ForeignKey(
        DataDelivery,
        verbose_name="Ladestand",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dialogs",
    )
    reporting_month = models.DateField(
        "Berichtsmonat", null=True, blank=True, help_text="erster Tag des Monats"
    )
    waiting_months = models.PositiveSmallIntegerField(
        "Wartezeit (Monate)", default=0, help_text="0 = ohne Wartezeit"
    )
    status = models.CharField(
        "Status", max_length=20, choices=DialogStatus.choices, default=DialogStatus.DRAFT
    )
    version = models.PositiveIntegerField("Bearbeitungsstand", default=1, editable=False)
    frozen_at = models.DateTimeField("freigegeben am", null=True, blank=True, editable=False)
    # Names as approved (set at freezing), so that renaming an organisation leaves the minutes.
    traeger_name = models.CharField("Landkreis (bei Freigabe)", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="angelegt von",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("angelegt am", auto_now_add=True)
    updated_at = models.DateTimeField("geändert am", auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = DialogQuerySet.as_manager()

    class Meta:
        verbose_name = "Zieldialog"
        verbose_name_plural = "Zieldialoge"
        ordering = ["agreement__year", "agreement__traeger__name", "date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="freigegeben") | Q(frozen_at__isnull=False),
                name="approved_dialog_has_frozen_at",
            )
        ]

    CONFLICT_SUBJECT = "Das Protokoll"  # for zielsteuerung.locking.Conflict

    def __str__(self):
        return f"{self.get_kind_display()} am {self.date:%d.%m.%Y} – {self.agreement.traeger}"

    def get_absolute_url(self):
        return reverse("dialogs:detail", args=[self.pk])

    def clean(self):
        """The rules of the data basis: a Ladestand that existed on the day of the dialog and
        already holds the reporting month, which a spring review has as December."""
        errors = {}
        delivery, month, held_on = self.delivery, self.reporting_month, self.date
        year = self.agreement.year
        if delivery is not None and held_on is not None and delivery.ladestand > held_on:
            errors.setdefault("delivery", []).append(
                f"Der Ladestand vom {delivery.ladestand:%d.%m.%Y} liegt nach dem Dialog am "
                f"{held_on:%d.%m.%Y}; die Zahlen des Dialogs können nur auf einem Datenstand "
                "beruhen, der am Tag des Dialogs vorlag."
            )
        if self.kind == DialogKind.SPRING and month is not None and month != date(year, 12, 1):
            errors.setdefault("reporting_month", []).append(
                f"Die Frühjahrsbilanz bewertet die Jahresendwerte: Berichtsmonat ist "
                f"Dezember {year}."
            )
        if delivery is not None and month is None:
            errors.setdefault("reporting_month", []).append(
                "Bitte wählen Sie den Berichtsmonat zum Ladestand."
            )
        if delivery is not None and month is not None and delivery.ladestand < month:
            errors.setdefault("delivery", []).append(
                f"Der Ladestand vom {delivery.ladestand:%d.%m.%Y} kann den Berichtsmonat "
                f"{formats.month_name(month)} noch nicht enthalten."
            )
        if errors:
            raise ValidationError(errors)

    def last_change(self):
        """Who changed the dialog last and when, from its events: (name, datetime)."""
        last = self.events.order_by("-at", "-pk").first()
        return (last.user_name, last.at) if last else ("", self.updated_at)

    @property
    def traeger_shown(self):
        return self.traeger_name or self.agreement.traeger.name

    @property
    def title(self):
        kind = self.get_kind_display()
        return kind[0].upper() + kind[1:]

    @property
    def status_text(self):
        """The state as badges say it: under review with one side's approval given, whom the
        minutes wait for (lists prefetch `approvals`)."""
        if self.in_review:
            sides = [approval.side for approval in self.approvals.all()]
            if len(sides) == 1:
                return WAITING_FOR[sides[0]]
        return self.get_status_display()

    @property
    def is_draft(self):
        return self.status == DialogStatus.DRAFT

    @property
    def in_review(self):
        return self.status == DialogStatus.REVIEW

    @property
    def is_frozen(self):
        return self.status == DialogStatus.APPROVED

    @property
    def is_spring_review(self):
        return self.kind == DialogKind.SPRING

    @property
    def is_video(self):
        return self.place.strip().lower() == "video"

    def stored_status(self):
        """The status as the database holds it (the instance may carry unsaved changes)."""
        if self.pk is None:
            return None
        return Dialog.objects.filter(pk=self.pk).values_list("status", flat=True).first()

    def is_frozen_in_db(self):
        return self.frozen_in_db()


class FrozenWithDialog(Immutable):
    """A part of the minutes: it cannot be saved (not even added) or deleted once its dialog
    is approved (zielsteuerung/immutable.py)."""

    frozen_rows = Q(dialog__status=DialogStatus.APPROVED)
    refusal_class = MinutesFrozen
    frozen_message = FROZEN_MESSAGE
    objects = ImmutableQuerySet.as_manager()

    class Meta:
        abstract = True

    def frozen_in_db(self):
        return self.minutes_frozen()

    def minutes_frozen(self):
        return (
            self.dialog_id is not None
            and Dialog.objects.filter(pk=self.dialog_id, status=DialogStatus.APPROVED).exists()
        )


class Participant(FrozenWithDialog):
    dialog = models.ForeignKey(Dialog, on_delete=models.CASCADE, related_name="participants")
    organisation = models.ForeignKey(
        Organisation, verbose_name="Organisation", on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField("Name", max_length=200)
    function = models.CharField("Funktion", max_length=200, blank=True)
    order = models.PositiveSmallIntegerField("Reihenfolge", default=0)
    organisation_name = models.CharField("Organisation (bei Freigabe)", max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "Teilnehmende Person"
        verbose_name_plural = "Teilnehmende"
        ordering = ["dialog", "order", "pk"]

    def __str__(self):
        return f"{self.name} ({self.organisation.display_short})"

    @property
    def organisation_shown(self):
        return self.organisation_name or self.organisation.name


class GoalInApprovedMinutes(MinutesFrozen):
    """A goal that approved minutes refer to cannot be deleted."""


def protect_approved_minutes(collector, field, sub_objs, using):
    """`on_delete` of the goal of an agenda item or final assessment: refuse deleting a goal
    that approved minutes refer to; drafts and minutes under review just lose the link.

    A `ValidationError` (not Django's `ProtectedError`, whose message the collector replaces
    with an English one), so that the agreement editor shows the German message."""
    frozen = sub_objs.filter(dialog__status=DialogStatus.APPROVED).select_related("dialog", "goal")
    first = frozen.first()
    if first is not None:
        goal = first.goal
        raise GoalInApprovedMinutes(
            f"Ziel {goal.number} („{goal.title}“) kann nicht gelöscht werden: Das freigegebene "
            f"Protokoll des Zieldialogs vom {first.dialog.date:%d.%m.%Y} bezieht sich darauf, "
            "und freigegebene Protokolle bleiben unverändert. Ändern Sie das Ziel, statt es zu "
            "löschen."
        )
    models.SET_NULL(collector, field, sub_objs, using)


# „Verschiedenes“ closes every agenda; items added by hand come before it.
MISC_ORDER = 1000


class ItemKind(models.TextChoices):
    GOAL = "goal", "Ziel mit Kennzahl"
    QUALITATIVE = "qualitative", "qualitatives Ziel"
    MISC = "misc", "Verschiedenes"


class AgendaItem(FrozenWithDialog):
    """One point of the agenda. Figures are shown live from the engine until the minutes are
    approved; at approval they are stored here and never change again."""

    dialog = models.ForeignKey(Dialog, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField("Reihenfolge", default=0)
    kind = models.CharField("Art", max_length=20, choices=ItemKind.choices)
    goal = models.ForeignKey(
        Goal,
        verbose_name="Ziel",
        on_delete=protect_approved_minutes,
        null=True,
        blank=True,
        related_name="agenda_items",
    )
    title = models.CharField("Titel", max_length=300)
    discussion = models.TextField("Erörterung", blank=True)
    decisions = models.TextField("Ergebnisse und Vereinbarungen", blank=True)
    jobcenter_comment = models.TextField("Anmerkung des Jobcenters", blank=True)

    # Frozen figures (set when the minutes are approved).
    indicator_code = models.CharField("Kennzahl", max_length=20, blank=True)
    jfw = models.DecimalField("JFW", max_digits=24, decimal_places=6, null=True, blank=True)
    jfw_previous_year = models.DecimalField(
        "JFW Vorjahr", max_digits=24, decimal_places=6, null=True, blank=True
    )
    change_percent = models.DecimalField(
        "Veränderung (%)", max_digits=16, decimal_places=6, null=True, blank=True
    )
    target_change_percent = models.DecimalField(
        "Zielwert (%)", max_digits=16, decimal_places=6, null=True, blank=True
    )
    target_path = models.DecimalField(
        "Zielpfad", max_digits=24, decimal_places=6, null=True, blank=True
    )
    numerator = models.DecimalField(
        "Zähler", max_digits=24, decimal_places=4, null=True, blank=True
    )
    denominator = models.DecimalField(
        "Nenner", max_digits=24, decimal_places=4, null=True, blank=True
    )
    verdict = models.CharField("Bewertung", max_length=20, blank=True)
    month = models.DateField("Berichtsmonat", null=True, blank=True)
    delivery = models.ForeignKey(
        DataDelivery,
        verbose_name="Ladestand",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    missing_months = models.TextField("fehlende Monate", blank=True)
    note = models.TextField("Hinweis zu den Zahlen", blank=True)
    steps_snapshot = models.JSONField("Stand der Umsetzungsschritte", default=list, blank=True)
    # The Jobcenter's explanations as discussed (services.ExplanationRow.as_snapshot).
    explanations_snapshot = models.JSONField(
        "Erläuterungen (bei Freigabe)", default=list, blank=True
    )
    figures_frozen_at = models.DateTimeField("Zahlen festgeschrieben am", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "Tagesordnungspunkt"
        verbose_name_plural = "Tagesordnungspunkte"
        ordering = ["dialog", "order", "pk"]

    def __str__(self):
        return self.title

    # The figures are stored in the item's own columns (readable in the admin and in SQL), by
    # the two methods below only: `store_figures` at approval, `stored_figures` to read them.
    FIGURE_NUMBERS = (
        "jfw",
        "jfw_previous_year",
        "change_percent",
        "target_change_percent",
        "target_path",
        "numerator",
        "denominator",
    )

    def store_figures(self, figures, delivery):
        """Write `figures` (an attainment.Figures) and the delivery they come from into the
        columns, each number rounded to the places its column keeps; the missing months are
        kept as the minutes name them (`Januar 2020, Februar 2020`)."""
        self.indicator_code = figures.indicator_code
        self.month = figures.month
        self.delivery = delivery
        for name in self.FIGURE_NUMBERS:
            value = getattr(figures, name)
            places = self._meta.get_field(name).decimal_places
            setattr(
                self,
                name,
                None if value is None else Decimal(value).quantize(Decimal(1).scaleb(-places)),
            )
        self.verdict = str(Verdict(figures.verdict))
        self.missing_months = figures.missing_months_text
        self.note = figures.note

    @property
    def stored_figures(self):
        """The figures as `store_figures` wrote them (an attainment.Figures)."""
        months = [part for part in self.missing_months.split(", ") if part.strip()]
        return Figures(
            indicator_code=self.indicator_code,
            month=self.month,
            verdict=Verdict(self.verdict or Verdict.NO_DATA),
            missing_months=tuple(formats.month_from_name(part) for part in months),
            note=self.note,
            **{name: getattr(self, name) for name in self.FIGURE_NUMBERS},
        )

    @property
    def is_goal(self):
        return self.kind == ItemKind.GOAL

    @property
    def is_qualitative(self):
        return self.kind == ItemKind.QUALITATIVE

    @property
    def is_misc(self):
        return self.kind == ItemKind.MISC


class MeasureStatus(models.TextChoices):
    OPEN = "offen", "offen"
    IN_PROGRESS = "in_arbeit", "in Arbeit"
    DONE = "erledigt", "erledigt"
    DROPPED = "entfallen", "entfallen"


OPEN_MEASURE_STATUSES = (MeasureStatus.OPEN, MeasureStatus.IN_PROGRESS)

MEASURE_FROZEN_MESSAGE = (
    "Die Maßnahme steht in einem freigegebenen Protokoll; ihr Wortlaut, die Verantwortlichen "
    "und die Frist bleiben, nur ihr Stand kann noch gemeldet werden."
)


class MeasureQuerySet(ScopedQuerySet):
    """A measure is part of the minutes that agreed it: readers see it once those are
    approved. The ministries and the Jobcenter of the Landkreis report its state (REPORT)."""

    landkreis = "agreement__traeger"
    rules = {
        VIEW: STANDARD_RULES[VIEW]
        | {Role.READER: EVERYTHING.only(dialog__status=DialogStatus.APPROVED)},
        REPORT: {Role.MINISTRY_EDITOR: EVERYTHING, Role.JOBCENTER_EDITOR: OWN},
    }

    def still_open(self):
        return self.filter(status__in=OPEN_MEASURE_STATUSES)

    def overdue(self, today=None):
        today = today or timezone.localdate()
        return self.still_open().filter(due_date__lt=today)


class Measure(models.Model):
    """A Steuerungsmaßnahme agreed in a dialog; it is carried into the following dialogs of the
    agreement until it is done or dropped."""

    dialog = models.ForeignKey(
        Dialog,
        verbose_name="vereinbart im Dialog",
        on_delete=models.CASCADE,
        related_name="measures",
    )
    agreement = models.ForeignKey(
        Agreement, on_delete=models.PROTECT, related_name="measures", editable=False
    )
    text = models.TextField("Maßnahme")
    responsible_organisation = models.ForeignKey(
        Organisation,
        verbose_name="verantwortlich (Organisation)",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    responsible_person = models.CharField("verantwortlich (Person)", max_length=200, blank=True)
    due_date = models.DateField("fällig bis", null=True, blank=True)
    status = models.CharField(
        "Stand", max_length=20, choices=MeasureStatus.choices, default=MeasureStatus.OPEN
    )
    status_note = models.TextField("Bericht zum Stand", blank=True)
    status_updated_at = models.DateTimeField("Stand gemeldet am", null=True, blank=True)

    history = HistoricalRecords()
    objects = MeasureQuerySet.as_manager()

    # What the minutes of the dialog that agreed the measure fix for good.
    MINUTES_FIELDS = ("text", "responsible_organisation_id", "responsible_person", "due_date")

    class Meta:
        verbose_name = "Steuerungsmaßnahme"
        verbose_name_plural = "Steuerungsmaßnahmen"
        ordering = ["dialog__date", "pk"]

    def __str__(self):
        return formats.shorten(self.text)

    def save(self, *args, **kwargs):
        if self.dialog_id and not self.agreement_id:
            self.agreement_id = self.dialog.agreement_id
        if self.pk:
            stored = Measure.objects.filter(pk=self.pk).values(*self.MINUTES_FIELDS).first()
            reworded = stored and any(stored[f] != getattr(self, f) for f in self.MINUTES_FIELDS)
            if reworded and self.in_approved_minutes():
                raise MinutesFrozen(MEASURE_FROZEN_MESSAGE)
        elif Dialog.objects.filter(pk=self.dialog_id, status=DialogStatus.APPROVED).exists():
            raise MinutesFrozen()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.in_approved_minutes():
            raise MinutesFrozen(MEASURE_FROZEN_MESSAGE)
        return super().delete(*args, **kwargs)

    def in_approved_minutes(self):
        """Agreed in approved minutes, or carried into approved minutes of a later dialog
        (which show its wording): then only its state may still change."""
        if self.pk is None:
            return False
        return (
            Dialog.objects.filter(status=DialogStatus.APPROVED)
            .filter(Q(pk=self.dialog_id) | Q(measure_reviews__measure_id=self.pk))
            .exists()
        )

    @property
    def is_open(self):
        return self.status in OPEN_MEASURE_STATUSES

    def is_overdue(self, on=None):
        on = on or timezone.localdate()
        return self.is_open and self.due_date is not None and self.due_date < on


class MeasureReview(FrozenWithDialog):
    """A measure as a dialog discussed it: carried from an earlier dialog, or agreed in it.

    Until the minutes are approved, the measure's current status is shown; at approval the
    status is stored here, so the minutes keep it while the measure moves on."""

    dialog = models.ForeignKey(Dialog, on_delete=models.CASCADE, related_name="measure_reviews")
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="reviews")
    status = models.CharField(
        "Stand im Dialog", max_length=20, choices=MeasureStatus.choices, blank=True
    )
    note = models.TextField("Erörterung", blank=True)
    responsible_organisation_name = models.CharField(
        "verantwortlich (Organisation, bei Freigabe)", max_length=200, blank=True
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "Maßnahme im Dialog"
        verbose_name_plural = "Maßnahmen im Dialog"
        ordering = ["dialog", "measure__dialog__date", "measure__pk"]
        constraints = [
            models.UniqueConstraint(fields=["dialog", "measure"], name="measure_once_per_dialog")
        ]

    def __str__(self):
        return f"{self.measure} ({self.dialog})"


class Side(models.TextChoices):
    MINISTRY = "ministerium", "Ministerien"
    LANDKREIS = "landkreis", "Landkreis"


WAITING_FOR = {
    Side.LANDKREIS: "wartet auf Freigabe durch das Ministerium",
    Side.MINISTRY: "wartet auf Freigabe durch den Landkreis",
}


class Approval(FrozenWithDialog):
    dialog = models.ForeignKey(Dialog, on_delete=models.CASCADE, related_name="approvals")
    side = models.CharField("Seite", max_length=20, choices=Side.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    organisation_name = models.CharField("Organisation", max_length=200, blank=True)
    name = models.CharField("Name", max_length=200)
    approved_at = models.DateTimeField("freigegeben am", default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "Freigabe"
        verbose_name_plural = "Freigaben"
        ordering = ["dialog", "approved_at"]
        constraints = [
            models.UniqueConstraint(fields=["dialog", "side"], name="one_approval_per_side")
        ]

    def __str__(self):
        return f"{self.get_side_display()}: {self.name}"


class Assessment(models.TextChoices):
    MET = "met", "erreicht"
    NOT_MET = "not_met", "nicht erreicht"
    MET_AFTER_4_4_5 = "met_after_4_4_5", "erreicht unter Berücksichtigung von § 4 Abs. 4 und 5"


def reason_required(assessment, computed_verdict):
    """A reason is required whenever the final assessment differs from the computed verdict
    on the December values (§ 4 (4), (5) of the agreement)."""
    if not assessment:
        return False
    agrees = (assessment == Assessment.MET and computed_verdict == "met") or (
        assessment == Assessment.NOT_MET and computed_verdict == "not_met"
    )
    return not agrees


class FinalAssessmentQuerySet(ImmutableQuerySet):
    def of_approved_minutes(self):
        """The assessments that count: those of spring reviews both sides approved."""
        return self.filter(dialog__status=DialogStatus.APPROVED)


class FinalAssessment(FrozenWithDialog):
    """The final assessment of one goal in the spring review (Frühjahrsbilanz)."""

    dialog = models.ForeignKey(Dialog, on_delete=models.CASCADE, related_name="assessments")
    goal = models.ForeignKey(
        Goal,
        on_delete=protect_approved_minutes,
        null=True,
        blank=True,
        related_name="final_assessments",
    )
    goal_number = models.PositiveSmallIntegerField("Zielnummer")
    goal_title = models.CharField("Ziel", max_length=300)
    computed_verdict = models.CharField(
        "errechnete Bewertung (Dezember)", max_length=20, blank=True
    )
    assessment = models.CharField(
        "abschließende Bewertung", max_length=20, choices=Assessment.choices, blank=True
    )
    reason = models.TextField("Begründung", blank=True)

    history = HistoricalRecords()
    objects = FinalAssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = "Abschließende Bewertung"
        verbose_name_plural = "Abschließende Bewertungen"
        ordering = ["dialog", "goal_number"]

    def __str__(self):
        return f"{self.goal_number}. {self.goal_title}: {self.get_assessment_display()}"

    @property
    def counts_as_met(self):
        """„erreicht unter Berücksichtigung von § 4 Abs. 4 und 5“ is met as well."""
        return self.assessment in (Assessment.MET, Assessment.MET_AFTER_4_4_5)


class AppendOnly(Immutable):
    """Records that are written once and never changed or deleted by themselves
    (zielsteuerung/immutable.py); `frozen_rows` says which a cascade or a bulk change may not
    touch either."""

    change_message = "Dieser Eintrag kann nicht geändert werden."
    delete_message = "Dieser Eintrag kann nicht gelöscht werden."
    objects = ImmutableQuerySet.as_manager()

    class Meta:
        abstract = True

    def frozen_in_db(self):
        return self.pk is not None and type(self)._base_manager.filter(pk=self.pk).exists()


class Correction(AppendOnly):
    """A dated correction of approved minutes by the ministry; the approved text stays."""

    frozen_message = "Eine Korrektur kann nicht geändert oder gelöscht werden."
    delete_message = "Eine Korrektur kann nicht gelöscht werden."

    dialog = models.ForeignKey(Dialog, on_delete=models.PROTECT, related_name="corrections")
    item = models.ForeignKey(
        AgendaItem,
        verbose_name="betrifft Tagesordnungspunkt",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
    )
    text = models.TextField("Korrektur")
    reason = models.TextField("Grund")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    author_name = models.CharField("Name", max_length=200)
    organisation_name = models.CharField("Organisation", max_length=200, blank=True)
    created_at = models.DateTimeField("vom", default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "Korrektur"
        verbose_name_plural = "Korrekturen"
        ordering = ["dialog", "created_at", "pk"]

    def __str__(self):
        return f"Korrektur vom {timezone.localtime(self.created_at):%d.%m.%Y}"


class EventAction(models.TextChoices):
    CREATED = "angelegt", "angelegt"
    EDITED = "bearbeitet", "Entwurf bearbeitet"
    SENT = "versandt", "an den Landkreis zur Prüfung gesandt"
    WITHDRAWN = "zurueckgeholt", "vom Ministerium in den Entwurf zurückgeholt"
    COMMENTED = "kommentiert", "vom Jobcenter kommentiert"
    CHANGES_REQUESTED = "aenderung_erbeten", "Änderungen erbeten"
    APPROVED = "freigegeben_seite", "freigegeben"
    FROZEN = "festgeschrieben", "von beiden Seiten freigegeben, Zahlen festgeschrieben"
    CORRECTED = "korrigiert", "Korrektur ergänzt"


class DialogEvent(AppendOnly):
    """Who did what when: the workflow log printed with the minutes. A draft deleted takes
    its log along; the log of approved minutes stays."""

    frozen_rows = Q(dialog__status=DialogStatus.APPROVED)
    refusal_class = MinutesFrozen
    frozen_message = FROZEN_MESSAGE

    dialog = models.ForeignKey(Dialog, on_delete=models.CASCADE, related_name="events")
    action = models.CharField("Schritt", max_length=30, choices=EventAction.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    user_name = models.CharField("Person", max_length=200, blank=True)
    organisation_name = models.CharField("Organisation", max_length=200, blank=True)
    comment = models.TextField("Bemerkung", blank=True)
    at = models.DateTimeField("Zeitpunkt", default=timezone.now)

    class Meta:
        verbose_name = "Verlaufseintrag"
        verbose_name_plural = "Verlauf"
        ordering = ["dialog", "at", "pk"]

    def __str__(self):
        return f"{self.get_action_display()} ({self.user_name})"


# Cascades from a deleted agreement goal or dialog bypass Model.delete(); the guard in
# zielsteuerung/immutable.py holds the line for every Immutable model, this receiver for the
# measures (whose state may still change).
@receiver(pre_delete, sender=Measure)
def _refuse_deleting_agreed_measure(sender, instance, **kwargs):
    if instance.in_approved_minutes():
        raise MinutesFrozen(MEASURE_FROZEN_MESSAGE)


class ReminderEvent(models.TextChoices):
    MINUTES = "protokolle", "Protokolle warten auf meine Prüfung oder Freigabe"
    MEASURES = "massnahmen", "Maßnahmen in 7 Tagen fällig oder überfällig"
    UPLOAD = "lieferung", "Datenlieferung meines Landkreises überfällig"
    GOAL = "ziele", "Ziel meines Landkreises weicht vom Zielpfad ab"
    BA_DATA = "ba_daten", "Neue Daten der BA für meinen Landkreis"


class ReminderFrequency(models.TextChoices):
    IMMEDIATELY = "sofort", "sofort"
    WEEKLY = "woechentlich", "in der wöchentlichen Zusammenfassung"
    NEVER = "nie", "nie"


class ReminderPreference(models.Model):
    """How a user wants to hear of one kind of event; without a row: immediately."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_preferences"
    )
    event = models.CharField("Ereignis", max_length=20, choices=ReminderEvent.choices)
    frequency = models.CharField(
        "Benachrichtigung",
        max_length=20,
        choices=ReminderFrequency.choices,
        default=ReminderFrequency.IMMEDIATELY,
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "Benachrichtigungswunsch"
        verbose_name_plural = "Benachrichtigungswünsche"
        constraints = [
            models.UniqueConstraint(fields=["user", "event"], name="one_preference_per_event")
        ]

    def __str__(self):
        return f"{self.user}: {self.get_event_display()} – {self.get_frequency_display()}"


class SentReminder(models.Model):
    """A reminder that went out (alone or in a digest): `key` names what it was about, so the
    same reminder is never sent twice."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sent_reminders"
    )
    key = models.CharField("Schlüssel", max_length=200)
    event = models.CharField("Ereignis", max_length=20, choices=ReminderEvent.choices)
    subject = models.CharField("Betreff", max_length=300)
    in_digest = models.BooleanField("in der Zusammenfassung", default=False)
    sent_at = models.DateTimeField("versandt am", default=timezone.now)

    class Meta:
        verbose_name = "versandte Erinnerung"
        verbose_name_plural = "versandte Erinnerungen"
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="each_reminder_once")]

    def __str__(self):
        return f"{self.user}: {self.subject}"
