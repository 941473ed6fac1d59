"""Writes the import test corpus (this folder). Run it after changing a case:

    .venv/bin/python tests/data/import/make_corpus.py

Every file holds the worked example of docs/domain.md § 5.5 (Heidekreis, 03358) in a form
found in real files, or one mistake. tests/test_import_corpus.py says what each file must
give: the values stored, or the exact messages.
"""

import datetime
import io
import zipfile
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent

# (code, year, month, value) of the worked example
EXAMPLE = [
    ("ELB", 2018, 12, 6000),
    ("ELB", 2019, 1, 6100),
    ("ELB", 2019, 12, 5900),
    ("ELB", 2020, 1, 5950),
    ("INT", 2019, 1, 150),
    ("INT", 2019, 2, 160),
    ("INT", 2020, 1, 160),
    ("INT", 2020, 2, 170),
    ("LZB", 2019, 1, 4000),
    ("LZB", 2019, 2, 3990),
    ("LZB", 2020, 1, 3900),
    ("LZB", 2020, 2, 3920),
    ("LLU", 2019, 1, 3400000),
    ("LLU", 2019, 2, 3380000),
    ("LLU", 2020, 1, 3350000),
    ("LLU", 2020, 2, 3390000),
]
MONTHS_DE = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
             "September", "Oktober", "November", "Dezember"]  # fmt: skip


def german(number, cents=""):
    """3400000 → "3.400.000" (with cents: "3.400.000,55")."""
    text = f"{number:,}".replace(",", ".")
    return f"{text},{cents}" if cents else text


def long_rows(key="03358", month=lambda y, m: f"{y}-{m:02d}", value=str):
    return [(key, code, month(y, m), value(v)) for code, y, m, v in EXAMPLE]


def write(name, text, encoding="utf-8"):
    (HERE / name).write_bytes(text.encode(encoding))


def csv_text(header, rows, separator=";", newline="\n"):
    lines = [separator.join(header)] + [separator.join(map(str, row)) for row in rows]
    return newline.join(lines) + newline


def wide_rows(month, value, key="03358"):
    """One row per month with the columns LLU, ELB, INT, LZB (empty where the example has none)."""
    by_month = {}
    for code, y, m, v in EXAMPLE:
        by_month.setdefault((y, m), {})[code] = v
    rows = []
    for (y, m), codes in sorted(by_month.items()):
        cells = [value(codes[c]) if c in codes else "" for c in ("LLU", "ELB", "INT", "LZB")]
        rows.append([key, month(y, m), *cells])
    return rows


