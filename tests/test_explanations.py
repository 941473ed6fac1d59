"""Explanations with causes (issue 19): when a goal is off the target path, the Jobcenter of
the Landkreis (or a ministry) explains the month with one or more causes and a text; readers
see them; another Landkreis gets 404. The ministry's start page lists the goals off the path
without one; the next dialog's agenda shows those since the previous dialog and the approved
minutes keep their copy; the spring review's reasons can quote them."""

import copy
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from agreements.models import Cause, Explanation
from dialogs import services
from dialogs.models import DialogKind
from tests.dialogs_world import (
    WORKED_EXAMPLE,
    approve_by_both,
    full_year_figures,
    make_agreement,
    make_delivery,
    make_dialog,
)
from tests.test_dashboards import text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def agreement(heidekreis):
    return make_agreement(heidekreis)


@pytest.fixture
def off_track(heidekreis, agreement):
    """The worked example with fewer integrations in 2020: K2 4,39 % against the path
    5,28 % in February 2020, off the target path (goal 2)."""
    figures = copy.deepcopy(WORKED_EXAMPLE)
    figures["INT"][(2020, 1)] = 130
    figures["INT"][(2020, 2)] = 130
    return make_delivery(heidekreis, figures)


@pytest.fixture
def goal(agreement):
    return agreement.goals.get(number=2)


def url(goal, month=2):
    return reverse("dashboards:explanation", args=[goal.pk, month])


def explain(goal, month, text, causes=(Cause.LEGAL_CHANGE,), author_name="Jana Jobcenter"):
    return Explanation.objects.create(
        goal=goal,
        month=date(goal.agreement.year, month, 1),
        causes=list(causes),
        text=text,
        author_name=author_name,
    )


VALID = {"causes": [Cause.LEGAL_CHANGE, Cause.ECONOMY], "text": "Bürgergeld-Umstellung im Januar."}


# ---------------------------------------------------------------------------------------------
# The form


def test_jobcenter_explains_a_month_off_the_target_path(as_user, heidekreis_user, goal, off_track):
    client = as_user(heidekreis_user)
    page = client.get(url(goal))
    assert page.status_code == 200
    text = text_of(page)
    assert "Erläuterung: Ziel 2, Februar 2020" in text
    assert (
        "Rechtsänderung (§ 4 Abs. 4)" in text
        and "Abweichung der Haushaltsmittel (§ 4 Abs. 5)" in text
    )
    assert "nicht auf Zielkurs" in text  # the month's figures beside the form

    response = client.post(url(goal), VALID)

    assert response.status_code == 302
    assert response["Location"].endswith("?year=2020#ziel-2")
    explanation = Explanation.objects.get()
    assert (explanation.goal, explanation.month) == (goal, date(2020, 2, 1))
    assert explanation.causes == [Cause.LEGAL_CHANGE, Cause.ECONOMY]
    assert explanation.author == heidekreis_user
    assert explanation.author_name == heidekreis_user.get_full_name()
    assert explanation.history.count() == 1
    landkreis = text_of(client.get(response["Location"]))
    assert "Bürgergeld-Umstellung im Januar." in landkreis
    assert "Rechtsänderung (§ 4 Abs. 4), Konjunktur/Arbeitsmarkt" in landkreis


def test_ministry_changes_an_explanation_and_the_history_keeps_both(
    as_user, ministry_user, goal, off_track
):
    explain(goal, 2, "Erste Fassung")
    response = as_user(ministry_user).post(
        url(goal), {"causes": [Cause.DATA_QUALITY], "text": "Zweite Fassung"}
    )
    assert response.status_code == 302
    explanation = Explanation.objects.get()
    assert (explanation.text, explanation.causes) == ("Zweite Fassung", [Cause.DATA_QUALITY])
    assert [h.text for h in explanation.history.order_by("history_id")] == [
        "Erste Fassung",
        "Zweite Fassung",
    ]


def test_bad_input_is_refused_in_german_and_nothing_is_written(as_user, heidekreis_user, goal):
    client = as_user(heidekreis_user)
    response = client.post(url(goal), {"text": "  "})
    assert response.status_code == 400
    text = text_of(response)
    assert "Bitte wählen Sie mindestens eine Ursache." in text
    assert "Bitte beschreiben Sie, warum das Ziel vom Zielpfad abweicht." in text
    response = client.post(url(goal), {"causes": ["erfunden"], "text": "x"})
    assert response.status_code == 400
    assert "„erfunden“ ist keine der Ursachen; bitte wählen Sie aus der Liste." in text_of(response)
    assert not Explanation.objects.exists()


