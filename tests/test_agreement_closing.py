"""Irreversible steps ask first (issue 15, item 7): nothing preselects „abgeschlossen“, closing
is confirmed on a page of its own, the ministry can undo it with a reason that the history
shows, and copying into the next year asks once."""

import re

import pytest
from django.urls import reverse

from agreements.history import agreement_history
from agreements.models import Agreement, AgreementStatus
from tests.dialogs_world import make_agreement

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(heidekreis):
    return make_agreement(heidekreis)  # unterzeichnet


def _selected_options(html):
    select = re.search(r'<select name="status".*?</select>', html, re.S).group(0)
    return re.findall(r'<option value="([^"]*)"[^>]*selected', select)


def test_the_status_form_preselects_nothing(as_user, ministry_user, signed):
    page = as_user(ministry_user).get(reverse("agreements:detail", args=[signed.pk])).text
    assert _selected_options(page) == [""]
    assert '<option value="" selected>Bitte wählen</option>' in page


def test_posting_no_status_changes_nothing(as_user, ministry_user, signed):
    url = reverse("agreements:status", args=[signed.pk])
    response = as_user(ministry_user).post(url, {"status": "", "version": 1}, follow=True)
    assert "Bitte wählen Sie den neuen Status." in response.text
    signed.refresh_from_db()
    assert signed.status == AgreementStatus.SIGNED


def test_closing_asks_for_confirmation_first(as_user, ministry_user, signed):
    client = as_user(ministry_user)
    url = reverse("agreements:status", args=[signed.pk])
    asked = client.post(url, {"status": "abgeschlossen", "version": 1, "reason": "Jahr vorbei"})
    assert asked.status_code == 200
    assert "abschließen?" in asked.text and "Ja, abschließen" in asked.text
    assert 'name="confirmed" value="on"' in asked.text
    signed.refresh_from_db()
    assert signed.status == AgreementStatus.SIGNED and signed.version == 1

    data = {"status": "abgeschlossen", "version": 1, "reason": "Jahr vorbei", "confirmed": "on"}
    assert client.post(url, data).status_code == 302
    signed.refresh_from_db()
    assert signed.status == AgreementStatus.CLOSED


def test_the_ministry_reopens_a_closed_agreement_with_a_reason(as_user, ministry_user, signed):
    signed.status = AgreementStatus.CLOSED
    signed.save()
    client = as_user(ministry_user)
    page = client.get(reverse("agreements:detail", args=[signed.pk])).text
    assert "Abschluss zurücknehmen" in page and _selected_options(page) == [""]
    url = reverse("agreements:status", args=[signed.pk])

    without = client.post(url, {"status": "unterzeichnet", "version": 1}, follow=True)
    assert "warum der Abschluss zurückgenommen wird" in without.text
    signed.refresh_from_db()
    assert signed.status == AgreementStatus.CLOSED

    reason = "Haushaltsmittel nachträglich berichtigt"
    response = client.post(url, {"status": "unterzeichnet", "version": 1, "reason": reason})
    assert response.status_code == 302
    signed.refresh_from_db()
    assert signed.status == AgreementStatus.SIGNED
    newest = agreement_history(signed)[0]
    assert newest.reason == f"Abschluss zurückgenommen: {reason}"
    history = client.get(reverse("agreements:history", args=[signed.pk])).text
    assert f"Abschluss zurückgenommen: {reason}" in history


def test_only_the_ministry_reopens(as_user, heidekreis_user, reader, signed):
    signed.status = AgreementStatus.CLOSED
    signed.save()
    url = reverse("agreements:status", args=[signed.pk])
    data = {"status": "unterzeichnet", "version": 1, "reason": "x"}
    assert as_user(reader).post(url, data).status_code == 403
    assert as_user(heidekreis_user).post(url, data).status_code == 403
    signed.refresh_from_db()
    assert signed.status == AgreementStatus.CLOSED


def test_copying_asks_once(as_user, ministry_user, signed):
    client = as_user(ministry_user)
    url = reverse("agreements:copy", args=[signed.pk])
    asked = client.post(url)
    assert asked.status_code == 200
    assert "Entwurf für 2021 anlegen?" in asked.text and "Ja, Entwurf 2021 anlegen" in asked.text
    assert not Agreement.objects.filter(traeger=signed.traeger, year=2021).exists()

    done = client.post(url, {"confirmed": "on"})
    copy = Agreement.objects.get(traeger=signed.traeger, year=2021)
    assert done["Location"] == reverse("agreements:edit", args=[copy.pk])
