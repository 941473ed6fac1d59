"""Writes that span the dialog's models, and what pages read about dialogs.

- creating a dialog with its agenda prefilled from the agreement,
- the workflow: draft → review by the Landkreis → approved by both sides (frozen),
- freezing the figures from the attainment engine at the dialog's data basis,
- carrying measures that are not done into the following dialogs,
- the status board of a year and what is due before the spring review.

Every write asks `zielsteuerung.access` first and refuses (403) what its caller may not do,
whoever calls it. Every transition checks the dialog's `version` (optimistic locking), so that a step taken on
an outdated page is refused instead of silently overwriting someone else's work.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Prefetch, Q
from django.utils import timezone

from agreements.attainment import Figures, default_basis, forecasts, goal_attainments
from agreements.models import Explanation, GoalKind
from agreements.services import close_year
from dialogs.models import (
    FROZEN_MESSAGE,
    MISC_ORDER,
    OPEN_MEASURE_STATUSES,
    WAITING_FOR,
    AgendaItem,
    Approval,
    Correction,
    Dialog,
    DialogEvent,
    DialogKind,
    DialogStatus,
    EventAction,
    FinalAssessment,
    ItemKind,
    Measure,
    MeasureReview,
    Participant,
    Side,
    reason_required,
)
from indicators.computations import Verdict
from zielsteuerung import formats, locking
from zielsteuerung.access import CHANGE, REPORT, REVIEW, can, membership_of, require
from zielsteuerung.formats import person_name
from zielsteuerung.locking import Conflict
from zielsteuerung.models import OrganisationKind
from zielsteuerung.rows import Rows, save_rows

MISC_TITLE = "Verschiedenes"


class WorkflowError(Exception):
    """A refused step; the message is German and tells the user what to do."""


# ---------------------------------------------------------------------------------------------
# Who acts


def organisation_of(user):
    membership = membership_of(user)
    return membership.organisation if membership else None


def log(dialog, user, action, comment=""):
    organisation = organisation_of(user)
    return DialogEvent.objects.create(
        dialog=dialog,
        action=action,
        user=user,
        user_name=person_name(user),
        organisation_name=organisation.name if organisation else "",
        comment=comment,
    )


@dataclass(frozen=True)
class Actions:
    """What a user may do with a dialog now; pages show these, views enforce them."""

    edit: bool = False
    send: bool = False
    withdraw: bool = False
    comment: bool = False
    request_changes: bool = False
    approve: bool = False
    approve_side: str = ""
    correct: bool = False
    delete: bool = False


NOT_A_SIDE = "Freigeben können nur die Ministerien und der Landkreis."


def approving_side(dialog, user):
    """The side the user approves for: the ministries' if they write the minutes, the
    Landkreis' if its Jobcenter reviews them, else "" (nobody else approves)."""
    if can(user, CHANGE, dialog):
        return Side.MINISTRY
    if can(user, REVIEW, dialog):
        return Side.LANDKREIS
    return ""


def allowed_actions(dialog, user, approvals=None):
    """What the user may do with the dialog now: the right (`zielsteuerung.access`) and the
    state of the minutes together."""
    sides = {a.side for a in (approvals if approvals is not None else dialog.approvals.all())}
    side = approving_side(dialog, user)
    writes = side == Side.MINISTRY
    reviews = side == Side.LANDKREIS
    return Actions(
        edit=writes and dialog.is_draft,
        send=writes and dialog.is_draft,
        withdraw=writes and dialog.in_review,
        comment=reviews and dialog.in_review,
        request_changes=reviews and dialog.in_review,
        approve=bool(side) and dialog.in_review and side not in sides,
        approve_side=side,
        correct=writes and dialog.is_frozen,
        delete=writes and dialog.is_draft,
    )


# ---------------------------------------------------------------------------------------------
# Figures: live from the engine until approval, stored with the minutes afterwards


@dataclass(frozen=True, kw_only=True)
class ItemFigures(Figures):
    """An agenda item's figures with where they come from: live from the engine until the
    minutes are approved, as stored with them afterwards."""

    delivery: object
    frozen: bool
    # The year-end forecast (indicators.forecast.Forecast) while the figures are live;
    # approved minutes keep what was approved and show none.
    forecast: object = None

    @classmethod
    def live(cls, attainment, forecast=None):
        return cls(
            delivery=attainment.delivery,
            frozen=False,
            forecast=forecast,
            **vars(attainment.figures),
        )

    @classmethod
    def stored(cls, item):
        return cls(delivery=item.delivery, frozen=True, **vars(item.stored_figures))


def live_attainments(dialog):
    """The engine's figures for the dialog's data basis, by goal id."""
    attainments = goal_attainments(
        dialog.agreement, month=dialog.reporting_month, delivery=dialog.delivery
    )
    return {attainment.goal.pk: attainment for attainment in attainments}