def test_wrong_method_is_refused(as_user, heidekreis_user, goal):
    client = as_user(heidekreis_user)
    assert client.put(url(goal)).status_code == 405
    assert client.delete(url(goal)).status_code == 405


def test_another_landkreis_gets_404_and_writes_nothing(as_user, verden_user, goal):
    client = as_user(verden_user)
    assert client.get(url(goal)).status_code == 404
    assert client.post(url(goal), VALID).status_code == 404
    assert not Explanation.objects.exists()


def test_reader_sees_explanations_and_changes_nothing(as_user, reader, goal, off_track):
    explain(goal, 2, "Sondereffekt durch Kreisreform")
    client = as_user(reader)
    assert client.get(url(goal)).status_code == 403
    assert client.post(url(goal), VALID).status_code == 403
    assert Explanation.objects.get().text == "Sondereffekt durch Kreisreform"
    page = client.get(reverse("dashboards:traeger", args=[goal.agreement.traeger.key]))
    assert "Sondereffekt durch Kreisreform" in text_of(page)
    assert url(goal) not in page.content.decode()  # no link to change it


def test_only_months_of_the_year_and_goals_with_a_target(as_user, heidekreis_user, agreement):
    client = as_user(heidekreis_user)
    assert client.get(url(agreement.goals.get(number=2), 13)).status_code == 404
    assert client.get(url(agreement.goals.get(number=1))).status_code == 404  # monitoring
    assert client.get(url(agreement.goals.get(number=4))).status_code == 404  # qualitative


# ---------------------------------------------------------------------------------------------
# Where explanations are missing


def test_landkreis_page_asks_for_the_missing_explanation(as_user, heidekreis_user, goal, off_track):
    client = as_user(heidekreis_user)
    page = client.get(reverse("dashboards:traeger", args=[goal.agreement.traeger.key]))
    text = text_of(page)
    assert "Erläuterung für Februar 2020 fehlt" in text
    assert f'href="{url(goal)}">Februar 2020 erläutern' in page.content.decode()

    explain(goal, 2, "erklärt")
    text = text_of(client.get(reverse("dashboards:traeger", args=[goal.agreement.traeger.key])))
    assert "Erläuterung für Februar 2020 fehlt" not in text
    assert "Februar 2020 (erläutert)" in text


def test_start_page_counts_and_lists_goals_off_track_without_explanation(
    as_user, ministry_user, goal, off_track, verden
):
    verden_goal = make_agreement(verden).goals.get(number=2)
    figures = copy.deepcopy(WORKED_EXAMPLE)
    figures["INT"][(2020, 2)] = 100
    make_delivery(verden, figures)
    client = as_user(ministry_user)

    text = text_of(client.get(reverse("home")))
    assert "2 Ziele nicht auf Zielkurs ohne Erläuterung für Februar 2020" in text
    assert "Landkreis Heidekreis: Ziel 2 (K2)" in text and "Landkreis Verden: Ziel 2 (K2)" in text

    explain(goal, 2, "erklärt")
    explain(verden_goal, 1, "nur Januar")  # another month does not count
    text = text_of(client.get(reverse("home")))
    assert "1 Ziel nicht auf Zielkurs ohne Erläuterung für Februar 2020" in text
    assert "Landkreis Heidekreis: Ziel 2 (K2)" not in text
    assert "Landkreis Verden: Ziel 2 (K2)" in text

    explain(verden_goal, 2, "erklärt")
    assert "Alle Ziele nicht auf Zielkurs sind erläutert." in text_of(client.get(reverse("home")))


# ---------------------------------------------------------------------------------------------
# The next dialog's agenda


