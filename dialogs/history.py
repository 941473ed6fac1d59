"""The change history of a dialog and its parts, read from django-simple-history."""

from dataclasses import dataclass
from datetime import datetime

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

# Bookkeeping fields whose change alone is not worth a line in the history.
QUIET_FIELDS = {"version", "updated_at", "figures_frozen_at", "status_updated_at"}
KIND_LABELS = {"+": "angelegt", "~": "geändert", "-": "gelöscht"}


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    at: datetime
    user: str
    part: str
    label: str
    kind: str
    changes: list[Change]
    reason: str = ""


def _display(model, field_name, value):
    if value is None or value == "":
        return "–"
    field = model._meta.get_field(field_name)
    if field.choices:
        return str(dict(field.choices).get(value, value))
    if field.is_relation:
        related = field.related_model.objects.filter(pk=value).first()
        return str(related) if related is not None else f"(gelöscht, Nr. {value})"
    text = str(value)
    return text if len(text) <= 300 else text[:300] + " …"


def _label(model, record):
    if model is Dialog:
        return f"{record.get_kind_display()} am {record.date:%d.%m.%Y}"
    if model is AgendaItem:
        return record.title
    if model is Participant:
        return record.name
    if model in (Measure,):
        return record.text[:80]
    if model is MeasureReview:
        return f"Maßnahme Nr. {record.measure_id}"
    if model is FinalAssessment:
        return f"Ziel {record.goal_number}"
    if model is Approval:
        return f"{record.get_side_display()}: {record.name}"
    if model is Correction:
        return record.text[:80]
    return str(record.pk)


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
    entries = []
    for model, records in sources:
        previous = {}
        for record in records.select_related("history_user").order_by("history_date", "history_id"):
            before = previous.get(record.id)
            previous[record.id] = record
            changes = []
            if record.history_type == "~" and before is not None:
                delta = record.diff_against(before, excluded_fields=QUIET_FIELDS)
                changes = [
                    Change(
                        field=str(model._meta.get_field(change.field).verbose_name),
                        old=_display(model, change.field, change.old),
                        new=_display(model, change.field, change.new),
                    )
                    for change in delta.changes
                ]
                if not changes:
                    continue
            user = record.history_user
            entries.append(
                HistoryEntry(
                    at=record.history_date,
                    user=(user.get_full_name() or user.get_username()) if user else "",
                    part=str(model._meta.verbose_name),
                    label=_label(model, record),
                    kind=KIND_LABELS.get(record.history_type, record.history_type),
                    changes=changes,
                    reason=getattr(record, "reason", "") if model is Correction else "",
                )
            )
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries
