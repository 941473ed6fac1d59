"""How the figures of a goal read in the minutes: JFW in the indicator's own unit."""

from django import template

from zielsteuerung import formats

register = template.Library()

# The JFW of K1 is a sum of euros, of K3 a mean number of persons; the others are quotas.
EURO_CODES = {"K1", "K1E1"}
PERSON_CODES = {"K3", "K1E2"}


@register.filter
def jfw(value, indicator_code):
    """`Decimal("5.5696")` with K2 → `5,57 %`; K1 → `6.740.000 Euro`; K3 → `3.910`."""
    if indicator_code in EURO_CODES:
        return formats.euro(value)
    if indicator_code in PERSON_CODES:
        return formats.number(value, 0)
    return formats.percent(value, 2)


@register.filter
def jfw_tick(value, indicator_code):
    """A round tick value of a chart axis with its own decimals: `8,4 %`, `6.750.000 Euro`."""
    places = max(0, -value.as_tuple().exponent)
    if indicator_code in EURO_CODES:
        return formats.euro(value, places=places)
    if indicator_code in PERSON_CODES:
        return formats.number(value, places)
    return formats.percent(value, places)


@register.filter
def jfw_unit(indicator_code):
    if indicator_code in EURO_CODES:
        return "Euro"
    if indicator_code in PERSON_CODES:
        return "Personen"
    return "Prozent"


# What the absolute figures beside a quota count (numerator / denominator of the JFW).
BASIS_LABELS = {
    "K2": ("Integrationen (Summe)", "erwerbsfähige Leistungsberechtigte (Durchschnitt)"),
    "K2E4": (
        "Integrationen von Alleinerziehenden (Summe)",
        "erwerbsfähige Alleinerziehende (Durchschnitt)",
    ),
    "K3E1": (
        "Integrationen von Langzeitleistungsbeziehenden (Summe)",
        "Langzeitleistungsbeziehende (Durchschnitt)",
    ),
}


@register.filter
def numerator_label(indicator_code):
    return BASIS_LABELS.get(indicator_code, ("Zähler", "Nenner"))[0]


@register.filter
def denominator_label(indicator_code):
    return BASIS_LABELS.get(indicator_code, ("Zähler", "Nenner"))[1]


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
