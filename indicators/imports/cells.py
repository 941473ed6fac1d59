"""Reading single cells: numbers, months, header words, unit keys and names."""

import re
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from indicators.models import (
    VALUE_DIGITS,
    VALUE_PLACES,
)
from zielsteuerung import formats

EARLIEST_MONTH = (2005, 1)  # SGB II exists since January 2005
DECIMAL_PLACES = VALUE_PLACES
INTEGER_DIGITS = VALUE_DIGITS - VALUE_PLACES
NATIVE = "\x00"  # prefix of an Excel number cell's text: exact, not subject to format guessing
# Marks that stand where a number would (domain.md § 7): the cell holds no value. The one
# table of marks with their meanings, for the preview (marks.py splits a cell into number,
# flag and mark).
MARKS = {
    "-": "nichts vorhanden",
    "–": "nichts vorhanden",
    "—": "nichts vorhanden",
    "x": "Nachweis nicht sinnvoll",
    "X": "Nachweis nicht sinnvoll",
    "*": "Geheimhaltung",
    ".": "Zahlenwert unbekannt",
    "…": "Angabe fällt später an",
    "...": "Angabe fällt später an",
    "•": "keine Angabe",
    "k.A.": "keine Angabe",
    "k. A.": "keine Angabe",
    "n.v.": "nicht vorhanden",
}
NOT_A_VALUE = {"", *MARKS}
TOTAL_ROWS = {"summe", "gesamtsumme", "insgesamt", "gesamt", "total", "gesamtergebnis"}


def _words(text):
    return frozenset(text.split())


# Header names, compared after `header_key` (lower case, ä → ae, ß → ss, no spaces or signs).
# A key column wins over a name column: "Kreisschlüssel;Jobcenter;…" keys by Kreisschlüssel.
UNIT_KEY_HEADERS = _words(
    "kreisschluessel schluessel traegerschluessel jobcenterschluessel jcschluessel "
    "regionalschluessel kreiskennziffer kennung ags jcid jobcenterid jobcenternr "
    "jobcenternummer traegernr traegernummer kreisnr kreisnummer"
)
UNIT_HEADERS = _words("traeger trager jobcenter landkreis kreis zkt einheit region")
NAME_HEADERS = _words("name bezeichnung jobcentername traegername kreisname landkreisname")
ROLE_HEADERS = {
    "code": _words("kennzahl code kennzahlcode kz kennziffer indikator merkmal"),
    "month": _words(
        "monat berichtsmonat datum stichtag zeitraum periode berichtszeitraum "
        "berichtsperiode jahrmonat monatjahr month"
    ),
    "value": _words("wert werte value anzahl betrag"),
    "sex": _words("geschlecht sex gender"),
    # A published Kennzahl's variant (jfw, zwoelf_monate, vorjahresmonat) and a value's flag
    # (`(`, p, r, s): written so by the BA tables (ba_layout.ba_sheet), optional elsewhere.
    "variant": _words("variante variant"),
    "flag": _words("kennzeichen flag"),
}
# Columns a wide file may carry besides the codes; other unknown columns are refused there,
# because they are most likely misspelt codes.
IGNORED_HEADERS = NAME_HEADERS | _words(
    "bundesland land vergleichstyp typ bemerkung anmerkung hinweis kommentar quelle stand "
    "ladestand datenstand wartezeit jahr nr lfdnr id"
)
ROLE_LABELS = {
    "unit": "traeger",
    "code": "kennzahl",
    "month": "monat",
    "value": "wert",
    "sex": "geschlecht",
    "variant": "variante",
    "flag": "kennzeichen",
}
SEX_WORDS = {
    "g": "g i gesamt insgesamt alle zusammen total",
    "m": "m maenner maennlich mann male",
    "w": "w f frauen weiblich frau female",
}
SEXES = {word: sex for sex, words in SEX_WORDS.items() for word in words.split()} | {"": "g"}
SEX_ORDER = {"g": 0, "m": 1, "w": 2}
MONTH_WORDS = {
    1: "januar jan jaenner jaen january",
    2: "februar feb feber february",
    3: "maerz maer mrz mar march",
    4: "april apr",
    5: "mai may",
    6: "juni jun june",
    7: "juli jul july",
    8: "august aug",
    9: "september sep sept",
    10: "oktober okt oct october",
    11: "november nov",
    12: "dezember dez dec december",
}
MONTH_NUMBERS = {word: number for number, words in MONTH_WORDS.items() for word in words.split()}
CREATABLE_KEY = re.compile(r"[0-9A-Za-z][0-9A-Za-z._/-]{0,19}")