def item_figures(dialog, items):
    """Figures per agenda item id: stored ones for approved minutes, else live."""
    goal_items = [item for item in items if item.is_goal]
    if dialog.is_frozen:
        return {item.pk: ItemFigures.stored(item) for item in goal_items}
    if not goal_items:
        return {}
    live = live_attainments(dialog)
    forecast_of = dict(zip(live, forecasts(live.values()), strict=True))
    return {
        item.pk: ItemFigures.live(live[item.goal_id], forecast_of[item.goal_id])
        for item in goal_items
        if item.goal_id in live
    }


def step_rows(goal):
    return [
        {
            "text": step.text,
            "status": step.status,
            "status_label": step.get_status_display(),
            "note": step.status_note,
        }
        for step in goal.steps.all()
    ]


def item_steps(dialog, items):
    """Status of the implementation steps per qualitative item: stored or live."""
    result = {}
    for item in items:
        if not item.is_qualitative:
            continue
        if dialog.is_frozen or item.goal is None:
            result[item.pk] = item.steps_snapshot
        else:
            result[item.pk] = step_rows(item.goal)
    return result


@dataclass(frozen=True)
class ExplanationRow:
    """An explanation of a goal off the target path as an agenda item shows it: live from
    agreements.Explanation until the minutes are approved, stored with them afterwards."""

    month: date
    causes: tuple  # the causes' German labels
    text: str
    author: str
    updated_at: datetime

    @classmethod
    def from_explanation(cls, explanation):
        return cls(
            month=explanation.month,
            causes=tuple(explanation.cause_labels),
            text=explanation.text,
            author=explanation.author_name,
            updated_at=explanation.updated_at,
        )

    @classmethod
    def from_snapshot(cls, data):
        return cls(
            month=date.fromisoformat(data["month"]),
            causes=tuple(data["causes"]),
            text=data["text"],
            author=data["author"],
            updated_at=datetime.fromisoformat(data["updated_at"]),
        )

    def as_snapshot(self):
        return {
            "month": self.month.isoformat(),
            "causes": list(self.causes),
            "text": self.text,
            "author": self.author,
            "updated_at": self.updated_at.isoformat(),
        }

    @property
    def quote(self):
        """How the spring review's reason cites it."""
        causes = ", ".join(self.causes)
        return f"Erläuterung des Jobcenters zu {formats.month_name(self.month)} ({causes}): {self.text}"


def previous_dialog(dialog):
    """The agreement's dialog held before `dialog` (by date, then creation), or None."""
    earlier = Q(date__lt=dialog.date) | Q(date=dialog.date, pk__lt=dialog.pk)
    return dialog.agreement.dialogs.filter(earlier).order_by("-date", "-pk").first()


def explanations_since_previous(dialog, goal_ids):
    """{goal id: [ExplanationRow, …]}: the explanations the dialog discusses, those of the
    months after the previous dialog's reporting month, or written or changed after that
    dialog was held; never of a month after the dialog's own reporting month."""
    explanations = Explanation.objects.filter(goal__in=goal_ids)
    if dialog.reporting_month:
        explanations = explanations.filter(month__lte=dialog.reporting_month)
    previous = previous_dialog(dialog)
    if previous is not None:
        since = Q(updated_at__date__gt=previous.date)
        if previous.reporting_month:
            since |= Q(month__gt=previous.reporting_month)
        explanations = explanations.filter(since)
    result = {}
    for explanation in explanations.order_by("month"):
        result.setdefault(explanation.goal_id, []).append(
            ExplanationRow.from_explanation(explanation)
        )
    return result


def item_explanations(dialog, items):
    """Explanations per goal item id: stored for approved minutes, else live."""
    goal_items = [item for item in items if item.is_goal and item.goal_id]
    if dialog.is_frozen:
        return {
            item.pk: [ExplanationRow.from_snapshot(row) for row in item.explanations_snapshot]
            for item in goal_items
        }
    if not goal_items:
        return {}
    live = explanations_since_previous(dialog, [item.goal_id for item in goal_items])
    return {item.pk: live.get(item.goal_id, []) for item in goal_items}


def assessment_explanations(dialog, assessment_forms):
    """Give each final assessment form of a spring review `explanations`: the goal's
    explanations of the whole year, for its reason to cite."""
    goal_ids = [form.instance.goal_id for form in assessment_forms if form.instance.goal_id]
    rows = {}
    for explanation in Explanation.objects.filter(goal__in=goal_ids).order_by("month"):
        rows.setdefault(explanation.goal_id, []).append(
            ExplanationRow.from_explanation(explanation)
        )
    for form in assessment_forms:
        form.explanations = rows.get(form.instance.goal_id, [])
    return assessment_forms


