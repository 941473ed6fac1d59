"""The PDFs are tagged (PDF/UA-1): structure, language and title for screen readers."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from tests.dialogs_world import make_agreement, make_dialog

pytestmark = pytest.mark.django_db


def tagged(response):
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    root = reader.trailer["/Root"]
    return {
        "structure": "/StructTreeRoot" in root,
        "marked": bool(root.get("/MarkInfo", {}).get("/Marked")),
        "language": str(root.get("/Lang", "")),
        "title shown": bool(root.get("/ViewerPreferences", {}).get("/DisplayDocTitle")),
        "title": reader.metadata.title,
    }


def test_the_agreement_pdf_is_tagged_in_german_with_its_title(as_user, reader, heidekreis):
    agreement = make_agreement(heidekreis)
    response = as_user(reader).get(reverse("agreements:pdf", args=[agreement.pk]))
    assert tagged(response) == {
        "structure": True,
        "marked": True,
        "language": "de",
        "title shown": True,
        "title": "Zielvereinbarung 2020 – Landkreis Heidekreis",
    }


@pytest.mark.parametrize("name", ["dialogs:pdf", "dialogs:folder"])
def test_the_dialog_pdfs_are_tagged_in_german(as_user, ministry_user, heidekreis, name):
    dialog = make_dialog(make_agreement(heidekreis), ministry_user)
    result = tagged(as_user(ministry_user).get(reverse(name, args=[dialog.pk])))
    assert result["structure"] and result["marked"] and result["language"] == "de"
    assert "Landkreis Heidekreis" in result["title"]
