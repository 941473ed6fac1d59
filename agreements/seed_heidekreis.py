"""The 2020 agreement between MW, MS and Landkreis Heidekreis, as signed.

Every fact of the signed document is kept here as data, in the shape of the agreements JSON
format (docs/agreements-json.md): text sections, budget lines in exact euros, the five goals
with their targets, steps and criteria, the parties with their 2020 names and the three
signature blocks with the dates as far as the document gives them ("den 27. 2020": the month
is not known and is not invented). The demo agreements of the other Landkreise are built from
the same texts (agreements/demo.py).
"""

from django.db import transaction

from agreements.models import Agreement
from agreements.serialization import create_agreement

YEAR = 2020
KREISSCHLUESSEL = "03358"

MW_NAME = "Niedersächsisches Ministerium für Wirtschaft, Arbeit, Verkehr und Digitalisierung"
MS_NAME = "Niedersächsisches Ministerium für Soziales, Gesundheit und Gleichstellung"

PRINCIPLES = (
    "Die Aufnahme und Beibehaltung einer Erwerbstätigkeit, die Erhaltung, Verbesserung oder "
    "Wiederherstellung der Erwerbsfähigkeit sowie die Unabhängigkeit von staatlichen "
    "Hilfeleistungen sind die zentralen Anliegen der Grundsicherung für Arbeitsuchende (SGB II). "
    "Diese Zielvereinbarung ist deshalb darauf ausgerichtet, möglichst viele erwerbsfähige "
    "Leistungsberechtigte dauerhaft in existenzsichernde Erwerbstätigkeit einzugliedern und die "
    "Hilfebedürftigkeit insgesamt zu vermindern. Besonderes Augenmerk wird dabei auf die "
    "Vermeidung und Verringerung des Langzeitleistungsbezugs gelegt. Die Gleichstellung von "
    "Frauen und Männern am Arbeitsmarkt ist als Querschnittsaufgabe gemäß § 1 Abs. 2 Satz 3 "
    "SGB II durchgängig zu berücksichtigen.\n\n"
    "Die Überwindung von Hilfebedürftigkeit setzt im Regelfall eine existenzsichernde "
    "Erwerbstätigkeit voraus. Die Anstrengungen der Beteiligten sind auch mittel- und "
    "langfristig auf dieses Ziel auszurichten. Hierbei fördern sie verstärkt auch Frauen und "
    "nehmen deren berufliche Integration in den Fokus. Die Eigenverantwortung der "
    "Leistungsberechtigten und der mit ihnen in einer Bedarfsgemeinschaft (BG) lebenden "
    "Personen ist neben der Verfügbarkeit von Arbeitsplätzen die entscheidende Voraussetzung "
    "für die erfolgreiche Leistungserbringung der Träger. Das koordinierte und zielorientierte "
    "Vorgehen aller Beteiligten trägt dazu bei, Hilfebedürftigkeit zu vermeiden, zu verkürzen "
    "und zu vermindern.\n\n"
    "Die Integration in das Erwerbsleben ist eine der vordringlichsten Maßnahmen zur Förderung "
    "der Teilhabe von Menschen mit Behinderungen nach der UN-Behindertenrechtskonvention. Daher "
    "ist es wichtig, Belange von Menschen mit Behinderungen zu erkennen, sie fachkundig zu "
    "beraten und zu vermitteln."
)

FRAMEWORK = (
    "Für das Land Niedersachsen ist davon auszugehen, dass sich die Beschäftigung und die "
    "Arbeitslosigkeit trotz eintrübender Konjunktur weiterhin positiv entwickeln werden. So "
    "prognostiziert das IAB für 2020 einen weiteren Rückgang der Arbeitslosigkeit auf einen "
    "historisch niedrigen Stand. Gleichzeitig wird ein weiterer Anstieg der "
    "sozialversicherungspflichtigen Beschäftigung prognostiziert.\n\n"
    "Im weiteren Verlauf des Jahres sind in den Gesprächen zur Zielerreichung zwischen dem Land "
    "Niedersachsen und dem Landkreis Heidekreis die für den Arbeitsmarkt bestehenden "
    "konjunkturellen und strukturellen Besonderheiten genau zu beobachten und bei der Bewertung "
    "der Zielerreichung zu berücksichtigen.\n\n"
    "Als finanzielle Rahmenbedingungen stehen für die Eingliederung und Betreuung der "
    "erwerbsfähigen Leistungsberechtigten laut erstem Regierungsentwurf zum Bundeshaushalt 2020 "
    "dem Landkreis Heidekreis im Gesamtbudget (Verwaltungskosten sowie Leistungen zur "
    "Eingliederung in Arbeit) rd. 16,6 Mio. Euro für das Jahr 2020 zur Verfügung."
)

