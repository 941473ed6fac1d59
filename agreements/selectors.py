"""What the pages' GET selectors share (`BasisForm`, the map's and the reconciliation's form):
they read the query string with their own fields, and a value a field refuses falls back to
the page's default instead of failing."""

from django import forms
from django.core.exceptions import ValidationError

from zielsteuerung import formats

MONTH_CHOICES = [(str(number), name) for number, name in enumerate(formats.MONTH_NAMES, 1)]


def checked(field, value):
    """`value` (from the query string) as `field` cleans it, or None if the field refuses it."""
    try:
        return field.clean(value)
    except ValidationError:
        return None


def year_field():
    """The year; the form offers its years with `offer_years`."""
    return forms.TypedChoiceField(label="Jahr", coerce=int)


def offer_years(form, years):
    form.fields["year"].choices = [(str(year), str(year)) for year in years]


def month_field(*, newest=True):
    """The reporting month; `newest`: may be left empty for the newest month with data."""
    if not newest:
        return forms.TypedChoiceField(label="Berichtsmonat", coerce=int, choices=MONTH_CHOICES)
    return forms.TypedChoiceField(
        label="Berichtsmonat",
        coerce=int,
        required=False,
        empty_value=None,
        choices=[("", "neuester mit Daten"), *MONTH_CHOICES],
    )


def as_selects(form):
    for field in form.fields.values():
        field.widget.attrs["class"] = "form-select"
