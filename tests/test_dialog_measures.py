"""Steuerungsmaßnahmen: agreed in a dialog, carried into the following dialogs of the same
agreement until done or dropped, overdue ones marked, their state reported by both sides."""

from datetime import date

import pytest
from django.urls import reverse

from dialogs import services
from dialogs.models import Measure, MeasureStatus, MinutesFrozen
from tests.dialogs_world import (
    approve_by_both,
    draft_post_data,
    make_agreement,
    make_dialog,
    worked_example_delivery,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def agreement(heidekreis):
    return make_agreement(heidekreis)


@pytest.fixture
def first(agreement, ministry_user, heidekreis):
    delivery = worked_example_delivery(heidekreis)
    return make_dialog(agreement, ministry_user, when=date(2020, 4, 20), delivery=delivery)


def _measure(dialog, text="Auswertung nach Integrationsstufen", due=date(2020, 6, 30), **extra):
    return Measure.objects.create(
        dialog=dialog, agreement=dialog.agreement, text=text, due_date=due, **extra
    )


def _rows(dialog):
    return {row.measure.text: row for row in services.measure_rows(dialog)}


def test_open_measure_is_carried_into_the_next_dialog_with_its_origin(
    as_user, ministry_user, agreement, first
):
    _measure(first)
    second = make_dialog(agreement, ministry_user, when=date(2020, 9, 15))
    row = _rows(second)["Auswertung nach Integrationsstufen"]
    assert row.carried and row.origin == first
    page = as_user(ministry_user).get(reverse("dialogs:detail", args=[second.pk])).text
    assert "aus dem Zieldialog vom 20.04.2020" in page


def test_done_or_dropped_measures_are_not_carried(agreement, first, ministry_user):
    _measure(first, text="erledigt", status=MeasureStatus.DONE)
    _measure(first, text="entfallen", status=MeasureStatus.DROPPED)
    _measure(first, text="in Arbeit", status=MeasureStatus.IN_PROGRESS)
    second = make_dialog(agreement, ministry_user, when=date(2020, 9, 15))
    assert set(_rows(second)) == {"in Arbeit"}


def test_measures_of_another_agreement_are_not_carried(verden, first, ministry_user):
    _measure(first)
    other = make_agreement(verden)
    assert _rows(make_dialog(other, ministry_user, when=date(2020, 9, 15))) == {}


def test_measure_closed_in_a_dialog_is_shown_there_and_not_carried_further(
    client, ministry_user, agreement, first
):
    _measure(first)
    second = make_dialog(agreement, ministry_user, when=date(2020, 9, 15))
    client.force_login(ministry_user)
    data = draft_post_data(
        second, **{"carried-0-status": MeasureStatus.DONE, "carried-0-note": "Bericht liegt vor."}
    )
    assert client.post(reverse("dialogs:edit", args=[second.pk]), data).status_code == 302
    row = _rows(second)["Auswertung nach Integrationsstufen"]
    assert row.status == MeasureStatus.DONE and row.review.note == "Bericht liegt vor."
    third = make_dialog(agreement, ministry_user, when=date(2020, 11, 15))
    assert _rows(third) == {}


def test_measure_agreed_later_reaches_a_later_draft(client, ministry_user, agreement, first):
    second = make_dialog(agreement, ministry_user, when=date(2020, 9, 15))
    client.force_login(ministry_user)
    data = draft_post_data(
        first, **{"measures-0-text": "Netzwerkarbeit ausbauen", "measures-0-status": "offen"}
    )
    assert client.post(reverse("dialogs:edit", args=[first.pk]), data).status_code == 302
    assert "Netzwerkarbeit ausbauen" in _rows(second)


def test_overdue_measures_are_marked(as_user, ministry_user, agreement, first):
    _measure(first, text="längst fällig", due=date(2020, 5, 31))
    _measure(first, text="noch Zeit", due=date(2020, 12, 31))
    second = make_dialog(agreement, ministry_user, when=date(2020, 9, 15))
    rows = _rows(second)
    assert rows["längst fällig"].overdue and not rows["noch Zeit"].overdue
    page = as_user(ministry_user).get(reverse("dialogs:detail", args=[second.pk])).text
    assert page.count("überfällig</span>") == 1


def test_approved_minutes_keep_the_measure_status_they_were_approved_with(
    ministry_user, heidekreis_user, agreement, first
):
    measure = _measure(first)
    approve_by_both(first, ministry_user, heidekreis_user)
    services.report_measure_status(measure, heidekreis_user, MeasureStatus.DONE, "fertig")
    first.refresh_from_db()
    assert _rows(first)["Auswertung nach Integrationsstufen"].status == MeasureStatus.OPEN


def test_measure_text_is_fixed_once_its_minutes_are_approved(ministry_user, heidekreis_user, first):
    measure = _measure(first)
    approve_by_both(first, ministry_user, heidekreis_user)
    measure.refresh_from_db()
    measure.status = MeasureStatus.IN_PROGRESS
    measure.save()  # the state moves on ...
    measure.text = "umformuliert"
    with pytest.raises(MinutesFrozen):  # ... the agreed wording does not
        measure.save()


def test_open_measures_and_dialogs_for_the_dashboard(agreement, first, ministry_user):
    _measure(first, text="überfällig", due=date(2020, 1, 31))
    _measure(first, text="erledigt", status=MeasureStatus.DONE)
    second = make_dialog(agreement, ministry_user, when=date(2020, 9, 15))
    measures = services.open_measures(agreement, today=date(2020, 4, 1))
    assert [m.text for m in measures] == ["überfällig"] and measures[0].overdue
    assert services.dialogs_for_agreement(agreement) == [first, second]


# --- the measures page and status reports ------------------------------------------------------


def test_measures_page_lists_dialogs_and_measures(as_user, heidekreis_user, agreement, first):
    _measure(first)
    response = as_user(heidekreis_user).get(reverse("dialogs:measures", args=[agreement.pk]))
    assert response.status_code == 200
    assert "Auswertung nach Integrationsstufen" in response.text
    assert "Stand speichern" in response.text


def test_measures_page_refuses_other_landkreis_and_post(
    as_user, verden_user, ministry_user, agreement
):
    url = reverse("dialogs:measures", args=[agreement.pk])
    assert as_user(verden_user).get(url).status_code == 404
    assert as_user(ministry_user).post(url).status_code == 405


def test_jobcenter_reports_the_state_of_its_measure(as_user, heidekreis_user, first):
    measure = _measure(first)
    response = as_user(heidekreis_user).post(
        reverse("dialogs:measure_status", args=[measure.pk]),
        {f"m{measure.pk}-status": "in_arbeit", f"m{measure.pk}-status_note": "begonnen"},
    )
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.status == "in_arbeit" and measure.status_note == "begonnen"
    assert measure.status_updated_at is not None


def test_measure_state_report_refused_for_others(as_user, verden_user, reader, first):
    measure = _measure(first)
    url = reverse("dialogs:measure_status", args=[measure.pk])
    data = {f"m{measure.pk}-status": "erledigt"}
    assert as_user(verden_user).post(url, data).status_code == 404
    assert as_user(reader).post(url, data).status_code == 404  # a draft's measure
    assert as_user(reader).get(url).status_code == 405
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.OPEN


def test_invalid_measure_state_is_refused_with_message(as_user, heidekreis_user, first):
    measure = _measure(first)
    client = as_user(heidekreis_user)
    response = client.post(
        reverse("dialogs:measure_status", args=[measure.pk]),
        {f"m{measure.pk}-status": "vergessen"},
        follow=True,
    )
    assert "Bitte wählen Sie einen gültigen Stand" in response.text
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.OPEN


def _report(client, measure, status, note):
    prefix = f"m{measure.pk}"
    response = client.post(
        reverse("dialogs:measure_status", args=[measure.pk]),
        {f"{prefix}-status": status, f"{prefix}-status_note": note},
    )
    assert response.status_code == 302


@pytest.mark.parametrize("where", ["agreed", "carried"])
def test_saving_the_draft_unchanged_keeps_a_state_the_jobcenter_reported_meanwhile(
    client, ministry_user, heidekreis_user, agreement, first, where
):
    measure = _measure(first, status=MeasureStatus.IN_PROGRESS)
    draft = first
    if where == "carried":
        draft = make_dialog(agreement, ministry_user, when=date(2020, 9, 15))
    opened = draft_post_data(draft)  # the ministry opens the draft ...
    client.force_login(heidekreis_user)
    _report(client, measure, MeasureStatus.DONE, "Auswertung liegt vor.")  # ... the JC reports
    client.force_login(ministry_user)
    response = client.post(reverse("dialogs:edit", args=[draft.pk]), opened)
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.DONE
    assert measure.status_note == "Auswertung liegt vor."


@pytest.mark.parametrize("where", ["agreed", "carried"])
def test_a_state_changed_on_both_sides_is_refused_and_the_input_kept(
    client, ministry_user, heidekreis_user, agreement, first, where
):
    measure = _measure(first, status=MeasureStatus.IN_PROGRESS)
    draft, field = first, "measures-0"
    if where == "carried":
        draft, field = make_dialog(agreement, ministry_user, when=date(2020, 9, 15)), "carried-0"
    opened = draft_post_data(
        draft, **{f"{field}-status": MeasureStatus.DROPPED, "items-1-discussion": "Neu"}
    )
    client.force_login(heidekreis_user)
    _report(client, measure, MeasureStatus.DONE, "Auswertung liegt vor.")
    client.force_login(ministry_user)
    url = reverse("dialogs:edit", args=[draft.pk])
    response = client.post(url, opened)
    assert response.status_code == 400
    assert "inzwischen auf „erledigt“ gemeldet" in response.text
    assert "Neu" in response.text  # nothing typed is lost
    assert f'name="{field}-status_seen" value="erledigt"' in response.text
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.DONE
    assert draft.items.get(goal__number=2).discussion == ""
    # Saving again from the page that now shows the reported state is a deliberate choice.
    again = {**opened, f"{field}-status_seen": MeasureStatus.DONE}
    assert client.post(url, again).status_code == 302
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.DROPPED
