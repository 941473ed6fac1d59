"""The tile map of Niedersachsen: one square per Kreis, roughly where it lies, coloured by the
status of one goal (an overview column: `K2`, `K3`, `K2-2` …) in each of the 16 zkT; the other
Kreise, whose Jobcenter are joint institutions with the Bundesagentur (at most comparison
units here), are grey. Why tiles and not shapes: docs/dashboards.md („Map“).

The status comes from the overview's cells (`dashboards.build_overview`, with the final
assessment marked by `year_end.mark_final`): nothing here judges a goal."""

from dataclasses import dataclass

from indicators.computations import Verdict

# (Kreisschlüssel, name, column, row): 9 columns west → east, 8 rows north → south.
TILES = [
    ("03402", "Emden", 0, 0),
    ("03452", "Aurich", 1, 0),
    ("03462", "Wittmund", 2, 0),
    ("03455", "Friesland", 3, 0),
    ("03405", "Wilhelmshaven", 4, 0),
    ("03352", "Cuxhaven", 5, 0),
    ("03359", "Stade", 6, 0),
    ("03457", "Leer", 1, 1),
    ("03451", "Ammerland", 2, 1),
    ("03403", "Oldenburg (Oldb), Stadt", 3, 1),
    ("03461", "Wesermarsch", 4, 1),
    ("03356", "Osterholz", 5, 1),
    ("03357", "Rotenburg (Wümme)", 6, 1),
    ("03353", "Harburg", 7, 1),
    ("03355", "Lüneburg", 8, 1),
    ("03454", "Emsland", 1, 2),
    ("03453", "Cloppenburg", 2, 2),
    ("03458", "Oldenburg", 3, 2),
    ("03401", "Delmenhorst", 4, 2),
    ("03361", "Verden", 5, 2),
    ("03358", "Heidekreis", 6, 2),
    ("03360", "Uelzen", 7, 2),
    ("03354", "Lüchow-Dannenberg", 8, 2),
    ("03456", "Grafschaft Bentheim", 1, 3),
    ("03460", "Vechta", 2, 3),
    ("03251", "Diepholz", 3, 3),
    ("03256", "Nienburg (Weser)", 4, 3),
    ("03351", "Celle", 6, 3),
    ("03151", "Gifhorn", 7, 3),
    ("03103", "Wolfsburg", 8, 3),
    ("03459", "Osnabrück", 2, 4),
    ("03404", "Osnabrück, Stadt", 3, 4),
    ("03257", "Schaumburg", 4, 4),
    ("03241", "Region Hannover", 5, 4),
    ("03157", "Peine", 6, 4),
    ("03101", "Braunschweig", 7, 4),
    ("03154", "Helmstedt", 8, 4),
    ("03252", "Hameln-Pyrmont", 4, 5),
    ("03254", "Hildesheim", 5, 5),
    ("03102", "Salzgitter", 6, 5),
    ("03158", "Wolfenbüttel", 7, 5),
    ("03255", "Holzminden", 4, 6),
    ("03155", "Northeim", 5, 6),
    ("03153", "Goslar", 6, 6),
    ("03159", "Göttingen", 5, 7),
]
COLUMNS, ROWS = 9, 8
TILE, GAP = 60, 4  # SVG units

# The short label inside a zkT's tile: its vehicle registration code, as on a road sign.
LABELS = {
    "03451": "WST",
    "03452": "AUR",
    "03454": "EL",
    "03455": "FRI",
    "03159": "GÖ",
    "03456": "NOH",
    "03457": "LER",
    "03458": "OL",
    "03459": "OS",
    "03356": "OHZ",
    "03157": "PE",
    "03357": "ROW",
    "03257": "SHG",
    "03358": "HK",
    "03361": "VER",
    "03462": "WTM",
}


@dataclass(frozen=True)
class Status:
    """How a tile reads: a class for colour and pattern, a symbol for reading without colour,
    and the words."""

    key: str  # on, off, no-data, monitoring, no-goal, no-agreement, other
    symbol: str
    label: str


def _status(cell, month):
    if cell.final is not None:
        key = "on" if cell.final.met else "off"
        return Status(key, "✓" if cell.final.met else "✗", f"abschließend: {cell.final.label}")
    verdict = cell.verdict
    symbols = {
        Verdict.MET: ("on", "✓"),
        Verdict.NOT_MET: ("off", "✗"),
        Verdict.NO_DATA: ("no-data", "?"),
        Verdict.MONITORING: ("monitoring", "M"),
    }
    key, symbol = symbols[verdict]
    return Status(key, symbol, verdict.label_for(month))


@dataclass(frozen=True)
class Tile:
    key: str
    name: str
    column: int
    row: int
    status: Status
    label: str = ""  # the text in the tile; empty for the grey Kreise
    cell: object = None  # the overview cell (dashboards.Cell), for the table
    agreement: object = None

    @property
    def x(self):
        return self.column * (TILE + GAP)

    @property
    def y(self):
        return self.row * (TILE + GAP)

    @property
    def center_x(self):
        return self.x + TILE // 2

    @property
    def is_traeger(self):
        return bool(self.label)


@dataclass
class TileMap:
    year: int
    column: object  # dashboards.GoalColumn
    tiles: list
    month: object = None

    @property
    def width(self):
        return COLUMNS * (TILE + GAP) - GAP

    @property
    def height(self):
        return ROWS * (TILE + GAP) - GAP

    @property
    def traeger_tiles(self):
        return sorted((t for t in self.tiles if t.is_traeger), key=lambda t: t.name)

    def count(self, key):
        return sum(1 for tile in self.tiles if tile.status.key == key)

    @property
    def summary(self):
        """`K2 im Juni 2020: 9 auf Zielkurs, 4 nicht auf Zielkurs, 3 ohne Daten` (the words
        of the map for a screen reader, and its caption)."""
        parts = [
            (self.count("on"), "on"),
            (self.count("off"), "off"),
            (self.count("no-data"), "no-data"),
            (self.count("monitoring"), "monitoring"),
            (self.count("no-goal") + self.count("no-agreement"), "none"),
        ]
        words = {
            "on": Verdict.MET.label_for(self.month),
            "off": Verdict.NOT_MET.label_for(self.month),
            "no-data": "keine Daten",
            "monitoring": "Monitoring ohne Zielwert",
            "none": "ohne Ziel oder Vereinbarung",
        }
        return ", ".join(f"{n} {words[key]}" for n, key in parts if n)


def build(overview, column_key):
    """The map of the overview's column `column_key` (None when the overview has no such
    column)."""
    column = next((c for c in overview.columns if c.key == column_key), None)
    if column is None:
        return None
    rows = {row.traeger.key: row for row in overview.rows}
    tiles = []
    for key, name, x, y in TILES:
        label = LABELS.get(key, "")
        row = rows.get(key)
        if not label:
            status = Status(
                "other", "", "gemeinsame Einrichtung – keine Zielvereinbarung mit dem Land"
            )
            tiles.append(Tile(key, name, x, y, status))
            continue
        name = row.traeger.name if row else f"Landkreis {name}"
        cell = row.cells.get(column.key) if row else None
        if row is None:
            status = Status("no-agreement", "–", f"keine Zielvereinbarung {overview.year}")
        elif cell is None:
            status = Status("no-goal", "–", f"kein Ziel zu {column.code}")
        else:
            status = _status(cell, overview.month)
        agreement = row.agreement if row else None
        tiles.append(Tile(key, name, x, y, status, label, cell, agreement))
    return TileMap(overview.year, column, tiles, overview.month)