def accepted():
    header = ["traeger", "kennzahl", "monat", "wert"]
    write("lang_semikolon.csv", csv_text(header, long_rows()))
    write(
        "lang_utf8_bom.csv",
        "\ufeff" + csv_text(["Träger", "Kennzahl", "Berichtsmonat", "Wert"], long_rows()),
    )
    # Excel "CSV (Trennzeichen-getrennt)": Windows-1252, CRLF, German numbers, month names.
    write(
        "lang_windows1252.csv",
        csv_text(
            ["Träger", "Kennzahl", "Monat", "Wert"],
            long_rows(
                month=lambda y, m: f"{MONTHS_DE[m - 1]} {y}",
                value=lambda v: german(v, "55") if v > 100000 else german(v),
            ),
            newline="\r\n",
        ),
        encoding="cp1252",
    )
    write(
        "lang_komma.csv",
        csv_text(
            ['"traeger"', '"kennzahl"', '"monat"', '"wert"'],
            [
                (f'"{k}"', c, m, f"{v}.55" if int(v) > 100000 else v)
                for k, c, m, v in long_rows(month=lambda y, m: f"{m:02d}/{y}")
            ],
            separator=",",
        ),
    )
    write(
        "lang_tabulator.txt",
        csv_text(header, long_rows(month=lambda y, m: f"{m:02d}.{y}"), separator="\t"),
    )
    write(
        "lang_utf16.txt",
        "\ufeff"
        + csv_text(
            ["Träger", "Kennzahl", "Monat", "Wert"],
            long_rows(month=lambda y, m: f"{m}.{y}"),
            separator="\t",
            newline="\r\n",
        ),
        encoding="utf-16-le",
    )
    write(
        "kreisschluessel_ohne_null.csv",
        csv_text(header, long_rows(key="3358")),
    )
    formats = [
        "{y}-{m:02d}",
        "{m:02d}/{y}",
        "{m:02d}.{y}",
        "{abbr} {y}",
        "{name} {y}",
        "{y}{m:02d}",
    ]
    rows = []
    for index, (code, y, m, v) in enumerate(EXAMPLE):
        pattern = formats[index % len(formats)]
        name = MONTHS_DE[m - 1]
        text = pattern.format(y=y, m=m, abbr=name[:3], name=name)
        rows.append(("03358", code, text, v))
    rows[0] = ("03358", "ELB", "43435", 6000)  # Excel serial number of 2018-12-01
    rows[5] = ("03358", "INT", "Feb. 2019", 160)
    write("monatsformate.csv", csv_text(header, rows))
    text = csv_text(header + ["", ""], [[*row, "", ""] for row in long_rows()])
    lines = text.splitlines()
    lines.insert(3, "")
    lines.insert(8, ";;;;;")
    lines = [lines[0]] + [
        f"  {line.replace(';', ' ; ')}  " if i % 3 == 0 else line
        for i, line in enumerate(lines[1:])
    ]
    write("leerzeilen_und_leerzeichen.csv", "\n".join(lines) + "\n\n\n")
    write(
        "breit_deutsch.csv",
        csv_text(
            ["Kreisschlüssel", "Monat", "LLU", "ELB", "INT", "LZB"],
            wide_rows(lambda y, m: f"{m:02d}.{y}", lambda v: german(v)),
        ),
    )
    write(
        "synonyme_und_namensspalte.csv",
        csv_text(
            ["Kreisschlüssel", "Jobcenter", "Code", "Berichtsmonat", "Wert", "Bemerkung"],
            [(k, "Jobcenter Heidekreis", c, m, v, "") for k, c, m, v in long_rows()],
        ),
    )
    write(
        "deutsch_tausenderpunkt.csv",
        csv_text(header, long_rows(value=lambda v: german(v))),
    )
    write(
        "punkt_als_dezimalzeichen.csv",
        csv_text(
            header,
            [
                *long_rows(),
                ("03358", "K2", "2020-02", "5.570"),
                ("03358", "K3", "2020-02", "-2.13"),
            ],
        ),
    )
    rows = long_rows()
    rows.insert(5, rows[4])  # the same value twice
    write("doppelt_gleicher_wert.csv", csv_text(header, rows))
    rows = [
        *long_rows(),
        ("Summe", "", "", "34.000.000"),
        ("Quelle: Jobcenter Heidekreis", "", "", ""),
    ]
    write("summe_und_fussnote.csv", csv_text(header, rows))
    sexes = [("g", "6000"), ("Männer", "3100"), ("weiblich", "2900")]
    write(
        "geschlecht.csv",
        csv_text(
            [*header, "geschlecht"],
            [("03358", "ELB", "2018-12", value, sex) for sex, value in sexes],
        ),
    )
    write(
        "vergleichseinheiten.csv",
        csv_text(
            ["Kreisschlüssel", "Name", "Kennzahl", "Monat", "Wert"],
            [
                ("03358", "Heidekreis", "ELB", "2020-01", "5950"),
                ("03101", "Braunschweig, Stadt", "ELB", "2020-01", "9100"),
                ("03241", "Region Hannover", "ELB", "2020-01", "61000"),
            ],
        ),
    )
    excel_with_title_rows()
    (HERE / "xlsx_mit_endung_csv.csv").write_bytes((HERE / "excel_titelzeilen.xlsx").read_bytes())


