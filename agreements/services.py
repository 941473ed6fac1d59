"""What changes an agreement: saving the one-page form, copying into the next year, status
changes. Only who may change the agreement changes it (`zielsteuerung.access`, CHANGE),
whoever calls. Every change runs in one transaction, claims the agreement's version (optimistic
locking) and leaves a history record with who and why."""

import re

from django.db import IntegrityError, transaction
from django.utils import timezone

from agreements.models import (
    Agreement,
    AgreementParty,
    AgreementStatus,
    BudgetKind,
    BudgetLine,
    Goal,
    GoalKind,
    ImplementationStep,
    Signature,
    StepStatus,
)
from indicators.models import Values
from zielsteuerung import formats
from zielsteuerung.access import CHANGE, REPORT, require
from zielsteuerung.formats import MONTH_NAMES
from zielsteuerung.locking import claim
from zielsteuerung.models import Organisation
from zielsteuerung.rows import save_rows


class AgreementRefused(Exception):
    """A change the rules do not allow, with the German message to show."""


def default_parties(agreement):
    """The two ministries and the Landkreis, MW before MS as in every agreement, with the
    names valid in the agreement's year: {organisation, name, abbreviation} each."""
    ministries = sorted(
        Organisation.objects.ministries().prefetch_related("names"),
        key=lambda org: {"MW": 0, "MS": 1}.get(org.key, 2),
    )
    return [
        {
            "organisation": organisation,
            "name": organisation.name_in(agreement.year),
            "abbreviation": organisation.key if organisation.is_ministry else "",
        }
        for organisation in [*ministries, agreement.traeger]
    ]


def ensure_parties(agreement):
    """Record the default parties that the agreement does not have yet."""
    existing = set(agreement.parties.values_list("organisation_id", flat=True))
    for order, party in enumerate(default_parties(agreement)):
        if party["organisation"].pk not in existing:
            AgreementParty.objects.create(agreement=agreement, order=order, **party)


def _save_budget(agreement, values):
    for kind, field in (
        (BudgetKind.ADMINISTRATION, "verwaltungskosten"),
        (BudgetKind.INTEGRATION, "eingliederung"),
    ):
        amount = values.get(field)
        if amount is None:
            BudgetLine.objects.filter(agreement=agreement, kind=kind).delete()
        else:
            BudgetLine.objects.update_or_create(
                agreement=agreement, kind=kind, defaults={"amount": amount}
            )


def _save_steps(agreement, steps):
    # Fresh from the database: goals added or renumbered by this save count, a prefetched
    # list would not have them.
    goals = {goal.number: goal for goal in Goal.objects.filter(agreement=agreement)}
    for values in steps.changed:
        values["goal"] = goals[values["goal_number"]]
    save_rows(
        ImplementationStep.objects.filter(goal__agreement=agreement), steps, ImplementationStep
    )


def _restated(text, old, new):
    """`text` with the target it states moved from `old` to `new` ("um 3,1 %" → "um 3,5 %"),
    or None when the text does not state `old` exactly once, or the sign changed (then the
    words around the figure, "steigt" or "sinkt", would be wrong)."""
    if not text or old is None or new is None or old == 0 or (old < 0) != (new < 0):
        return None
    needed = max(0, -new.normalize().as_tuple().exponent)
    for places in (1, 2, 0):
        shown = formats.number(abs(old), places)
        pattern = re.compile(rf"(?<![\d.,]){re.escape(shown)}(?=\s?(?:%|Prozent))")
        if len(pattern.findall(text)) == 1:
            return pattern.sub(formats.number(abs(new), max(places, needed)), text)
    return None


def restate_targets(goals):
    """Goals (`Rows`) whose Zielwert changed while their target text (as the document prints
    it) was left alone: the text follows the new value where it states the old one once.
    Returns the numbers of goals whose text could not follow, for the editor to point out."""
    changed = [values for values in goals.changed if values.get("id") is not None]
    stored = Goal.objects.in_bulk([values["id"] for values in changed])
    unclear = []
    for values in changed:
        goal = stored[values["id"]]
        if values["target_value"] == goal.target_value or values["target_text"] != goal.target_text:
            continue
        restated = _restated(goal.target_text, goal.target_value, values["target_value"])
        if restated is not None:
            values["target_text"] = restated
        elif goal.target_text.strip():
            unclear.append(values["number"])
    return unclear


