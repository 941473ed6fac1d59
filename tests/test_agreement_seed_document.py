"""The signed Heidekreis 2020 agreement, as the product shows and prints it, carries every
figure, name and date of the original document."""

import html
import re
from io import BytesIO

import pytest
from django.urls import reverse
from pypdf import PdfReader

from agreements.seed_heidekreis import create_heidekreis_2020

pytestmark = pytest.mark.django_db

# Every figure, name, date and reference of the signed document, in its own spelling.
FACTS = [
    # title and parties
    "Vereinbarung",
    "zur Erreichung der Ziele der",
    "Grundsicherung für Arbeitsuchende",
    "im Jahr 2020",
    "Niedersächsische Ministerium für Wirtschaft, Arbeit, Verkehr und Digitalisierung (MW)",
    "Niedersächsische Ministerium für Soziales, Gesundheit und Gleichstellung (MS)",
    "Landkreis Heidekreis",
    "gemäß § 48b Abs. 1 S. 1 Nr. 4 des Sozialgesetzbuchs Zweites Buch (SGB II)",
    "für das Jahr 2020 folgende",
    # I. and II.
    "I. Grundsätze",
    "§ 1 Abs. 2 Satz 3 SGB II",
    "UN-Behindertenrechtskonvention",
    "II. Rahmenbedingungen",
    "So prognostiziert das IAB für 2020",
    "laut erstem Regierungsentwurf zum Bundeshaushalt 2020",
    "rd. 16,6 Mio. Euro für das Jahr 2020",
    # III. § 1, § 2
    "III. Vereinbarungen",
    "§ 1 Verpflichtung der Vereinbarungspartner",
    "MW und MS unterstützen die Zielerreichung des Landkreises durch fachliche Beratung.",
    "§ 2 Haushaltsmittel",
    "Nach der Eingliederungsmittel-Verordnung 2020",
    "Verwaltungskosten",
    "8.793.355 Euro",
    "Leistungen zur Eingliederung in Arbeit",
    "7.795.364 Euro",
    # § 3 goals
    "§ 3 Ziele, Zielindikatoren und Ergänzungsgrößen",
    "1. Verringerung der Hilfebedürftigkeit",
    "Summe der Leistungen zum Lebensunterhalt",
    "seit vier Jahren oder länger",
    "2. Verbesserung der Integration in Erwerbstätigkeit",
    "Zielindikator für dieses Ziel ist die Integrationsquote.",
    "um 3,1 % im Vergleich zum Jahr 2019 steigt",
    "3. Vermeidung von langfristigem Leistungsbezug",
    "um 1,5 % im Vergleich zum Jahr 2019 reduziert wird",
    "4. Gleichstellungspolitisches Ziel",
    'Schulung "Sozialraumorientierte Beratung"',
    "ein Leitfaden zur sozialraumorientierten Beratung für die Integrationsfachkräfte",
    "5. Umsetzung des Gesamtkonzeptes „MitArbeit“",
    "Konzeptionierung und Implementierung eines kunden- und arbeitgeberorientierten Coachings",
    "die Maßnahme konzeptioniert, vergeben und mit geeigneten Teilnehmern besetzt ist",
    "vom 12.08.2010 (BGBl. I S. 1152)",
    "Verordnung vom 15. März 2019 (BGBl. I S. 339)",
    # § 4
    "§ 4 Zielnachhaltung und Zieldialoge im Land Niedersachsen",
    "mindestens jedoch zweimal jährlich",
    "Jahresfortschrittswerte ohne Wartezeit",
    "§ 3 Nr. 4 und 5",
    "Jahresendwerten 2020 ohne Wartezeit im Rahmen des Dialogs im Frühjahr 2021",
    "(4) Die Auswirkungen von gesetzlichen Neuregelungen werden berücksichtigt.",
    "(6) In die Vorbereitung",
    "§ 2b des Niedersächsischen Gesetzes",
    "§ 6b des Bundeskindergeldgesetzes (Nds. AG SGB II)",
    # signatures
    "Hannover, den 28.11.2020",
    "Hannover, den 27. … 2020",
    "Bad Fallingb., den 8. … 2020",
    "In Vertretung",
    "(Dr. Berend Lindner)",
    "(Heiger Scholz)",
    "(Manfred Ostermann)",
]


def plain(text):
    """Text as a reader sees it: no tags, one kind of space, typographic quotes kept."""
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S)
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    return " ".join(text.replace("\u00a0", " ").replace("\u2009", " ").split())


def missing_facts(text):
    return [fact for fact in FACTS if " ".join(fact.split()) not in text]


@pytest.fixture
def agreement():
    return create_heidekreis_2020()


def test_seed_is_created_once(agreement):
    assert create_heidekreis_2020() == agreement
    assert agreement.status == "unterzeichnet"
    assert agreement.goals.count() == 5
    assert str(agreement.budget_total) == "16588719.00"


def test_document_page_carries_every_fact(as_user, heidekreis_user, agreement):
    response = as_user(heidekreis_user).get(reverse("agreements:detail", args=[agreement.pk]))
    assert response.status_code == 200
    assert missing_facts(plain(response.text)) == []


def test_pdf_carries_every_fact(as_user, ministry_user, agreement):
    response = as_user(ministry_user).get(reverse("agreements:pdf", args=[agreement.pk]))
    reader = PdfReader(BytesIO(response.content))
    text = plain(" ".join(page.extract_text() for page in reader.pages))
    # Read across page breaks as a person does: skip the page footers, and join a word that
    # was broken after its hyphen at the end of a line ("UN-" / "Behindertenrechtskonvention").
    text = re.sub(r"•? ?Seite \d+ von \d+ ?", "", text)
    text = re.sub(r"(\w)- (?=[A-ZÄÖÜ])", r"\1-", text)
    assert missing_facts(text) == []