OBLIGATIONS = (
    "Der Landkreis Heidekreis, MW und MS setzen sich dafür ein, dass die in § 3 vereinbarten "
    "Ziele erreicht werden. Die Maßnahmen des Landkreises zur Zielerreichung erfolgen "
    "wirkungsorientiert und wirtschaftlich. MW und MS unterstützen die Zielerreichung des "
    "Landkreises durch fachliche Beratung."
)

BUDGET_INTRO = (
    "Nach der Eingliederungsmittel-Verordnung 2020 sind für den Landkreis Heidekreis im Jahr "
    "2020 folgende Haushaltsansätze vorgesehen:"
)

GOALS_INTRO = "Der Landkreis Heidekreis, MW und MS vereinbaren sich zu folgenden Zielen:"

INDICATOR_REFERENCE = (
    "Hinsichtlich der Zielindikatoren und der jeweils zu berücksichtigenden Ergänzungsgrößen "
    "findet die Verordnung zur Festlegung der Kennzahlen nach § 48a des Zweiten Buches "
    "Sozialgesetzbuch vom 12.08.2010 (BGBl. I S. 1152), die zuletzt durch Artikel 1 der "
    "Verordnung vom 15. März 2019 (BGBl. I S. 339) geändert worden ist, Anwendung."
)

TARGET_FOLLOWUP_TITLE = "Zielnachhaltung und Zieldialoge im Land Niedersachsen"

# The six paragraphs of § 4; the document numbers them (1) … (6).
TARGET_FOLLOWUP = (
    "Der Landkreis Heidekreis, MW und MS führen in vertrauensvoller Zusammenarbeit unterjährig "
    "in regelmäßigen Abständen – mindestens jedoch zweimal jährlich – Zieldialoge zur "
    "Entwicklung der Kennzahlen und Ergänzungsgrößen nach § 48a SGB II sowie zum Stand der "
    "Zielerreichung. Insbesondere bei Zielabweichungen und auf Wunsch des Landkreises "
    "Heidekreis können unterjährig weitere Gespräche geführt werden.\n\n"
    "Grundlage für die Zieldialoge und die Beurteilung der Zielerreichung 2020 bilden die "
    "Jahresfortschrittswerte ohne Wartezeit. Für die (unterjährige) Beurteilung der in § 3 "
    "Nr. 1 bis 3 vereinbarten Zielwerte (Zielerreichung) werden jeweils die "
    "Jahresfortschrittswerte mit den gleichen Ladeständen verglichen. Das MW stellt dem "
    "Landkreis Heidekreis regelmäßig aufbereitete Daten zur Bewertung der Zielerreichung zur "
    "Verfügung. Die Umsetzung der vereinbarten Ziele nach § 3 Nr. 4 und 5 werden im Rahmen der "
    "Zieldialoge thematisiert und ggf. durch gesonderte Auswertung begleitet/unterstützt.\n\n"
    "Die Gesamtergebnisse der Zielsteuerung 2020 werden auf Grundlage von Jahresendwerten 2020 "
    "ohne Wartezeit im Rahmen des Dialogs im Frühjahr 2021 bewertet.\n\n"
    "Die Auswirkungen von gesetzlichen Neuregelungen werden berücksichtigt.\n\n"
    "Abweichungen von den in § 2 festgelegten Haushaltsmitteln und den gesamtwirtschaftlichen "
    "Eckwerten werden bei der Beurteilung der Zielerreichung ebenso berücksichtigt wie "
    "Änderungen des Rechtsrahmens, konjunkturelle und strukturelle Besonderheiten.\n\n"
    "In die Vorbereitung der regelmäßigen und ggf. notwendigen anlassbezogenen Zieldialoge wird "
    "der Ausschuss für Zielvereinbarungen nach § 2b des Niedersächsischen Gesetzes zur "
    "Ausführung des Zweiten Buches des Sozialgesetzbuchs und des § 6b des "
    "Bundeskindergeldgesetzes (Nds. AG SGB II) einbezogen, welcher ebenfalls die maßgeblichen "
    "Grundlagen und Empfehlungen dafür erarbeitet."
)

