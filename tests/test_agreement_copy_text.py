"""Copy into the next year moves the years that name the agreement's year and the year before
it — in dates too, as a term runs "vom 1. Januar bis 31. Dezember" of its year — and leaves
the years of legal citations as they are."""

import pytest

from agreements.seed_heidekreis import create_heidekreis_2020
from agreements.services import _next_year_text, copy_to_next_year


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("im Jahr 2020", "im Jahr 2021"),
        ("Zielvereinbarung 2020", "Zielvereinbarung 2021"),
        ("um 3,1 % gegenüber 2019", "um 3,1 % gegenüber 2020"),
        ("Jahresendwerte 2020 … im Frühjahr 2021", "Jahresendwerte 2021 … im Frühjahr 2022"),
        ("Ziele 2020 (2019: 3,1 %)", "Ziele 2021 (2020: 3,1 %)"),
        (
            "Verordnung vom 15. März 2019 (BGBl. I S. 339)",
            "Verordnung vom 15. März 2019 (BGBl. I S. 339)",
        ),
        ("am 15.03.2019 und am 1. 7. 2020", "am 15.03.2020 und am 1. 7. 2021"),
        ("Stichtag 2019-03-15", "Stichtag 2020-03-15"),
        (
            "gilt vom 1. Januar 2020 bis zum 31. Dezember 2020",
            "gilt vom 1. Januar 2021 bis zum 31. Dezember 2021",
        ),
        ("Zeitraum 01.01.2020 bis 31.12.2020", "Zeitraum 01.01.2021 bis 31.12.2021"),
        (
            "Gesetz zur Stärkung der Teilhabe vom 15.03.2019",
            "Gesetz zur Stärkung der Teilhabe vom 15.03.2019",
        ),
        ("Verordnung vom 15. März 2019", "Verordnung vom 15. März 2019"),
        ("BGBl. I 2019 S. 339", "BGBl. I 2019 S. 339"),
        ("Nds. GVBl. 2020 S. 12", "Nds. GVBl. 2020 S. 12"),
        ("Haushaltsgesetz 2020 (BGBl. I S. 3208)", "Haushaltsgesetz 2020 (BGBl. I S. 3208)"),
        ("Gesetz vom Juli 2019", "Gesetz vom Juli 2019"),
        ("ab 1. Januar 2020 für das Jahr 2020", "ab 1. Januar 2021 für das Jahr 2021"),
    ],
)
def test_next_year_text_moves_agreement_years_only(text, expected):
    assert _next_year_text(text, 2020) == expected


@pytest.mark.django_db
def test_copied_heidekreis_agreement_reads_right_for_2021(ministry_user):
    original = create_heidekreis_2020()

    copy = copy_to_next_year(original, ministry_user)

    # § 3 (2): the Kennzahlen-Verordnung and its amendment are fixed citations.
    assert copy.indicator_reference == original.indicator_reference
    assert "Verordnung vom 15. März 2019 (BGBl. I S. 339)" in copy.indicator_reference
    assert "vom 12.08.2010 (BGBl. I S. 1152)" in copy.indicator_reference
    # The agreement's year and the year before it move on.
    assert copy.preamble.endswith("für das Jahr 2021 folgende")
    assert "So prognostiziert das IAB für 2021" in copy.framework
    assert "zum Bundeshaushalt 2021" in copy.framework
    assert "Eingliederungsmittel-Verordnung 2021" in copy.budget_intro
    assert "im Jahr 2021 folgende Haushaltsansätze" in copy.budget_intro
    assert "Beurteilung der Zielerreichung 2021" in copy.target_followup
    assert (
        "Die Gesamtergebnisse der Zielsteuerung 2021 werden auf Grundlage von Jahresendwerten "
        "2021 ohne Wartezeit im Rahmen des Dialogs im Frühjahr 2022 bewertet."
    ) in copy.target_followup
    goals = {goal.number: goal for goal in copy.goals.all()}
    assert goals[2].target_text == (
        "Das Ziel ist im Jahr 2021 erreicht, wenn die Integrationsquote des Landkreises "
        "Heidekreis um 3,1 % im Vergleich zum Jahr 2020 steigt."
    )
    assert "im Jahr 2021 erreicht" in goals[3].target_text
    assert "im Vergleich zum Jahr 2020 reduziert" in goals[3].target_text
    # No 2019 is left but the one of the citation.
    texts = [getattr(copy, name) for name in ("preamble", "framework", "target_followup")]
    texts += [goal.target_text for goal in goals.values()]
    assert not any("2019" in text for text in texts)
