"""`check_file`: read and check a whole file, nothing written."""

import gc
import hashlib
import threading
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from django.utils import timezone

from indicators import storage
from indicators.imports.cells import MARKS, _count
from indicators.imports.keys import _Keys, read_keys
from indicators.imports.layout import Sheet, _indicator_codes, _layout
from indicators.imports.mapping import mapped_layout, mapping_note
from indicators.imports.numbers import read_numbers
from indicators.imports.problems import KEPT_PROBLEMS, ImportCheck, Problem, Refused
from indicators.imports.rows import collect
from indicators.imports.sheets import read_sheets
from indicators.imports.units import Units
from indicators.models import DataDelivery, Flag, flag_text


@dataclass(eq=False)
class _Block:
    """The value cells of one value column of one sheet (long layout: the `wert` column; wide
    layout: one block per code column). Row i of the columns is line `sheet.first_line + i`."""

    sheet: Sheet
    column: str  # the value column's header, as written
    values: _Keys  # the cells as written, factorised
    units: _Keys
    months: _Keys
    codes: _Keys | None  # long layout
    code: str | None  # wide layout: the code of the whole column
    sexes: _Keys | None
    variants: _Keys | None
    flags: _Keys | None
    names: _Keys | None
    headers: dict[str, str]  # role → header as written, for messages


def check_file(
    data,
    file_name,
    *,
    ladestand,
    user=None,
    create_units=False,
    unknown_hint="",
    progress=None,
    mapping=None,
):
    """Read and check everything; nothing is written.

    `user` is the uploader (None: the command line, with ministry rights). A Jobcenter user
    delivers only for its own Landkreis; ministries for the zkT and declared comparison units,
    and with `create_units` a key unknown so far becomes a comparison unit when stored.
    `unknown_hint` is added once when keys are unknown (how to declare them, in the caller's
    words). A `mapping` (mapping.Mapping) names the header row and each column's role
    instead of guessing them; everything else is checked as for any file."""
    # A file delivered before is told so and nothing else. A text file is hashed while it is
    # read; a workbook, which reads far slower than it hashes, is looked up first.
    sha256 = _sha256_meanwhile(data)
    if data.startswith(b"PK") and (
        repeat := _delivered_before(file_name, sha256(), data, ladestand)
    ):
        return repeat
    check = ImportCheck(file_name=file_name, sha256="", size=len(data), ladestand=ladestand)
    codes = _indicator_codes()
    with without_cycle_collection():
        try:
            sheets = read_sheets(data, file_name, codes, progress, mapping)
        except Refused as refusal:
            check.problems.extend(refusal.problems)
        else:
            if mapping is not None:
                check.notes.append(mapping_note(mapping))
            _Checker(check, sheets, codes, user, create_units, progress, mapping).run()
    check.sha256 = sha256()
    if repeat := _delivered_before(file_name, check.sha256, data, ladestand):
        return repeat
    if check.unknown_units and unknown_hint:
        check.problems.append(Problem(unknown_hint, order=(99, 0, 0), hint=True))
    check.problems.sort(key=lambda p: p.order)
    return check


def _delivered_before(file_name, sha256, data, ladestand):
    """The check of a file delivered before, with that as its only problem; or None."""
    earlier = DataDelivery.objects.filter(sha256=sha256).first()
    if earlier is None:
        return None
    problem = Problem(already_delivered_message(earlier))
    return ImportCheck(file_name, sha256, len(data), ladestand, problems=[problem])


def _sha256_meanwhile(data):
    """A function that returns the SHA-256 of `data`, which a second thread computes while
    this one reads the file: hashlib lets other threads run while it hashes."""
    digest = []
    thread = threading.Thread(target=lambda: digest.append(hashlib.sha256(data).hexdigest()))
    thread.start()

    def sha256():
        thread.join()
        return digest[0]

    return sha256


