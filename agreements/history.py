"""The change history of an agreement and its parts."""

from agreements.models import (
    Agreement,
    AgreementParty,
    BudgetLine,
    Goal,
    ImplementationStep,
    Signature,
)
from zielsteuerung import formats
from zielsteuerung.history import collect


def _label(model, record):
    if model is Agreement:
        return f"Zielvereinbarung {record.year}"
    if model is Goal:
        return f"Ziel {record.number}: {record.title}"
    if model is ImplementationStep:
        return formats.shorten(record.text)
    if model is BudgetLine:
        return f"{record.get_kind_display()} – {formats.amount(record.amount)}"
    if model is Signature:
        return record.signatory or "Unterschrift"
    if model is AgreementParty:
        return record.name
    return str(record.pk)


def agreement_history(agreement):
    """Every recorded change of the agreement and its parts, newest first (deleted goals and
    their steps included)."""
    goal_ids = Goal.history.filter(agreement_id=agreement.pk).values("id")
    sources = [
        (Agreement, Agreement.history.filter(id=agreement.pk)),
        (AgreementParty, AgreementParty.history.filter(agreement_id=agreement.pk)),
        (BudgetLine, BudgetLine.history.filter(agreement_id=agreement.pk)),
        (Goal, Goal.history.filter(agreement_id=agreement.pk)),
        (ImplementationStep, ImplementationStep.history.filter(goal_id__in=goal_ids)),
        (Signature, Signature.history.filter(agreement_id=agreement.pk)),
    ]
    # Amounts as the document shows them ("4.250.000,50 Euro"), not as stored.
    return collect(sources, _label, shown={(BudgetLine, "amount"): formats.amount})
