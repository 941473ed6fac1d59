"""Completeness of the Jobcenter deliveries: for every Landkreis and reporting month, whether
its data arrived, when, with which Ladestand, and whether by the due day the ministry set.

A month counts as delivered by the first delivery *for* the Landkreis (a Jobcenter upload,
`DataDelivery.organisation`) that holds a value of that Landkreis for the month; land- or
nation-wide deliveries (BA, demo data) do not count as the Jobcenter's. The reporting rate on
time follows DHIS2's REPORTING_RATE_ON_TIME: of the months already due, the share delivered by
their due day. The rule lives here once; the board (dialogs/completeness.py) and the reminders
read it from here."""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from indicators.models import DataDelivery, DeliveryDeadline, Values
from indicators.storage import month_date, month_number

DEFAULT_MONTHS_AFTER = 2
DEFAULT_DAY = 10


class State:
    ON_TIME = "puenktlich"
    LATE = "verspaetet"
    MISSING = "fehlt"
    OPEN = "offen"  # not yet due, not yet delivered


STATE_LABELS = {
    State.ON_TIME: "pünktlich",
    State.LATE: "verspätet",
    State.MISSING: "fehlt",
    State.OPEN: "noch nicht fällig",
}


def add_months(month, count):
    return month_date(month_number(month) + count)


def due_date(month, rules=()):
    """The due day of reporting `month` under `rules` ((valid_from, months_after, day), oldest
    first): the newest rule valid from `month` or earlier, else the 10th of the month after next."""
    months_after, day = DEFAULT_MONTHS_AFTER, DEFAULT_DAY
    for valid_from, rule_months_after, rule_day in rules:
        if valid_from <= month:
            months_after, day = rule_months_after, rule_day
    return add_months(month, months_after).replace(day=day)


@dataclass(frozen=True)
class Cell:
    month: datetime.date
    due: datetime.date
    state: str
    delivered_on: datetime.date | None = None
    ladestand: datetime.date | None = None
    delivery_id: int | None = None

    @property
    def label(self):
        return STATE_LABELS[self.state]

    @property
    def expected(self):
        """Counted in the reporting rate: its due day has come (or it arrived anyway)."""
        return self.state != State.OPEN


@dataclass(frozen=True)
class Rate:
    on_time: int
    expected: int

    @property
    def share(self):
        """Percent of the expected deliveries that arrived on time; None when none was due."""
        if not self.expected:
            return None
        return 100 * self.on_time / self.expected


@dataclass
class Row:
    traeger: object
    cells: list = field(default_factory=list)

    @property
    def rate(self):
        due = [cell for cell in self.cells if cell.expected]
        return Rate(sum(cell.state == State.ON_TIME for cell in due), len(due))

    @property
    def overdue(self):
        return [cell for cell in self.cells if cell.state == State.MISSING]


def cell_for(month, due, first, today):
    """State of one month: `first` is (delivered_on, ladestand, delivery_id) or None."""
    if first is None:
        return Cell(month, due, State.MISSING if today > due else State.OPEN)
    delivered_on, ladestand, delivery_id = first
    state = State.ON_TIME if delivered_on <= due else State.LATE
    return Cell(month, due, state, delivered_on, ladestand, delivery_id)


def land_rate(rows):
    rates = [row.rate for row in rows]
    return Rate(sum(r.on_time for r in rates), sum(r.expected for r in rates))


def rules():
    return list(
        DeliveryDeadline.objects.in_force().values_list("valid_from", "months_after", "day")
    )


def board(traeger, year, today):
    """One Row per Landkreis of `traeger` with a Cell per month of `year` up to today's month.

    Three queries: the deadline rules, the months the Landkreise' own deliveries hold, and
    those deliveries."""
    months = [datetime.date(year, m, 1) for m in range(1, 13)]
    months = [month for month in months if month <= today.replace(day=1)]
    deadline_rules = rules()
    traeger = list(traeger)
    held = (
        Values.objects.for_units(traeger)
        .of_own_deliveries()
        .months_held(datetime.date(year, 1, 1), datetime.date(year, 12, 1))
    )
    held = {(unit_id, delivery_id, month) for unit_id, delivery_id, _code, month in held}
    deliveries = DataDelivery.objects.in_bulk({delivery_id for _, delivery_id, _ in held})
    first_by_month = {}
    for unit_id, delivery_id, month in sorted(
        held, key=lambda key: (deliveries[key[1]].created_at, key[1])
    ):
        delivery = deliveries[delivery_id]
        first_by_month.setdefault(
            (unit_id, month),
            (timezone.localdate(delivery.created_at), delivery.ladestand, delivery_id),
        )
    return [
        Row(
            unit,
            [
                cell_for(
                    month,
                    due_date(month, deadline_rules),
                    first_by_month.get((unit.pk, month)),
                    today,
                )
                for month in months
            ],
        )
        for unit in traeger
    ]