# The opening formula as the document words it ("das Niedersächsische Ministerium …"), one line
# of the document per line.
PREAMBLE = (
    "Zur Erreichung der Ziele der Grundsicherung für Arbeitsuchende\n"
    "schließen das\n"
    "Niedersächsische Ministerium für Wirtschaft, Arbeit, Verkehr und Digitalisierung (MW)\n"
    "und das\n"
    "Niedersächsische Ministerium für Soziales, Gesundheit und Gleichstellung (MS)\n"
    "mit dem\n"
    "Landkreis Heidekreis\n"
    "hinsichtlich der Leistungserbringung durch die zugelassenen kommunalen Träger\n"
    "gemäß § 48b Abs. 1 S. 1 Nr. 4 des Sozialgesetzbuchs Zweites Buch (SGB II)\n"
    "für das Jahr 2020 folgende"
)

STEPS_INTRO = (
    "Nach Prüfung der regionalen Handlungsbedarfe verständigen sich die "
    "Zielvereinbarungspartner für den Landkreis Heidekreis auf folgende Umsetzungsschritte:"
)


def _goal(number, kind, title, **fields):
    goal = {
        "number": number,
        "kind": kind,
        "title": title,
        "description": "",
        "indicator": None,
        "target_type": "",
        "target_change_percent": None,
        "target_text": "",
        "monitoring_text": "",
        "steps_intro": "",
        "criterion": "",
        "steps": [],
    }
    goal.update(fields)
    return goal


def _step(text):
    return {"text": text, "status": "offen", "status_note": "", "status_updated_at": None}


GOALS = [
    _goal(
        1,
        "monitoring",
        "Verringerung der Hilfebedürftigkeit",
        indicator="K1",
        description=(
            "Ziel ist es, dass erwerbsfähige Leistungsberechtigte ihren Lebensunterhalt "
            "unabhängig von der Grundsicherung nach SGB II aus eigenen Mitteln und Kräften "
            "bestreiten, damit die Hilfebedürftigkeit insgesamt verringert wird. Für die "
            "Nachhaltung der Zielerreichung wird im Vergleich zum Vorjahr die Entwicklung der "
            "Summe der Leistungen zum Lebensunterhalt im Rahmen eines Monitorings beobachtet."
        ),
        monitoring_text=(
            "Weiterhin soll im Monitoring die Qualität der Integrationen betrachtet werden. "
            "Hierzu wird der Anteil an bedarfsdeckenden Integrationen und die Zahl der "
            "Langzeitleistungsbeziehenden, die seit vier Jahren oder länger als erwerbsfähige "
            "Leistungsberechtigte im Hilfebezug sind, beobachtet."
        ),
    ),
    _goal(
        2,
        "quantitative",
        "Verbesserung der Integration in Erwerbstätigkeit",
        indicator="K2",
        target_type="veraenderung",
        target_change_percent="3.1",
        description=(
            "Ziel ist es, die Hilfebedürftigkeit zu vermeiden oder zu überwinden. Dies soll vor "
            "allem durch Integrationen in Erwerbstätigkeit erfolgen. Zielindikator für dieses "
            "Ziel ist die Integrationsquote."
        ),
        target_text=(
            "Das Ziel ist im Jahr 2020 erreicht, wenn die Integrationsquote des Landkreises "
            "Heidekreis um 3,1 % im Vergleich zum Jahr 2019 steigt."
        ),
    ),
    _goal(
        3,
        "quantitative",
        "Vermeidung von langfristigem Leistungsbezug",
        indicator="K3",
        target_type="veraenderung",
        target_change_percent="-1.5",
        description=(
            "Ziel ist die Vermeidung und Verringerung von Langzeitleistungsbezug. Der Prävention "
            "und der Beendigung des Langzeitleistungsbezugs sollen deshalb weiterhin erhöhte "
            "Aufmerksamkeit zukommen. Die Erreichung dieses Ziels setzt langfristige "
            "Eingliederungsstrategien und darauf konzentrierte Ressourcen voraus."
        ),
        target_text=(
            "Das Ziel ist im Jahr 2020 erreicht, wenn der durchschnittliche Bestand an "
            "Langzeitleistungsbeziehenden des Landkreises Heidekreis um 1,5 % im Vergleich zum "
            "Jahr 2019 reduziert wird."
        ),
    ),
    _goal(
        4,
        "qualitative",
        "Gleichstellungspolitisches Ziel",
        description=(
            "Ziel ist es, eine gleichberechtigte Förderung und Integration von Frauen und "
            "Männern zu erreichen."
        ),
        steps_intro=STEPS_INTRO,
        steps=[
            _step(
                "Entwicklung von Beratungsmethoden auf der Grundlage der Schulung "
                '"Sozialraumorientierte Beratung" und Implementierung in die Beratungsarbeit'
            )
        ],
        criterion=(
            "Das Ziel ist erreicht, wenn die vereinbarten Steuerungsansätze umgesetzt wurden und "
            "ein Leitfaden zur sozialraumorientierten Beratung für die Integrationsfachkräfte "
            "des Jobcenters erstellt ist. In diesem Kontext wird die Zuordnung von Kunden in "
            "Integrationsstufen definiert, die Netzwerkarbeit als Instrument mehr in den Fokus "
            "gerückt und Verfahrensweisen zur Optimierung dieser Ressource entwickelt. Die "
            "Haltung der Integrationsfachkräfte zu ihren Kunden bzw. zu ihrer Arbeit soll in den "
            "Beratungsleitfaden einfließen."
        ),
    ),
    _goal(
        5,
        "qualitative",
        "Umsetzung des Gesamtkonzeptes „MitArbeit“",
        description=(
            "Ziel ist die Umsetzung des Gesamtkonzeptes „MitArbeit“ zur Vermeidung und "
            "Verringerung von Langzeitarbeitslosigkeit und Langzeitleistungsbezug."
        ),
        steps_intro=STEPS_INTRO,
        steps=[
            _step(
                "Konzeptionierung und Implementierung eines kunden- und arbeitgeberorientierten "
                "Coachings mit enger Begleitung des Arbeitgeberservices, verortet als Bindeglied "
                "zwischen Maßnahmen des Gesundheitscoachings/Fallmanagements und einer "
                "geförderten Beschäftigung"
            )
        ],
        criterion=(
            "Das Ziel ist erreicht, wenn die vereinbarten Steuerungsansätze umgesetzt wurden, "
            "d.h. die Maßnahme konzeptioniert, vergeben und mit geeigneten Teilnehmern besetzt "
            "ist."
        ),
    ),
]

