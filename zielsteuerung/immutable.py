"""The one guard for rows that never change once stored or frozen: data deliveries and their
values, approved minutes with every part of them, corrections and the workflow log.

A model takes `Immutable` and says which stored rows are frozen (`frozen_rows`, a Q over its
own fields; the empty Q: every stored row) and in which German words a change is refused. Its
queryset takes `ImmutableQuerySet`. Then a frozen row refuses

- `save()` and `delete()` (whatever the caller: page, service, admin, shell),
- a deletion by cascade from another row (a `pre_delete` receiver for every such model),
- `QuerySet.update()` and `QuerySet.delete()` over a set holding a frozen row.

`frozen_in_db()` answers "is this row frozen?" for one instance; a model whose rule needs
more than its own stored row (a part of the minutes: is its dialog approved?) overrides it.
Two changes pass the guard by name, each documented where it is made: the withdrawal of a
delivery by an administrator (`DataDelivery.withdraw`, `save_past_guard`) and the demo data
backdating the minutes it seeds (`update_past_guard`).
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.signals import class_prepared, pre_delete


class Immutable(models.Model):
    frozen_rows = Q()  # the stored rows that are frozen; Q(): all of them
    refusal_class = ValidationError
    frozen_message = "Gespeicherte Daten können nicht geändert oder gelöscht werden."
    change_message = None  # the refusal of save(); None: frozen_message
    delete_message = None  # the refusal of delete(); None: frozen_message

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.frozen_in_db():
            raise self.refusal(self.change_message)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.frozen_in_db():
            raise self.refusal(self.delete_message)
        return super().delete(*args, **kwargs)

    @classmethod
    def refusal(cls, message=None):
        return cls.refusal_class(message or cls.frozen_message)

    def frozen_in_db(self):
        """Whether this row, as the database holds it, is frozen."""
        return self.pk is not None and self.stored_row_frozen()

    def stored_row_frozen(self):
        """Whether the stored row matches `frozen_rows` (the rule of querysets and cascades)."""
        rows = type(self)._base_manager.filter(pk=self.pk)
        return rows.filter(self.frozen_rows).exists()

    def save_past_guard(self, **kwargs):
        """Write this row although it is frozen: only for a documented, audited change."""
        return models.Model.save(self, **kwargs)


class ImmutableQuerySet(models.QuerySet):
    def update(self, **kwargs):
        self._refuse_if_frozen()
        return super().update(**kwargs)

    def delete(self):
        self._refuse_if_frozen()
        return super().delete()

    def _refuse_if_frozen(self):
        if self.filter(self.model.frozen_rows).exists():
            raise self.model.refusal()

    def update_past_guard(self, **kwargs):
        """Update rows although they may be frozen: only for a documented change."""
        return super().update(**kwargs)


def _refuse_deleting_frozen(sender, instance, **kwargs):
    # Cascades and Model.delete() both send pre_delete; the rows are still stored here.
    if instance.pk is not None and instance.stored_row_frozen():
        raise instance.refusal(instance.delete_message)


def _guard_deletions(sender, **kwargs):
    if issubclass(sender, Immutable) and not sender._meta.abstract:
        pre_delete.connect(_refuse_deleting_frozen, sender=sender, weak=False)


class_prepared.connect(_guard_deletions)
