"""Budget amounts read as they were typed: cents when there are any, whole euros without „,00“,
on the page, in the PDF and in the history."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from pypdf import PdfReader

from agreements.models import BudgetKind, BudgetLine
from tests.dialogs_world import make_agreement
from tests.test_agreement_pages import edit_data
from zielsteuerung import formats

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("4250000.50"), "4.250.000,50 Euro"),
        (Decimal("4250000.05"), "4.250.000,05 Euro"),
        (Decimal("8793355.00"), "8.793.355 Euro"),
        (Decimal("8793355"), "8.793.355 Euro"),
        ("4250000.50", "4.250.000,50 Euro"),
        (Decimal("0.00"), "0 Euro"),
        (None, "–"),
    ],
)
def test_amount_shows_cents_only_when_there_are_any(value, expected):
    assert formats.amount(value).replace(NBSP, " ") == expected


def test_euro_keeps_whole_euros_for_computed_figures():
    assert formats.euro(Decimal("6740000.37")).replace(NBSP, " ") == "6.740.000 Euro"
    assert formats.euro(Decimal("6740000.37"), None).replace(NBSP, " ") == "6.740.000,37 Euro"


@pytest.fixture
def agreement(db, heidekreis):
    agreement = make_agreement(heidekreis)
    BudgetLine.objects.create(
        agreement=agreement, kind=BudgetKind.ADMINISTRATION, amount=Decimal("4250000.50")
    )
    BudgetLine.objects.create(
        agreement=agreement, kind=BudgetKind.INTEGRATION, amount=Decimal("7795364.00")
    )
    return agreement


def test_document_page_shows_cents_of_an_amount_and_the_total(as_user, ministry_user, agreement):
    page = as_user(ministry_user).get(reverse("agreements:detail", args=[agreement.pk]))
    text = page.text.replace(NBSP, " ")
    assert "4.250.000,50 Euro" in text
    assert "7.795.364 Euro" in text and "7.795.364,00" not in text
    assert "12.045.364,50 Euro" in text  # the derived total
    assert "4.250.001 Euro" not in text


def test_pdf_shows_cents_of_an_amount(as_user, ministry_user, agreement):
    response = as_user(ministry_user).get(reverse("agreements:pdf", args=[agreement.pk]))
    reader = PdfReader(BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages).replace(NBSP, " ")
    assert "4.250.000,50 Euro" in text
    assert "12.045.364,50 Euro" in text
    assert "7.795.364 Euro" in text


def test_history_shows_amounts_as_the_document_does(as_user, ministry_user, agreement):
    client = as_user(ministry_user)
    url = reverse("agreements:edit", args=[agreement.pk])
    data = edit_data(agreement, verwaltungskosten="4.300.000,25", change_reason="Nachtrag")
    assert client.post(url, data).status_code == 302
    history = client.get(reverse("agreements:history", args=[agreement.pk])).text
    history = history.replace(NBSP, " ")
    assert "4.250.000,50 Euro</del> → <ins>4.300.000,25 Euro" in history
    assert "Leistungen zur Eingliederung in Arbeit – 7.795.364 Euro" in history
    assert "4250000.50" not in history