def december_verdicts(dialog):
    """The computed verdict per goal on the December values of the agreement year."""
    agreement = dialog.agreement
    december = date(agreement.year, 12, 1)
    attainments = goal_attainments(agreement, month=december, delivery=dialog.delivery)
    verdicts = {a.goal.pk: Verdict(a.verdict) for a in attainments}
    for goal in agreement.goals.filter(kind=GoalKind.QUALITATIVE).prefetch_related("steps"):
        verdicts[goal.pk] = goal.steps_verdict()
    return verdicts


def assessment_verdicts(dialog, assessments):
    """Computed verdicts per assessment id: stored for approved minutes, else live."""
    if dialog.is_frozen:
        return {a.pk: Verdict(a.computed_verdict or Verdict.NO_DATA) for a in assessments}
    if not assessments:
        return {}
    live = december_verdicts(dialog)
    return {a.pk: live.get(a.goal_id, Verdict.NO_DATA) for a in assessments}


def _freeze_figures(dialog, items):
    now = timezone.now()
    live = live_attainments(dialog) if any(item.is_goal for item in items) else {}
    explanations = item_explanations(dialog, items)
    for item in items:
        if item.pk in explanations:
            item.explanations_snapshot = [row.as_snapshot() for row in explanations[item.pk]]
        if item.is_goal and item.goal_id in live:
            attainment = live[item.goal_id]
            item.store_figures(attainment, attainment.delivery)
        elif item.is_goal:
            item.verdict = str(Verdict.NO_DATA)
        elif item.is_qualitative and item.goal is not None:
            item.steps_snapshot = step_rows(item.goal)
        item.figures_frozen_at = now
        item.save()


def annotate_items(dialog, items):
    """Attach what each agenda item shows: `item.figures` and `item.explanations` (goal
    items) and `item.steps` (qualitative items), stored for approved minutes, else live."""
    figures = item_figures(dialog, items)
    steps = item_steps(dialog, items)
    explanations = item_explanations(dialog, items)
    for item in items:
        item.figures = figures.get(item.pk)
        item.steps = steps.get(item.pk, [])
        item.explanations = explanations.get(item.pk, [])
    return items


def annotate_assessments(dialog, assessments):
    verdicts = assessment_verdicts(dialog, assessments)
    for assessment in assessments:
        assessment.computed = verdicts.get(assessment.pk, Verdict.NO_DATA)
    return assessments


def participants_by_organisation(dialog):
    """Participants grouped by organisation, the ministries first; organisations and people
    in the order they were entered."""
    participants = list(dialog.participants.select_related("organisation"))
    first_seen = {}
    for index, participant in enumerate(participants):
        first_seen.setdefault(participant.organisation_id, index)
    return sorted(
        participants,
        key=lambda p: (
            p.organisation.kind != OrganisationKind.MINISTRY,
            first_seen[p.organisation_id],
        ),
    )


def minutes_context(dialog):
    """Everything the minutes show, for the page and the PDF alike."""
    items = list(dialog.items.select_related("goal", "delivery").prefetch_related("goal__steps"))
    assessments = list(dialog.assessments.all()) if dialog.is_spring_review else []
    rows = measure_rows(dialog)
    return {
        "dialog": dialog,
        "agreement": dialog.agreement,
        "participants": participants_by_organisation(dialog),
        "items": annotate_items(dialog, items),
        "new_measures": [row for row in rows if not row.carried],
        "carried_measures": [row for row in rows if row.carried],
        "assessments": annotate_assessments(dialog, assessments),
        "approvals": list(dialog.approvals.all()),
        "corrections": list(dialog.corrections.select_related("item")),
        "events": list(dialog.events.all()),
    }


# ---------------------------------------------------------------------------------------------
# Creating a dialog


def suggested_kind(agreement):
    interim = agreement.dialogs.filter(kind=DialogKind.INTERIM).count()
    has_spring = agreement.dialogs.filter(kind=DialogKind.SPRING).exists()
    return DialogKind.SPRING if interim >= 2 and not has_spring else DialogKind.INTERIM


def suggested_basis(agreement, kind):
    """The data basis a new dialog starts from: the latest month of the year with data."""
    month, delivery = default_basis(agreement.year, traeger=agreement.traeger)
    if kind == DialogKind.SPRING:
        december = date(agreement.year, 12, 1)
        return december, (delivery if month == december else None)
    return month, delivery


@transaction.atomic
def create_dialog(agreement, user, *, kind, date, place="", delivery=None, reporting_month=None):
    require(user, CHANGE, Dialog)
    dialog = Dialog.objects.create(
        agreement=agreement,
        kind=kind,
        date=date,
        place=place,
        delivery=delivery,
        reporting_month=reporting_month,
        waiting_months=delivery.waiting_months if delivery else 0,
        created_by=user,
    )
    prefill_agenda(dialog)
    prefill_participants(dialog, user)
    carry_open_measures(dialog)
    log(dialog, user, EventAction.CREATED)
    return dialog