def test_next_dialog_agenda_shows_the_explanations_since_the_previous_dialog(
    as_user, ministry_user, heidekreis_user, agreement, goal, off_track
):
    soon = timezone.localdate() + timedelta(days=10)
    # The previous dialog, on January, is held after the explanations were written …
    previous = make_dialog(agreement, ministry_user, when=soon, reporting_month=date(2020, 1, 1))
    explain(goal, 1, "Januar: schon im letzten Dialog besprochen")
    explain(goal, 2, "Februar: neu seit dem letzten Dialog")
    explain(goal, 3, "März: nach dem Berichtsmonat")
    # … the next one is on February.
    dialog = make_dialog(
        agreement, ministry_user, when=soon + timedelta(days=30), reporting_month=date(2020, 2, 1)
    )
    assert previous.pk != dialog.pk

    for page in (
        as_user(ministry_user).get(reverse("dialogs:detail", args=[dialog.pk])),
        as_user(ministry_user).get(reverse("dialogs:edit", args=[dialog.pk])),
        as_user(heidekreis_user).get(reverse("dialogs:detail", args=[dialog.pk])),
    ):
        text = text_of(page)
        assert "Erläuterungen des Jobcenters seit dem letzten Zieldialog" in text
        assert "Februar: neu seit dem letzten Dialog" in text
        assert "Rechtsänderung (§ 4 Abs. 4)" in text
        assert "Januar: schon im letzten Dialog besprochen" not in text
        assert "März: nach dem Berichtsmonat" not in text

    # The previous dialog (the first of the year) shows its month's explanation only.
    text = text_of(as_user(ministry_user).get(reverse("dialogs:detail", args=[previous.pk])))
    assert "Januar: schon im letzten Dialog besprochen" in text
    assert "Februar: neu seit dem letzten Dialog" not in text


def test_explanation_changed_after_the_previous_dialog_comes_back(
    ministry_user, agreement, goal, off_track
):
    long_ago = date(2020, 4, 20)
    make_dialog(agreement, ministry_user, when=long_ago, reporting_month=date(2020, 2, 1))
    explain(goal, 1, "im Januar geändert")  # changed now, after that dialog was held
    dialog = make_dialog(agreement, ministry_user, when=date(2020, 6, 1))
    rows = services.explanations_since_previous(dialog, [goal.pk])
    assert [row.text for row in rows[goal.pk]] == ["im Januar geändert"]


def test_approved_minutes_keep_the_explanation_as_discussed(
    as_user, ministry_user, heidekreis_user, agreement, goal, off_track
):
    explanation = explain(goal, 2, "Fassung im Dialog")
    dialog = approve_by_both(
        make_dialog(agreement, ministry_user, delivery=off_track), ministry_user, heidekreis_user
    )
    item = dialog.items.get(goal=goal)
    assert [row["text"] for row in item.explanations_snapshot] == ["Fassung im Dialog"]

    explanation.text = "spätere Fassung"
    explanation.causes = [Cause.OTHER]
    explanation.save()

    text = text_of(as_user(ministry_user).get(reverse("dialogs:detail", args=[dialog.pk])))
    assert "Fassung im Dialog" in text and "Rechtsänderung (§ 4 Abs. 4)" in text
    assert "spätere Fassung" not in text
    pdf_context = services.minutes_context(dialog)  # the PDF's too
    goal_item = next(i for i in pdf_context["items"] if i.goal_id == goal.pk)
    assert [row.text for row in goal_item.explanations] == ["Fassung im Dialog"]


# ---------------------------------------------------------------------------------------------
# The spring review


def test_spring_review_offers_the_explanations_to_quote_in_the_reason(
    as_user, ministry_user, heidekreis, agreement, goal
):
    delivery = make_delivery(
        heidekreis, full_year_figures(int_2020_per_month=160), ladestand=date(2021, 2, 28)
    )
    explain(goal, 11, "Zuwanderung aus der Ukraine", causes=[Cause.IMMIGRATION])
    spring = make_dialog(
        agreement,
        ministry_user,
        when=date(2021, 3, 17),
        kind=DialogKind.SPRING,
        delivery=delivery,
        reporting_month=date(2020, 12, 1),
    )
    page = as_user(ministry_user).get(reverse("dialogs:edit", args=[spring.pk]))
    html = page.content.decode()
    index = [a.goal_number for a in spring.assessments.all()].index(2)
    assert f'data-cite-target="id_assessments-{index}-reason"' in html
    assert (
        'data-cite-text="Erläuterung des Jobcenters zu November 2020 (Zuwanderung): '
        'Zuwanderung aus der Ukraine"' in html
    )
    assert "js/cite.js" in html
