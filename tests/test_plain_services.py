"""The services take plain data, not forms: a command, an import or a test calls them with
values and `Rows`, and the models' own rules still apply."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from agreements import services
from agreements.models import (
    Agreement,
    AgreementStatus,
    Goal,
    GoalKind,
    ImplementationStep,
    StepStatus,
)
from dialogs import services as dialog_services
from tests.dialogs_world import make_agreement, make_dialog
from zielsteuerung.locking import Conflict
from zielsteuerung.rows import Rows

pytestmark = pytest.mark.django_db


def qualitative_goal(number=1, **values):
    return {"number": number, "kind": GoalKind.QUALITATIVE, "title": "Netzwerke", **values}


def test_a_new_agreement_is_saved_from_plain_values(ministry_user, heidekreis):
    agreement = services.save_agreement(
        Agreement(),
        {"year": 2031, "traeger": heidekreis, "version": 0, "eingliederung": Decimal("1000")},
        goals=Rows(changed=[qualitative_goal(3)]),
        steps=Rows(changed=[{"goal_number": 3, "order": 1, "text": "Runder Tisch"}]),
        signatures=Rows(),
        user=ministry_user,
    )

    assert agreement.status == AgreementStatus.DRAFT
    goal = agreement.goals.get()
    assert (goal.number, goal.title) == (3, "Netzwerke")
    step = goal.steps.get()
    assert (step.text, step.status) == ("Runder Tisch", StepStatus.OPEN)
    assert agreement.budget_total == Decimal("1000")


def test_a_goal_in_plain_data_meets_the_goal_rules(ministry_user, heidekreis):
    agreement = make_agreement(heidekreis)
    goal = {"number": 7, "kind": GoalKind.QUANTITATIVE, "title": "Ohne Zielwert"}

    with pytest.raises(ValidationError) as refused:
        services.save_agreement(
            agreement,
            {"version": agreement.version},
            goals=Rows(changed=[goal]),
            steps=Rows(),
            signatures=Rows(),
            user=ministry_user,
        )

    assert "Ein quantitatives Ziel braucht einen Zielwert." in refused.value.messages
    assert not Goal.objects.filter(agreement=agreement, number=7).exists()


def test_saving_from_an_old_version_is_a_conflict(ministry_user, heidekreis):
    agreement = make_agreement(heidekreis)
    opened_at = agreement.version
    no_rows = {"goals": Rows(), "steps": Rows(), "signatures": Rows()}
    first = {"version": opened_at, "preamble": "Zuerst gespeichert", "change_reason": "Präambel"}
    services.save_agreement(agreement, first, **no_rows, user=ministry_user)

    with pytest.raises(Conflict) as conflict:
        services.save_agreement(
            Agreement.objects.get(pk=agreement.pk),
            {"version": opened_at, "preamble": "Überschrieben?"},
            **no_rows,
            user=ministry_user,
        )

    assert str(conflict.value).startswith("Die Vereinbarung wurde inzwischen")
    assert Agreement.objects.get(pk=agreement.pk).preamble == "Zuerst gespeichert"


def test_a_step_report_claims_the_agreement_and_keeps_to_its_own_steps(
    heidekreis_user, heidekreis, verden
):
    agreement = make_agreement(heidekreis)
    step = ImplementationStep.objects.filter(goal__agreement=agreement).first()
    foreign = ImplementationStep.objects.filter(goal__agreement=make_agreement(verden)).first()
    report = {"status": StepStatus.DONE, "status_note": "Erledigt"}

    with pytest.raises(services.AgreementRefused):
        services.report_steps(
            agreement, heidekreis_user, agreement.version, [{"id": foreign.pk, **report}]
        )
    services.report_steps(
        agreement, heidekreis_user, agreement.version, [{"id": step.pk, **report}]
    )

    step.refresh_from_db()
    foreign.refresh_from_db()
    assert (step.status, step.status_note) == (StepStatus.DONE, "Erledigt")
    assert foreign.status == StepStatus.OPEN
    with pytest.raises(Conflict):  # the report moved the version on
        services.report_steps(
            agreement, heidekreis_user, agreement.version - 1, [{"id": step.pk, **report}]
        )


def test_comments_as_plain_text_withdraw_approvals_only_when_changed(
    ministry_user, heidekreis_user, heidekreis
):
    dialog = make_dialog(make_agreement(heidekreis), ministry_user)
    dialog_services.send_to_review(dialog, ministry_user, dialog.version)
    dialog_services.approve(dialog, heidekreis_user, dialog.version)
    item = dialog.items.order_by("order").first()

    same = {item.pk: item.jobcenter_comment}
    assert dialog_services.save_comments(dialog, heidekreis_user, dialog.version, same) == []
    assert dialog.approvals.filter(side="landkreis").exists()

    changed = {item.pk: "Zahlen Februar vorläufig."}
    withdrawn = dialog_services.save_comments(dialog, heidekreis_user, dialog.version, changed)
    assert [approval.side for approval in withdrawn] == ["landkreis"]
    assert not dialog.approvals.exists()
    item.refresh_from_db()
    assert item.jobcenter_comment == "Zahlen Februar vorläufig."
