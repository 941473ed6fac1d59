"""The completeness board: who delivered which month when, late or missing against the due day
the ministry sets, the reporting rate on time, and the dialogs' cycle; scoped like every page."""

import datetime
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from indicators import completeness
from indicators.completeness import Cell, State, due_date
from indicators.models import DataDelivery, DeliveryDeadline, DeliverySource, Indicator
from indicators.storage import store_cells
from tests.dialogs_world import make_delivery
from zielsteuerung.models import Organisation

BOARD = reverse("dialogs:completeness")
DEADLINE = reverse("dialogs:deadline")


def test_default_due_day_is_the_tenth_of_the_month_after_next():
    assert due_date(date(2026, 1, 1)) == date(2026, 3, 10)
    assert due_date(date(2026, 11, 1)) == date(2027, 1, 10)


def test_a_rule_applies_from_its_month_on_and_leaves_earlier_months_alone():
    rules = [(date(2026, 6, 1), 1, 20)]
    assert due_date(date(2026, 5, 1), rules) == date(2026, 7, 10)
    assert due_date(date(2026, 6, 1), rules) == date(2026, 7, 20)


def test_cell_states():
    month, due = date(2026, 1, 1), date(2026, 3, 10)
    assert completeness.cell_for(month, due, None, date(2026, 3, 10)).state == State.OPEN
    assert completeness.cell_for(month, due, None, date(2026, 3, 11)).state == State.MISSING
    punctual = (date(2026, 3, 10), date(2026, 3, 1), 1)
    assert completeness.cell_for(month, due, punctual, date(2026, 4, 1)).state == State.ON_TIME
    late = (date(2026, 3, 11), date(2026, 3, 1), 1)
    assert completeness.cell_for(month, due, late, date(2026, 4, 1)).state == State.LATE


def test_reporting_rate_counts_only_months_already_due():
    row = completeness.Row(
        "x",
        [
            Cell(date(2026, 1, 1), date(2026, 3, 10), State.ON_TIME),
            Cell(date(2026, 2, 1), date(2026, 4, 10), State.LATE),
            Cell(date(2026, 3, 1), date(2026, 5, 10), State.MISSING),
            Cell(date(2026, 4, 1), date(2026, 6, 10), State.OPEN),
        ],
    )
    assert (row.rate.on_time, row.rate.expected) == (1, 3)
    assert completeness.land_rate([row, row]).share == pytest.approx(100 / 3)
    assert completeness.Rate(0, 0).share is None


def deliver(traeger, on, months, tag):
    """A Jobcenter upload for `traeger` stored on day `on`, holding its ELB for `months`."""
    moment = timezone.make_aware(datetime.datetime.combine(on, datetime.time(12)))
    real_now = timezone.now
    timezone.now = lambda: moment
    try:
        delivery = DataDelivery.objects.create(
            ladestand=on.replace(day=1),
            source=DeliverySource.JOBCENTER,
            organisation=traeger,
            file_name="upload.csv",
            sha256=f"{traeger.key}-{tag}".ljust(64, "0"),
        )
    finally:
        timezone.now = real_now
    elb = Indicator.objects.get(code="ELB")
    store_cells(delivery, ((traeger, elb, date(y, m, 1), "g", Decimal(100)) for y, m in months))
    return delivery


@pytest.fixture
def heidekreis_deliveries(heidekreis):
    """Heidekreis: January on time (08.03.), February late (15.04.); March missing."""
    return [
        deliver(heidekreis, date(2026, 3, 8), [(2026, 1)], "first"),
        deliver(heidekreis, date(2026, 4, 15), [(2026, 1), (2026, 2)], "second"),
    ]


def board_of(rows, key):
    return next(row for row in rows if row.traeger.key == key)


@pytest.mark.django_db
def test_board_shows_on_time_late_missing_and_open(heidekreis, heidekreis_deliveries):
    rows = completeness.board(Organisation.objects.traeger(), 2026, date(2026, 5, 20))
    row = board_of(rows, "03358")
    states = [cell.state for cell in row.cells]
    assert states == [State.ON_TIME, State.LATE, State.MISSING, State.OPEN, State.OPEN]
    assert row.cells[0].delivered_on == date(2026, 3, 8)
    assert row.cells[0].ladestand == date(2026, 3, 1)
    assert row.cells[1].delivery_id == heidekreis_deliveries[1].pk
    assert (row.rate.on_time, row.rate.expected) == (1, 3)
    # 16 Landkreise, three months due each; only Heidekreis' January came on time.
    land = completeness.land_rate(rows)
    assert (land.on_time, land.expected) == (1, 3 * len(rows))


@pytest.mark.django_db
def test_land_wide_deliveries_do_not_count_as_the_jobcenter(heidekreis, monkeypatch):
    make_delivery(heidekreis, {"ELB": {(2026, 1): 100}}, ladestand=date(2026, 2, 1))
    rows = completeness.board([heidekreis], 2026, date(2026, 5, 20))
    assert rows[0].cells[0].state == State.MISSING


