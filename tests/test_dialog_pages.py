"""Every page of the dialogs: the happy path, the wrong method and the outsider; the status
board of a year and what is due before the spring review."""

import re
from datetime import date

import pytest
from django.urls import reverse

from dialogs import services
from dialogs.models import Dialog, DialogKind, Measure
from tests.dialogs_world import (
    approve_by_both,
    make_agreement,
    make_dialog,
    worked_example_delivery,
)
from zielsteuerung.models import Organisation

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


DIALOG_PAGES = ["detail", "edit", "comment", "correct", "history", "pdf", "folder"]
DIALOG_STEPS = ["send", "withdraw", "request_changes", "approve", "delete"]


@pytest.mark.parametrize("name", DIALOG_PAGES + DIALOG_STEPS)
def test_other_landkreis_gets_404_everywhere(as_user, verden_user, dialog, name):
    client = as_user(verden_user)
    url = reverse(f"dialogs:{name}", args=[dialog.pk])
    assert client.get(url).status_code in {404, 405}
    assert client.post(url, {"version": dialog.version}).status_code in {404, 405}
    if name not in DIALOG_STEPS:
        assert client.get(url).status_code == 404


@pytest.mark.parametrize("name", DIALOG_PAGES + DIALOG_STEPS)
def test_anonymous_is_sent_to_login(client, dialog, name):
    response = client.get(reverse(f"dialogs:{name}", args=[dialog.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", DIALOG_STEPS)
def test_steps_refuse_get(as_user, ministry_user, dialog, name):
    assert (
        as_user(ministry_user).get(reverse(f"dialogs:{name}", args=[dialog.pk])).status_code == 405
    )


@pytest.mark.parametrize("name", ["detail", "history", "pdf", "folder"])
def test_read_pages_refuse_post(as_user, ministry_user, dialog, name):
    assert (
        as_user(ministry_user).post(reverse(f"dialogs:{name}", args=[dialog.pk])).status_code == 405
    )


@pytest.mark.parametrize("name", ["edit", "comment", "correct"])
def test_form_pages_refuse_put(as_user, ministry_user, dialog, name):
    assert (
        as_user(ministry_user).put(reverse(f"dialogs:{name}", args=[dialog.pk])).status_code == 405
    )


@pytest.mark.parametrize("user", ["ministry_user", "heidekreis_user"])
def test_dialog_page_is_readable_by_all_who_see_the_landkreis(request, as_user, dialog, user):
    response = as_user(request.getfixturevalue(user)).get(
        reverse("dialogs:detail", args=[dialog.pk])
    )
    assert response.status_code == 200
    assert "Ziel 2: Verbesserung der Integration in Erwerbstätigkeit" in response.text


def test_reader_sees_minutes_only_once_both_sides_approved(
    as_user, reader, ministry_user, heidekreis_user, dialog
):
    client = as_user(reader)
    pages = ["detail", "pdf", "folder", "history"]
    Measure.objects.create(dialog=dialog, agreement=dialog.agreement, text="Konzept vorlegen")
    measures_url = reverse("dialogs:measures", args=[dialog.agreement.pk])
    for name in pages:  # draft
        assert client.get(reverse(f"dialogs:{name}", args=[dialog.pk])).status_code == 404
    assert "Konzept vorlegen" not in client.get(measures_url).text
    services.send_to_review(dialog, ministry_user, dialog.version)
    services.approve(dialog, ministry_user, dialog.version)
    for name in pages:  # under review, one side approved
        assert client.get(reverse(f"dialogs:{name}", args=[dialog.pk])).status_code == 404
    board = client.get(reverse("dialogs:list") + "?jahr=2020").text
    assert reverse("dialogs:detail", args=[dialog.pk]) not in board
    services.approve(dialog, heidekreis_user, dialog.version)
    for name in pages:
        assert client.get(reverse(f"dialogs:{name}", args=[dialog.pk])).status_code == 200
    assert "Konzept vorlegen" in client.get(measures_url).text
    board = client.get(reverse("dialogs:list") + "?jahr=2020").text
    assert reverse("dialogs:detail", args=[dialog.pk]) in board


def test_reader_sees_no_buttons(as_user, reader, ministry_user, heidekreis_user, dialog):
    approve_by_both(dialog, ministry_user, heidekreis_user)
    page = as_user(reader).get(reverse("dialogs:detail", args=[dialog.pk])).text
    for label in [
        "Entwurf bearbeiten",
        "zur Prüfung senden",
        "freigeben (",
        "Korrektur hinzufügen",
    ]:
        assert label not in page


def test_edit_page_opens_for_the_ministry(as_user, ministry_user, dialog):
    response = as_user(ministry_user).get(reverse("dialogs:edit", args=[dialog.pk]))
    assert response.status_code == 200
    assert 'name="dialog-version"' in response.text
    assert "Zahlen vorläufig" in response.text


@pytest.mark.parametrize("user", ["heidekreis_user", "reader"])
def test_create_is_for_the_ministry_only(request, as_user, agreement, user):
    client = as_user(request.getfixturevalue(user))
    url = reverse("dialogs:create", args=[agreement.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"kind": "unterjaehrig", "date": "2020-05-01"}).status_code == 403
    assert not Dialog.objects.exists()


def test_create_for_other_landkreis_is_404_and_put_is_405(
    as_user, verden_user, ministry_user, agreement
):
    url = reverse("dialogs:create", args=[agreement.pk])
    assert as_user(verden_user).get(url).status_code == 404
    assert as_user(ministry_user).put(url).status_code == 405


def test_create_page_suggests_the_latest_data_basis(as_user, ministry_user, agreement, delivery):
    page = as_user(ministry_user).get(reverse("dialogs:create", args=[agreement.pk])).text
    assert f'<option value="{delivery.pk}" selected data-ladestand="2020-03-31">' in page
    assert '<option value="2020-02" selected>Februar 2020</option>' in page


def test_comment_page_for_the_landkreis_in_review(as_user, ministry_user, heidekreis_user, dialog):
    services.send_to_review(dialog, ministry_user, dialog.version)
    response = as_user(heidekreis_user).get(reverse("dialogs:comment", args=[dialog.pk]))
    assert response.status_code == 200 and "Anmerkung des Jobcenters" in response.text
    assert (
        as_user(ministry_user).get(reverse("dialogs:comment", args=[dialog.pk])).status_code == 403
    )


def test_comment_page_refuses_a_draft_with_message(as_user, heidekreis_user, dialog):
    response = as_user(heidekreis_user).get(
        reverse("dialogs:comment", args=[dialog.pk]), follow=True
    )
    assert "noch im Entwurf beim Ministerium" in response.text


def test_correction_page_opens_for_approved_minutes(
    as_user, ministry_user, heidekreis_user, dialog
):
    approve_by_both(dialog, ministry_user, heidekreis_user)
    response = as_user(ministry_user).get(reverse("dialogs:correct", args=[dialog.pk]))
    assert response.status_code == 200 and "Korrektur vermerken" in response.text


def test_ministry_deletes_a_draft_but_others_cannot(
    as_user, ministry_user, heidekreis_user, reader, dialog
):
    url = reverse("dialogs:delete", args=[dialog.pk])
    assert as_user(heidekreis_user).post(url).status_code == 403
    assert as_user(reader).post(url).status_code == 404  # readers do not see drafts
    response = as_user(ministry_user).post(url)
    assert response.status_code == 302 and response["Location"].endswith("?jahr=2020")
    assert not Dialog.objects.exists()


def test_history_shows_who_changed_what(client, ministry_user, dialog):
    item = dialog.items.get(goal__number=2)
    item.discussion = "Erste Fassung"
    item.save()
    client.force_login(ministry_user)
    services.send_to_review(dialog, ministry_user, dialog.version)
    response = client.get(reverse("dialogs:history", args=[dialog.pk]))
    assert response.status_code == 200
    assert "Erörterung" in response.text and "Erste Fassung" in response.text
    assert "an den Landkreis zur Prüfung gesandt" in response.text
    assert "Maria Meyer" in response.text


# --- the list and the status board -------------------------------------------------------------


@pytest.fixture
def board_world(agreement, delivery, ministry_user, heidekreis_user, verden):
    """Heidekreis: dialog 1 approved, dialog 2 held but in draft, an overdue measure, spring
    review missing. Verden: nothing yet."""
    first = make_dialog(agreement, ministry_user, when=date(2020, 3, 20), delivery=delivery)
    Measure.objects.create(
        dialog=first, agreement=agreement, text="Konzept vorlegen", due_date=date(2020, 5, 31)
    )
    approve_by_both(first, ministry_user, heidekreis_user)
    second = make_dialog(agreement, ministry_user, when=date(2020, 9, 15), delivery=delivery)
    make_agreement(verden)
    return first, second


def test_status_board_shows_each_slot(board_world, agreement):
    first, second = board_world
    rows = services.status_board(
        agreement.__class__.objects.for_year(2020).order_by("traeger__name"), date(2020, 10, 1)
    )
    heidekreis_row, verden_row = rows
    assert [slot.state for slot in heidekreis_row.slots] == [
        "freigegeben",
        "durchgefuehrt",
        "fehlt",
    ]
    assert [slot.dialog for slot in heidekreis_row.slots] == [first, second, None]
    assert [slot.state for slot in verden_row.slots] == ["fehlt", "fehlt", "fehlt"]
    later = make_dialog(agreement, first.created_by, when=date(2020, 12, 1), kind=DialogKind.SPRING)
    rows = services.status_board(
        agreement.__class__.objects.filter(pk=agreement.pk), date(2020, 10, 1)
    )
    assert rows[0].slots[2].state == "geplant" and rows[0].slots[2].dialog == later


def test_due_list_names_missing_dialogs_unapproved_minutes_and_overdue_measures(
    board_world, agreement
):
    rows = services.status_board(agreement.__class__.objects.for_year(2020), date(2020, 10, 1))
    texts = [
        (entry.agreement.traeger.key, entry.text)
        for entry in services.due_before_spring_review(rows, date(2020, 10, 1))
    ]
    assert ("03358", "Frühjahrsbilanz ist noch nicht geplant") in texts
    assert (
        "03358",
        "Protokoll des Zieldialogs vom 15.09.2020 ist noch nicht freigegeben (im Entwurf)",
    ) in texts
    assert ("03358", "Maßnahme „Konzept vorlegen“ war fällig am 31.05.2020") in texts
    assert ("03361", "1. Zieldialog fehlt") in texts and ("03361", "2. Zieldialog fehlt") in texts
    assert not any("20.03.2020" in text for _, text in texts)  # approved minutes are done


def test_list_page_shows_board_and_due_list(as_user, ministry_user, board_world):
    response = as_user(ministry_user).get(reverse("dialogs:list") + "?jahr=2020")
    assert response.status_code == 200
    assert "Landkreis Heidekreis" in response.text and "Landkreis Verden" in response.text
    assert "Vor der Frühjahrsbilanz fällig" in response.text
    assert "Zieldialog anlegen" in response.text


def test_due_before_spring_review_is_one_table_row_per_landkreis(
    as_user, ministry_user, board_world
):
    page = as_user(ministry_user).get(reverse("dialogs:list") + "?jahr=2020").text
    table = page[page.index('<table class="table table-sm align-top due-table">') :]
    table = table[: table.index("</table>")]
    rows = re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</th>(.*?)</tr>", table, re.S)
    assert [name for name, _ in rows] == ["Landkreis Heidekreis", "Landkreis Verden"]
    cells = {name: re.findall(r"<td>(.*?)</td>", rest, re.S) for name, rest in rows}
    heidekreis = [re.sub(r"<[^>]+>", "", cell) for cell in cells["Landkreis Heidekreis"]]
    assert heidekreis[0] == "Frühjahrsbilanz"
    assert "15.09.2020 (im Entwurf)" in heidekreis[1]
    assert heidekreis[2] == "1 überfällig"
    verden = [re.sub(r"<[^>]+>", "", cell) for cell in cells["Landkreis Verden"]]
    assert verden == ["1. Zieldialog, 2. Zieldialog, Frühjahrsbilanz", "–", "–"]


def test_jobcenter_sees_only_its_own_row(as_user, heidekreis_user, verden_user, board_world):
    page = as_user(heidekreis_user).get(reverse("dialogs:list") + "?jahr=2020").text
    assert "Landkreis Heidekreis" in page and "Landkreis Verden" not in page
    assert "Zieldialog anlegen" not in page
    page = as_user(verden_user).get(reverse("dialogs:list") + "?jahr=2020").text
    assert "Heidekreis" not in page and "Konzept vorlegen" not in page


def test_list_refuses_unknown_year_and_post(as_user, ministry_user, board_world):
    client = as_user(ministry_user)
    assert client.get(reverse("dialogs:list") + "?jahr=1999").status_code == 404
    assert client.get(reverse("dialogs:list") + "?jahr=abc").status_code == 404
    assert client.post(reverse("dialogs:list")).status_code == 405


def test_list_costs_the_same_queries_for_many_landkreise(
    as_user, ministry_user, board_world, django_assert_max_num_queries
):
    client = as_user(ministry_user)
    url = reverse("dialogs:list") + "?jahr=2020"
    client.get(url)
    for traeger in Organisation.objects.traeger().exclude(key__in=["03358", "03361"]):
        agreement = make_agreement(traeger)
        make_dialog(agreement, ministry_user, when=date(2020, 4, 1))
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert response.content.decode().count('data-slot="1"') == 16