def prefill_participants(dialog, user):
    """The people of the agreement's previous dialog (they usually meet again) and the user
    who creates the dialog, unless already among them."""
    previous = dialog.agreement.dialogs.exclude(pk=dialog.pk).order_by("-date", "-pk").first()
    people = []
    if previous is not None:
        people = [
            (p.organisation, p.name, p.function) for p in previous.participants.order_by("pk")
        ]
    organisation = organisation_of(user)
    if organisation is not None and not any(
        o == organisation and name == person_name(user) for o, name, _ in people
    ):
        people.insert(0, (organisation, person_name(user), membership_of(user).function))
    for organisation, name, function in people:
        Participant.objects.create(
            dialog=dialog, organisation=organisation, name=name, function=function
        )


def prefill_agenda(dialog):
    """One item per goal of the agreement (figures or step status), then „Verschiedenes“;
    a spring review also gets one final assessment per goal that has a verdict."""
    goals = dialog.agreement.goals.select_related("indicator").order_by("number")
    for goal in goals:
        kind = ItemKind.QUALITATIVE if goal.is_qualitative else ItemKind.GOAL
        AgendaItem.objects.create(
            dialog=dialog,
            order=goal.number * 10,
            kind=kind,
            goal=goal,
            title=f"Ziel {goal.number}: {goal.title}",
            indicator_code=goal.indicator.code if goal.indicator_id else "",
        )
        if dialog.is_spring_review and not goal.is_monitoring:
            FinalAssessment.objects.create(
                dialog=dialog, goal=goal, goal_number=goal.number, goal_title=goal.title
            )
    AgendaItem.objects.create(dialog=dialog, order=MISC_ORDER, kind=ItemKind.MISC, title=MISC_TITLE)


def prefill_assessments(dialog):
    """Called when a dialog becomes a spring review after it was created."""
    present = set(dialog.assessments.values_list("goal_id", flat=True))
    for goal in dialog.agreement.goals.exclude(kind=GoalKind.MONITORING).order_by("number"):
        if goal.pk not in present:
            FinalAssessment.objects.create(
                dialog=dialog, goal=goal, goal_number=goal.number, goal_title=goal.title
            )


# ---------------------------------------------------------------------------------------------
# Measures


def earlier_than(dialog):
    return Q(dialog__date__lt=dialog.date) | Q(dialog__date=dialog.date, dialog__pk__lt=dialog.pk)


def carry_open_measures(dialog):
    """Bring every measure still open from earlier dialogs of the agreement into `dialog`."""
    if dialog.is_frozen:
        return
    present = set(dialog.measure_reviews.values_list("measure_id", flat=True))
    carried = (
        Measure.objects.filter(agreement=dialog.agreement, status__in=OPEN_MEASURE_STATUSES)
        .filter(earlier_than(dialog))
        .exclude(pk__in=present)
    )
    for measure in carried:
        MeasureReview.objects.create(dialog=dialog, measure=measure)


def carry_into_later_dialogs(dialog):
    """After measures were agreed in `dialog`, later open drafts of the agreement list them."""
    later = dialog.agreement.dialogs.exclude(status=DialogStatus.APPROVED).filter(
        Q(date__gt=dialog.date) | Q(date=dialog.date, pk__gt=dialog.pk)
    )
    for other in later:
        carry_open_measures(other)


@dataclass
class MeasureRow:
    measure: Measure
    review: MeasureReview | None
    status: str
    status_label: str
    overdue: bool
    carried: bool

    @property
    def origin(self):
        return self.measure.dialog

    @property
    def responsible_organisation(self):
        """As approved (stored at freezing), else the organisation's current short name."""
        if self.review is not None and self.review.responsible_organisation_name:
            return self.review.responsible_organisation_name
        organisation = self.measure.responsible_organisation
        return organisation.display_short if organisation else ""


def measure_rows(dialog):
    """The measures of a dialog: those agreed in it and those carried from earlier dialogs.

    Approved minutes show each measure's status as stored at approval; otherwise its current
    status. Overdue means: still open after its due date, on the dialog's date."""
    reviews = list(
        dialog.measure_reviews.select_related(
            "measure__dialog", "measure__responsible_organisation"
        ).order_by("measure__dialog__date", "measure__pk")
    )
    by_measure = {review.measure_id: review for review in reviews}
    new = list(dialog.measures.select_related("responsible_organisation").order_by("pk"))
    on = dialog.date
    rows = []
    for measure in [review.measure for review in reviews if review.measure.dialog_id != dialog.pk]:
        rows.append(_measure_row(dialog, measure, by_measure.get(measure.pk), on, carried=True))
    for measure in new:
        rows.append(_measure_row(dialog, measure, by_measure.get(measure.pk), on, carried=False))
    return rows


