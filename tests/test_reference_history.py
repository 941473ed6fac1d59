"""Who sees which Landkreis (memberships), what an organisation is called and which direction
counts as better for an indicator decide what users see and which verdicts they get: their
changes are recorded with who and when, like those of agreements and dialogs."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from indicators.models import Indicator
from zielsteuerung.models import Membership, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    admin = get_user_model().objects.create_superuser(
        "admin", "admin@example.org", "x-secret-1", first_name="Ada", last_name="Admin"
    )
    client.force_login(admin)
    return client


def test_a_membership_moved_to_another_landkreis_is_recorded(admin_client, heidekreis_user, verden):
    membership = Membership.objects.get(user=heidekreis_user)
    url = reverse("admin:zielsteuerung_membership_change", args=[membership.pk])
    response = admin_client.post(
        url,
        {
            "user": heidekreis_user.pk,
            "organisation": verden.pk,
            "role": Role.JOBCENTER_EDITOR,
            "function": membership.function,
        },
    )
    assert response.status_code == 302
    latest = membership.history.first()
    assert latest.organisation_id == verden.pk
    assert latest.history_user.username == "admin"
    assert latest.prev_record.organisation.key == "03358"
    history_page = admin_client.get(
        reverse("admin:zielsteuerung_membership_history", args=[membership.pk])
    )
    assert history_page.status_code == 200
    assert history_page.text.count("<tr") >= 3  # header, the creation and the change


def test_a_changed_better_direction_of_an_indicator_is_recorded(ministry_user):
    indicator = Indicator.objects.get(code="K3")
    indicator.better = "hoeher" if indicator.better != "hoeher" else "niedriger"
    indicator._history_user = ministry_user
    indicator.save()
    latest = indicator.history.first()
    assert latest.history_type == "~"
    assert latest.history_user == ministry_user
    assert latest.better == indicator.better
