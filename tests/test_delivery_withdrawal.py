"""An administrator withdraws a wrong delivery (issue 14): its values leave every figure, its
record stays with who withdrew it, when and why; nobody else can, and never without a reason."""

import io
from datetime import date
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from agreements import attainment
from agreements.dashboards import overview
from indicators import imports
from indicators.models import DataDelivery, Values

pytestmark = pytest.mark.django_db

CORPUS = Path(__file__).parent / "data" / "import"


@pytest.fixture
def admin_user(db):
    return get_user_model().objects.create_user("admin", password="x", is_staff=True)


@pytest.fixture
def delivery(heidekreis):
    data = (CORPUS / "lang_semikolon.csv").read_bytes()
    check = imports.check_file(data, "lang_semikolon.csv", ladestand=date(2020, 3, 17))
    return imports.store_delivery(check, waiting_months=0, source="land")


def withdraw(*args):
    out = io.StringIO()
    call_command("withdraw_delivery", *map(str, args), stdout=out)
    return out.getvalue()


def test_a_withdrawn_delivery_leaves_every_figure_and_keeps_its_record(
    delivery, admin_user, heidekreis
):
    assert attainment.default_basis(2020)[1] == delivery
    months_before = overview.newest_months([heidekreis.pk], 2020)  # cached from here on
    assert months_before

    out = withdraw(
        delivery.pk, "--grund", "Werte im Februar doppelt gezählt", "--benutzer", "admin"
    )

    assert out.startswith(f"Zurückgezogen: Lieferung {delivery.pk}, Ladestand 17.03.2020")
    assert attainment.default_basis(2020) == (None, None)
    assert overview.newest_months([heidekreis.pk], 2020) == {}  # not the cached answer
    assert not Values.objects.of_delivery(delivery).exists()
    record = DataDelivery.objects.get(pk=delivery.pk)
    assert (record.file_name, record.row_count, record.sha256) == (
        delivery.file_name,
        delivery.row_count,
        delivery.sha256,
    )
    assert record.withdrawn_by == admin_user
    assert record.withdrawal_reason == "Werte im Februar doppelt gezählt"
    assert record.withdrawn_at is not None


def test_the_delivery_page_says_who_withdrew_it_when_and_why(delivery, admin_user, as_user, reader):
    delivery.withdraw(admin_user, "falsche Datei")
    page = as_user(reader).get(reverse("indicators:delivery_detail", args=[delivery.pk]))
    assert page.status_code == 200
    assert "Zurückgezogen" in page.text
    assert "Grund: falsche Datei" in page.text
    listing = as_user(reader).get(reverse("indicators:delivery_list"))
    assert "zurückgezogen" in listing.text


def test_withdrawal_needs_a_reason(delivery, admin_user):
    with pytest.raises(CommandError, match="ist ein Grund nötig"):
        withdraw(delivery.pk, "--grund", "   ", "--benutzer", "admin")
    assert Values.objects.of_delivery(delivery).exists()


def test_only_an_administrator_withdraws(delivery, ministry_user):
    with pytest.raises(CommandError, match="kein aktiver Administrator"):
        withdraw(delivery.pk, "--grund", "x", "--benutzer", ministry_user.username)
    assert DataDelivery.objects.get(pk=delivery.pk).withdrawn_at is None


def test_a_delivery_is_withdrawn_once(delivery, admin_user):
    delivery.withdraw(admin_user, "erster Grund")
    with pytest.raises(ValidationError, match="bereits am"):
        DataDelivery.objects.get(pk=delivery.pk).withdraw(admin_user, "zweiter Grund")
    assert DataDelivery.objects.get(pk=delivery.pk).withdrawal_reason == "erster Grund"


def test_an_unknown_delivery_is_named(admin_user):
    with pytest.raises(CommandError, match="Es gibt keine Datenlieferung 999"):
        withdraw(999, "--grund", "x", "--benutzer", "admin")


def test_a_stored_delivery_still_cannot_be_changed_otherwise(delivery):
    delivery.file_name = "anders.csv"
    with pytest.raises(ValidationError):
        delivery.save()