@transaction.atomic
def save_agreement(agreement, values, goals, steps, signatures, user):
    """Save the one-page form: `values` of the agreement itself (its fields, `version`, the
    budget amounts, `change_reason`), and the goals, steps and signatures as `Rows`. A new
    agreement (no pk) starts as draft; an existing one must still be at the version the form
    was opened with."""
    creating = agreement.pk is None
    require(user, CHANGE, Agreement if creating else agreement)
    # The reason goes on the very history record that holds the change.
    reason = values.get("change_reason") or ("angelegt" if creating else "bearbeitet")
    if not creating:
        if agreement.status == AgreementStatus.CLOSED:
            raise AgreementRefused("Eine abgeschlossene Vereinbarung wird nicht mehr geändert.")
        claim(agreement, values["version"])
    # Year and Landkreis identify the agreement: set when it is created, never changed.
    for name in (*(("year", "traeger") if creating else ()), *Agreement.TEXT_FIELDS):
        if name in values:
            setattr(agreement, name, values[name])
    agreement._change_reason = reason
    if creating:
        agreement.status = AgreementStatus.DRAFT
        try:
            with transaction.atomic():
                agreement.save()
        except IntegrityError as error:
            raise AgreementRefused(
                f"Für {agreement.traeger} gibt es {agreement.year} bereits eine Zielvereinbarung."
            ) from error
        ensure_parties(agreement)
    else:
        agreement.save()
    _save_budget(agreement, values)
    save_rows(Goal.objects.filter(agreement=agreement), goals, lambda: Goal(agreement=agreement))
    _save_steps(agreement, steps)
    save_rows(
        Signature.objects.filter(agreement=agreement),
        signatures,
        lambda: Signature(agreement=agreement),
    )
    return agreement


_MONTHS = "|".join(MONTH_NAMES)
_CITATION = r"(?:BGBl|GVBl|BAnz)\b\.?"
_LAW = r"\w*(?:gesetz|verordnung|richtlinie|erlass|bekanntmachung)\w*"
# What, right before a year, makes it part of a legal citation: a law's date (`Verordnung
# vom 15. März `, `Gesetz zur Änderung … vom 15.03.`, `Gesetz vom Juli `) or the gazette
# (`BGBl. I `, `Nds. GVBl. S. 12, `).
_CITED_BEFORE = re.compile(
    rf"(?:\b{_LAW}\s+(?:\S+\s+){{0,4}}?vom\s+"
    rf"(?:\d{{1,2}}\.\s*(?:(?:{_MONTHS})\s+|\d{{1,2}}\.\s*)|(?:{_MONTHS})\s+)?"
    rf"|{_CITATION}\s*(?:I{{1,3}}\b\.?\s*)?(?:S\.\s*\d+\s*,?\s*)?)$",
    re.IGNORECASE,
)
# … or right after it: the gazette, `2019 (BGBl. I S. 339)`.
_CITED_AFTER = re.compile(rf"^(?:-\d{{1,2}}-\d{{1,2}})?\s*,?\s*\(?\s*(?:Nds\.\s*)?{_CITATION}")


def _next_year_text(text, year):
    """Move the agreement-year references of a text one year on ("im Jahr 2020 … gegenüber
    2019" → "im Jahr 2021 … gegenüber 2020", "vom 1. Januar 2020 bis zum 31.12.2020" →
    2021), in one pass. A year that belongs to a legal citation ("Verordnung vom 15. März 2019
    (BGBl. I S. 339)", "BGBl. I 2019 S. 339") names a fixed law and stays."""
    mapping = {str(year): str(year + 1), str(year - 1): str(year), str(year + 1): str(year + 2)}
    pattern = re.compile(r"(?<!\d)(" + "|".join(mapping) + r")(?!\d)")

    def shift(match):
        before = text[max(0, match.start() - 80) : match.start()]
        after = text[match.end() : match.end() + 20]
        if _CITED_BEFORE.search(before) or _CITED_AFTER.match(after):
            return match.group(1)
        return mapping[match.group(1)]

    return pattern.sub(shift, text)


GOAL_TEXT_FIELDS = ["title", "description", "target_text", "monitoring_text", "steps_intro"]


