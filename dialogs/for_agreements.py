"""What the dialogs app offers the agreements' pages (agreements/minutes.py): the app sits
above the agreements, so it passes these answers in when Django starts it (apps.py)."""

from django.db.models import Max

from agreements.minutes import Minutes
from agreements.year_end import FinalVerdict
from dialogs.models import AgendaItem, Dialog, FinalAssessment, Measure
from indicators.computations import Verdict


def dialogs_and_measures(user, agreement):
    """The agreement's dialogs the user sees (oldest first) and its open measures."""
    dialogs = list(
        Dialog.objects.visible_to(user).filter(agreement=agreement).order_by("date", "pk")
    )
    measures = list(
        Measure.objects.visible_to(user)
        .filter(agreement=agreement)
        .still_open()
        .select_related("dialog", "responsible_organisation")
        .order_by("due_date", "pk")
    )
    return dialogs, measures


def final_assessments(agreement_ids):
    """{goal id: FinalVerdict} of the approved spring reviews of the agreements; of two
    approved reviews the later one counts."""
    assessments = list(
        FinalAssessment.objects.of_approved_minutes()
        .filter(dialog__agreement_id__in=agreement_ids, goal__isnull=False)
        .select_related("dialog")
        .order_by("dialog__date", "dialog_id", "pk")
    )
    items = {
        (item.dialog_id, item.goal_id): item
        for item in AgendaItem.objects.filter(
            dialog_id__in={a.dialog_id for a in assessments}, goal__isnull=False
        ).only("dialog_id", "goal_id", "indicator_code", "jfw")
    }
    finals = {}
    for assessment in assessments:
        item = items.get((assessment.dialog_id, assessment.goal_id))
        finals[assessment.goal_id] = FinalVerdict(
            label=assessment.get_assessment_display(),
            met=assessment.counts_as_met,
            computed=Verdict(assessment.computed_verdict or Verdict.NO_DATA),
            reason=assessment.reason,
            dialog_pk=assessment.dialog_id,
            dialog_date=assessment.dialog.date,
            jfw=item.jfw if item else None,
            indicator_code=item.indicator_code if item else "",
        )
    return finals


def approved_at():
    approved = FinalAssessment.objects.of_approved_minutes()
    return approved.aggregate(at=Max("dialog__frozen_at"))["at"]


def newest_assessed_year(agreements):
    approved = FinalAssessment.objects.of_approved_minutes().filter(
        dialog__agreement__in=agreements
    )
    return approved.aggregate(year=Max("dialog__agreement__year"))["year"]


MINUTES = Minutes(
    dialogs_and_measures=dialogs_and_measures,
    final_assessments=final_assessments,
    approved_at=approved_at,
    newest_assessed_year=newest_assessed_year,
)