def _measure_row(dialog, measure, review, on, carried):
    if dialog.is_frozen and review is not None and review.status:
        status = review.status
    else:
        status = measure.status
    label = dict(Measure._meta.get_field("status").choices)[status]
    open_ = status in OPEN_MEASURE_STATUSES
    overdue = open_ and measure.due_date is not None and measure.due_date < on
    return MeasureRow(measure, review, status, label, overdue, carried)


def report_measure_status(measure, user, status, note):
    require(user, REPORT, measure, "Den Stand melden das Jobcenter und die Ministerien.")
    measure.status = status
    measure.status_note = note
    measure.status_updated_at = timezone.now()
    measure.save()
    return measure


def dialogs_for_agreement(agreement):
    """The dialogs of an agreement, oldest first, for the Landkreis page of the dashboards.

    The caller has fetched `agreement` through `Agreement.objects.visible_to(user)`."""
    return list(
        agreement.dialogs.order_by("date", "pk")
        .prefetch_related("approvals")
        .select_related("delivery")
    )


def open_measures(agreement, today=None):
    """Measures of the agreement not yet done or dropped, soonest due first; each carries
    `overdue` (due before `today`)."""
    today = today or timezone.localdate()
    measures = list(
        Measure.objects.filter(agreement=agreement)
        .still_open()
        .select_related("dialog", "responsible_organisation")
        .order_by(F("due_date").asc(nulls_last=True), "pk")
    )
    for measure in measures:
        measure.overdue = measure.is_overdue(today)
    return measures


# ---------------------------------------------------------------------------------------------
# Workflow


def claim(dialog, version, status):
    """Claim the dialog's `version` (zielsteuerung.locking) for a step that needs it at
    `status`. A dialog that has moved to another state meets the refusal for that state;
    one changed at the same state raises Conflict."""
    try:
        locking.claim(dialog, version, status=status)
    except Conflict as conflict:
        fresh = conflict.current
        if fresh.status == status:
            raise
        if fresh.is_frozen:
            raise WorkflowError(FROZEN_MESSAGE) from conflict
        raise WorkflowError(
            f"Dieser Schritt ist nicht mehr möglich: Das Protokoll ist inzwischen "
            f"„{fresh.get_status_display()}“. Bitte laden Sie die Seite neu."
        ) from conflict


def readiness_problems(dialog):
    """What is missing before the minutes can go to the Landkreis (German, one per line)."""
    problems = []
    if not dialog.participants.exists():
        problems.append("Es sind noch keine Teilnehmenden eingetragen.")
    if dialog.reporting_month is None:
        problems.append("Die Datengrundlage (Berichtsmonat) ist noch nicht festgelegt.")
    agreement = dialog.agreement
    if dialog.delivery is None and default_basis(agreement.year, traeger=agreement.traeger)[1]:
        problems.append("Die Datengrundlage (Ladestand) ist noch nicht festgelegt.")
    if dialog.is_spring_review:
        assessments = list(dialog.assessments.all())
        verdicts = assessment_verdicts(dialog, assessments)
        for assessment in assessments:
            if not assessment.assessment:
                problems.append(
                    f"Ziel {assessment.goal_number}: die abschließende Bewertung fehlt."
                )
            elif (
                reason_required(assessment.assessment, str(verdicts.get(assessment.pk)))
                and not assessment.reason.strip()
            ):
                problems.append(
                    f"Ziel {assessment.goal_number}: die Bewertung weicht von der errechneten "
                    "Bewertung auf den Dezemberwerten ab; bitte begründen."
                )
    return problems


@transaction.atomic
def send_to_review(dialog, user, version, comment=""):
    require(user, CHANGE, dialog)
    problems = readiness_problems(dialog)
    if problems:
        raise WorkflowError("Das Protokoll kann noch nicht versandt werden: " + " ".join(problems))
    claim(dialog, version, DialogStatus.DRAFT)
    carry_open_measures(dialog)
    dialog.status = DialogStatus.REVIEW
    dialog.save()
    log(dialog, user, EventAction.SENT, comment)


@transaction.atomic
def withdraw(dialog, user, version, comment=""):
    require(user, CHANGE, dialog)
    claim(dialog, version, DialogStatus.REVIEW)
    _back_to_draft(dialog)
    log(dialog, user, EventAction.WITHDRAWN, comment)


@transaction.atomic
def request_changes(dialog, user, version, comment):
    require(user, REVIEW, dialog)
    if not comment.strip():
        raise WorkflowError("Bitte beschreiben Sie, welche Änderungen Sie wünschen.")
    claim(dialog, version, DialogStatus.REVIEW)
    _back_to_draft(dialog)
    log(dialog, user, EventAction.CHANGES_REQUESTED, comment)


