"""The spring review (Frühjahrsbilanz): the final assessment per goal on the December values,
with a written reason whenever it differs from the computed verdict (§ 4 (4), (5))."""

from datetime import date

import pytest
from django.urls import reverse

from agreements.models import StepStatus
from dialogs import services
from dialogs.models import Assessment, DialogKind, DialogStatus, reason_required
from tests.dialogs_world import (
    approve_by_both,
    draft_post_data,
    full_year_figures,
    make_agreement,
    make_delivery,
    make_dialog,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("assessment", "computed", "required"),
    [
        (Assessment.MET, "met", False),
        (Assessment.NOT_MET, "not_met", False),
        (Assessment.MET, "not_met", True),
        (Assessment.NOT_MET, "met", True),
        (Assessment.MET_AFTER_4_4_5, "not_met", True),
        (Assessment.MET, "no_data", True),
        ("", "not_met", False),
    ],
)
def test_reason_is_required_exactly_when_the_assessment_differs(assessment, computed, required):
    assert reason_required(assessment, computed) is required


@pytest.fixture
def agreement(heidekreis):
    return make_agreement(heidekreis)


@pytest.fixture
def spring(agreement, heidekreis, ministry_user):
    # 2020 as 2019 for integrations (K2 ±0 %: not met), fewer LZB (K3 −2,5 %: met).
    delivery = make_delivery(
        heidekreis, full_year_figures(int_2020_per_month=160), ladestand=date(2021, 2, 28)
    )
    return make_dialog(
        agreement,
        ministry_user,
        when=date(2021, 3, 17),
        kind=DialogKind.SPRING,
        delivery=delivery,
        reporting_month=date(2020, 12, 1),
    )


def _form_index(dialog, number):
    return [a.goal_number for a in dialog.assessments.all()].index(number)


def test_spring_review_has_an_assessment_per_goal_with_a_verdict(spring):
    assert [a.goal_number for a in spring.assessments.all()] == [2, 3, 4, 5]


def test_computed_verdicts_are_those_of_december(spring, agreement):
    step = agreement.goals.get(number=4).steps.get()
    step.status = StepStatus.DONE
    step.save()
    verdicts = {
        a.goal_number: a.computed
        for a in services.annotate_assessments(spring, list(spring.assessments.all()))
    }
    assert verdicts == {2: "not_met", 3: "met", 4: "met", 5: "not_met"}


def test_differing_assessment_without_reason_is_refused(client, ministry_user, spring):
    client.force_login(ministry_user)
    index = _form_index(spring, 2)
    data = draft_post_data(
        spring,
        **{
            f"assessments-{index}-assessment": Assessment.MET_AFTER_4_4_5,
            "items-1-discussion": "x",
        },
    )
    response = client.post(reverse("dialogs:edit", args=[spring.pk]), data)
    assert response.status_code == 400
    assert "Ziel 2: Die Bewertung weicht von der errechneten Bewertung" in response.text
    assert "„nicht" in response.text
    assert spring.assessments.get(goal_number=2).assessment == ""
    assert spring.items.get(goal__number=2).discussion == ""  # nothing written at all


def test_differing_assessment_with_reason_is_saved(client, ministry_user, spring):
    client.force_login(ministry_user)
    index = _form_index(spring, 2)
    data = draft_post_data(
        spring,
        **{
            f"assessments-{index}-assessment": Assessment.MET_AFTER_4_4_5,
            f"assessments-{index}-reason": "Corona-Pandemie: Arbeitsmarkt ab März 2020 eingebrochen.",
        },
    )
    assert client.post(reverse("dialogs:edit", args=[spring.pk]), data).status_code == 302
    assert spring.assessments.get(goal_number=2).assessment == Assessment.MET_AFTER_4_4_5


def test_agreeing_assessment_needs_no_reason(client, ministry_user, spring):
    client.force_login(ministry_user)
    index = _form_index(spring, 3)
    data = draft_post_data(spring, **{f"assessments-{index}-assessment": Assessment.MET})
    assert client.post(reverse("dialogs:edit", args=[spring.pk]), data).status_code == 302
    assert spring.assessments.get(goal_number=3).assessment == Assessment.MET


def test_spring_review_cannot_be_sent_without_every_assessment(client, ministry_user, spring):
    client.force_login(ministry_user)
    response = client.post(reverse("dialogs:send", args=[spring.pk]), {"version": spring.version})
    page = client.get(response["Location"]).text
    assert "Ziel 2: die abschließende Bewertung fehlt." in page
    spring.refresh_from_db()
    assert spring.status == DialogStatus.DRAFT


def test_approval_stores_the_computed_verdict_with_the_assessment(
    ministry_user, heidekreis_user, spring
):
    for assessment in spring.assessments.all():
        assessment.assessment = Assessment.NOT_MET
        if assessment.goal_number == 3:
            assessment.reason = "Rückgang auch ohne Zutun des Jobcenters (Demografie)."
        assessment.save()
    approve_by_both(spring, ministry_user, heidekreis_user)
    stored = {a.goal_number: a.computed_verdict for a in spring.assessments.all()}
    assert stored == {2: "not_met", 3: "met", 4: "not_met", 5: "not_met"}


def test_spring_review_must_use_december(as_user, ministry_user, agreement):
    response = as_user(ministry_user).post(
        reverse("dialogs:create", args=[agreement.pk]),
        {"kind": DialogKind.SPRING, "date": "2021-03-17", "reporting_month": "2020-06"},
    )
    assert response.status_code == 200
    assert "Berichtsmonat ist Dezember 2020" in response.text


def test_becoming_a_spring_review_adds_the_assessments(client, ministry_user, agreement):
    dialog = make_dialog(agreement, ministry_user, when=date(2021, 3, 1))
    client.force_login(ministry_user)
    data = draft_post_data(
        dialog, **{"dialog-kind": DialogKind.SPRING, "dialog-reporting_month": "2020-12"}
    )
    assert client.post(reverse("dialogs:edit", args=[dialog.pk]), data).status_code == 302
    assert dialog.assessments.count() == 4
