"""How the figures of a goal read in the minutes: JFW in the indicator's own unit."""

from django import template

from agreements.dashboards.figures import format_jfw
from indicators import catalogue

register = template.Library()


@register.filter
def jfw(value, indicator_code):
    """`Decimal("5.5696")` with K2 → `5,57 %`; K1 → `6.740.000 Euro`; K3 → `3.910`."""
    return format_jfw(value, catalogue.jfw_unit(indicator_code))


@register.filter
def jfw_tick(value, indicator_code):
    """A round tick value of a chart axis with its own decimals: `8,4 %`, `6.750.000 Euro`."""
    places = max(0, -value.as_tuple().exponent)
    return format_jfw(value, catalogue.jfw_unit(indicator_code), places)


@register.filter
def numerator_label(indicator_code):
    return catalogue.basis_labels(indicator_code)[0]


@register.filter
def denominator_label(indicator_code):
    return catalogue.basis_labels(indicator_code)[1]


STATUS_BADGES = {
    "entwurf": "text-bg-secondary",
    "in_pruefung": "text-bg-warning",
    "freigegeben": "text-bg-success",
    "fehlt": "text-bg-light border",
    "geplant": "text-bg-info",
    "durchgefuehrt": "text-bg-secondary",
}


@register.filter
def status_badge(status):
    """Bootstrap badge classes for a dialog status or a status-board state."""
    return STATUS_BADGES.get(status, "text-bg-light border")