def _back_to_draft(dialog):
    # Approvals given so far referred to the text under review; a changed text needs new ones.
    for approval in dialog.approvals.all():
        approval.delete()
    dialog.status = DialogStatus.DRAFT
    dialog.save()


@dataclass
class Draft:
    """What the draft page saves, as plain data: the dialog's own `header` values (kind, date,
    place, delivery, reporting_month, version), the participants, agenda items, measures and
    final assessments as `Rows`, and `carried`, one dict (measure id, status, note) for each
    measure carried from an earlier dialog."""

    header: dict
    participants: Rows
    items: Rows
    measures: Rows
    carried: list
    assessments: Rows


HEADER_FIELDS = ("kind", "date", "place", "delivery", "reporting_month")


def _new_misc_item(dialog):
    """An agenda item added by hand: under „Verschiedenes“, after the items before it."""
    last = dialog.items.exclude(order__gte=MISC_ORDER).order_by("-order").first()
    order = max(last.order + 1 if last else 1, MISC_ORDER - 100)
    return AgendaItem(dialog=dialog, kind=ItemKind.MISC, order=order)


@transaction.atomic
def save_draft(dialog, draft, user):
    """Save the draft page (`Draft`), if nobody saved the draft in the meantime."""
    require(user, CHANGE, dialog)
    stored_kind = Dialog.objects.filter(pk=dialog.pk).values_list("kind", flat=True).get()
    claim(dialog, draft.header["version"], DialogStatus.DRAFT)
    for name in HEADER_FIELDS:
        setattr(dialog, name, draft.header[name])
    others = [f.name for f in Dialog._meta.fields if f.name not in HEADER_FIELDS]
    dialog.full_clean(exclude=others, validate_unique=False)
    dialog.waiting_months = dialog.delivery.waiting_months if dialog.delivery else 0
    dialog.save()
    save_rows(dialog.participants.all(), draft.participants, lambda: Participant(dialog=dialog))
    save_rows(dialog.items.all(), draft.items, lambda: _new_misc_item(dialog))
    measures = save_rows(
        dialog.measures.all(),
        draft.measures,
        lambda: Measure(dialog=dialog, agreement=dialog.agreement),
    )
    reviews = {
        review.measure_id: review
        for review in dialog.measure_reviews.select_related("measure").exclude(
            measure__dialog=dialog
        )
    }
    for carried in draft.carried:
        review = reviews.get(carried.get("measure"))
        if review is None:  # the measure was removed from its dialog in the meantime
            continue
        if review.note != carried["note"]:
            review.note = carried["note"]
            review.save()
        if review.measure.status != carried["status"]:
            report_measure_status(
                review.measure, user, carried["status"], review.measure.status_note
            )
    if dialog.is_spring_review:
        save_rows(
            dialog.assessments.all(), draft.assessments, lambda: FinalAssessment(dialog=dialog)
        )
        prefill_assessments(dialog)
    elif stored_kind == DialogKind.SPRING:
        for assessment in dialog.assessments.all():
            assessment.delete()
    if measures:
        carry_into_later_dialogs(dialog)
    log(dialog, user, EventAction.EDITED)
    return dialog


@transaction.atomic
def save_comments(dialog, user, version, comments):
    """Save the Jobcenter's comments, `{agenda item id: text}`; returns the approvals this
    withdrew (see below)."""
    require(user, REVIEW, dialog)
    claim(dialog, version, DialogStatus.REVIEW)
    changed = [
        item
        for item in dialog.items.filter(pk__in=comments)
        if item.jobcenter_comment != comments[item.pk]
    ]
    withdrawn = []
    if changed:
        # Both sides approve the same text, comments included: a changed comment withdraws
        # every approval given so far, the Landkreis' own as well.
        withdrawn = list(dialog.approvals.order_by("side"))
        for approval in withdrawn:
            approval.delete()
    for item in changed:
        item.jobcenter_comment = comments[item.pk]
        item.save()
    dialog.save()
    log(dialog, user, EventAction.COMMENTED, withdrawal_text(withdrawn))
    return withdrawn


SIDE_GENITIVE = {Side.MINISTRY: "der Ministerien", Side.LANDKREIS: "des Landkreises"}


def withdrawal_text(approvals):
    if not approvals:
        return ""
    sides = " und ".join(SIDE_GENITIVE[a.side] for a in approvals)
    return f"Die Freigabe {sides} ist aufgehoben, weil sich die Anmerkungen geändert haben."