def excel_with_title_rows():
    """As controllers keep it: title rows, a date cell per month, numbers as numbers, the
    Kreisschlüssel as a number (Excel dropped the zero), a blank row and a second sheet."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Daten"
    sheet.append(["Jobcenter Heidekreis – Monatsdaten SGB II"])
    sheet.append(["Stand: 17.03.2020"])
    sheet.append([])
    sheet.append(["Träger", "Monat", "LLU", "ELB", "INT", "LZB"])
    for key, month, *cells in wide_rows(
        lambda y, m: datetime.datetime(y, m, 1), lambda v: v, key="3358"
    ):
        sheet.append([int(key), month, *(c if c != "" else None for c in cells)])
        sheet.cell(row=sheet.max_row, column=2).number_format = "MMM YY"
    sheet.insert_rows(8)
    notes = workbook.create_sheet("Hinweise")
    notes.append(["Diese Arbeitsmappe enthält die Basisgrößen des Jobcenters."])
    workbook.save(HERE / "excel_titelzeilen.xlsx")


def refused():
    header = ["traeger", "kennzahl", "monat", "wert"]
    rows = long_rows()
    rows[5] = ("03358", "INT", "2019-02", "12,3,4")  # line 7
    write("fehler_zahl.csv", csv_text(header, rows))
    rows = long_rows()
    rows[2] = ("03358", "ELB-XY", "2019-12", "5900")
    write("fehler_kennzahl.csv", csv_text(header, rows))
    rows = long_rows()
    rows[3] = ("99999", "ELB", "2020-01", "5950")
    write("fehler_landkreis.csv", csv_text(header, rows))
    rows = long_rows()
    rows[6] = ("03358", "INT", "2020-01", "-160")
    write("fehler_negativ.csv", csv_text(header, rows))
    write("fehler_zukunft.csv", csv_text(header, [*long_rows(), ("03358", "INT", "2020-04", "12")]))
    rows = long_rows()
    rows.append(("03358", "ELB", "2019-01", "6200"))
    write("fehler_doppelt.csv", csv_text(header, rows))
    write(
        "fehler_komma_ohne_anfuehrungszeichen.csv",
        csv_text(header, [("03358", "LLU", "2020-01", "3350000,5")], separator=","),
    )
    write(
        "fehler_mehrere.csv",
        csv_text(header, [("3358", "ELB", "13/2020", "zwölf"), ("03358", "", "2020-01", "5")]),
    )
    write("leer.csv", "")
    write("nur_kopfzeile.csv", "traeger;kennzahl;monat;wert\n")
    write(
        "keine_tabelle.txt",
        "Sehr geehrte Damen und Herren,\nanbei die Zahlen für Januar.\nMit freundlichen Grüßen\n",
    )
    write("keine_kopfzeile.csv", csv_text(["Kreis", "Größe", "Zeit", "Zahl"], long_rows()))
    write(
        "breit_unbekannte_spalte.csv",
        csv_text(["traeger", "monat", "ELB", "ELB_AE2"], [("03358", "2020-01", "5950", "1")]),
    )
    (HERE / "pdf_als_xlsx.xlsx").write_bytes(
        b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    )
    (HERE / "altes_excel.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    zip_bomb()


def mapped():
    """A header the product does not recognise on its own: the mapping step's example
    (docs/import.md, „Spalten zuordnen“; tests/test_import_mapping.py)."""
    header = ["Kreis", "Name", "Berichtsmonat", "Erwerbsfähige LB", "Integrationen",
              "JFW Integrationsquote", "Bemerkung"]  # fmt: skip
    rows = [
        ("03358", "Heidekreis", "01/2020", "5.950", "160", "12,5", ""),
        ("03358", "Heidekreis", "02/2020", "5.900", "170", "13,1", "vorläufig"),
    ]
    titles = "Eigene Auswertung Jobcenter Heidekreis;;;;;;\nStand: März 2020;;;;;;\n"
    write("eigene_kopfzeile.csv", titles + csv_text(header, rows))


def zip_bomb():
    """Looks like a workbook; its sheet would unpack to 200 MB of zeros (from 200 kB)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            block = bytes(1024 * 1024)
            for _ in range(200):
                member.write(block)
    (HERE / "zipbombe.xlsx").write_bytes(buffer.getvalue())


# ---------------------------------------------------------------------------------------------
# BA-style files (issue 17, docs/import.md „Dateien der BA“): as the BA publishes them, for the 16 zkT of
# Niedersachsen plus the rows of Deutschland and Niedersachsen. `BA_EXPECTED` says what each
# file holds, for the tests.

