"""Approved minutes cannot be changed or deleted through any page, form or the admin: every
attempt is refused with a message, and the minutes stay exactly as approved."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from dialogs import services
from dialogs.models import Dialog, DialogStatus, GoalInApprovedMinutes, Measure, MinutesFrozen
from tests.dialogs_world import (
    approve_by_both,
    draft_post_data,
    make_agreement,
    make_dialog,
    page_form_data,
    worked_example_delivery,
)

pytestmark = pytest.mark.django_db

REFUSED = "ist freigegeben und kann nicht mehr geändert oder gelöscht werden"


@pytest.fixture
def approved(heidekreis, ministry_user, heidekreis_user):
    agreement = make_agreement(heidekreis)
    dialog = make_dialog(agreement, ministry_user, delivery=worked_example_delivery(heidekreis))
    item = dialog.items.get(goal__number=2)
    item.discussion = "Wie besprochen."
    item.save()
    Measure.objects.create(dialog=dialog, text="Auswertung nach Stufen", due_date=date(2020, 6, 30))
    return approve_by_both(dialog, ministry_user, heidekreis_user)


def minutes_of(dialog):
    """Everything the approved minutes say, to compare before and after an attempt."""
    dialog = Dialog.objects.get(pk=dialog.pk)
    return {
        "dialog": (dialog.status, dialog.version, dialog.place, dialog.date, dialog.frozen_at),
        "items": list(
            dialog.items.values_list(
                "title", "discussion", "decisions", "jobcenter_comment", "jfw", "verdict"
            )
        ),
        "participants": list(dialog.participants.values_list("name", "function")),
        "approvals": list(dialog.approvals.values_list("side", "name", "approved_at")),
        "measures": list(dialog.measures.values_list("text", "due_date", "responsible_person")),
        "reviews": list(dialog.measure_reviews.values_list("measure_id", "status", "note")),
        "events": dialog.events.count(),
    }


def message_after(client, response):
    assert response.status_code == 302
    return client.get(response["Location"]).text


def refused_with_text_kept(response, typed):
    """A form sent to approved minutes: refused (409), what was typed shown back."""
    assert response.status_code == 409
    assert typed in response.text
    return response.text


# --- pages and forms ---------------------------------------------------------------------------


def test_draft_page_refuses_approved_minutes(as_user, ministry_user, approved):
    before = minutes_of(approved)
    client = as_user(ministry_user)
    url = reverse("dialogs:edit", args=[approved.pk])
    assert REFUSED in message_after(client, client.get(url))
    data = draft_post_data(approved, **{"items-1-discussion": "nachträglich", "dialog-place": "X"})
    assert REFUSED in refused_with_text_kept(client.post(url, data), "nachträglich")
    assert minutes_of(approved) == before


def test_comment_page_refuses_approved_minutes(as_user, heidekreis_user, approved):
    before = minutes_of(approved)
    client = as_user(heidekreis_user)
    url = reverse("dialogs:comment", args=[approved.pk])
    item = approved.items.get(goal__number=2)
    assert REFUSED in message_after(client, client.get(url))
    data = {
        "version": approved.version,
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "1",
        "items-0-id": item.pk,
        "items-0-jobcenter_comment": "nachträglich",
    }
    assert REFUSED in refused_with_text_kept(client.post(url, data), "nachträglich")
    assert minutes_of(approved) == before


@pytest.mark.parametrize(
    "step, user, data",
    [
        ("send", "ministry_user", {}),
        ("withdraw", "ministry_user", {}),
        ("approve", "ministry_user", {}),
        ("approve", "heidekreis_user", {}),
        ("request_changes", "heidekreis_user", {"changes-comment": "Bitte ändern"}),
        ("delete", "ministry_user", {}),
    ],
)
def test_workflow_steps_refuse_approved_minutes(request, as_user, approved, step, user, data):
    before = minutes_of(approved)
    client = as_user(request.getfixturevalue(user))
    version = {"changes-version" if step == "request_changes" else "version": approved.version}
    response = client.post(reverse(f"dialogs:{step}", args=[approved.pk]), {**version, **data})
    assert REFUSED in message_after(client, response)
    assert minutes_of(approved) == before


def test_a_measure_state_report_leaves_the_approved_minutes_as_they_were(
    as_user, heidekreis_user, approved
):
    before = minutes_of(approved)
    measure = approved.measures.get()
    client = as_user(heidekreis_user)
    response = client.post(
        reverse("dialogs:measure_status", args=[measure.pk]),
        {f"m{measure.pk}-status": "erledigt", f"m{measure.pk}-status_note": "fertig"},
    )
    assert response.status_code == 302
    assert Measure.objects.get(pk=measure.pk).status == "erledigt"
    assert minutes_of(approved) == before
    page = client.get(reverse("dialogs:detail", args=[approved.pk])).text
    assert "offen" in page  # the minutes show the state they were approved with


def test_a_correction_is_added_beside_the_approved_text(as_user, ministry_user, approved):
    before = minutes_of(approved)
    client = as_user(ministry_user)
    client.post(
        reverse("dialogs:correct", args=[approved.pk]),
        {"text": "Richtig ist: per Video.", "reason": "Schreibfehler"},
    )
    after = minutes_of(approved)
    assert approved.corrections.count() == 1
    assert after["events"] == before["events"] + 1  # the correction is a recorded step
    assert {k: v for k, v in after.items() if k != "events"} == {
        k: v for k, v in before.items() if k != "events"
    }


# --- the admin ---------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client):
    admin = get_user_model().objects.create_superuser("admin", "admin@example.org", "x-secret-1")
    client.force_login(admin)
    return client


def test_admin_change_of_approved_minutes_is_refused_with_message(admin_client, approved):
    before = minutes_of(approved)
    url = reverse("admin:dialogs_dialog_change", args=[approved.pk])
    page = admin_client.get(url).text
    assert REFUSED in page and 'name="_save"' not in page
    response = admin_client.post(url, {"place": "Hannover", "date": "2020-01-01"})
    assert REFUSED in message_after(admin_client, response)
    assert minutes_of(approved) == before


def test_admin_delete_of_approved_minutes_is_refused_with_message(admin_client, approved):
    before = minutes_of(approved)
    url = reverse("admin:dialogs_dialog_delete", args=[approved.pk])
    assert REFUSED in message_after(admin_client, admin_client.get(url))
    assert REFUSED in message_after(admin_client, admin_client.post(url, {"post": "yes"}))
    changelist = reverse("admin:dialogs_dialog_changelist")
    response = admin_client.post(
        changelist,
        {"action": "delete_selected", "_selected_action": [approved.pk], "post": "yes"},
    )
    assert REFUSED in message_after(admin_client, response)
    assert minutes_of(approved) == before


def test_admin_bulk_delete_still_deletes_drafts(admin_client, heidekreis, ministry_user):
    draft = make_dialog(make_agreement(heidekreis), ministry_user)
    response = admin_client.post(
        reverse("admin:dialogs_dialog_changelist"),
        {"action": "delete_selected", "_selected_action": [draft.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Dialog.objects.filter(pk=draft.pk).exists()


def test_admin_history_revert_of_approved_minutes_is_refused_with_message(admin_client, approved):
    before = minutes_of(approved)
    draft_version = approved.history.filter(status=DialogStatus.DRAFT).earliest("history_date")
    url = reverse(
        "admin:dialogs_dialog_simple_history", args=[approved.pk, draft_version.history_id]
    )
    assert admin_client.get(url).status_code == 200  # the old version can be read
    response = admin_client.post(url, {"place": "Hannover", "date": "2020-01-01", "kind": "x"})
    assert REFUSED in message_after(admin_client, response)
    assert minutes_of(approved) == before


def test_admin_keeps_the_wording_of_an_agreed_measure(admin_client, approved):
    before = minutes_of(approved)
    measure = approved.measures.get()
    url = reverse("admin:dialogs_measure_change", args=[measure.pk])
    page = admin_client.get(url).text
    assert 'name="text"' not in page  # shown read-only
    # The state can still be reported ...
    response = admin_client.post(url, {"status": "in_arbeit", "status_note": "läuft"})
    assert response.status_code == 302
    assert Measure.objects.get(pk=measure.pk).status == "in_arbeit"
    # ... but the measure cannot be deleted.
    delete = reverse("admin:dialogs_measure_delete", args=[measure.pk])
    assert REFUSED in message_after(admin_client, admin_client.post(delete, {"post": "yes"}))
    response = admin_client.post(
        reverse("admin:dialogs_measure_changelist"),
        {"action": "delete_selected", "_selected_action": [measure.pk], "post": "yes"},
    )
    assert REFUSED in message_after(admin_client, response)
    assert minutes_of(approved) == before


def test_admin_cannot_add_a_measure_to_approved_minutes(admin_client, approved):
    before = minutes_of(approved)
    response = admin_client.post(
        reverse("admin:dialogs_measure_add"),
        {"dialog": approved.pk, "text": "nachträglich", "status": "offen"},
    )
    assert response.status_code == 200  # the form refuses the approved dialog as a choice
    assert "keine gültige Auswahl" in response.text
    assert minutes_of(approved) == before


# --- goals that approved minutes refer to ------------------------------------------------------

GOAL_KEPT = "kann nicht gelöscht werden: Das freigegebene Protokoll des Zieldialogs vom 20.04.2020"


def test_agreement_editor_refuses_to_delete_a_goal_of_approved_minutes(
    as_user, ministry_user, approved
):
    before = minutes_of(approved)
    goal = approved.agreement.goals.get(number=3)
    client = as_user(ministry_user)
    url = reverse("agreements:edit", args=[approved.agreement.pk])
    data = page_form_data(client.get(url).text)
    prefix = next(k for k, v in data.items() if k.startswith("ziele-") and v == str(goal.pk))
    data[prefix.removesuffix("-id") + "-DELETE"] = "on"
    data["change_reason"] = "Ziel 3 entfällt"
    response = client.post(url, data)
    assert response.status_code == 400
    assert GOAL_KEPT in response.text
    assert approved.agreement.goals.filter(pk=goal.pk).exists()
    assert approved.items.filter(goal=goal).exists()
    assert minutes_of(approved) == before


def test_import_refuses_to_drop_a_goal_of_approved_minutes(approved):
    from agreements.serialization import ImportRefused, export_agreements, import_agreements

    agreement = approved.agreement
    data = export_agreements(type(agreement).objects.filter(pk=agreement.pk))
    data["agreements"][0]["goals"] = [
        goal for goal in data["agreements"][0]["goals"] if goal["number"] != 3
    ]
    with pytest.raises(ImportRefused) as refusal:
        import_agreements(data)
    [message] = refusal.value.errors
    assert message.startswith("Vereinbarung 2020/03358: Ziel 3") and GOAL_KEPT in message
    assert agreement.goals.filter(number=3).exists()
    assert approved.items.filter(goal__number=3).exists()


def test_a_goal_of_a_draft_can_still_be_deleted(heidekreis, ministry_user):
    dialog = make_dialog(make_agreement(heidekreis), ministry_user)
    dialog.agreement.goals.get(number=3).delete()
    item = dialog.items.get(title__startswith="Ziel 3:")
    assert item.goal is None


# --- minutes under review in the admin ---------------------------------------------------------

IN_REVIEW = "liegt dem Landkreis zur Prüfung vor und kann im Admin nicht geändert"


@pytest.fixture
def in_review(heidekreis, ministry_user):
    agreement = make_agreement(heidekreis)
    dialog = make_dialog(agreement, ministry_user, delivery=worked_example_delivery(heidekreis))
    services.send_to_review(dialog, ministry_user, dialog.version)
    return dialog


def test_admin_edits_a_draft(admin_client, heidekreis, ministry_user):
    draft = make_dialog(make_agreement(heidekreis), ministry_user)
    url = reverse("admin:dialogs_dialog_change", args=[draft.pk])
    data = page_form_data(admin_client.get(url).text)
    data["place"] = "Soltau"
    assert admin_client.post(url, data).status_code == 302
    assert Dialog.objects.get(pk=draft.pk).place == "Soltau"


def test_admin_cannot_change_minutes_under_review(
    admin_client, ministry_user, heidekreis_user, in_review
):
    url = reverse("admin:dialogs_dialog_change", args=[in_review.pk])
    # The form as the admin showed it while the dialog was still a draft ...
    services.withdraw(in_review, ministry_user, in_review.version)
    data = page_form_data(admin_client.get(url).text)
    services.send_to_review(in_review, ministry_user, in_review.version)
    services.approve(in_review, ministry_user, in_review.version)
    item = in_review.items.get(goal__number=2)
    item.jobcenter_comment = "Bitte die Zahlen für Februar prüfen."
    item.save()
    before = minutes_of(in_review)
    # ... and the page now: read-only, with the reason.
    page = admin_client.get(url).text
    assert IN_REVIEW in page and 'name="_save"' not in page
    index = next(k for k, v in data.items() if v == str(item.pk) and k.endswith("-id"))[:-3]
    data[f"{index}-discussion"] = "im Admin umgeschrieben"
    data[f"{index}-jobcenter_comment"] = ""
    data["place"] = "Hannover"
    assert IN_REVIEW in message_after(admin_client, admin_client.post(url, data))
    assert minutes_of(in_review) == before
    delete = reverse("admin:dialogs_dialog_delete", args=[in_review.pk])
    assert IN_REVIEW in message_after(admin_client, admin_client.post(delete, {"post": "yes"}))
    response = admin_client.post(
        reverse("admin:dialogs_dialog_changelist"),
        {"action": "delete_selected", "_selected_action": [in_review.pk], "post": "yes"},
    )
    assert IN_REVIEW in message_after(admin_client, response)
    assert minutes_of(in_review) == before


# --- a measure carried into approved minutes ---------------------------------------------------


@pytest.fixture
def carried(heidekreis, ministry_user, heidekreis_user):
    """The March dialog's minutes are still a draft, while the June dialog, which carried the
    March measure, is already approved: its minutes show the measure's wording."""
    agreement = make_agreement(heidekreis)
    delivery = worked_example_delivery(heidekreis)
    march = make_dialog(agreement, ministry_user, delivery=delivery)
    measure = Measure.objects.create(dialog=march, text="Auswertung nach Stufen")
    june = make_dialog(agreement, ministry_user, when=date(2020, 6, 20), delivery=delivery)
    approve_by_both(june, ministry_user, heidekreis_user)
    return march, measure, june