@transaction.atomic
def approve(dialog, user, version):
    """Record one side's approval; when both sides have approved, freeze the minutes."""
    side = approving_side(dialog, user)
    if not side:
        raise PermissionDenied(NOT_A_SIDE)
    claim(dialog, version, DialogStatus.REVIEW)
    if dialog.approvals.filter(side=side).exists():
        raise WorkflowError("Diese Seite hat das Protokoll bereits freigegeben.")
    organisation = organisation_of(user)
    Approval.objects.create(
        dialog=dialog,
        side=side,
        user=user,
        organisation=organisation,
        organisation_name=organisation.name if organisation else "",
        name=person_name(user),
    )
    log(dialog, user, EventAction.APPROVED, f"Freigabe für die Seite „{Side(side).label}“")
    if dialog.approvals.count() == 2:
        freeze(dialog, user)
    else:
        dialog.save()
    return side


def freeze(dialog, user):
    """Store the figures, step statuses, measure statuses, computed verdicts and the names of
    the organisations shown with the minutes and mark them approved. Runs inside `approve`'s
    transaction."""
    items = list(dialog.items.select_related("goal").prefetch_related("goal__steps"))
    _freeze_figures(dialog, items)
    if dialog.is_spring_review:
        assessments = list(dialog.assessments.all())
        verdicts = december_verdicts(dialog)
        for assessment in assessments:
            verdict = str(verdicts.get(assessment.goal_id, Verdict.NO_DATA))
            if not assessment.assessment or (
                reason_required(assessment.assessment, verdict) and not assessment.reason.strip()
            ):
                raise WorkflowError(
                    f"Freigabe nicht möglich: Ziel {assessment.goal_number} braucht eine "
                    "abschließende Bewertung und, wo sie von der errechneten abweicht, eine "
                    "Begründung."
                )
            assessment.computed_verdict = verdict
            assessment.save()
    carry_open_measures(dialog)
    reviews = {review.measure_id: review for review in dialog.measure_reviews.all()}
    for measure in dialog.measures.all():
        reviews.setdefault(measure.pk, MeasureReview(dialog=dialog, measure=measure))
    for review in reviews.values():
        review.status = review.measure.status
        responsible = review.measure.responsible_organisation
        review.responsible_organisation_name = responsible.display_short if responsible else ""
        review.save()
    for participant in dialog.participants.select_related("organisation"):
        participant.organisation_name = participant.organisation.name
        participant.save()
    dialog.traeger_name = dialog.agreement.traeger.name
    dialog.status = DialogStatus.APPROVED
    dialog.frozen_at = timezone.now()
    dialog.save()
    log(dialog, user, EventAction.FROZEN)
    if dialog.is_spring_review:
        # The final assessment ends the agreement's year (docs/dialogs.md).
        close_year(
            dialog.agreement, f"abgeschlossen mit der Frühjahrsbilanz vom {dialog.date:%d.%m.%Y}"
        )


@transaction.atomic
def add_correction(dialog, user, *, text, reason, item=None):
    require(user, CHANGE, dialog)
    if not dialog.is_frozen:
        raise WorkflowError(
            "Korrekturen gibt es nur für freigegebene Protokolle; ein Entwurf wird direkt geändert."
        )
    organisation = organisation_of(user)
    correction = Correction.objects.create(
        dialog=dialog,
        item=item,
        text=text,
        reason=reason,
        created_by=user,
        author_name=person_name(user),
        organisation_name=organisation.name if organisation else "",
    )
    log(dialog, user, EventAction.CORRECTED, reason)
    return correction


@transaction.atomic
def delete_draft(dialog, user):
    require(user, CHANGE, dialog)
    if dialog.is_frozen:
        raise WorkflowError(FROZEN_MESSAGE)
    if not dialog.is_draft:
        raise WorkflowError(
            "Nur ein Entwurf kann gelöscht werden; holen Sie das Protokoll zuerst zurück."
        )
    if MeasureReview.objects.filter(
        measure__dialog=dialog, dialog__status=DialogStatus.APPROVED
    ).exists():
        raise WorkflowError(
            "Der Entwurf kann nicht gelöscht werden: eine darin vereinbarte Maßnahme steht "
            "bereits im freigegebenen Protokoll eines späteren Zieldialogs."
        )
    dialog.delete()


# ---------------------------------------------------------------------------------------------
# The status board of a year


class SlotState:
    MISSING = "fehlt"
    PLANNED = "geplant"
    HELD = "durchgefuehrt"
    REVIEW = "in_pruefung"
    APPROVED = "freigegeben"

    LABELS = {
        MISSING: "nicht geplant",
        PLANNED: "geplant",
        HELD: "durchgeführt",
        REVIEW: "Protokoll in Prüfung",
        APPROVED: "freigegeben",
    }


def slot_state(dialog, today):
    if dialog is None:
        return SlotState.MISSING
    if dialog.is_frozen:
        return SlotState.APPROVED
    if dialog.in_review:
        return SlotState.REVIEW
    return SlotState.PLANNED if dialog.date > today else SlotState.HELD


