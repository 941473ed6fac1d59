"""What the pages' GET selectors share (`BasisForm`, the map's and the reconciliation's form):
they read the query string with their own fields, and a value a field refuses falls back to
the page's default instead of failing."""

from django.core.exceptions import ValidationError

from zielsteuerung import formats

MONTH_CHOICES = [(str(number), name) for number, name in enumerate(formats.MONTH_NAMES, 1)]


def checked(field, value):
    """`value` (from the query string) as `field` cleans it, or None if the field refuses it."""
    try:
        return field.clean(value)
    except ValidationError:
        return None
