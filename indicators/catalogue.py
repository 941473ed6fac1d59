"""Facts about the Kennzahlen that the code, not the catalogue table, decides: the unit a JFW
is in and what the absolute figures beside a quota count. Pages, downloads, minutes and PDFs
ask here; the formulas themselves are in computations.py."""

from indicators import computations
from indicators.models import Unit

# The base quantities summed in euros (Leistungen zum Lebensunterhalt, Unterkunft und Heizung).
MONEY_FLOWS = {"LLU", "LUH"}

# What the absolute figures beside a quota count (numerator / denominator of the JFW).
QUOTA_BASIS = {
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


def jfw_unit(code):
    """The unit of an indicator's JFW (a `Unit`): a quota (RATE) is in percent, a sum of money
    in euros, a mean stock in persons. The catalogue's own unit is that of the change against
    the previous year (`prozent`); an indicator the product does not compute counts as a
    quota."""
    formula = computations.FORMULAS.get(code)
    if formula is None or formula.kind == computations.RATE:
        return Unit.PERCENT
    return Unit.EUR if formula.flow in MONEY_FLOWS else Unit.PERSONS


def basis_labels(code):
    """(numerator, denominator): what the absolute figures beside the JFW of `code` count."""
    return QUOTA_BASIS.get(code, ("Zähler", "Nenner"))
