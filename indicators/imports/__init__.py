"""Import of monthly indicator data from the CSV and Excel files Jobcenter controllers have.

Three steps, as in pretix' model import:

1. `read_sheets` (sheets.py, with textfiles.py for CSV and workbooks.py for XLSX) turns the
   file's bytes into sheets of plain strings. pandas (CSV, strings only) and openpyxl (XLSX)
   are used only there; everything after works on strings.
2. `check_file` (checking.py) finds the header row and the layout (layout.py), reads every
   cell (cells.py: the one number parser and the one month parser; numbers.py, keys.py,
   units.py, rows.py) and collects every problem at once, in German, with line and column
   ("Zeile 7, Spalte „wert“: …").
3. `store_delivery` (store.py) writes the delivery and all its values in one transaction,
   and only for a check without problems.

docs/import.md describes the accepted files for users and which module holds which rule.
"""

from indicators.imports.cells import file_size
from indicators.imports.checking import (
    already_delivered_message,
    check_file,
    marks_note,
    titles_offer,
)
from indicators.imports.layout import Sheet, _indicator_codes
from indicators.imports.problems import (
    ImportCheck,
    IndicatorRef,
    Problem,
    Refused,
    SummaryRow,
    UnitRef,
)
from indicators.imports.sheets import head_rows, read_sheets
from indicators.imports.store import store_delivery
from indicators.imports.template import template_workbook

__all__ = [
    "ImportCheck",
    "IndicatorRef",
    "Problem",
    "Refused",
    "Sheet",
    "SummaryRow",
    "UnitRef",
    "_indicator_codes",
    "already_delivered_message",
    "check_file",
    "file_size",
    "head_rows",
    "read_sheets",
    "store_delivery",
    "marks_note",
    "template_workbook",
    "titles_offer",
]