ZKT_NIEDERSACHSEN = [
    ("03451", "Ammerland"),
    ("03452", "Aurich"),
    ("03454", "Emsland"),
    ("03455", "Friesland"),
    ("03159", "Göttingen"),
    ("03456", "Grafschaft Bentheim"),
    ("03457", "Leer"),
    ("03458", "Oldenburg"),
    ("03459", "Osnabrück"),
    ("03356", "Osterholz"),
    ("03157", "Peine"),
    ("03357", "Rotenburg (Wümme)"),
    ("03257", "Schaumburg"),
    ("03358", "Heidekreis"),
    ("03361", "Verden"),
    ("03462", "Wittmund"),
]
BA_AGGREGATES = [("D", "Deutschland", "Deutschland"), ("03", "Niedersachsen", "03 Niedersachsen")]
# Columns of the published table: (code, variant) under the merged labels.
BA_KENNZAHLEN = [
    ("K1", "vorjahresmonat"),
    ("K1", "jfw"),
    ("K2", "zwoelf_monate"),
    ("K2", "jfw"),
    ("K3", "vorjahresmonat"),
    ("K3", "jfw"),
]
BA_LABELS = {
    "K1": "K1 – Veränderung der Summe der Leistungen zum Lebensunterhalt",
    "K2": "K2 – Integrationsquote",
    "K3": "K3 – Veränderung des Bestands an Langzeitleistungsbeziehenden",
}
BA_SUBLABELS = {
    "vorjahresmonat": "Veränderung zum Vorjahresmonat in %",
    "jfw": "Jahresfortschrittswert in %",
    "zwoelf_monate": "12-Monats-Wert in %",
}
# Cells that hold a mark or a flagged number instead of a plain number: (key, column) → text.
BA_SPECIAL = {
    ("03358", 0): "(1,5)",
    ("03358", 1): "x",
    ("03358", 2): "21,0 p",
    ("03452", 3): "*",
    ("03457", 4): "r -2,4",
    ("03462", 5): "-",
    ("03159", 2): ".",
    ("03356", 3): "22,5p",
    ("D", 5): "…",
}
BA_VARIABLES = ["llu", "luh", "elb", "int", "lzb", "elb_allein", "int_allein", "int_lzb"]
BA_VARIABLE_LABELS = [
    "Summe der Leistungen zum Lebensunterhalt in Euro",
    "Summe der Leistungen für Unterkunft und Heizung in Euro",
    "Erwerbsfähige Leistungsberechtigte",
    "Integrationen",
    "Langzeitleistungsbeziehende",
    "Erwerbsfähige Leistungsberechtigte, Alleinerziehende",
    "Integrationen von Alleinerziehenden",
    "Integrationen von Langzeitleistungsbeziehenden",
]
BA_CODES = ["LLU", "LUH", "ELB", "INT", "LZB", "ELB_AE", "INT_AE", "INT_LZB"]


def ba_published(row, column):
    """The published value of region `row` (0 = Deutschland) in `column`: one decimal."""
    code, variant = BA_KENNZAHLEN[column]
    if code == "K2":
        return round(20 + row * 0.7 + (0.4 if variant == "jfw" else 0), 1)
    return round(-3.5 + row * 0.3 + column * 0.1, 1)


