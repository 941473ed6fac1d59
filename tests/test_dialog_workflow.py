"""Zieldialoge: the agenda prefilled from the agreement and the engine, the workflow from draft
to approval by both sides, frozen figures, corrections and concurrent editing."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from agreements.attainment import goal_attainments
from agreements.models import StepStatus
from dialogs import services
from dialogs.models import (
    AgendaItem,
    Approval,
    Dialog,
    DialogEvent,
    DialogStatus,
    EventAction,
    ItemKind,
    Measure,
    MinutesFrozen,
    Participant,
)
from tests.dialogs_world import (
    approve_by_both,
    draft_post_data,
    make_agreement,
    make_delivery,
    make_dialog,
    worked_example_delivery,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def agreement(heidekreis):
    return make_agreement(heidekreis)


@pytest.fixture
def delivery(heidekreis):
    return worked_example_delivery(heidekreis)


@pytest.fixture
def dialog(agreement, delivery, ministry_user):
    return make_dialog(agreement, ministry_user, delivery=delivery)


def _item(dialog, number):
    return dialog.items.get(goal__number=number)


# --- the agenda, prefilled ---------------------------------------------------------------------


def test_agenda_has_one_item_per_goal_in_order_then_verschiedenes(dialog):
    items = list(dialog.items.all())
    assert [item.title for item in items] == [
        "Ziel 1: Verringerung der Hilfebedürftigkeit",
        "Ziel 2: Verbesserung der Integration in Erwerbstätigkeit",
        "Ziel 3: Vermeidung von langfristigem Leistungsbezug",
        "Ziel 4: Gleichstellungspolitisches Ziel",
        "Ziel 5: Umsetzung des Gesamtkonzeptes „MitArbeit“",
        "Verschiedenes",
    ]
    assert [item.kind for item in items] == [
        ItemKind.GOAL,
        ItemKind.GOAL,
        ItemKind.GOAL,
        ItemKind.QUALITATIVE,
        ItemKind.QUALITATIVE,
        ItemKind.MISC,
    ]


def test_agenda_figures_are_the_engines_for_the_chosen_basis(dialog, agreement, delivery):
    items = services.annotate_items(dialog, list(dialog.items.all()))
    engine = {
        a.goal.number: a
        for a in goal_attainments(agreement, month=date(2020, 2, 1), delivery=delivery)
    }
    k2 = items[1].figures
    assert k2.jfw == engine[2].jfw
    assert k2.change_percent == engine[2].change_percent
    assert k2.verdict == "met"
    assert not k2.frozen
    # The worked example: 330 / 5 925 = 5,57 % against 310 / 6 050 = 5,12 %: +8,7 %.
    assert round(k2.jfw, 2) == Decimal("5.57")
    assert round(k2.change_percent, 1) == Decimal("8.7")
    assert round(items[2].figures.jfw) == 3910


def test_dialog_page_shows_figures_in_german_format(as_user, ministry_user, dialog):
    page = as_user(ministry_user).get(reverse("dialogs:detail", args=[dialog.pk])).text
    assert "5,57\u00a0%" in page and "+8,7\u00a0%" in page
    assert "3.910" in page and "−2,1\u00a0%" in page
    assert "6.740.000\u00a0Euro" in page


def test_qualitative_items_show_current_step_status_until_approval(dialog, agreement):
    step = agreement.goals.get(number=4).steps.get()
    step.status = StepStatus.IN_PROGRESS
    step.save()
    items = services.annotate_items(dialog, list(dialog.items.all()))
    assert items[3].steps[0]["status_label"] == "in Umsetzung"


def test_creating_user_is_the_first_participant(dialog, ministry_user):
    participant = dialog.participants.get()
    assert participant.name == "Maria Meyer"
    assert participant.organisation.key == "MW"


def test_minutes_list_participants_by_organisation(as_user, ministry_user, dialog, heidekreis, ms):
    Participant.objects.create(dialog=dialog, organisation=heidekreis, name="Hanna Heide")
    Participant.objects.create(dialog=dialog, organisation=ms, name="Jonas Beispiel")
    Participant.objects.create(dialog=dialog, organisation=heidekreis, name="Tobias Feld")
    page = as_user(ministry_user).get(reverse("dialogs:detail", args=[dialog.pk])).text
    section = page[page.index("Teilnehmende") : page.index("Tagesordnung und Ergebnisse")]
    names = re.findall(r"Maria Meyer|Jonas Beispiel|Hanna Heide|Tobias Feld", section)
    assert names == ["Maria Meyer", "Jonas Beispiel", "Hanna Heide", "Tobias Feld"]
    assert section.count("Landkreis Heidekreis") == 1  # one group per organisation


def test_create_page_prefills_agenda_and_redirects_to_draft(
    as_user, ministry_user, agreement, delivery
):
    response = as_user(ministry_user).post(
        reverse("dialogs:create", args=[agreement.pk]),
        {
            "kind": "unterjaehrig",
            "date": "2020-04-02",
            "place": "Bad Fallingbostel",
            "delivery": delivery.pk,
            "reporting_month": "2020-02",
        },
    )
    dialog = Dialog.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("dialogs:edit", args=[dialog.pk])
    assert dialog.items.count() == 6
    assert dialog.reporting_month == date(2020, 2, 1)
    assert DialogEvent.objects.filter(dialog=dialog, action=EventAction.CREATED).exists()


def test_create_refuses_a_ladestand_after_the_dialog_date(
    as_user, ministry_user, agreement, delivery
):
    response = as_user(ministry_user).post(
        reverse("dialogs:create", args=[agreement.pk]),
        {
            "kind": "unterjaehrig",
            "date": "2020-03-20",
            "delivery": delivery.pk,
            "reporting_month": "2020-02",
        },
    )
    assert response.status_code == 200
    assert "Der Ladestand vom 31.03.2020 liegt nach dem Dialog am 20.03.2020" in response.text
    assert not Dialog.objects.exists()


def test_draft_offers_only_deliveries_that_existed_on_the_dialog_date(
    client, ministry_user, agreement, delivery, heidekreis
):
    later = worked_example_delivery(heidekreis, ladestand=date(2020, 5, 31))
    dialog = make_dialog(agreement, ministry_user, delivery=delivery)  # 20.04.2020
    client.force_login(ministry_user)
    page = client.get(reverse("dialogs:edit", args=[dialog.pk])).text
    select = page[
        page.index('name="dialog-delivery"') : page.index(
            "</select>", page.index('name="dialog-delivery"')
        )
    ]
    assert 'data-ladestand="2020-03-31"' in select
    assert f'<option value="{later.pk}" data-ladestand="2020-05-31" disabled hidden>' in select
    # The create page starts on today's date: both deliveries existed; the browser filters
    # the list when the date changes (tests/e2e), and the form still refuses a later one.
    page = client.get(reverse("dialogs:create", args=[agreement.pk])).text
    option = re.search(rf'<option value="{later.pk}"[^>]*>', page).group(0)
    assert 'data-ladestand="2020-05-31"' in option and "disabled" not in option


def test_new_dialog_takes_participants_from_the_previous_dialog(
    ministry_user, agreement, delivery, heidekreis, ms
):
    first = make_dialog(agreement, ministry_user, delivery=delivery)
    Participant.objects.create(
        dialog=first, organisation=heidekreis, name="Hanna Heide", function="Controlling"
    )
    Participant.objects.create(dialog=first, organisation=ms, name="Jonas Beispiel")
    second = make_dialog(agreement, ministry_user, when=date(2020, 9, 1), delivery=delivery)
    people = [(p.organisation.key, p.name, p.function) for p in second.participants.order_by("pk")]
    assert people == [
        ("MW", "Maria Meyer", first.participants.get(name="Maria Meyer").function),
        ("03358", "Hanna Heide", "Controlling"),
        ("MS", "Jonas Beispiel", ""),
    ]
    other = services.create_dialog(
        agreement, _other_ministry_user(), kind="unterjaehrig", date=date(2020, 10, 1)
    )
    names = list(other.participants.order_by("pk").values_list("name", flat=True))
    assert names == ["Erika Ernst", "Maria Meyer", "Hanna Heide", "Jonas Beispiel"]


def _other_ministry_user():
    from tests.conftest import make_user

    return make_user("ernst", "MS", "ministerium", first_name="Erika", last_name="Ernst")


def test_each_section_of_the_draft_saves_and_returns_to_that_section(client, ministry_user, dialog):
    client.force_login(ministry_user)
    url = reverse("dialogs:edit", args=[dialog.pk])
    page = client.get(url).text
    assert "data-unsaved-warning" in page and "js/unsaved-changes.js" in page
    assert 'class="save-bar' in page and "Zuletzt gespeichert:" in page
    item = _item(dialog, 2)
    assert f'value="top-{item.pk}"' in page and 'value="teilnehmende"' in page
    data = draft_post_data(dialog, **{"items-1-discussion": "Februar besprochen"})
    response = client.post(url, {**data, "abschnitt": f"top-{item.pk}"})
    assert response.status_code == 302
    assert response["Location"] == f"{url}#abschnitt-top-{item.pk}"
    assert f'id="abschnitt-top-{item.pk}"' in client.get(url).text
    assert _item(dialog, 2).discussion == "Februar besprochen"
    data = draft_post_data(Dialog.objects.get(pk=dialog.pk))
    response = client.post(url, {**data, "abschnitt": "javascript:alert(1)"})
    assert response["Location"] == url  # an unknown section: the top of the page


def test_the_dialog_itself_refuses_a_ladestand_after_its_date(agreement, delivery):
    """The rule is the dialog's, not the page's: the admin and the shell meet it too."""
    dialog = Dialog(
        agreement=agreement,
        kind="unterjaehrig",
        date=date(2020, 3, 20),
        delivery=delivery,
        reporting_month=date(2020, 2, 1),
    )
    with pytest.raises(ValidationError) as refused:
        dialog.full_clean()
    assert refused.value.message_dict["delivery"] == [
        "Der Ladestand vom 31.03.2020 liegt nach dem Dialog am 20.03.2020; die Zahlen des "
        "Dialogs können nur auf einem Datenstand beruhen, der am Tag des Dialogs vorlag."
    ]


def test_a_draft_refused_with_errors_starts_as_unsaved(client, ministry_user, dialog):
    client.force_login(ministry_user)
    data = draft_post_data(dialog, **{"dialog-date": "2020-03-30"})
    page = client.post(reverse("dialogs:edit", args=[dialog.pk]), data).text
    assert 'data-unsaved-warning="ungespeichert"' in page and "Noch nicht gespeichert" in page


def test_draft_refuses_a_dialog_date_before_its_ladestand(client, ministry_user, dialog):
    client.force_login(ministry_user)
    data = draft_post_data(dialog, **{"dialog-date": "2020-03-30", "items-1-discussion": "X"})
    response = client.post(reverse("dialogs:edit", args=[dialog.pk]), data)
    assert response.status_code == 400
    assert "liegt nach dem Dialog am 30.03.2020" in response.text
    dialog.refresh_from_db()
    assert dialog.date == date(2020, 4, 20)


def test_create_refuses_a_delivery_older_than_the_reporting_month(
    as_user, ministry_user, agreement, delivery
):
    response = as_user(ministry_user).post(
        reverse("dialogs:create", args=[agreement.pk]),
        {
            "kind": "unterjaehrig",
            "date": "2020-07-01",
            "delivery": delivery.pk,
            "reporting_month": "2020-06",
        },
    )
    assert response.status_code == 200
    assert "kann den Berichtsmonat Juni 2020 noch nicht enthalten" in response.text
    assert not Dialog.objects.exists()


# --- the workflow ------------------------------------------------------------------------------


def _post_step(client, name, dialog, **extra):
    dialog.refresh_from_db()
    return client.post(
        reverse(f"dialogs:{name}", args=[dialog.pk]), {"version": dialog.version, **extra}
    )


def test_full_workflow_from_draft_to_frozen_minutes(client, ministry_user, heidekreis_user, dialog):
    client.force_login(ministry_user)
    assert _post_step(client, "send", dialog).status_code == 302
    dialog.refresh_from_db()
    assert dialog.status == DialogStatus.REVIEW

    client.force_login(heidekreis_user)
    page = client.get(reverse("dialogs:detail", args=[dialog.pk])).text
    assert "Protokoll freigeben (Landkreis)" in page
    assert _post_step(client, "approve", dialog).status_code == 302
    dialog.refresh_from_db()
    assert dialog.status == DialogStatus.REVIEW  # the ministries have not approved yet

    client.force_login(ministry_user)
    response = _post_step(client, "approve", dialog)
    dialog.refresh_from_db()
    assert dialog.status == DialogStatus.APPROVED and dialog.frozen_at is not None
    approvals = {a.side: a for a in dialog.approvals.all()}
    assert approvals["landkreis"].name == "Hanna Heide"
    assert approvals["landkreis"].organisation_name == "Landkreis Heidekreis"
    assert approvals["ministerium"].name == "Maria Meyer"
    follow = client.get(response["Location"]).text
    assert "von beiden Seiten freigegeben" in follow
    actions = list(dialog.events.values_list("action", "user_name"))
    assert actions == [
        (EventAction.CREATED, "Maria Meyer"),
        (EventAction.SENT, "Maria Meyer"),
        (EventAction.APPROVED, "Hanna Heide"),
        (EventAction.APPROVED, "Maria Meyer"),
        (EventAction.FROZEN, "Maria Meyer"),
    ]


def test_jobcenter_comments_per_item_and_asks_for_changes(
    client, ministry_user, heidekreis_user, dialog
):
    services.send_to_review(dialog, ministry_user, dialog.version)
    services.approve(dialog, ministry_user, dialog.version)
    client.force_login(heidekreis_user)
    url = reverse("dialogs:comment", args=[dialog.pk])
    assert client.get(url).status_code == 200
    text = "Die Integrationen im Februar sind noch unvollständig."
    data = _comment_data(dialog, {1: text}, version=dialog.version)
    assert client.post(url, data).status_code == 302
    assert "unvollständig" in _item(dialog, 2).jobcenter_comment
    # The ministries approved a text without this comment: their approval is lifted.
    assert not dialog.approvals.exists()
    assert "aufgehoben" in dialog.events.get(action=EventAction.COMMENTED).comment

    dialog.refresh_from_db()
    services.approve(dialog, ministry_user, dialog.version)
    response = client.post(
        reverse("dialogs:request_changes", args=[dialog.pk]),
        {
            "changes-version": Dialog.objects.get(pk=dialog.pk).version,
            "changes-comment": "Bitte TOP 3 ergänzen.",
        },
    )
    assert response.status_code == 302
    dialog.refresh_from_db()
    assert dialog.status == DialogStatus.DRAFT
    assert not dialog.approvals.exists()  # the ministry's approval referred to the old text
    client.force_login(ministry_user)
    page = client.get(reverse("dialogs:detail", args=[dialog.pk])).text
    assert "Bitte TOP 3 ergänzen." in page and "Änderungen erbeten" in page


def _comment_data(dialog, comments, *, version=None):
    """The comment form as the Jobcenter sends it: `comments` {item index: text}, the other
    items keep theirs; `version` as the page was read (default: the stored one)."""
    items = list(dialog.items.all())
    data = {
        "version": Dialog.objects.get(pk=dialog.pk).version if version is None else version,
        "items-TOTAL_FORMS": len(items),
        "items-INITIAL_FORMS": len(items),
        "items-MIN_NUM_FORMS": 0,
        "items-MAX_NUM_FORMS": 1000,
    }
    for index, item in enumerate(items):
        data[f"items-{index}-id"] = item.pk
        data[f"items-{index}-dialog"] = dialog.pk
        data[f"items-{index}-jobcenter_comment"] = comments.get(index, item.jobcenter_comment)
    return data


@pytest.mark.parametrize(
    "first, waiting",
    [
        ("ministry_user", "wartet auf Freigabe durch den Landkreis"),
        ("heidekreis_user", "wartet auf Freigabe durch das Ministerium"),
    ],
)
def test_after_one_approval_badge_box_and_board_say_who_is_waited_for(
    request, client, ministry_user, first, waiting, dialog
):
    services.send_to_review(dialog, ministry_user, dialog.version)
    client.force_login(ministry_user)
    page = client.get(reverse("dialogs:detail", args=[dialog.pk])).text
    assert "wartet auf Freigabe" not in page
    services.approve(dialog, request.getfixturevalue(first), dialog.version)
    page = client.get(reverse("dialogs:detail", args=[dialog.pk])).text
    badge = re.search(r'data-status="in_pruefung">([^<]*)<', page).group(1)
    assert badge == waiting
    box = re.search(r"<p class=\"alert alert-info\" data-waiting>(.*?)</p>", page, re.S).group(1)
    assert f"Das Protokoll {waiting}." in box and "freigegeben" in box
    board = client.get(reverse("dialogs:list") + "?jahr=2020").text
    assert f"Protokoll {waiting}" in board
    measures = client.get(reverse("dialogs:measures", args=[dialog.agreement.pk])).text
    assert waiting in measures


def test_changed_comments_after_approving_withdraw_that_approval_visibly(
    client, ministry_user, heidekreis_user, dialog
):
    services.send_to_review(dialog, ministry_user, dialog.version)
    services.approve(dialog, heidekreis_user, dialog.version)
    client.force_login(heidekreis_user)
    url = reverse("dialogs:comment", args=[dialog.pk])
    assert "wird diese Freigabe aufgehoben" in client.get(url).text
    # Saving the same comments again changes nothing and keeps the approval.
    client.post(url, _comment_data(dialog, {}))
    assert dialog.approvals.filter(side="landkreis").exists()
    response = client.post(
        url, _comment_data(dialog, {1: "Zahlen Februar vorläufig."}), follow=True
    )
    assert not dialog.approvals.exists()
    assert "Die Freigabe des Landkreises ist aufgehoben" in response.text
    assert "Bitte geben Sie das Protokoll erneut frei" in response.text
    assert "Protokoll freigeben (Landkreis)" in response.text  # the button is back
    client.force_login(ministry_user)
    page = client.get(reverse("dialogs:detail", args=[dialog.pk])).text
    assert "Freigabe aufgehoben:" in page and "wartet auf Freigabe" not in page
    services.approve(dialog, ministry_user, Dialog.objects.get(pk=dialog.pk).version)
    page = client.get(reverse("dialogs:detail", args=[dialog.pk])).text
    assert "Freigabe aufgehoben:" not in page  # a newer step made the note history


def test_change_request_needs_a_comment(client, ministry_user, heidekreis_user, dialog):
    services.send_to_review(dialog, ministry_user, dialog.version)
    client.force_login(heidekreis_user)
    response = client.post(
        reverse("dialogs:request_changes", args=[dialog.pk]),
        {"changes-version": dialog.version, "changes-comment": " "},
        follow=True,
    )
    assert "Bitte beschreiben Sie, welche Änderungen Sie wünschen." in response.text
    dialog.refresh_from_db()
    assert dialog.status == DialogStatus.REVIEW


def test_ministry_can_take_minutes_back_into_draft(client, ministry_user, dialog):
    services.send_to_review(dialog, ministry_user, dialog.version)
    client.force_login(ministry_user)
    assert _post_step(client, "withdraw", dialog).status_code == 302
    dialog.refresh_from_db()
    assert dialog.status == DialogStatus.DRAFT


def test_sending_needs_participants_and_data_basis(client, ministry_user, agreement):
    dialog = make_dialog(agreement, ministry_user, reporting_month=None)
    dialog.participants.all().delete()
    client.force_login(ministry_user)
    response = _post_step(client, "send", dialog)
    messages = client.get(response["Location"]).text
    assert "noch keine Teilnehmenden" in messages
    assert "Berichtsmonat" in messages
    dialog.refresh_from_db()
    assert dialog.status == DialogStatus.DRAFT


def test_jobcenter_cannot_edit_or_send_a_draft(as_user, heidekreis_user, dialog):
    client = as_user(heidekreis_user)
    assert client.get(reverse("dialogs:edit", args=[dialog.pk])).status_code == 403
    assert _post_step(client, "send", dialog).status_code == 403
    assert Dialog.objects.get(pk=dialog.pk).status == DialogStatus.DRAFT


def test_reader_neither_sees_minutes_under_review_nor_takes_a_step(
    as_user, reader, ministry_user, dialog
):
    services.send_to_review(dialog, ministry_user, dialog.version)
    client = as_user(reader)
    assert client.get(reverse("dialogs:detail", args=[dialog.pk])).status_code == 404
    for name in ["approve", "withdraw", "request_changes", "send"]:
        assert _post_step(client, name, dialog).status_code == 404, name
    assert client.get(reverse("dialogs:comment", args=[dialog.pk])).status_code == 404
    assert not Approval.objects.exists()


def test_reader_reads_approved_minutes_but_takes_no_step(
    as_user, reader, ministry_user, heidekreis_user, dialog
):
    approve_by_both(dialog, ministry_user, heidekreis_user)
    client = as_user(reader)
    assert client.get(reverse("dialogs:detail", args=[dialog.pk])).status_code == 200
    for name in ["approve", "withdraw", "request_changes", "send"]:
        assert _post_step(client, name, dialog).status_code == 403, name
    assert client.get(reverse("dialogs:comment", args=[dialog.pk])).status_code == 403
    assert client.get(reverse("dialogs:correct", args=[dialog.pk])).status_code == 403


def test_other_landkreis_cannot_see_or_approve(as_user, verden_user, ministry_user, dialog):
    services.send_to_review(dialog, ministry_user, dialog.version)
    client = as_user(verden_user)
    assert client.get(reverse("dialogs:detail", args=[dialog.pk])).status_code == 404
    assert _post_step(client, "approve", dialog).status_code == 404
    assert not Approval.objects.exists()


def test_ministry_approves_only_its_own_side_once(client, ministry_user, mw, dialog):
    services.send_to_review(dialog, ministry_user, dialog.version)
    services.approve(dialog, ministry_user, dialog.version)
    client.force_login(ministry_user)
    response = _post_step(client, "approve", dialog)
    assert "bereits freigegeben" in client.get(response["Location"]).text
    assert list(dialog.approvals.values_list("side", flat=True)) == ["ministerium"]


def test_jobcenter_cannot_approve_a_draft(client, heidekreis_user, dialog):
    client.force_login(heidekreis_user)
    response = _post_step(client, "approve", dialog)
    assert "nicht mehr möglich" in client.get(response["Location"]).text
    assert not Approval.objects.exists()


# --- frozen minutes ----------------------------------------------------------------------------


@pytest.fixture
def approved(dialog, ministry_user, heidekreis_user):
    return approve_by_both(dialog, ministry_user, heidekreis_user)


def test_freezing_stores_the_figures_and_step_status(approved, delivery):
    k2 = _item(approved, 2)
    assert k2.figures_frozen_at is not None
    assert k2.delivery == delivery and k2.month == date(2020, 2, 1)
    assert round(k2.jfw, 4) == Decimal("5.5696") and k2.verdict == "met"
    assert _item(approved, 4).steps_snapshot[0]["status_label"] == "offen"


def test_frozen_figures_stay_when_a_newer_delivery_arrives(
    as_user, ministry_user, heidekreis, agreement, approved, delivery
):
    frozen_jfw = _item(approved, 2).jfw
    figures = {code: dict(series) for code, series in WORKED_EXAMPLE_REVISED.items()}
    make_delivery(heidekreis, figures, ladestand=date(2020, 4, 30))
    # A draft following the newest Ladestand moves with it ...
    draft = make_dialog(agreement, ministry_user, when=date(2020, 4, 5), delivery=None)
    live = services.annotate_items(draft, list(draft.items.all()))[1].figures
    assert round(live.jfw, 2) == Decimal("6.08")
    # ... the approved minutes keep the figures they were discussed with.
    approved.refresh_from_db()
    kept = services.annotate_items(approved, list(approved.items.all()))[1].figures
    assert kept.frozen and kept.jfw == frozen_jfw and kept.delivery == delivery
    page = as_user(ministry_user).get(reverse("dialogs:detail", args=[approved.pk])).text
    assert "5,57\u00a0%" in page and "6,08\u00a0%" not in page


WORKED_EXAMPLE_REVISED = {
    # The February 2020 integrations revised from 170 to 200: K2 JFW 360 / 5 925 = 6,08 %.
    "ELB": {(2018, 12): 6000, (2019, 1): 6100, (2019, 12): 5900, (2020, 1): 5950},
    "INT": {(2019, 1): 150, (2019, 2): 160, (2020, 1): 160, (2020, 2): 200},
    # K1 and K3 as before: a delivery lacking them would be passed over (attainment.md).
    "LZB": {(2019, 1): 4000, (2019, 2): 3990, (2020, 1): 3900, (2020, 2): 3920},
    "LLU": {(2019, 1): 3400000, (2019, 2): 3380000, (2020, 1): 3350000, (2020, 2): 3390000},
}


def test_approved_minutes_refuse_changes_through_the_models(approved):
    item = _item(approved, 2)
    item.discussion = "nachträglich geändert"
    with pytest.raises(MinutesFrozen):
        item.save()
    with pytest.raises(MinutesFrozen):
        approved.place = "Hannover"
        approved.save()
    # Each attempt in its own transaction, as a request would run it.
    with pytest.raises(MinutesFrozen), transaction.atomic():
        approved.delete()
    with pytest.raises(MinutesFrozen), transaction.atomic():
        Participant.objects.filter(dialog=approved).delete()
    with pytest.raises(MinutesFrozen), transaction.atomic():
        Dialog.objects.filter(pk=approved.pk).delete()
    with pytest.raises(MinutesFrozen), transaction.atomic():
        Measure.objects.create(dialog=approved, agreement=approved.agreement, text="neu")
    assert approved.participants.exists()
    assert AgendaItem.objects.get(pk=item.pk).discussion == ""


def test_approved_minutes_refuse_changes_through_the_pages(client, ministry_user, approved):
    client.force_login(ministry_user)
    edit = reverse("dialogs:edit", args=[approved.pk])
    response = client.post(edit, draft_post_data(approved, **{"items-1-discussion": "neu"}))
    assert response.status_code == 409
    assert "ist freigegeben und kann nicht mehr geändert" in response.text
    response = client.post(reverse("dialogs:delete", args=[approved.pk]))
    assert "kann nicht mehr geändert oder gelöscht werden" in client.get(response["Location"]).text
    assert Dialog.objects.filter(pk=approved.pk, status=DialogStatus.APPROVED).exists()
    assert _item(approved, 2).discussion == ""


def test_deleting_an_agreement_with_dialogs_is_refused(agreement, dialog):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        agreement.delete()


def test_correction_is_dated_and_keeps_the_approved_text(client, ministry_user, approved):
    item = _item(approved, 3)
    client.force_login(ministry_user)
    response = client.post(
        reverse("dialogs:correct", args=[approved.pk]),
        {
            "item": item.pk,
            "text": "Der Bestand lag bei 3.912.",
            "reason": "Tippfehler im Protokoll",
        },
    )
    assert response.status_code == 302
    correction = approved.corrections.get()
    assert correction.author_name == "Maria Meyer" and correction.created_at is not None
    page = client.get(reverse("dialogs:detail", args=[approved.pk])).text
    assert "Der Bestand lag bei 3.912." in page and "Tippfehler im Protokoll" in page
    assert "3.910" in page  # the approved figure stays readable
    with pytest.raises(ValidationError):
        correction.delete()
    correction.text = "anders"
    with pytest.raises(ValidationError):
        correction.save()


def test_correction_needs_text_and_reason(client, ministry_user, approved):
    client.force_login(ministry_user)
    response = client.post(
        reverse("dialogs:correct", args=[approved.pk]), {"text": "x", "reason": ""}
    )
    assert response.status_code == 400
    assert "Bitte begründen Sie die Korrektur." in response.text
    assert not approved.corrections.exists()


def test_only_ministry_corrects(as_user, heidekreis_user, reader, approved):
    url = reverse("dialogs:correct", args=[approved.pk])
    for user in (heidekreis_user, reader):
        assert as_user(user).post(url, {"text": "x", "reason": "y"}).status_code == 403
    assert not approved.corrections.exists()


def test_draft_cannot_be_corrected_only_edited(client, ministry_user, dialog):
    client.force_login(ministry_user)
    response = client.post(
        reverse("dialogs:correct", args=[dialog.pk]), {"text": "x", "reason": "y"}
    )
    assert response.status_code == 302
    assert not dialog.corrections.exists()


# --- editing the draft, and two people at once -------------------------------------------------


def test_ministry_saves_the_draft(client, ministry_user, dialog):
    client.force_login(ministry_user)
    data = draft_post_data(
        dialog,
        **{
            "items-1-discussion": "Die Integrationsquote liegt über dem Zielpfad.",
            "items-1-decisions": "Weiter so.",
            "measures-0-text": "Auswertung der Integrationen nach Stufen",
            "measures-0-due_date": "2020-06-30",
            "participants-1-organisation": dialog.agreement.traeger_id,
            "participants-1-name": "Hanna Heide",
            "participants-1-function": "Leitung Jobcenter",
        },
    )
    response = client.post(reverse("dialogs:edit", args=[dialog.pk]), data)
    assert response.status_code == 302, response.text
    assert _item(dialog, 2).decisions == "Weiter so."
    assert dialog.measures.get().due_date == date(2020, 6, 30)
    assert dialog.participants.count() == 2
    dialog.refresh_from_db()
    assert dialog.version == 2


def test_second_save_of_the_same_draft_is_refused_and_input_kept(client, ministry_user, ms, dialog):
    from tests.conftest import make_user
    from zielsteuerung.models import Role

    colleague = make_user(
        "kollegin", "MS", Role.MINISTRY_EDITOR, first_name="Klara", last_name="Kolleg"
    )
    url = reverse("dialogs:edit", args=[dialog.pk])
    first = draft_post_data(dialog, **{"items-1-discussion": "Fassung der Kollegin"})
    second = draft_post_data(dialog, **{"items-1-discussion": "Meine ausführliche Fassung"})

    client.force_login(colleague)
    assert client.post(url, first).status_code == 302
    client.force_login(ministry_user)
    response = client.post(url, second)

    assert response.status_code == 409
    assert "Klara Kolleg" in response.text and "nicht gespeichert" in response.text
    assert "Meine ausführliche Fassung" in response.text  # nothing typed is lost
    assert _item(dialog, 2).discussion == "Fassung der Kollegin"
    # Saving again after looking at the newer version is a deliberate choice and works.
    again = {key: value for key, value in second.items()}
    again["dialog-version"] = str(Dialog.objects.get(pk=dialog.pk).version)
    assert client.post(url, again).status_code == 302
    assert _item(dialog, 2).discussion == "Meine ausführliche Fassung"


def test_approval_from_an_outdated_page_is_refused(client, ministry_user, heidekreis_user, dialog):
    services.send_to_review(dialog, ministry_user, dialog.version)
    seen_version = dialog.version
    services.withdraw(dialog, ministry_user, dialog.version)
    services.send_to_review(dialog, ministry_user, dialog.version)
    client.force_login(heidekreis_user)
    response = client.post(reverse("dialogs:approve", args=[dialog.pk]), {"version": seen_version})
    assert "inzwischen" in client.get(response["Location"]).text
    assert not Approval.objects.exists()


def test_invalid_draft_input_is_refused_with_message(client, ministry_user, dialog):
    client.force_login(ministry_user)
    data = draft_post_data(dialog, **{"dialog-date": "31.02.2020", "items-1-discussion": "bleibt"})
    response = client.post(reverse("dialogs:edit", args=[dialog.pk]), data)
    assert response.status_code == 400
    assert "es wurde nichts gespeichert" in response.text
    assert "bleibt" in response.text
    assert _item(dialog, 2).discussion == ""


def test_outdated_comment_form_is_refused_and_input_kept(
    client, ministry_user, heidekreis_user, dialog
):
    services.send_to_review(dialog, ministry_user, dialog.version)
    seen = dialog.version
    services.withdraw(dialog, ministry_user, dialog.version)
    services.send_to_review(dialog, ministry_user, dialog.version)
    data = _comment_data(dialog, {2: "Unsere Anmerkung"}, version=seen)
    client.force_login(heidekreis_user)
    response = client.post(reverse("dialogs:comment", args=[dialog.pk]), data)
    assert response.status_code == 409
    assert "Unsere Anmerkung" in response.text and "inzwischen" in response.text
    assert _item(dialog, 3).jobcenter_comment == ""


def test_a_further_item_goes_before_verschiedenes(client, ministry_user, dialog):
    client.force_login(ministry_user)
    data = draft_post_data(
        dialog,
        **{"items-6-title": "Arbeitsmarktlage", "items-6-discussion": "Kurzarbeit im Landkreis"},
    )
    assert client.post(reverse("dialogs:edit", args=[dialog.pk]), data).status_code == 302
    titles = list(dialog.items.values_list("title", flat=True))
    assert titles[-2:] == ["Arbeitsmarktlage", "Verschiedenes"]
    page = client.get(reverse("dialogs:edit", args=[dialog.pk])).text
    assert len(re.findall(r'name="items-\d+-DELETE"', page)) == 1  # only the added item


def test_jobcenter_cannot_add_an_agenda_item_through_the_comment_page(
    client, ministry_user, heidekreis_user, dialog
):
    services.send_to_review(dialog, ministry_user, dialog.version)
    items = list(dialog.items.all())
    before = list(dialog.items.values_list("pk", "order", "title"))
    data = {
        "version": dialog.version,
        "items-TOTAL_FORMS": len(items) + 1,
        "items-INITIAL_FORMS": len(items),
        "items-MIN_NUM_FORMS": 0,
        "items-MAX_NUM_FORMS": 1000,
    }
    for index, item in enumerate(items):
        data[f"items-{index}-id"] = item.pk
        data[f"items-{index}-dialog"] = dialog.pk
        data[f"items-{index}-jobcenter_comment"] = "Anmerkung" if index == 1 else ""
    data[f"items-{len(items)}-jobcenter_comment"] = "Ein eigener Punkt des Jobcenters"
    client.force_login(heidekreis_user)
    response = client.post(reverse("dialogs:comment", args=[dialog.pk]), data)
    assert response.status_code == 400
    assert "Tagesordnungspunkte ergänzt nur das Ministerium" in response.text
    assert list(dialog.items.values_list("pk", "order", "title")) == before
    assert _item(dialog, 2).jobcenter_comment == ""
    assert Dialog.objects.get(pk=dialog.pk).version == dialog.version


# --- typed text survives a change of state meanwhile (issue 14 point 6) ------------------------


def test_a_draft_edit_saved_after_sending_for_review_is_refused_with_the_text_kept(
    client, ministry_user, dialog
):
    client.force_login(ministry_user)
    typed = draft_post_data(dialog, **{"items-1-discussion": "Lange Mitschrift der Sitzung"})
    services.send_to_review(dialog, ministry_user, dialog.version)  # by a colleague, meanwhile
    response = client.post(reverse("dialogs:edit", args=[dialog.pk]), typed)
    assert response.status_code == 409
    assert "Nicht gespeichert" in response.text
    assert "Lange Mitschrift der Sitzung" in response.text
    assert _item(dialog, 2).discussion == ""


def test_a_comment_posted_after_both_approved_is_refused_with_the_text_kept(
    client, ministry_user, heidekreis_user, dialog
):
    services.send_to_review(dialog, ministry_user, dialog.version)
    dialog.refresh_from_db()
    typed = _comment_data(dialog, {2: "Unsere späte Anmerkung"}, version=dialog.version)
    services.approve(dialog, ministry_user, dialog.version)
    services.approve(dialog, heidekreis_user, dialog.version)
    client.force_login(heidekreis_user)
    response = client.post(reverse("dialogs:comment", args=[dialog.pk]), typed)
    assert response.status_code == 409
    assert "Nicht gespeichert" in response.text
    assert "Unsere späte Anmerkung" in response.text
    assert _item(dialog, 3).jobcenter_comment == ""
