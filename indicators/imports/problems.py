"""What a check finds: problems, refusals and the checked values (ImportCheck)."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import NamedTuple

import numpy as np
import pandas as pd

from indicators import storage
from indicators.imports.cells import SEX_ORDER, _count, _shown
from indicators.models import Variant
from zielsteuerung import formats
from zielsteuerung.models import OrganisationKind


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file, where the user finds it in Excel or an editor.

    `more_lines` are further lines with the same problem (e.g. the same unknown Landkreis)."""

    message: str
    line: int | None = None
    column: str | None = None
    sheet: str | None = None
    more_lines: tuple[int, ...] = ()
    order: tuple = field(default=(), compare=False, repr=False)
    hint: bool = False  # advice on how to mend other problems, not a problem to count
    layout: bool = False  # the header row or its columns were not understood: a mapping helps

    def __str__(self):
        where = []
        if self.sheet:
            where.append(f"Blatt „{self.sheet}“")
        if self.line is not None:
            where.append(f"Zeile {self.line}")
        if self.column is not None:
            where.append(f"Spalte „{_shown(self.column)}“")
        text = f"{', '.join(where)}: {self.message}" if where else self.message
        if self.more_lines:
            text = text[:-1] if text.endswith(".") else text
            text += f" (ebenso {_line_list(self.more_lines)})."
        return text


def _line_list(lines, shown=5):
    if len(lines) == 1:
        return f"in Zeile {lines[0]}"
    head = ", ".join(str(n) for n in lines[:shown])
    if len(lines) <= shown:
        head, _, last = head.rpartition(", ")
        return f"in den Zeilen {head} und {last}"
    return f"in den Zeilen {head} und {formats.number(len(lines) - shown)} weiteren"


class Refused(Exception):
    """The file as a whole cannot be read; the problems say why."""

    def __init__(self, *problems):
        self.problems = [p if isinstance(p, Problem) else Problem(p) for p in problems]
        super().__init__("\n".join(str(p) for p in self.problems))


class UnitRef(NamedTuple):
    pk: int | None  # None: a comparison unit that storing will create
    key: str
    name: str
    kind: str
    short_name: str = ""


class IndicatorRef(NamedTuple):
    pk: int
    code: str
    unit: str
    sort_order: int


@dataclass
class SummaryRow:
    unit: UnitRef
    code: str
    sex: str
    count: int
    first_month: date
    last_month: date
    total: Decimal