def header_key(text):
    text = text.strip().lower().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
    text = text.replace("ß", "ss")
    text = re.sub(r"\(.*?\)|\[.*?\]", "", text)
    return re.sub(r"[^a-z0-9]", "", text)


def code_key(text):
    text = text.strip().strip("\"'").upper()
    text = text.replace("Ä", "AE").replace("Ö", "OE").replace("Ü", "UE")
    return re.sub(r"[\s\-./]+", "_", text).strip("_")


def unit_key(text):
    """`3358` (Excel dropped the zero), `3.358` and `3358.0` all mean Kreisschlüssel 03358."""
    text = text.removeprefix(NATIVE).strip()
    if re.fullmatch(r"\d{1,2}\.\d{3}", text):
        text = text.replace(".", "")
    match = re.fullmatch(r"(\d+)[.,]0+", text)
    if match:
        text = match.group(1)
    if len(text) == 4 and text.isdigit():
        text = "0" + text
    return text


# The words a label puts before a name („LK Heidekreis“, „Jobcenter Landkreis Celle“). Not
# „Stadt“: the city of Oldenburg is another Jobcenter than the Landkreis Oldenburg.
NAME_PREFIXES = ("landkreis", "jobcenter", "kreis", "region", "lk", "jc", "zkt")
_NAME_PREFIX = re.compile(rf"(?:(?:{'|'.join(NAME_PREFIXES)})(?:[\s.:-]+|$))+")


def name_key(text):
    """A name compared without case, umlauts, prefixes and signs: „LK Heidekreis“ → heidekreis."""
    text = text.strip().lower()
    text = _NAME_PREFIX.sub("", text, count=1) if _NAME_PREFIX.match(text) else text
    return header_key(text)


_MONTH_PATTERNS = [
    (re.compile(r"(\d{4})[-/.](\d{1,2})"), "ym"),
    (re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"), "ymd"),
    (re.compile(r"(\d{1,2})\s*[./-]\s*(\d{4})"), "my"),
    (re.compile(r"(\d{1,2})\s+(\d{4})"), "my"),
    (re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})(?: \d{1,2}:\d{2}(?::\d{2})?)?"), "dmy"),
    (re.compile(r"(\d{4})(\d{2})"), "ym"),
    (re.compile(r"(\d{5})(?:\.0+)?"), "serial"),
    (re.compile(r"([a-z]+)\.?\s*[-/ ]?\s*'?(\d{4}|\d{2})"), "name"),
]


def parse_month(text):
    """(year, month) of `2020-01`, `2020/01`, `01/2020`, `01.2020`, `Jan 2020`, `Jan 20`,
    `Januar 2020`, `März 2020`, `202001`, `31.01.2020`, an Excel date (`2020-01-31`, or a
    date or datetime) or Excel serial number (`43831`); else None. The one month parser of
    the import: data cells, title rows („Berichtsmonat: Juni 2020“) and BA tables alike."""
    if not isinstance(text, str):
        if isinstance(text, date):  # a datetime too
            return text.year, text.month
        if isinstance(text, int | float) and not isinstance(text, bool):
            text = str(int(text)) if float(text).is_integer() else ""
        else:
            return None
    text = text.removeprefix(NATIVE).strip().lower()
    text = text.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").rstrip(".")
    for pattern, kind in _MONTH_PATTERNS:
        match = pattern.fullmatch(text)
        if not match:
            continue
        groups = match.groups()
        if kind == "ym" or kind == "ymd":
            year, month = int(groups[0]), int(groups[1])
        elif kind == "my":
            month, year = int(groups[0]), int(groups[1])
        elif kind == "dmy":
            month, year = int(groups[1]), int(groups[2])
        elif kind == "serial":
            serial = int(groups[0])
            if not 36526 <= serial <= 73415:  # 2000-01-01 … 2100-12-31
                return None
            day = date(1899, 12, 30) + timedelta(days=serial)
            year, month = day.year, day.month
        else:
            month = MONTH_NUMBERS.get(groups[0])
            if month is None:
                return None
            year = int(groups[1])
            year += 2000 if year < 100 else 0
        if 1 <= month <= 12 and 1900 <= year <= 2100:
            return year, month
        return None
    return None


