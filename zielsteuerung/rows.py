"""A list of rows a page changed (goals, steps, participants, …) as plain data, so that the
services take no forms: the page validates its formset and hands `Rows.of(formset)` on; the
service writes it with `save_rows`."""

from dataclasses import dataclass, field


@dataclass
class Rows:
    """The values of each new or changed row (a changed one with its `id`) and the ids of the
    rows to remove."""

    changed: list[dict] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)

    @classmethod
    def of(cls, formset):
        """The rows of a validated formset: unchanged rows are left out, as a formset's own
        save leaves them (no history record without a change), and so are new rows of an
        `edit_only` formset, whatever the posted form count says."""
        rows = cls()
        for form in formset.forms:
            pk = form.instance.pk
            if pk is None and formset.edit_only:
                continue
            if formset.can_delete and formset._should_delete_form(form):
                if pk is not None:
                    rows.removed.append(pk)
            elif form.has_changed():
                values = {name: form.cleaned_data[name] for name in form._meta.fields}
                rows.changed.append({"id": pk, **values} if pk is not None else values)
        return rows


def save_rows(queryset, rows, new):
    """Write `rows` to the rows of `queryset`: the removed ones are deleted one by one (so that
    each row's own guards and history run), then the changed ones and the new ones (made by
    `new()`) take their values and pass the model's validation. Returns the rows written.
    A key that is no field of the model is the caller's to use before."""
    for row in queryset.filter(pk__in=rows.removed):
        row.delete()
    written = []
    for values in rows.changed:
        pk = values.get("id")
        row = queryset.get(pk=pk) if pk is not None else new()
        names = [f.name for f in row._meta.concrete_fields if f.name in values and f.name != "id"]
        for name in names:
            setattr(row, name, values[name])
        row.full_clean(exclude=[f.name for f in row._meta.fields if f.name not in names])
        row.save()
        written.append(row)
    return written