@contextmanager
def without_cycle_collection():
    """Python's cycle collector paused: reading a national file makes millions of objects and
    no reference cycles, and the collector's passes over them cost a tenth of the import."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def already_delivered_message(delivery):
    when = ""
    if delivery.created_at:
        when = f" am {timezone.localtime(delivery.created_at):%d.%m.%Y}"
    return (
        f"Diese Datei wurde bereits{when} als Ladestand {delivery.ladestand:%d.%m.%Y} "
        f"({delivery.waiting_label}) geliefert."
    )


class _Checker:
    """One file's check: what the steps share (the check being filled, the sheets, the
    catalogue, the units, the number format) and where a problem is told. The steps are
    functions of their own modules: `read_numbers`, `read_keys`, `collect`."""

    def __init__(self, check, sheets, codes, user, create_units, progress, mapping=None):
        self.check = check
        self.sheets = sheets
        self.codes = codes
        self.units = Units(check, user, create_units)
        self.progress = progress or (lambda *args: None)
        self.latest_month = storage.month_number(check.ladestand)
        self.several_sheets = len(sheets) > 1
        self.indicator_ranks = {}
        self.skipped = 0
        self.number_style = "german"  # or "plain", as read_numbers decides for the file
        self.number_example = None
        self.mapping = mapping  # a mapping.Mapping: the layout as the user gave it

    def problem(self, message, block=None, row=None, column=None, more_rows=()):
        if len(self.check.problems) >= KEPT_PROBLEMS:  # a wrong column of a million rows
            self.check.uncounted_problems += 1
            return
        sheet = block.sheet if block else None
        line = None if row is None else sheet.line(row)
        sheet_no = self.sheets.index(sheet) if sheet else 0
        column_no = sheet.header.index(column) if sheet and column in sheet.header else 0
        self.check.problems.append(
            Problem(
                message,
                line=line,
                column=column,
                sheet=sheet.name if sheet and self.several_sheets else None,
                more_lines=tuple(sorted({sheet.line(r) for r in more_rows} - {line})),
                order=(sheet_no, line or 0, column_no),
            )
        )

    def run(self):
        blocks = []
        for sheet in self.sheets:
            blocks.extend(self.blocks_of(sheet))
            sheet.columns = []  # the blocks hold what is needed: let pandas' table go
        if self.check.problems:
            return
        if not any(b.values for b in blocks):
            self.check.problems.append(Problem("Die Datei enthält keine Werte."))
            return
        self.progress("Prüfen", 0, 3)
        numbers = read_numbers(self, blocks)
        self.progress("Prüfen", 1, 3)
        cells = read_keys(self, blocks, numbers)
        self.progress("Prüfen", 2, 3)
        collect(self, blocks, cells)
        self.progress("Prüfen", 3, 3)
        if self.skipped:
            self.check.notes.append(
                f"{_count(self.skipped, 'Zeile', 'Zeilen')} ohne Wert oder mit Summen übergangen."
            )
        if self.check.skipped_marks:
            self.check.notes.append(marks_note(self.check.skipped_marks))
        if self.check.flag_column is not None and self.check.flag_column.any():
            self.check.notes.append(flags_note(self.check.flag_column))

    # -- the layout of each sheet ------------------------------------------------------------

    def blocks_of(self, sheet):
        if self.mapping is not None:
            layout = mapped_layout(self.mapping, sheet.header, sheet.columns, self.codes)
        else:
            layout = _layout(sheet.header, self.codes, sheet.columns)
        where = f" (Blatt „{sheet.name}“)" if self.several_sheets else ""
        for message, column in layout.problems:
            self.check.problems.append(
                Problem(
                    message,
                    line=sheet.header_line,
                    column=column,
                    sheet=sheet.name if self.several_sheets else None,
                    order=(self.sheets.index(sheet), sheet.header_line, 0),
                    layout=True,
                )
            )
        if layout.problems:
            return []
        self.check.notes.extend(sheet.notes)
        if sheet.titles is not None and self.check.file_titles is None:
            self.check.file_titles = sheet.titles
            offer = titles_offer(sheet.titles)
            chosen = self.check.ladestand
            if sheet.titles.ladestand not in (None, chosen):  # told, never applied
                offer += f" Gewählt ist der Ladestand {chosen:%d.%m.%Y}; gespeichert wird so."
            if offer:
                self.check.notes.append(offer)
        above = ""
        if sheet.header_line > 1:
            above = f", darüber {_count(sheet.header_line - 1, 'Zeile', 'Zeilen')} übersprungen"
        if layout.long:
            form = "lange Form (je Zeile ein Wert)"
        else:
            shown = ", ".join(i.code for _, i in layout.code_columns)
            form = f"breite Form (je Kennzahl eine Spalte: {shown})"
        if sheet.lines is None:  # a BA table's sheet tells its own header (ba_sheet)
            self.check.notes.append(
                f"Kopfzeile in Zeile {sheet.header_line}{where}{above}; {form}."
            )
        if layout.ignored:
            self.check.notes.append(f"Nicht gelesene Spalten{where}: {', '.join(layout.ignored)}.")
        roles = layout.roles
        headers = {role: sheet.header[index] for role, index in roles.items()}

        def column(role):
            return _Keys.of(sheet.columns[roles[role]]) if role in roles else None

        common = dict(
            sheet=sheet,
            units=column("unit"),
            months=column("month"),
            sexes=column("sex"),
            variants=column("variant"),
            flags=column("flag"),
            names=column("name"),
            headers=headers,
        )
        if layout.long:
            return [
                _Block(
                    column=headers["value"],
                    values=_Keys.of(sheet.columns[roles["value"]]),
                    codes=column("code"),
                    code=None,
                    **common,
                )
            ]
        return [
            _Block(
                column=sheet.header[index],
                values=_Keys.of(sheet.columns[index]),
                codes=None,
                code=indicator.code,
                **{**common, **_mapped_variant(layout, index, sheet)},
            )
            for index, indicator in layout.code_columns
        ]


def _mapped_variant(layout, index, sheet):
    """A mapped wide column's variant („K2:jfw“), the same in every row."""
    if index not in layout.variants:
        return {}
    rows = np.zeros(len(sheet.columns[index]), dtype=np.int32)
    return {"variants": _Keys(rows, [layout.variants[index]])}