@dataclass
class ImportCheck:
    """What a file would deliver, or every problem that stops it."""

    file_name: str
    sha256: str
    size: int
    ladestand: date
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    units: list[UnitRef] = field(default_factory=list)
    indicators: list[IndicatorRef] = field(default_factory=list)
    # The values, one entry per cell, as parallel columns: unit and indicator are ranks into
    # the lists above, month is year * 12 + month - 1, sex 0/1/2 for g/m/w (SEX_ORDER), and
    # value the exact decimal as text ("1234567.89"). The integer columns are of the smallest
    # type that holds them (int8, int16 …): compute with them in int64.
    unit_column: np.ndarray | None = None
    indicator_column: np.ndarray | None = None
    month_column: np.ndarray | None = None
    sex_column: np.ndarray | None = None
    # Ranks in storage.VARIANTS and storage.FLAGS (0: a base quantity, no flag).
    variant_column: np.ndarray | None = None
    flag_column: np.ndarray | None = None
    # What a BA table's title rows say (ba_layout.Titles): offered, never applied silently.
    file_titles: object = None
    value_column: list[str] = field(default_factory=list)
    unknown_units: list[str] = field(default_factory=list)
    # Cells holding a mark instead of a number (`k.A.`, `n.v.`, `-` …): {mark: count}.
    skipped_marks: dict[str, int] = field(default_factory=dict)
    uncounted_problems: int = 0  # problems beyond KEPT_PROBLEMS: counted, not kept

    @property
    def ok(self):
        return not self.problems and self.value_count > 0

    @property
    def error_count(self):
        return sum(not problem.hint for problem in self.problems) + self.uncounted_problems

    @property
    def value_count(self):
        return len(self.value_column)

    @property
    def new_units(self):
        return [u for u in self.units if u.pk is None and u.kind == OrganisationKind.COMPARISON]

    @property
    def first_month(self):
        return _month_date(int(self.month_column.min())) if self.value_count else None

    @property
    def last_month(self):
        return _month_date(int(self.month_column.max())) if self.value_count else None

    def used_units(self):
        used = np.bincount(self.unit_column, minlength=len(self.units))
        return [self.units[r] for r in np.flatnonzero(used).tolist()]

    def used_codes(self):
        used = [self.indicators[r] for r in np.unique(self.indicator_column).tolist()]
        return [ref.code for ref in sorted(used, key=lambda ref: (ref.sort_order, ref.code))]

    def describe(self):
        """One German line: how many values, units, codes and which months."""
        used = self.used_units()
        aggregates = [u for u in used if u.kind == OrganisationKind.AGGREGATE]
        units = [u for u in used if u.kind != OrganisationKind.AGGREGATE] or used
        codes = self.used_codes()
        unit_text = units[0].key if len(units) == 1 else f"{formats.number(len(units))} Träger"
        if aggregates and units is not used:  # Deutschland, Länder: not counted as Träger
            unit_text += f" und {_count(len(aggregates), 'Aggregat', 'Aggregate')}"
        code_text = ", ".join(codes) if len(codes) <= 8 else f"{len(codes)} Kennzahlen"
        return (
            f"{_count(self.value_count, 'Wert', 'Werte')} für {unit_text} ({code_text}), "
            f"{_month_short(self.first_month)} bis {_month_short(self.last_month)}"
        )

    def cells(self):
        """The values as (unit key, code, month, sex, Decimal), in the order of the file; the
        code of a published Kennzahl with its variant („K2 (Jahresfortschrittswert)“)."""
        sexes = list(SEX_ORDER)
        variants = self.variant_column
        if variants is None:
            variants = np.zeros(self.value_count, dtype=np.int64)
        return [
            (
                self.units[unit].key,
                self.code_shown(indicator, variant),
                _month_date(month),
                sexes[sex],
                Decimal(value),
            )
            for unit, indicator, variant, month, sex, value in zip(
                self.unit_column.tolist(),
                self.indicator_column.tolist(),
                variants.tolist(),
                self.month_column.tolist(),
                self.sex_column.tolist(),
                self.value_column,
                strict=True,
            )
        ]

    def code_shown(self, indicator, variant):
        """The code of rank `indicator`, with the label of variant rank `variant` if any."""
        code = self.indicators[indicator].code
        if variant:  # a published Kennzahl: „K2 (Jahresfortschrittswert)“
            code = f"{code} ({Variant(storage.VARIANTS[variant]).label})"
        return code

    def summary(self):
        """Per unit, code and sex: count, first and last month and the sum of the values."""
        if not self.value_count:
            return []
        groups = self.unit_column.astype(np.int64) * len(self.indicators) + self.indicator_column
        variants = self.variant_column
        if variants is None:
            variants = np.zeros(self.value_count, dtype=np.int64)
        groups = (groups * len(storage.VARIANTS) + variants) * 3 + self.sex_column
        frame = pd.DataFrame(
            {
                "group": groups,
                "month": self.month_column,
                "value": np.array(self.value_column, dtype=np.float64),
            }
        )
        table = frame.groupby("group").agg(
            count=("month", "size"),
            first=("month", "min"),
            last=("month", "max"),
            total=("value", "sum"),
        )
        sex_names = {v: k for k, v in SEX_ORDER.items()}
        rows = []
        for group, count, first, last, total in table.itertuples(name=None):
            rest, sex = divmod(int(group), 3)
            rest, variant = divmod(rest, len(storage.VARIANTS))
            unit, indicator = divmod(rest, len(self.indicators))
            rows.append(
                SummaryRow(
                    unit=self.units[unit],
                    code=self.code_shown(indicator, variant),
                    sex=sex_names[sex],
                    count=int(count),
                    first_month=_month_date(int(first)),
                    last_month=_month_date(int(last)),
                    total=Decimal(repr(float(total))).quantize(Decimal("0.01")),
                )
            )
        order = {ref.code: ref.sort_order for ref in self.indicators}
        rows.sort(
            key=lambda r: (
                r.unit.kind != OrganisationKind.TRAEGER,
                r.unit.key,
                order[r.code.partition(" ")[0]],
                r.code,
            )
        )
        return rows


_month_date = storage.month_date


def _month_short(month):
    return f"{month:%m/%Y}" if month else "–"


KEPT_PROBLEMS = 10_000  # further problems of a file are counted, not kept (memory)