def test_measure_carried_into_approved_minutes_keeps_its_wording(carried):
    march, measure, june = carried
    measure.text = "anders"
    with pytest.raises(MinutesFrozen):
        measure.save()
    with pytest.raises(MinutesFrozen):
        Measure.objects.get(pk=measure.pk).delete()
    state = Measure.objects.get(pk=measure.pk)
    state.status = "erledigt"
    state.save()  # the state may still be reported


def test_draft_page_refuses_to_reword_or_remove_a_measure_of_approved_minutes(
    as_user, ministry_user, carried
):
    march, measure, june = carried
    before = minutes_of(june)
    client = as_user(ministry_user)
    url = reverse("dialogs:edit", args=[march.pk])
    response = client.post(
        url,
        draft_post_data(
            march, **{"measures-0-text": "Neue Fassung", "items-1-discussion": "bleibt stehen"}
        ),
    )
    assert response.status_code == 400
    assert "steht in einem freigegebenen Protokoll" in response.text
    assert "Neue Fassung" in response.text and "bleibt stehen" in response.text
    response = client.post(url, draft_post_data(march, **{"measures-0-DELETE": "on"}))
    assert response.status_code == 400
    assert "kann nicht entfernt werden" in response.text
    assert Measure.objects.get(pk=measure.pk).text == "Auswertung nach Stufen"
    assert minutes_of(june) == before
    page = client.get(reverse("dialogs:detail", args=[june.pk])).text
    assert "Auswertung nach Stufen" in page


