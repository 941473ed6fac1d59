"""A stored delivery never changes: not through the models, not in bulk, not in the admin.
The indicator catalogue, in contrast, is edited by administrators."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse

from indicators import imports
from indicators.models import DataDelivery, Indicator, Values

pytestmark = pytest.mark.django_db

FILE = b"traeger;kennzahl;monat;wert\n03358;ELB;2020-01;5950\n03358;INT;2020-01;160\n"


@pytest.fixture
def delivery():
    check = imports.check_file(FILE, "lieferung.csv", ladestand=date(2020, 3, 17))
    return imports.store_delivery(check, waiting_months=0, source="land")


@pytest.fixture
def admin_client(client):
    admin = get_user_model().objects.create_superuser("admin", "admin@example.org", "x-geheim-1")
    client.force_login(admin)
    return client


def test_delivery_and_values_cannot_be_changed_or_deleted(delivery):
    value = delivery.values.first()
    with pytest.raises(ValidationError):
        delivery.save()
    with pytest.raises(ValidationError):
        delivery.delete()
    with pytest.raises(ValidationError):
        value.save()
    with pytest.raises(ValidationError):
        value.delete()


def test_not_even_in_bulk(delivery):
    with pytest.raises(ValidationError):
        DataDelivery.objects.filter(pk=delivery.pk).update(waiting_months=3)
    with pytest.raises(ValidationError):
        DataDelivery.objects.all().delete()
    with pytest.raises(ValidationError):
        Values.objects.of_delivery(delivery).update(m01=1)
    with pytest.raises(ValidationError):
        Values.objects.all().delete()
    assert Values.objects.of_delivery(delivery).figure_count() == 2


def test_admin_shows_deliveries_but_offers_no_change(admin_client, delivery):
    changelist = admin_client.get(reverse("admin:indicators_datadelivery_changelist"))
    assert changelist.status_code == 200
    assert "lieferung.csv" in changelist.text
    assert admin_client.get(reverse("admin:indicators_datadelivery_add")).status_code == 403
    url = reverse("admin:indicators_datadelivery_delete", args=[delivery.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    change = reverse("admin:indicators_datadelivery_change", args=[delivery.pk])
    assert admin_client.post(change, {"waiting_months": 3}).status_code == 403
    delivery.refresh_from_db()
    assert delivery.waiting_months == 0


def test_admin_shows_values_but_offers_no_change(admin_client, delivery):
    value = delivery.values.first()
    assert admin_client.get(reverse("admin:indicators_values_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:indicators_values_add")).status_code == 403
    url = reverse("admin:indicators_values_delete", args=[value.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert Values.objects.figure_count() == 2


def test_admin_edits_the_catalogue(admin_client):
    indicator = Indicator.objects.get(code="K2E1")
    url = reverse("admin:indicators_indicator_change", args=[indicator.pk])
    response = admin_client.post(
        url,
        {
            "code": "K2E1",
            "name": indicator.name,
            "kind": indicator.kind,
            "unit": indicator.unit,
            "better": "hoeher",
            "legal_reference": indicator.legal_reference,
            "description": "",
            "sort_order": indicator.sort_order,
        },
    )
    assert response.status_code == 302
    indicator.refresh_from_db()
    assert indicator.better == "hoeher"


def test_jobcenter_sees_deliveries_with_its_values_only(delivery, heidekreis_user, verden_user):
    assert list(DataDelivery.objects.visible_to(heidekreis_user)) == [delivery]
    assert list(DataDelivery.objects.visible_to(verden_user)) == []
    assert Values.objects.visible_to(verden_user).figure_count() == 0
    assert Values.objects.visible_to(heidekreis_user).figure_count() == 2
