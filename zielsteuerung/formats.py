"""German number, percent, money and month formats, used by pages, exports and PDFs alike."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

MONTH_NAMES = [
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
]
MONTH_ABBREVIATIONS = [
    "Jan",
    "Feb",
    "Mär",
    "Apr",
    "Mai",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Okt",
    "Nov",
    "Dez",
]
MINUS = "−"  # U+2212, as typeset in the agreements


def _to_decimal(value):
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def number(value, places=0, sign=False):
    """`1234567.891` → `1.234.567,9` (places=1); sign=True adds `+` and a typographic minus."""
    amount = _to_decimal(value)
    if amount is None:
        return "–"
    quantum = Decimal(1).scaleb(-places)
    amount = amount.quantize(quantum, rounding=ROUND_HALF_UP)
    if amount == 0:
        amount = abs(amount)  # no "−0,0"
    text = f"{abs(amount):,.{places}f}".replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    if amount < 0:
        return MINUS + text
    return ("+" + text) if sign and amount > 0 else text


def percent(value, places=1, sign=False):
    """A value already in percent: `3.1` → `3,1 %`, with sign=True `+3,1 %`."""
    if _to_decimal(value) is None:
        return "–"
    return f"{number(value, places, sign)}\u00a0%"


def euro(value, places=0):
    """`8793355` → `8.793.355 Euro`. places=None is for amounts as typed (budget lines): cents
    when the amount has any, `4.250.000,50 Euro`, whole euros without `,00` otherwise. Computed
    figures (a JFW in euros) keep the default of whole euros."""
    amount = _to_decimal(value)
    if amount is None:
        return "–"
    if places is None:
        places = 0 if amount == amount.to_integral_value() else 2
    return f"{number(amount, places)}\u00a0Euro"


def amount(value):
    """An exact money amount of an agreement: `4.250.000,50 Euro`, `8.793.355 Euro`."""
    return euro(value, places=None)


def month_name(value, short=False):
    """date(2020, 6, 1) → `Juni 2020` (short: `Jun 2020`)."""
    if value is None:
        return "–"
    names = MONTH_ABBREVIATIONS if short else MONTH_NAMES
    return f"{names[value.month - 1]} {value.year}"


def month_from_name(text):
    """`Juni 2020` → date(2020, 6, 1): the inverse of `month_name`; ValueError otherwise."""
    name, _, year = text.strip().rpartition(" ")
    if name not in MONTH_NAMES or not year.isdigit():
        raise ValueError(f"„{text}“ ist kein Monat wie „Juni 2020“.")
    return date(int(year), MONTH_NAMES.index(name) + 1, 1)


def day(value):
    """date(2020, 7, 31) → `31.07.2020`."""
    if value is None:
        return "–"
    if not isinstance(value, date):
        return str(value)
    return value.strftime("%d.%m.%Y")


def shorten(text, length=80):
    """`text` on one line, cut to `length` characters with „…“ where it was cut."""
    text = " ".join(str(text).split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def person_name(user):
    """How the product names a user in minutes and explanations: the full name, else the login."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()
