"""The change history of a dialog and its parts, read from django-simple-history."""

from dialogs.models import (
    AgendaItem,
    Approval,
    Correction,
    Dialog,
    FinalAssessment,
    Measure,
    MeasureReview,
    Participant,
)
from zielsteuerung import formats
from zielsteuerung.history import collect


def _label(model, record):
    if model is Dialog:
        return f"{record.get_kind_display()} am {record.date:%d.%m.%Y}"
    if model is AgendaItem:
        return record.title
    if model is Participant:
        return record.name
    if model in (Measure,):
        return formats.shorten(record.text)
    if model is MeasureReview:
        return f"Maßnahme Nr. {record.measure_id}"
    if model is FinalAssessment:
        return f"Ziel {record.goal_number}"
    if model is Approval:
        return f"{record.get_side_display()}: {record.name}"
    if model is Correction:
        return formats.shorten(record.text)
    return str(record.pk)


def _reason(model, record):
    return record.reason if model is Correction else ""


def dialog_history(dialog):
    """Every recorded change of the dialog and its parts, newest first."""
    sources = [
        (Dialog, Dialog.history.filter(id=dialog.pk)),
        (Participant, Participant.history.filter(dialog_id=dialog.pk)),
        (AgendaItem, AgendaItem.history.filter(dialog_id=dialog.pk)),
        (Measure, Measure.history.filter(dialog_id=dialog.pk)),
        (MeasureReview, MeasureReview.history.filter(dialog_id=dialog.pk)),
        (FinalAssessment, FinalAssessment.history.filter(dialog_id=dialog.pk)),
        (Approval, Approval.history.filter(dialog_id=dialog.pk)),
        (Correction, Correction.history.filter(dialog_id=dialog.pk)),
    ]
    return collect(sources, _label, _reason)
