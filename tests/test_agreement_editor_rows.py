"""The editor's "add row" buttons: each formset's empty form waits in a <template> for the
script, and the page still offers its blank rows to a browser without JavaScript."""

import re

import pytest
from django.urls import reverse

from tests.dialogs_world import make_agreement
from tests.test_agreement_pages import edit_data

pytestmark = pytest.mark.django_db

ROWS = {
    "ziele": ("number", "Weiteres Ziel", "Ziel hinzugefügt"),
    "schritte": ("goal_number", "Weiterer Umsetzungsschritt", "Umsetzungsschritt hinzugefügt"),
    "unterschriften": ("organisation", "Weitere Unterschrift", "Unterschrift hinzugefügt"),
}


def template_of(html, prefix):
    match = re.search(
        rf'<template data-formset-template="{prefix}">(.*?)</template>', html, re.DOTALL
    )
    assert match, f"Keine Vorlage für {prefix}"
    return match.group(1)


@pytest.mark.parametrize("new", [False, True], ids=["bearbeiten", "neu"])
def test_editor_holds_an_empty_row_template_and_a_button_per_formset(
    as_user, ministry_user, heidekreis, new
):
    url = (
        reverse("agreements:create")
        if new
        else reverse("agreements:edit", args=[make_agreement(heidekreis).pk])
    )
    html = as_user(ministry_user).get(url).text
    for prefix, (field, label, announcement) in ROWS.items():
        template = template_of(html, prefix)
        assert f'name="{prefix}-__prefix__-{field}"' in template
        assert f'id="id_{prefix}-__prefix__-{field}"' in template
        assert f'name="{prefix}-__prefix__-id"' in template
        assert "data-formset-row" in template
        button = re.search(
            rf"<button [^>]*data-formset-add=\"{prefix}\"[^>]*>([^<]*)</button>", html
        )
        assert button, f"Kein Knopf für {prefix}"
        assert button.group(1) == label
        assert 'type="button"' in button.group(0)
        assert f'data-formset-added="{announcement}"' in button.group(0)
        # Without JavaScript the blank rows of the server are there as before.
        assert f'name="{prefix}-TOTAL_FORMS"' in html
    assert template_of(html, "ziele").count("<legend") == 1
    assert "Neuer Umsetzungsschritt" in template_of(html, "schritte")
    assert 'aria-live="polite"' in html
    assert re.search(r'<script src="[^"]*js/formsets\.js" nonce="', html)


def test_rows_added_in_the_browser_are_saved_with_the_posted_count(
    as_user, ministry_user, heidekreis
):
    agreement = make_agreement(heidekreis)
    # The page offers ziele-0..5 and schritte-0..3; the script added ziele-6 and schritte-4.
    data = edit_data(
        agreement,
        change_reason="Ergänzung",
        **{
            "ziele-TOTAL_FORMS": "7",
            "ziele-6-number": "7",
            "ziele-6-kind": "qualitative",
            "ziele-6-title": "Digitalisierung",
            "schritte-TOTAL_FORMS": "5",
            "schritte-4-goal_number": "7",
            "schritte-4-order": "1",
            "schritte-4-text": "Online-Terminbuchung einführen",
            "schritte-4-status": "offen",
        },
    )
    response = as_user(ministry_user).post(reverse("agreements:edit", args=[agreement.pk]), data)
    assert response.status_code == 302
    assert agreement.goals.get(number=7).steps.get().text == "Online-Terminbuchung einführen"
    assert not agreement.goals.filter(number=6).exists()