def test_draft_whose_measure_is_in_approved_minutes_cannot_be_deleted(
    as_user, ministry_user, carried
):
    march, measure, june = carried
    client = as_user(ministry_user)
    response = client.post(reverse("dialogs:delete", args=[march.pk]))
    assert "späteren Zieldialogs" in message_after(client, response)
    assert Dialog.objects.filter(pk=march.pk).exists()
    assert Measure.objects.filter(pk=measure.pk).exists()


def test_deleting_a_goal_of_approved_minutes_is_refused_even_in_bulk(as_user, reader, approved):
    page_before = as_user(reader).get(reverse("dialogs:detail", args=[approved.pk])).text
    with pytest.raises(GoalInApprovedMinutes):
        approved.agreement.goals.filter(number__in=[2, 4]).delete()
    assert approved.agreement.goals.filter(number__in=[2, 4]).count() == 2
    page = as_user(reader).get(reverse("dialogs:detail", args=[approved.pk])).text
    assert "Ziel 2: Verbesserung der Integration in Erwerbstätigkeit" in page
    assert "5,57\u00a0%" in page and "+8,7\u00a0%" in page
    assert "Leitfaden zur sozialraumorientierten Beratung erstellen" in page
    assert page.count("Wie besprochen.") == page_before.count("Wie besprochen.") == 1