def ba_base(row, variable, month):
    """A base quantity of region `row` (Heidekreis: the worked example where it has one)."""
    key = ([a[0] for a in BA_AGGREGATES] + [k for k, _ in ZKT_NIEDERSACHSEN])[row]
    example = {(c, (y, m)): v for c, y, m, v in EXAMPLE}
    code = BA_CODES[variable]
    if key == "03358" and (code, month) in example:
        return example[code, month]
    size = 400 if row == 0 else 40 if row == 1 else 1
    base = [3_000_000, 1_500_000, 5000, 150, 3500, 800, 20, 40][variable]
    return size * (base + (row * 37 + variable * 11 + month[1] * 3) % 200 * (base // 1000 or 1))


def ba_region_labels():
    return [label for _, _, label in BA_AGGREGATES] + [f"{k} {n}" for k, n in ZKT_NIEDERSACHSEN]


def ba_region_keys():
    return [key for key, _, _ in BA_AGGREGATES] + [k for k, _ in ZKT_NIEDERSACHSEN]


def ba_kennzahlen_xlsx():
    """Published Kennzahlen for June 2020: title rows with Berichtsmonat and Datenstand, a label
    row merged over two sub-columns (K3 repeated instead of merged), the sub-label row, a
    numbered column row, Deutschland and Niedersachsen before the 16 zkT, marks and flags,
    footnotes and a notes sheet."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Kennzahlen"
    sheet.append(["Kennzahlen nach § 48a SGB II – zugelassene kommunale Träger"])
    sheet.append(["Berichtsmonat: Juni 2020"])
    sheet.append(["Datenstand: Oktober 2020 (Daten nach einer Wartezeit von 3 Monaten)"])
    sheet.append([])
    sheet.append(["Region", BA_LABELS["K1"], None, BA_LABELS["K2"], None, *[BA_LABELS["K3"]] * 2])
    sheet.merge_cells("B5:C5")
    sheet.merge_cells("D5:E5")
    sheet.append([None, *(BA_SUBLABELS[variant] for _, variant in BA_KENNZAHLEN)])
    sheet.append(list(range(1, len(BA_KENNZAHLEN) + 2)))
    for row, (key, label) in enumerate(zip(ba_region_keys(), ba_region_labels(), strict=True)):
        cells = [
            BA_SPECIAL.get((key, column), ba_published(row, column))
            for column in range(len(BA_KENNZAHLEN))
        ]
        sheet.append([label, *cells])
    sheet.append([])
    sheet.append(["1) K2: Integrationen der letzten 12 Monate je durchschnittlichem ELB-Bestand."])
    sheet.append(["Quelle: Statistik der Bundesagentur für Arbeit"])
    sheet.append(["© Statistik der Bundesagentur für Arbeit, Nürnberg 2020"])
    notes = workbook.create_sheet("Hinweise")
    notes.append(["Zeichenerklärung"])
    for mark, meaning in [("-", "nichts vorhanden"), ("x", "Nachweis nicht sinnvoll"),
                          ("*", "Geheimhaltung"), ("( )", "Aussagewert eingeschränkt"),
                          ("p", "vorläufig"), ("r", "berichtigt")]:  # fmt: skip
        notes.append([mark, meaning])
    workbook.save(HERE / "ba_kennzahlen.xlsx")


def ba_grunddaten():
    """Base data with a label row over the BA's variable names: January 2020 as XLSX (the month
    in the title only), January and February 2020 as CSV (Windows-1252, `;`, German numbers, a
    month column „Jan 20“ / „2020/02“)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Grunddaten"
    sheet.append(["Grunddaten nach § 48a SGB II"])
    sheet.append(["Berichtsmonat: Januar 2020"])
    sheet.append(["Datenstand: 20.05.2020 (Daten nach einer Wartezeit von 3 Monaten)"])
    sheet.append(["Region", *BA_VARIABLE_LABELS])
    sheet.append([None, *BA_VARIABLES])
    sheet.append(list(range(1, len(BA_VARIABLES) + 2)))
    for row, label in enumerate(ba_region_labels()):
        sheet.append([label, *(ba_base(row, v, (2020, 1)) for v in range(len(BA_VARIABLES)))])
    sheet.append(["Quelle: Statistik der Bundesagentur für Arbeit"])
    workbook.save(HERE / "ba_grunddaten.xlsx")
    rows = []
    for month, shown in [((2020, 1), "Jan 20"), ((2020, 2), "2020/02")]:
        for row, label in enumerate(ba_region_labels()):
            values = [german(ba_base(row, v, month)) for v in range(len(BA_VARIABLES))]
            rows.append([label, shown, *values])
    text = csv_text(["Region", "Berichtsmonat", *BA_VARIABLE_LABELS], rows, newline="\r\n")
    label_row, *data = text.split("\r\n")
    variables = ";".join(["", "", *BA_VARIABLES])
    footnote = "Hinweis: Werte ohne Gewähr"
    text = "\r\n".join([label_row, variables, *data[:-1], footnote, ""])
    write("ba_grunddaten.csv", text, encoding="cp1252")


def ba_expected():
    """{file: what it holds}: the titles and, per (region key, code, variant, year, month), the
    value text for the number parser and its flag, or the mark standing instead."""
    published = {}
    for row, key in enumerate(ba_region_keys()):
        for column, (code, variant) in enumerate(BA_KENNZAHLEN):
            text = BA_SPECIAL.get((key, column))
            value = german_decimal(ba_published(row, column)) if text is None else text
            published[key, code, variant, 2020, 6] = value
    base = {}
    for month in [(2020, 1), (2020, 2)]:
        for row, key in enumerate(ba_region_keys()):
            for variable, code in enumerate(BA_CODES):
                base[key, code, "", *month] = str(ba_base(row, variable, month))
    return {
        "ba_kennzahlen.xlsx": {
            "titles": ((2020, 6), datetime.date(2020, 10, 1), 3),
            "cells": published,
        },
        "ba_grunddaten.xlsx": {
            "titles": ((2020, 1), datetime.date(2020, 5, 20), 3),
            "cells": {k: v for k, v in base.items() if k[3:] == (2020, 1)},
        },
        "ba_grunddaten.csv": {"titles": (None, None, None), "cells": base},
    }


def german_decimal(number):
    """-1.5 → "-1,5": how the tests write an expected published value."""
    return f"{number:.1f}".replace(".", ",")


def ba_files():
    ba_kennzahlen_xlsx()
    ba_grunddaten()


BA_EXPECTED = ba_expected()


if __name__ == "__main__":
    accepted()
    refused()
    mapped()
    ba_files()
    print(f"Korpus geschrieben: {HERE}")
