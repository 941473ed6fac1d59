"""A changed Zielwert and the text that states it: the printed agreement must not say
"um 3,1 %" when the goal now holds +3,5 %."""

from decimal import Decimal

import pytest
from django.urls import reverse

from agreements.services import _restated
from tests.dialogs_world import make_agreement
from tests.test_agreement_pages import edit_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def agreement(heidekreis):
    return make_agreement(heidekreis)


K2_TEXT = "Ziel ist, dass die Integrationsquote um 3,1 % im Vergleich zum Jahr 2019 steigt."
K3_TEXT = "Ziel ist, dass die Zahl der Langzeitleistungsbeziehenden um 1,5 % sinkt."


@pytest.mark.parametrize(
    ("text", "old", "new", "expected"),
    [
        (K2_TEXT, "3.10", "3.50", K2_TEXT.replace("3,1 %", "3,5 %")),
        (K2_TEXT, "3.10", "3.25", K2_TEXT.replace("3,1 %", "3,25 %")),
        (K3_TEXT, "-1.50", "-2.00", K3_TEXT.replace("1,5 %", "2,0 %")),
        ("Anstieg um 3,1 Prozent.", "3.10", "4.00", "Anstieg um 4,0 Prozent."),
        (K3_TEXT, "-1.50", "1.00", None),  # "sinkt" would now be wrong
        ("um 3,1 % und 3,1 % im Vorjahr", "3.10", "3.50", None),  # which one?
        ("Das Ziel ist erreicht, wenn die Quote steigt.", "3.10", "3.50", None),
        ("13,1 % mehr", "3.10", "3.50", None),
    ],
)
def test_the_text_follows_the_target_only_where_it_states_it_once(text, old, new, expected):
    assert _restated(text, Decimal(old), Decimal(new)) == expected


def test_changing_the_target_on_the_editor_restates_it_in_the_text(
    as_user, ministry_user, agreement
):
    goal = agreement.goals.get(number=2)
    goal.target_text = K2_TEXT
    goal.save()
    client = as_user(ministry_user)
    url = reverse("agreements:edit", args=[agreement.pk])

    response = client.post(
        url,
        edit_data(agreement, **{"ziele-1-target_value": "3,5"}, change_reason="Nachverhandlung"),
        follow=True,
    )

    goal.refresh_from_db()
    assert goal.target_value == Decimal("3.5")
    assert goal.target_text == K2_TEXT.replace("3,1 %", "3,5 %")
    assert "nennt den bisherigen Wert aber nicht eindeutig" not in response.text


def test_a_text_that_does_not_state_the_old_target_is_pointed_out(
    as_user, ministry_user, agreement
):
    goal = agreement.goals.get(number=2)
    goal.target_text = "Die Quote soll deutlich steigen."
    goal.save()
    client = as_user(ministry_user)
    url = reverse("agreements:edit", args=[agreement.pk])

    response = client.post(
        url,
        edit_data(agreement, **{"ziele-1-target_value": "3,5"}, change_reason="Nachverhandlung"),
        follow=True,
    )

    goal.refresh_from_db()
    assert goal.target_text == "Die Quote soll deutlich steigen."
    assert (
        "Ziel 2: Der Zielwert wurde geändert, der Text zum Zielwert nennt den bisherigen Wert "
        "aber nicht eindeutig." in response.text
    )
