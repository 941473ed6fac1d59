"""Small SVG line charts for the Dialogmappe (PDF): no JavaScript and no image renderer
needed, WeasyPrint draws the SVG itself. Pure functions: numbers in, geometry out."""

from dataclasses import dataclass
from decimal import Decimal

from agreements.charts import nice_ticks
from zielsteuerung.formats import MONTH_ABBREVIATIONS


@dataclass(frozen=True)
class Line:
    label: str
    css_class: str
    segments: list[str]  # SVG polyline point lists; a gap in the data starts a new segment
    dots: list[tuple[float, float]]


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: int
    top: int
    plot_width: int
    plot_height: int
    lines: list[Line]
    x_ticks: list[tuple[float, str]]
    y_ticks: list[tuple[float, Decimal]]

    @property
    def bottom(self):
        return self.top + self.plot_height

    @property
    def right(self):
        return self.left + self.plot_width

    @property
    def legend(self):
        """The lines that have at least one value."""
        return [line for line in self.lines if line.dots]


def month_chart(series, *, width=480, height=180, left=70, top=12, right=10, bottom=24):
    """`series`: (label, css_class, twelve values or None) per line, January to December.

    Returns None when no line has a value, so the caller shows a table only."""
    values = [v for _, _, points in series for v in points if v is not None]
    if not values:
        return None
    # Round tick values (`8,4 %`, not `8,43 %`); the axis spans them, not zero.
    ticks, places = nice_ticks(values)
    low, high = ticks[0], ticks[-1]
    plot_width = width - left - right
    plot_height = height - top - bottom

    def x(index):
        return round(left + plot_width * (index + 0.5) / 12, 1)

    def y(value):
        return round(top + plot_height * float((high - Decimal(value)) / (high - low)), 1)

    lines = []
    for label, css_class, points in series:
        segments, current, dots = [], [], []
        for index, value in enumerate(points):
            if value is None:
                if current:
                    segments.append(" ".join(current))
                current = []
                continue
            current.append(f"{x(index)},{y(value)}")
            dots.append((x(index), y(value)))
        if current:
            segments.append(" ".join(current))
        lines.append(Line(label, css_class, segments, dots))
    y_ticks = [(y(tick), tick.quantize(Decimal(1).scaleb(-places))) for tick in ticks]
    x_ticks = [(x(i), MONTH_ABBREVIATIONS[i]) for i in range(12)]
    return Chart(width, height, left, top, plot_width, plot_height, lines, x_ticks, y_ticks)
