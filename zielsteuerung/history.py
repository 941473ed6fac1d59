"""Change history read from django-simple-history, as lines a person can read: who, when,
which part, what changed from what to what, and why."""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db import models

from zielsteuerung import formats

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
    changes: list[Change] = field(default_factory=list)
    reason: str = ""


def display(model, field_name, value):
    """A stored value as the pages show it: choice labels, related objects, German numbers and
    dates (`3,1`, not `3.10`), shortened text."""
    if value is None or value == "":
        return "–"
    model_field = model._meta.get_field(field_name)
    if model_field.choices:
        return str(dict(model_field.choices).get(value, value))
    if model_field.is_relation:
        related = model_field.related_model.objects.filter(pk=value).first()
        return str(related) if related is not None else f"(gelöscht, Nr. {value})"
    if isinstance(model_field, models.DecimalField):
        number = Decimal(value).normalize()
        return formats.number(number, max(0, -number.as_tuple().exponent))
    if isinstance(model_field, models.BooleanField):
        return "ja" if value else "nein"
    if isinstance(value, date) and not isinstance(value, datetime):
        return f"{value:%d.%m.%Y}"
    text = str(value)
    return text if len(text) <= 300 else text[:300] + " …"


def collect(sources, label, reason=None, quiet_fields=QUIET_FIELDS, shown=None):
    """Entries of all `(model, historical records)` sources, newest first.

    `label(model, record)` names the part; `reason(model, record)` gives the reason of a change
    when the model keeps one elsewhere than simple_history's change reason; `shown` maps
    `(model, field name)` to a function showing a value where `display` is not enough (money).
    """
    shown = shown or {}

    def show(model, field_name, value):
        function = shown.get((model, field_name))
        if function is None or value is None or value == "":
            return display(model, field_name, value)
        return function(value)

    entries = []
    for model, records in sources:
        previous = {}
        for record in records.select_related("history_user").order_by("history_date", "history_id"):
            before = previous.get(record.id)
            previous[record.id] = record
            changes = []
            if record.history_type == "~" and before is not None:
                delta = record.diff_against(before, excluded_fields=quiet_fields)
                changes = [
                    Change(
                        field=str(model._meta.get_field(change.field).verbose_name),
                        old=show(model, change.field, change.old),
                        new=show(model, change.field, change.new),
                    )
                    for change in delta.changes
                ]
                if not changes and not record.history_change_reason:
                    continue
            user = record.history_user
            entries.append(
                HistoryEntry(
                    at=record.history_date,
                    user=formats.person_name(user),
                    part=str(model._meta.verbose_name),
                    label=label(model, record),
                    kind=KIND_LABELS.get(record.history_type, record.history_type),
                    changes=changes,
                    reason=(reason(model, record) if reason else "")
                    or (record.history_change_reason or ""),
                )
            )
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries
