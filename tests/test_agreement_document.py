"""The document shows what the edit page lets one type: its own title, the opening text, and
targets read as what they are (a change signed, a quota not)."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from pypdf import PdfReader

from agreements.forms import AgreementForm
from agreements.models import Goal, GoalKind, TargetType
from indicators.models import Indicator
from tests.dialogs_world import make_agreement
from tests.test_agreement_pages import edit_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def agreement(heidekreis):
    return make_agreement(heidekreis)


def header_of(response):
    text = response.text
    start = text.index('<header class="document-title')
    return text[start : text.index("</header>", start)]


def detail(client, agreement):
    return client.get(reverse("agreements:detail", args=[agreement.pk]))


def test_own_title_is_the_document_header(as_user, reader, agreement):
    agreement.title = "Ergänzungsvereinbarung zur Zielvereinbarung"
    agreement.save()
    header = header_of(detail(as_user(reader), agreement))
    assert "Ergänzungsvereinbarung zur Zielvereinbarung" in header
    assert "im Jahr 2020" in header
    assert "zur Erreichung der Ziele der" not in header


def test_standard_title_keeps_the_wording_of_the_original(as_user, reader, agreement):
    header = header_of(detail(as_user(reader), agreement))
    assert ">Vereinbarung</p>" in header
    assert "zur Erreichung der Ziele der" in header
    assert "Grundsicherung für Arbeitsuchende" in header


def test_own_title_is_in_the_pdf_too(as_user, reader, agreement):
    agreement.title = "Ergänzungsvereinbarung zur Zielvereinbarung"
    agreement.save()
    response = as_user(reader).get(reverse("agreements:pdf", args=[agreement.pk]))
    text = PdfReader(BytesIO(response.content)).pages[0].extract_text()
    assert "Ergänzungsvereinbarung zur Zielvereinbarung" in text


def test_preamble_is_on_the_edit_page_with_its_help(as_user, ministry_user, agreement):
    form = AgreementForm(instance=agreement)
    assert "preamble" in form.fields
    assert "Vereinbarungspartnern, der Rechtsgrundlage" in form.fields["preamble"].help_text
    page = as_user(ministry_user).get(reverse("agreements:edit", args=[agreement.pk]))
    assert 'name="preamble"' in page.text
    assert "Eingangsformel" in page.text


def test_preamble_typed_on_the_page_is_saved_and_shown(as_user, ministry_user, agreement):
    client = as_user(ministry_user)
    data = edit_data(
        agreement,
        preamble="Zwischen den Partnern\nwird für das Jahr 2020 folgende",
        change_reason="Eingangsformel",
    )
    response = client.post(reverse("agreements:edit", args=[agreement.pk]), data)
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.preamble == "Zwischen den Partnern\nwird für das Jahr 2020 folgende"
    page = detail(client, agreement).text
    assert "Zwischen den Partnern<br>wird für das Jahr 2020 folgende" in page
    assert "hinsichtlich der Leistungserbringung" not in page


def test_empty_preamble_is_built_from_parties_and_legal_basis(as_user, reader, agreement):
    page = detail(as_user(reader), agreement).text
    assert "Zur Erreichung der Ziele der Grundsicherung für Arbeitsuchende" in page
    assert f"gemäß {agreement.legal_basis}" in page


def goal_facts(response, number):
    text = response.text
    start = text.index(f'id="ziel-{number}"')
    return text[start : text.index("</p>", start)].replace("\u00a0", " ")


def test_quota_target_is_shown_without_sign_change_target_with(as_user, reader, agreement):
    Goal.objects.create(
        agreement=agreement,
        number=6,
        kind=GoalKind.QUANTITATIVE,
        title="Integrationsquote halten",
        indicator=Indicator.objects.get(code="K2"),
        target_type=TargetType.QUOTA,
        target_value=Decimal("31.1"),
    )
    Goal.objects.create(
        agreement=agreement,
        number=7,
        kind=GoalKind.QUANTITATIVE,
        title="Langzeitbezug begrenzen",
        indicator=Indicator.objects.get(code="K3"),
        target_type=TargetType.CEILING,
        target_value=Decimal("0.2"),
    )
    response = detail(as_user(reader), agreement)
    quota = goal_facts(response, 6)
    assert "Zielwert 31,1 %" in quota and "+31,1" not in quota
    assert "+0,2 %" in goal_facts(response, 7)  # a ceiling on the change reads signed
    assert "Zielwert +3,1 %" in goal_facts(response, 2)
    assert "Zielwert −1,5 %" in goal_facts(response, 3)
