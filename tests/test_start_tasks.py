"""The start page names what waits for the user: minutes to review or approve, minutes of a
held dialog still in draft, and overdue measures — each for those who can act on it."""

from datetime import date

import pytest
from django.urls import reverse

from dialogs import services
from dialogs.models import Measure
from dialogs.start import tasks_of
from tests.dialogs_world import make_agreement, make_dialog, worked_example_delivery

pytestmark = pytest.mark.django_db

TODAY = date(2020, 5, 15)


@pytest.fixture
def dialog(heidekreis, ministry_user):
    agreement = make_agreement(heidekreis)
    return make_dialog(agreement, ministry_user, delivery=worked_example_delivery(heidekreis))


def texts(user):
    return [task.text for task in tasks_of(user, TODAY)]


def test_minutes_in_review_wait_for_the_landkreis_and_then_for_the_ministry(
    dialog, ministry_user, heidekreis_user, verden_user
):
    services.send_to_review(dialog, ministry_user, dialog.version)

    [task] = tasks_of(heidekreis_user, TODAY)
    assert task.text == (
        "Protokoll Unterjähriger Zieldialog am 20.04.2020: liegt Ihnen zur Prüfung und "
        "Freigabe vor."
    )
    assert task.url == reverse("dialogs:detail", args=[dialog.pk]) and task.urgent
    assert texts(ministry_user) == [
        "Protokoll Unterjähriger Zieldialog am 20.04.2020 (Landkreis Heidekreis): Ihre "
        "Freigabe steht aus."
    ]
    assert texts(verden_user) == []  # another Landkreis' minutes are none of Verden's business

    dialog.refresh_from_db()
    services.approve(dialog, heidekreis_user, dialog.version)
    assert texts(heidekreis_user) == []
    assert len(texts(ministry_user)) == 1
    dialog.refresh_from_db()
    services.approve(dialog, ministry_user, dialog.version)
    assert texts(ministry_user) == []


def test_a_held_dialog_whose_minutes_are_still_a_draft_reminds_the_ministry(
    dialog, ministry_user, heidekreis_user, reader
):
    assert texts(ministry_user) == [
        "Protokoll Unterjähriger Zieldialog am 20.04.2020 (Landkreis Heidekreis): noch im "
        "Entwurf, nicht an den Landkreis gesendet."
    ]
    assert tasks_of(ministry_user, date(2020, 4, 19)) == []  # not held yet: only planned
    assert texts(heidekreis_user) == [] and texts(reader) == []


def test_overdue_measures_are_named_to_the_landkreis_and_counted_for_the_ministry(
    dialog, ministry_user, heidekreis_user, verden_user, reader
):
    Measure.objects.create(dialog=dialog, text="Auswertung nach Stufen", due_date=date(2020, 5, 1))
    Measure.objects.create(dialog=dialog, text="Später", due_date=date(2020, 6, 30))
    url = reverse("dialogs:measures", args=[dialog.agreement_id])

    [task] = [t for t in tasks_of(heidekreis_user, TODAY)]
    assert task.text == (
        "Steuerungsmaßnahme „Auswertung nach Stufen“ war fällig am 01.05.2020: Stand melden."
    )
    assert task.url == url
    assert "Landkreis Heidekreis: 1 Steuerungsmaßnahme überfällig." in texts(ministry_user)
    assert texts(verden_user) == [] and texts(reader) == []


def test_the_start_page_shows_the_tasks(as_user, dialog, ministry_user, heidekreis_user):
    services.send_to_review(dialog, ministry_user, dialog.version)
    page = as_user(heidekreis_user).get(reverse("home"))
    assert "Zu erledigen" in page.text
    assert "liegt Ihnen zur Prüfung und Freigabe vor." in page.text
    assert f'href="{reverse("dialogs:detail", args=[dialog.pk])}"' in page.text
