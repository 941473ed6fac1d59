"""The demo dialogs of Heidekreis 2020: one approved with a measure, one draft, the spring
review planned; seeding twice changes nothing."""

from datetime import date

import pytest

from dialogs.demo import seed_demo_dialogs
from dialogs.forms import DialogForm
from dialogs.models import Dialog, DialogKind, DialogStatus
from indicators.demo import seed_demo_delivery
from tests.conftest import make_user
from tests.dialogs_world import make_agreement
from zielsteuerung.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_world(heidekreis):
    make_user("ministerium", "MW", Role.MINISTRY_EDITOR, first_name="Maria", last_name="Meyer")
    make_user("jobcenter-heidekreis", "03358", Role.JOBCENTER_EDITOR)
    seed_demo_delivery()
    return make_agreement(heidekreis)


def test_demo_dialogs_are_seeded_once(demo_world):
    first, second, spring = seed_demo_dialogs()
    assert first.status == DialogStatus.APPROVED and first.measures.count() == 1
    assert second.status == DialogStatus.DRAFT and spring.kind == DialogKind.SPRING
    assert seed_demo_dialogs() == [first, second, spring]
    assert Dialog.objects.count() == 3


def test_approved_demo_minutes_keep_the_july_delivery(demo_world):
    first, second, _ = seed_demo_dialogs()
    k2 = first.items.get(goal__number=2)
    assert k2.delivery.ladestand == date(2020, 7, 17) and k2.month == date(2020, 6, 1)
    assert k2.jfw is not None
    # On 21.10.2020 the July delivery was the newest; the January one came later.
    assert second.delivery.ladestand == date(2020, 7, 17) and second.reporting_month.month == 6
    assert second.measure_reviews.count() == 1  # the measure of July is carried


def test_demo_dialogs_need_the_agreement():
    assert seed_demo_dialogs() == []


def test_demo_dialogs_pass_the_form_rules(demo_world):
    """Each demo dialog can be saved on its page as it is: no Ladestand after its date."""
    for dialog in seed_demo_dialogs():
        form = DialogForm(
            {
                "kind": dialog.kind,
                "date": dialog.date.isoformat(),
                "place": dialog.place,
                "delivery": dialog.delivery_id or "",
                "reporting_month": f"{dialog.reporting_month:%Y-%m}",
            },
            agreement=dialog.agreement,
        )
        assert form.is_valid(), (dialog, form.errors)


def test_demo_is_dated_as_the_year_it_stands_for(demo_world, client):
    """Seeded today, the demo reads like 2020: approvals a few days after their dialog, no
    measure overdue because today is years later (docs/dialogs.md, Demo)."""
    from django.urls import reverse
    from django.utils import timezone

    from dialogs import start
    from dialogs.models import Approval, DialogEvent, Measure

    first, second, spring = seed_demo_dialogs()
    first.refresh_from_db()
    for approval in Approval.objects.filter(dialog=first):
        assert 0 <= (approval.approved_at.date() - first.date).days <= 14, approval
    assert first.frozen_at.date() == date(2020, 8, 3)
    for dialog in (first, second, spring):
        for event in DialogEvent.objects.filter(dialog=dialog):
            assert 0 <= (event.at.date() - dialog.date).days <= 14 or event.at.date() < dialog.date
            assert event.at.year <= 2021, event
    today = timezone.localdate()
    assert not Measure.objects.overdue(today).exists()
    ministry = first.created_by
    assert not any("überfällig" in task.text for task in start.tasks_of(ministry, today))
    client.force_login(ministry)
    page = client.get(reverse("dialogs:detail", args=[first.pk])).text
    assert f"{today:%d.%m.%Y}" not in page  # nothing on the approved minutes dated today