HEIDEKREIS_2020 = {
    "year": YEAR,
    "traeger": KREISSCHLUESSEL,
    "status": "unterzeichnet",
    "is_demo": False,
    "title": "Vereinbarung zur Erreichung der Ziele der Grundsicherung für Arbeitsuchende",
    "legal_basis": "§ 48b Abs. 1 S. 1 Nr. 4 des Sozialgesetzbuchs Zweites Buch (SGB II)",
    "preamble": PREAMBLE,
    "principles": PRINCIPLES,
    "framework": FRAMEWORK,
    "obligations": OBLIGATIONS,
    "budget_intro": BUDGET_INTRO,
    "goals_intro": GOALS_INTRO,
    "indicator_reference": INDICATOR_REFERENCE,
    "target_followup_title": TARGET_FOLLOWUP_TITLE,
    "target_followup": TARGET_FOLLOWUP,
    "parties": [
        {"organisation": "MW", "name": MW_NAME, "abbreviation": "MW"},
        {"organisation": "MS", "name": MS_NAME, "abbreviation": "MS"},
        {"organisation": KREISSCHLUESSEL, "name": "Landkreis Heidekreis", "abbreviation": ""},
    ],
    "budget": {"verwaltungskosten": "8793355.00", "eingliederung": "7795364.00"},
    "goals": GOALS,
    "signatures": [
        {
            "organisation": "MW",
            "place": "Hannover",
            "day": 28,
            "month": 11,
            "year": 2020,
            "in_representation": True,
            "signatory": "Dr. Berend Lindner",
            "organisation_label": (
                "Niedersächsisches\nMinisterium für Wirtschaft,\nArbeit, Verkehr und\n"
                "Digitalisierung"
            ),
        },
        {
            "organisation": "MS",
            "place": "Hannover",
            "day": 27,
            "month": None,  # "den 27. 2020": the month is missing in the document
            "year": 2020,
            "in_representation": True,
            "signatory": "Heiger Scholz",
            "organisation_label": (
                "Niedersächsisches\nMinisterium für Soziales,\nGesundheit und\nGleichstellung"
            ),
        },
        {
            "organisation": KREISSCHLUESSEL,
            "place": "Bad Fallingb.",
            "day": 8,
            "month": None,  # "den 8. 2020"
            "year": 2020,
            "in_representation": False,
            "signatory": "Manfred Ostermann",
            "organisation_label": "Landkreis Heidekreis",
        },
    ],
}


@transaction.atomic
def create_heidekreis_2020():
    """The Heidekreis 2020 agreement; created from the facts above only when it is missing,
    so an agreement edited since is returned unchanged."""
    existing = Agreement.objects.filter(year=YEAR, traeger__key=KREISSCHLUESSEL).first()
    if existing is not None:
        return existing
    return create_agreement(HEIDEKREIS_2020, reason="aus der unterzeichneten Vereinbarung 2020")