@pytest.mark.django_db
def test_a_later_rule_leaves_the_verdict_on_past_months(heidekreis, heidekreis_deliveries):
    DeliveryDeadline.objects.create(valid_from=date(2026, 2, 1), months_after=1, day=5)
    row = completeness.board([heidekreis], 2026, date(2026, 5, 20))[0]
    assert row.cells[0].state == State.ON_TIME  # January keeps the 10.03.
    assert row.cells[1].due == date(2026, 3, 5)
    assert row.cells[1].state == State.LATE


@pytest.mark.django_db
def test_ministry_sees_every_landkreis_and_the_land_rate(
    as_user, ministry_user, heidekreis_deliveries
):
    response = as_user(ministry_user).get(BOARD, {"jahr": 2026})
    assert response.status_code == 200
    text = response.content.decode()
    assert "Heidekreis" in text and "Verden" in text
    assert "Land Niedersachsen" in text
    assert 'data-state="puenktlich"' in text
    assert "Liefertermin festlegen" in text


@pytest.mark.django_db
def test_jobcenter_sees_only_its_own_landkreis(as_user, verden_user, heidekreis_deliveries):
    response = as_user(verden_user).get(BOARD, {"jahr": 2026})
    assert response.status_code == 200
    text = response.content.decode()
    assert "Verden" in text
    assert "Heidekreis" not in text and "03358" not in text
    assert "Land Niedersachsen" not in text
    assert "Liefertermin festlegen" not in text


@pytest.mark.django_db
def test_board_refuses_post_and_unknown_years(as_user, reader):
    client = as_user(reader)
    assert client.post(BOARD).status_code == 405
    assert client.get(BOARD, {"jahr": "abc"}).status_code == 404
    assert client.get(BOARD, {"jahr": 1990}).status_code == 404


@pytest.mark.django_db
def test_board_needs_login(client):
    assert client.get(BOARD).status_code == 302


@pytest.mark.django_db
def test_start_page_links_to_the_board(as_user, heidekreis_user):
    assert BOARD in as_user(heidekreis_user).get(reverse("home")).content.decode()


@pytest.mark.django_db
def test_ministry_sets_the_due_day_with_history(as_user, ministry_user):
    client = as_user(ministry_user)
    assert client.get(DEADLINE).status_code == 200
    response = client.post(DEADLINE, {"valid_from": "07.2026", "months_after": 1, "day": 15})
    assert response.status_code == 302
    rule = DeliveryDeadline.objects.get()
    assert (rule.valid_from, rule.months_after, rule.day) == (date(2026, 7, 1), 1, 15)
    client.post(DEADLINE, {"valid_from": "07.2026", "months_after": 2, "day": 15})
    assert DeliveryDeadline.objects.get().months_after == 2
    assert rule.history.count() == 2
    page = client.get(DEADLINE).content.decode()
    assert "Monate nach dem Berichtsmonat" in page and "geändert" in page


@pytest.mark.django_db
def test_bad_due_day_is_refused_in_german_and_nothing_is_written(as_user, ministry_user):
    client = as_user(ministry_user)
    response = client.post(DEADLINE, {"valid_from": "Juli", "months_after": 1, "day": 31})
    assert response.status_code == 400
    text = response.content.decode()
    assert "„Juli“ ist kein Berichtsmonat" in text
    assert "kleiner oder gleich 28" in text
    assert not DeliveryDeadline.objects.exists()


@pytest.mark.django_db
def test_only_the_ministry_sets_the_due_day(as_user, reader, heidekreis_user, client):
    data = {"valid_from": "07.2026", "months_after": 1, "day": 15}
    for user in (reader, heidekreis_user):
        browser = as_user(user)
        assert browser.get(DEADLINE).status_code == 403
        assert browser.post(DEADLINE, data).status_code == 403
    assert not DeliveryDeadline.objects.exists()


@pytest.mark.django_db
def test_deadline_refuses_other_methods(as_user, ministry_user):
    assert as_user(ministry_user).put(DEADLINE).status_code == 405


@pytest.mark.django_db
def test_board_queries_do_not_grow_with_deliveries(as_user, reader, heidekreis, verden):
    client = as_user(reader)
    client.get(BOARD, {"jahr": 2026})  # session and user loaded once
    deliver(heidekreis, date(2026, 3, 8), [(2026, 1)], "a")

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(BOARD, {"jahr": 2026}).status_code == 200
        return len(queries)

    few = count()
    for index, unit in enumerate([heidekreis, verden] * 3):
        deliver(unit, date(2026, 4, 1 + index), [(2026, 2), (2026, 3)], f"b{index}")
    assert count() == few