_SIMPLE_NUMBER = re.compile(r"(-?)(\d+)([.,])(\d+)", re.ASCII)


def parse_number(text):
    """(kind, exact decimal text) of a number cell; kind is one of
    "int" (digits only), "native" (an Excel number), "german" (decimal comma or `1.234.567`),
    "plain" (decimal point, `1234.5`), "either" (`1.234`: 1234 in German, 1.234 plain),
    "missing" (empty or a statistical mark like `*`), "bad" (not a number)."""
    if text.isdigit() and text.isascii():  # the commonest form first: 1234, not "²" or "٣"
        return "int", text
    simple = _SIMPLE_NUMBER.fullmatch(text)  # the common forms, quickly
    if simple is not None:
        sign, whole, separator, fraction = simple.groups()
        if separator == ",":
            return "german", f"{sign}{whole}.{fraction}"
        if len(fraction) == 3 and len(whole) <= 3 and whole[0] != "0":
            return "either", text
        return "plain", text
    if text[:1] == NATIVE:
        return "native", text[1:]
    text = text.strip()
    if text in NOT_A_VALUE:
        return "missing", None
    text = text.replace("\u2212", "-").removesuffix("%").removesuffix("€").strip()
    if " " in text or "\xa0" in text or "\u202f" in text:
        if not re.fullmatch(r"[+-]?\d{1,3}([ \xa0\u202f]\d{3})+([.,]\d+)?", text):
            return "bad", None
        text = re.sub(r"[ \xa0\u202f]", "", text)
    sign = ""
    if text[:1] in "+-":
        sign = "-" if text[0] == "-" else ""
        text = text[1:]
    if text.isdigit() and text.isascii():
        return "int", sign + text
    if not text or not text.isascii():
        return "bad", None
    if re.fullmatch(r"\d+([.,]\d+)?[eE][+-]?\d{1,2}", text):  # Excel's 1,5E+06
        return "int", sign + format(Decimal(text.replace(",", ".")), "f")
    commas, dots = text.count(","), text.count(".")
    if commas == 1:
        whole, _, fraction = text.partition(",")
        if fraction.isdigit() and (
            whole.isdigit() or whole == "" or (dots and re.fullmatch(r"\d{1,3}(\.\d{3})+", whole))
        ):
            return "german", f"{sign}{whole.replace('.', '') or '0'}.{fraction}"
        return "bad", None
    if commas:
        return "bad", None
    if dots == 1:
        whole, _, fraction = text.partition(".")
        if not fraction.isdigit() or not (whole.isdigit() or whole == ""):
            return "bad", None
        if len(fraction) == 3 and 1 <= len(whole) <= 3 and whole[0] != "0":
            return "either", sign + text
        return "plain", f"{sign}{whole or '0'}.{fraction}"
    if dots and re.fullmatch(r"\d{1,3}(\.\d{3})+", text):
        return "german", sign + text.replace(".", "")
    return "bad", None


def _fit(number):
    """The number rounded to the stored decimal places, or None when it has too many digits."""
    whole, _, fraction = number.lstrip("-").partition(".")
    if len(whole.lstrip("0")) > INTEGER_DIGITS:
        return None
    if len(fraction) > DECIMAL_PLACES:
        quantum = Decimal(1).scaleb(-DECIMAL_PLACES)
        return format(Decimal(number).quantize(quantum, rounding=ROUND_HALF_UP), "f")
    return number


SHOWN_MAX = 80  # a message quotes at most this many characters of a cell


def _shown(text):
    """A cell as the user sees it in Excel or an editor, cut short if it is long."""
    text = text.removeprefix(NATIVE).strip()
    return text if len(text) <= SHOWN_MAX else text[: SHOWN_MAX - 1] + "…"


def _count(number, one, many):
    return f"{formats.number(number)} {one if number == 1 else many}"


def file_size(size):
    """`61,2 MB`, `12,3 kB` or `404 Byte`."""
    if size >= 1024 * 1024:
        return f"{formats.number(size / 1024 / 1024, 1)} MB"
    if size >= 1024:
        return f"{formats.number(size / 1024, 1)} kB"
    return f"{size} Byte"