def titles_offer(titles):
    """„Laut Datei: Datenstand 01.10.2020, Wartezeit 3 Monate.“ from a BA table's title rows,
    or "": an offer beside what the user chose, never applied silently."""
    parts = []
    if titles.ladestand is not None:
        parts.append(f"Datenstand {titles.ladestand:%d.%m.%Y}")
    if titles.waiting_months is not None:
        parts.append(f"Wartezeit {_count(titles.waiting_months, 'Monat', 'Monate')}")
    return f"Laut Datei: {', '.join(parts)}." if parts else ""


def marks_note(marks):
    """The note on the cells holding a statistical mark instead of a number, counted per mark
    with its meaning: „2 Zellen ohne Zahl übergangen (1 × „*“ (Geheimhaltung), …)“."""
    listed = ", ".join(
        f"{n} × „{mark}“" + (f" ({MARKS[mark]})" if mark in MARKS else "")
        for mark, n in sorted(marks.items())
    )
    return (
        f"{_count(sum(marks.values()), 'Zelle', 'Zellen')} ohne Zahl übergangen ({listed}); "
        "für diese Monate liefert die Datei keinen Wert."
    )


def flags_note(flag_column):
    """The note on the values kept with a flag of official statistics, counted per flag with
    its meaning: „2 Werte mit Kennzeichen übernommen (1 × „p“ (vorläufig), …)“."""
    counts = {
        storage.FLAGS[rank]: n for rank, n in enumerate(np.bincount(flag_column)) if rank and n
    }
    listed = ", ".join(
        f"{n} × „{flag_text(flag)}“ ({Flag(flag).label})" for flag, n in counts.items()
    )
    return (
        f"{_count(sum(counts.values()), 'Wert', 'Werte')} mit Kennzeichen übernommen ({listed}); "
        "sie werden mit dem Kennzeichen gespeichert und angezeigt."
    )
