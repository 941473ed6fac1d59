"""The template workbook users download."""

import io

from indicators.models import (
    Indicator,
)


def template_workbook():
    """An XLSX with an empty sheet for each layout and an explanation listing every code."""
    import openpyxl
    from openpyxl.styles import Font

    indicators = list(Indicator.objects.order_by("sort_order", "code"))
    base_codes = [i.code for i in indicators if i.kind == "basis"]
    workbook = openpyxl.Workbook()
    bold = Font(bold=True)

    def header(sheet, cells, widths):
        sheet.append(cells)
        for cell in sheet[1]:
            cell.font = bold
        for column, width in zip("ABCDEFGHIJKLMNOP", widths, strict=False):
            sheet.column_dimensions[column].width = width
        sheet.freeze_panes = "A2"

    long = workbook.active
    long.title = "Lang"
    header(long, ["traeger", "kennzahl", "monat", "wert", "geschlecht"], [12, 12, 12, 16, 12])
    wide = workbook.create_sheet("Breit")
    header(wide, ["traeger", "monat", *base_codes], [12, 12] + [14] * len(base_codes))
    for sheet in (long, wide):  # keep the leading zero of Kreisschlüssel and months as typed
        sheet.column_dimensions["A"].number_format = "@"
    long.column_dimensions["C"].number_format = "@"
    wide.column_dimensions["B"].number_format = "@"

    notes = workbook.create_sheet("Erläuterung")
    notes.column_dimensions["A"].width = 14
    notes.column_dimensions["B"].width = 90
    lines = [
        ("Kennzahlen hochladen", ""),
        (
            "",
            "Füllen Sie eines der Blätter „Lang“ oder „Breit“ aus (oder beide) und laden Sie "
            "die Datei hoch. Eine CSV-Datei mit denselben Spalten geht ebenso.",
        ),
        ("Lang", "Eine Zeile je Wert: traeger; kennzahl; monat; wert; geschlecht (optional)."),
        ("", "Beispiel: 03358 | ELB | 2020-01 | 5950 | g"),
        ("Breit", "Eine Zeile je Träger und Monat, eine Spalte je Kennzahl."),
        ("", "Beispiel: 03358 | 2020-01 | 3350000 | … | 5950 | 160 | …"),
        ("traeger", "Kreisschlüssel, z. B. 03358 (auch 3358, wenn Excel die Null entfernt hat)."),
        (
            "monat",
            "Berichtsmonat: 2020-01, 01/2020, 01.2020, Jan 2020, Januar 2020 oder ein Excel-Datum.",
        ),
        (
            "wert",
            "Zahl, deutsch (1.234.567,89) oder mit Dezimalpunkt (1234567.89); leere "
            "Zellen werden übergangen.",
        ),
        ("geschlecht", "g (gesamt, Standard), m (Männer) oder w (Frauen)."),
        ("", ""),
        ("Kennzahl", "Bezeichnung"),
    ]
    for line in lines:
        notes.append(list(line))
    notes["A1"].font = Font(bold=True, size=14)
    notes.cell(row=len(lines), column=1).font = bold
    notes.cell(row=len(lines), column=2).font = bold
    for indicator in indicators:
        notes.append([indicator.code, f"{indicator.name} ({indicator.get_unit_display()})"])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
