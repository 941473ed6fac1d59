"""The minutes and the Dialogmappe as PDF: they carry the minutes' figures and text in German
formats. Text is read back with pypdf."""

import io
import re
from datetime import date

import pytest
from django.urls import reverse
from pypdf import PdfReader

from dialogs.models import Measure
from tests.dialogs_world import (
    approve_by_both,
    make_agreement,
    make_dialog,
    worked_example_delivery,
)

pytestmark = pytest.mark.django_db


def pdf_text(response):
    assert response["Content-Type"] == "application/pdf"
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(content))
    text = " ".join(page.extract_text() for page in reader.pages).replace("\u00a0", " ")
    return re.sub(r"\s+", " ", text)


@pytest.fixture
def agreement(heidekreis):
    return make_agreement(heidekreis)


@pytest.fixture
def approved(agreement, heidekreis, ministry_user, heidekreis_user):
    dialog = make_dialog(
        agreement,
        ministry_user,
        when=date(2020, 3, 20),
        delivery=worked_example_delivery(heidekreis),
    )
    item = dialog.items.get(goal__number=2)
    item.discussion = "Die Integrationsquote liegt deutlich über dem Zielpfad <b>nicht fett</b>."
    item.decisions = "Der Landkreis berichtet im Juni über die Integrationsstufen."
    item.save()
    Measure.objects.create(
        dialog=dialog,
        agreement=agreement,
        text="Auswertung der Integrationen nach Stufen",
        responsible_person="Tobias Feld",
        due_date=date(2020, 6, 30),
    )
    return approve_by_both(dialog, ministry_user, heidekreis_user)


def test_minutes_pdf_carries_the_figures_and_the_text(as_user, reader, approved):
    response = as_user(reader).get(reverse("dialogs:pdf", args=[approved.pk]))
    assert response.status_code == 200
    assert 'filename="protokoll-zieldialog-03358-2020-03-20.pdf"' in response["Content-Disposition"]
    text = pdf_text(response)
    assert "Protokoll: Unterjähriger Zieldialog" in text
    assert "Landkreis Heidekreis" in text and "20.03.2020" in text
    assert "5,57 %" in text and "5,12 %" in text and "+8,7 %" in text and "+3,1 %" in text
    assert "3.910" in text and "−2,1 %" in text and "6.740.000 Euro" in text
    assert "Die Integrationsquote liegt deutlich über dem Zielpfad <b>nicht fett</b>." in text
    assert "Der Landkreis berichtet im Juni über die Integrationsstufen." in text
    assert "Auswertung der Integrationen nach Stufen" in text and "30.06.2020" in text
    assert "Hanna Heide" in text and "Maria Meyer" in text
    assert "Februar 2020" in text
    assert "Entwurf" not in text


def test_draft_minutes_pdf_is_marked_as_draft(as_user, ministry_user, agreement):
    dialog = make_dialog(agreement, ministry_user, when=date(2020, 3, 20))
    text = pdf_text(as_user(ministry_user).get(reverse("dialogs:pdf", args=[dialog.pk])))
    assert "Entwurf · Zahlen vorläufig" in text


def test_dialog_folder_prepares_the_next_dialog(
    as_user, heidekreis_user, ministry_user, agreement, approved
):
    upcoming = make_dialog(
        agreement, ministry_user, when=date(2020, 7, 1), delivery=approved.delivery
    )
    response = as_user(heidekreis_user).get(reverse("dialogs:folder", args=[upcoming.pk]))
    assert response.status_code == 200
    assert 'filename="dialogmappe-03358-2020-07-01.pdf"' in response["Content-Disposition"]
    text = pdf_text(response)
    assert "Dialogmappe: Landkreis Heidekreis" in text
    assert "Verbesserung der Integration in Erwerbstätigkeit" in text and "+3,1 %" in text
    assert "5,57 %" in text and "+8,7 %" in text  # figures of the data basis
    assert "Auswertung der Integrationen nach Stufen" in text  # the open measure
    assert "Frühere Protokolle" in text
    assert "Der Landkreis berichtet im Juni über die Integrationsstufen." in text


def test_dialog_folder_draws_a_chart_per_goal(ministry_user, agreement, approved):
    from dialogs.pdf import folder_context

    context = folder_context(approved)
    charts = [item.chart for item in context["items"] if item.is_goal]
    assert all(chart is not None for chart in charts)
    k2 = charts[1]
    # January and February of both years are known; the path follows the previous year.
    current, previous, target = k2.lines
    assert len(current.dots) == 2 and len(previous.dots) == 2 and len(target.dots) == 2


def test_approved_minutes_keep_the_organisation_names_they_were_approved_with(
    as_user, reader, ministry_user, heidekreis_user, agreement, heidekreis, mw
):
    from dialogs.models import Participant

    dialog = make_dialog(agreement, ministry_user, delivery=worked_example_delivery(heidekreis))
    Participant.objects.create(dialog=dialog, organisation=heidekreis, name="Hanna Heide")
    Measure.objects.create(
        dialog=dialog,
        agreement=agreement,
        text="Coaching besetzen",
        responsible_organisation=heidekreis,
        responsible_person="Tobias Feld",
    )
    approved = approve_by_both(dialog, ministry_user, heidekreis_user)
    heidekreis.name, heidekreis.short_name = "Landkreis Umbenannt", "LK Umbenannt"
    heidekreis.save()
    mw.name = "Ministerium mit neuem Zuschnitt"
    mw.save()

    client = as_user(reader)
    page = client.get(reverse("dialogs:detail", args=[approved.pk])).text
    body = page[page.index("minutes-basis") :]
    pdf = pdf_text(client.get(reverse("dialogs:pdf", args=[approved.pk])))
    for text in (body, pdf):
        assert "2020 – Landkreis Heidekreis" in text
        assert "Niedersächsisches Ministerium für Wirtschaft" in text
        assert "Heidekreis, Tobias Feld" in text
        assert "Umbenannt" not in text and "neuem Zuschnitt" not in text
    # A draft shows the names of today (to the ministry: readers see approved minutes only).
    draft = make_dialog(agreement, ministry_user, when=date(2020, 9, 15))
    page = as_user(ministry_user).get(reverse("dialogs:detail", args=[draft.pk])).text
    assert "Ministerium mit neuem Zuschnitt" in page and "LK Umbenannt, Tobias Feld" in page