@dataclass
class Slot:
    name: str
    dialog: Dialog | None
    state: str

    @property
    def label(self):
        if self.state == SlotState.REVIEW and self.dialog.status_text in WAITING_FOR.values():
            return f"Protokoll {self.dialog.status_text}"
        return SlotState.LABELS[self.state]


@dataclass
class BoardRow:
    agreement: object
    slots: list[Slot]
    further: list[Dialog]
    overdue_measures: list[Measure] = field(default_factory=list)

    @property
    def spring(self):
        return self.slots[2]


@dataclass
class DueItem:
    agreement: object
    text: str
    dialog: Dialog | None = None
    measure: Measure | None = None
    short: str = ""  # the cell of the compact table: „Frühjahrsbilanz“, „15.09.2020 (im Entwurf)“


@dataclass
class DueRow:
    """What one Landkreis still has to do before its spring review, as one table row."""

    agreement: object
    missing: list[DueItem] = field(default_factory=list)
    minutes: list[DueItem] = field(default_factory=list)
    measures: list[DueItem] = field(default_factory=list)


def status_board(agreements, today=None):
    """One row per agreement: dialog 1, dialog 2 and the spring review, each with its state.

    `agreements` is a queryset already restricted to what the user may see; the board costs
    three queries whatever the number of agreements."""
    today = today or timezone.localdate()
    agreements = list(
        agreements.select_related("traeger").prefetch_related(
            Prefetch(
                "dialogs",
                queryset=Dialog.objects.order_by("date", "pk").prefetch_related("approvals"),
            )
        )
    )
    overdue = {}
    for measure in (
        Measure.objects.filter(agreement__in=agreements)
        .overdue(today)
        .select_related("dialog", "responsible_organisation")
        .order_by("due_date", "pk")
    ):
        overdue.setdefault(measure.agreement_id, []).append(measure)
    rows = []
    for agreement in agreements:
        dialogs = list(agreement.dialogs.all())
        interim = [d for d in dialogs if d.kind == DialogKind.INTERIM]
        spring = [d for d in dialogs if d.kind == DialogKind.SPRING]
        first = interim[0] if interim else None
        second = interim[1] if len(interim) > 1 else None
        spring_dialog = spring[0] if spring else None
        shown = {d.pk for d in (first, second, spring_dialog) if d is not None}
        rows.append(
            BoardRow(
                agreement=agreement,
                slots=[
                    Slot("1. Zieldialog", first, slot_state(first, today)),
                    Slot("2. Zieldialog", second, slot_state(second, today)),
                    Slot("Frühjahrsbilanz", spring_dialog, slot_state(spring_dialog, today)),
                ],
                further=[d for d in dialogs if d.pk not in shown],
                overdue_measures=overdue.get(agreement.pk, []),
            )
        )
    return rows


def due_before_spring_review(rows, today=None):
    """What must happen before the spring review of each agreement: missing dialogs,
    unapproved minutes of dialogs held, overdue measures."""
    today = today or timezone.localdate()
    due = []
    for row in rows:
        agreement = row.agreement
        if row.spring.state == SlotState.APPROVED:
            continue
        for slot in row.slots[:2]:
            if slot.state == SlotState.MISSING:
                due.append(DueItem(agreement, f"{slot.name} fehlt", short=slot.name))
        if row.spring.state == SlotState.MISSING:
            due.append(
                DueItem(
                    agreement, "Frühjahrsbilanz ist noch nicht geplant", short="Frühjahrsbilanz"
                )
            )
        for dialog in agreement.dialogs.all():
            if dialog.is_spring_review or dialog.is_frozen or dialog.date > today:
                continue
            state = "in Prüfung beim Landkreis" if dialog.in_review else "im Entwurf"
            due.append(
                DueItem(
                    agreement,
                    f"Protokoll des Zieldialogs vom {dialog.date:%d.%m.%Y} ist noch nicht "
                    f"freigegeben ({state})",
                    dialog=dialog,
                    short=f"{dialog.date:%d.%m.%Y} ({state})",
                )
            )
        for measure in row.overdue_measures:
            due.append(
                DueItem(
                    agreement,
                    f"Maßnahme „{formats.shorten(measure.text)}“ war fällig am {measure.due_date:%d.%m.%Y}",
                    dialog=measure.dialog,
                    measure=measure,
                    short=f"fällig {measure.due_date:%d.%m.%Y}",
                )
            )
    return due


def due_by_landkreis(due):
    """`due_before_spring_review` as one row per Landkreis, in the order given."""
    rows = {}
    for entry in due:
        row = rows.setdefault(entry.agreement.pk, DueRow(entry.agreement))
        if entry.measure is not None:
            row.measures.append(entry)
        elif entry.dialog is not None:
            row.minutes.append(entry)
        else:
            row.missing.append(entry)
    return list(rows.values())
