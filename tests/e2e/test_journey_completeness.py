"""Journey: who has delivered, and who is reminded. The ministry opens the completeness board
from the start page (Heidekreis on time, then late, then missing; Verden once), sets a new due
day (a wrong month first, refused in German), and the Jobcenter of Heidekreis chooses on its
settings page „Benachrichtigungen“ how it hears of each event."""

import datetime
import hashlib
from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from agreements.models import Agreement
from dialogs.models import ReminderPreference
from indicators import completeness
from indicators.models import DataDelivery, DeliveryDeadline, DeliverySource, Indicator
from indicators.storage import store_cells
from tests.e2e.conftest import check_accessibility, screenshot
from zielsteuerung.models import Organisation

pytestmark = pytest.mark.django_db(transaction=True)


def delivered(traeger, on, months):
    """A Jobcenter upload for `traeger` stored on day `on`, holding its ELB for `months`."""
    moment = timezone.make_aware(datetime.datetime.combine(on, datetime.time(9)))
    real_now = timezone.now
    timezone.now = lambda: moment
    try:
        delivery = DataDelivery.objects.create(
            ladestand=on.replace(day=1),
            source=DeliverySource.JOBCENTER,
            organisation=traeger,
            file_name=f"{traeger.key}.csv",
            sha256=hashlib.sha256(f"{traeger.key}-{on}".encode()).hexdigest(),
        )
    finally:
        timezone.now = real_now
    elb = Indicator.objects.get(code="ELB")
    store_cells(delivery, ((traeger, elb, m, "g", Decimal(6000)) for m in months))


def months_of(year, *numbers):
    return [date(year, number, 1) for number in numbers]


def _text(locator):
    return " ".join(locator.inner_text().replace("\u00a0", " ").split())


def test_completeness_board_due_day_and_notification_settings(
    page, login, ministry_user, heidekreis_user
):
    today = timezone.localdate()
    year = today.year - 1  # a year whose deliveries lie in the past on any day the test runs
    heidekreis = Organisation.objects.get(key="03358")
    verden = Organisation.objects.get(key="03361")
    delivered(heidekreis, date(year, 3, 9), months_of(year, 1))
    delivered(heidekreis, date(year, 4, 10), months_of(year, 1, 2))
    delivered(heidekreis, date(year, 6, 2), months_of(year, 1, 2, 3))  # March: late
    delivered(verden, date(year, 3, 1), months_of(year, 1))
    Agreement.objects.create(year=year, traeger=heidekreis, status="unterzeichnet")

    login(ministry_user)
    page.get_by_role("link", name="Vollständigkeit der Datenlieferungen").click()
    page.wait_for_url("**/dialoge/vollstaendigkeit/")
    page.get_by_role("link", name=str(year), exact=True).click()
    page.wait_for_url(f"**/dialoge/vollstaendigkeit/?jahr={year}")
    row = page.locator("tr[data-traeger='03358']")
    assert row.locator("[data-month$='-01']").get_attribute("data-state") == "puenktlich"
    assert row.locator("[data-month$='-02']").get_attribute("data-state") == "puenktlich"
    assert row.locator("[data-month$='-03']").get_attribute("data-state") == "verspaetet"
    assert f"am 09.03.{year % 100}" in _text(row.locator("[data-month$='-01']"))
    assert "1. Zieldialog fehlt" in _text(page.locator("main"))
    assert row.locator("[data-month$='-04']").get_attribute("data-state") == "fehlt"
    # Of the 16 Landkreise's monthly deliveries due by today, 3 came on time.
    due = 16 * sum(completeness.due_date(month) < today for month in months_of(year, *range(1, 13)))
    assert _text(page.locator("tfoot")).startswith(
        f"Land Niedersachsen {round(300 / due)} % 3 von {due}"
    )
    screenshot(page, "vollstaendigkeit-board")
    check_accessibility(page, "Vollständigkeit")

    page.get_by_role("link", name="Liefertermin festlegen").click()
    page.wait_for_url("**/liefertermin/")
    page.get_by_label("gilt ab Berichtsmonat").fill("Juli")
    page.get_by_role("button", name="Speichern").click()
    assert "„Juli“ ist kein Berichtsmonat" in _text(page.locator("main"))
    assert not DeliveryDeadline.objects.exists()
    page.get_by_label("gilt ab Berichtsmonat").fill(f"07.{year}")
    page.get_by_label("Monate nach dem Berichtsmonat").fill("1")
    page.get_by_label("Tag des Monats").fill("20")
    page.get_by_role("button", name="Speichern").click()
    page.wait_for_url("**/liefertermin/")
    assert f"Der Liefertermin ab 07.{year} ist gespeichert" in _text(page.get_by_role("status"))
    assert "Maria Meyer" in _text(page.locator("table.history"))
    screenshot(page, "vollstaendigkeit-liefertermin")
    check_accessibility(page, "Liefertermin")

    page.get_by_role("button", name="Abmelden").click()
    login(heidekreis_user)
    page.get_by_role("link", name="Vollständigkeit der Datenlieferungen").click()
    page.wait_for_url("**/dialoge/vollstaendigkeit/")
    page.get_by_role("link", name=str(year), exact=True).click()
    page.wait_for_url(f"**/dialoge/vollstaendigkeit/?jahr={year}")
    assert _text(page.locator("tbody").first).startswith("Heidekreis ")
    assert "Verden" not in _text(page.locator("main"))

    page.get_by_role("link", name="Benachrichtigungen").click()
    page.wait_for_url("**/benachrichtigungen/")
    goals = page.get_by_role("group", name="Ziel meines Landkreises weicht vom Zielpfad ab")
    goals.get_by_label("in der wöchentlichen Zusammenfassung").check()
    page.get_by_role("group", name="Neue Daten der BA für meinen Landkreis").get_by_label(
        "nie"
    ).check()
    page.get_by_role("button", name="Speichern").click()
    page.wait_for_url("**/benachrichtigungen/")
    assert "Ihre Benachrichtigungen sind gespeichert." in _text(page.get_by_role("status"))
    chosen = dict(
        ReminderPreference.objects.filter(user=heidekreis_user).values_list("event", "frequency")
    )
    assert chosen["ziele"] == "woechentlich" and chosen["ba_daten"] == "nie"
    screenshot(page, "benachrichtigungen")
    check_accessibility(page, "Benachrichtigungen")