@transaction.atomic
def copy_to_next_year(agreement, user):
    """A draft for the next year with the same texts, budget, goals and steps (steps open
    again); signatures are not copied: the new agreement is not signed yet."""
    require(user, CHANGE, agreement)
    year = agreement.year + 1
    if Agreement.objects.filter(traeger=agreement.traeger, year=year).exists():
        raise AgreementRefused(
            f"Für {agreement.traeger} gibt es {year} bereits eine Zielvereinbarung."
        )
    copy = Agreement(
        year=year,
        traeger=agreement.traeger,
        status=AgreementStatus.DRAFT,
        is_demo=agreement.is_demo,
        **{
            field: _next_year_text(getattr(agreement, field), agreement.year)
            for field in Agreement.TEXT_FIELDS
        },
    )
    copy._change_reason = f"kopiert aus {agreement.year}"
    try:
        with transaction.atomic():
            copy.save()
    except IntegrityError as error:  # a second click that overtook the first
        raise AgreementRefused(
            f"Für {agreement.traeger} gibt es {year} bereits eine Zielvereinbarung."
        ) from error
    ensure_parties(copy)
    for line in agreement.budget_lines.all():
        BudgetLine.objects.create(agreement=copy, kind=line.kind, amount=line.amount)
    for goal in agreement.goals.prefetch_related("steps"):
        new_goal = Goal.objects.create(
            agreement=copy,
            number=goal.number,
            kind=goal.kind,
            indicator_id=goal.indicator_id,
            target_type=goal.target_type,
            target_value=goal.target_value,
            criterion=_next_year_text(goal.criterion, agreement.year),
            **{
                field: _next_year_text(getattr(goal, field), agreement.year)
                for field in GOAL_TEXT_FIELDS
            },
        )
        for step in goal.steps.all():
            ImplementationStep.objects.create(
                goal=new_goal, order=step.order, text=step.text, status=StepStatus.OPEN
            )
    return copy


@transaction.atomic
def change_status(agreement, user, status, version, reason=""):
    from agreements.forms import allowed_transitions

    require(user, CHANGE, agreement)
    if AgreementStatus(status) not in allowed_transitions(agreement.status):
        raise AgreementRefused(
            f"Der Status „{agreement.get_status_display()}“ kann nicht zu "
            f"„{AgreementStatus(status).label}“ wechseln."
        )
    claim(agreement, version)
    agreement.status = status
    agreement._change_reason = reason or f"Status: {AgreementStatus(status).label}"
    agreement.save()
    return agreement


@transaction.atomic
def report_steps(agreement, user, version, reports):
    """The Jobcenter's report on the qualitative steps: `reports` are the changed steps, each
    {"id", "status", "status_note"}. Steps are part of the agreement, so a report claims its
    version: an editor opened earlier must notice."""
    require(user, REPORT, agreement)
    if agreement.status == AgreementStatus.CLOSED:
        raise AgreementRefused("Die Vereinbarung ist abgeschlossen.")
    if not reports:
        return
    steps = ImplementationStep.objects.filter(
        goal__agreement=agreement, goal__kind=GoalKind.QUALITATIVE
    ).in_bulk([report.get("id") for report in reports])
    if len(steps) != len(reports):
        raise AgreementRefused(
            "Gemeldet werden nur die qualitativen Umsetzungsschritte dieser Vereinbarung."
        )
    claim(agreement, version)
    for report in reports:
        step = steps[report["id"]]
        step.status = report["status"]
        step.status_note = report["status_note"]
        step.status_updated_at = timezone.now()
        step._change_reason = "Stand gemeldet"
        step.save()


def close_year(agreement, reason):
    """The approved final assessment (spring review) ends the agreement's year: it becomes
    „abgeschlossen“, with `reason` in the history. Its version moves on, so an editor opened
    before meets a conflict instead of saving over the closed agreement. Nothing happens when
    it is closed already."""
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if agreement.status == AgreementStatus.CLOSED:
        return agreement
    agreement.status = AgreementStatus.CLOSED
    agreement.version += 1
    agreement._change_reason = reason
    agreement.save()
    return agreement


def delete_refusal(agreement):
    """Why the agreement may not be deleted, or None. Only unused drafts can go."""
    if agreement.status != AgreementStatus.DRAFT:
        return "Nur Entwürfe können gelöscht werden; diese Vereinbarung ist " + (
            f"„{agreement.get_status_display()}“."
        )
    if hasattr(agreement, "dialogs") and agreement.dialogs.exists():
        return "Zu dieser Vereinbarung gibt es Zieldialoge; sie kann nicht gelöscht werden."
    if Values.objects.for_unit(agreement.traeger).in_year(agreement.year).exists():
        return (
            f"Für {agreement.traeger} sind Kennzahlen des Jahres {agreement.year} geliefert; "
            "die Vereinbarung kann nicht gelöscht werden."
        )
    return None