def test_admin_keeps_the_wording_of_a_measure_under_review(admin_client, heidekreis, ministry_user):
    dialog = make_dialog(make_agreement(heidekreis), ministry_user)
    measure = Measure.objects.create(dialog=dialog, text="Auswertung nach Stufen")
    services.send_to_review(dialog, ministry_user, dialog.version)
    url = reverse("admin:dialogs_measure_change", args=[measure.pk])
    assert 'name="text"' not in admin_client.get(url).text  # shown read-only
    delete = reverse("admin:dialogs_measure_delete", args=[measure.pk])
    assert IN_REVIEW in message_after(admin_client, admin_client.post(delete, {"post": "yes"}))
    response = admin_client.post(
        reverse("admin:dialogs_measure_changelist"),
        {"action": "delete_selected", "_selected_action": [measure.pk], "post": "yes"},
    )
    assert IN_REVIEW in message_after(admin_client, response)
    assert Measure.objects.get(pk=measure.pk).text == "Auswertung nach Stufen"


def test_admin_cannot_add_a_measure_to_minutes_under_review(admin_client, in_review):
    response = admin_client.post(
        reverse("admin:dialogs_measure_add"),
        {"dialog": in_review.pk, "text": "nachträglich", "status": "offen"},
    )
    assert response.status_code == 200
    assert "keine gültige Auswahl" in response.text
    assert not Measure.objects.filter(dialog=in_review).exists()
