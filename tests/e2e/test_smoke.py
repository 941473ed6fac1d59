"""A person logs in and opens an agreement, in a real browser."""

import pytest

from agreements.models import Agreement

pytestmark = pytest.mark.django_db(transaction=True)


def test_ministry_user_logs_in_and_opens_an_agreement(page, login, ministry_user, heidekreis):
    agreement = Agreement.objects.create(year=2020, traeger=heidekreis, status="unterzeichnet")
    login(ministry_user)
    assert page.get_by_role("heading", level=1).first.is_visible()
    page.get_by_role("link", name="Landkreis Heidekreis").first.click()
    page.wait_for_url(f"**/vereinbarungen/{agreement.pk}/")
    assert "Heidekreis" in page.content()


def test_wrong_password_is_refused_in_german(page, login, ministry_user):
    login(ministry_user, password="falsch")
    assert (
        page.get_by_role("alert").inner_text().startswith("Benutzername oder Passwort ist falsch")
    )
