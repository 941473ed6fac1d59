"""Template filters for German formats; loaded as a builtin in every template."""

from django import template

from zielsteuerung import formats

register = template.Library()


@register.filter
def de_number(value, places=0):
    return formats.number(value, int(places))


@register.filter
def de_signed(value, places=1):
    return formats.number(value, int(places), sign=True)


@register.filter
def de_percent(value, places=1):
    return formats.percent(value, int(places))


@register.filter
def de_signed_percent(value, places=1):
    return formats.percent(value, int(places), sign=True)


@register.filter
def de_euro(value, places=0):
    return formats.euro(value, int(places))


@register.filter
def de_amount(value):
    """A budget amount as typed: `4.250.000,50 Euro`, `8.793.355 Euro`."""
    return formats.amount(value)


@register.filter
def de_month(value):
    return formats.month_name(value)


@register.filter
def de_date(value):
    return formats.day(value)


@register.filter
def person_name(user):
    return formats.person_name(user)


@register.filter
def after_article(name):
    """A name as it reads after „das“: „Niedersächsisches Ministerium“ → „Niedersächsische …“."""
    first, _, rest = str(name).partition(" ")
    if first.endswith("es") and first[:1].isupper() and rest:
        return f"{first[:-1]} {rest}"
    return name
