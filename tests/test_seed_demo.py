"""The demo world of `seed_demo`: the signed Heidekreis agreement with every fact of the
document, plausible demo agreements for the other 15 Landkreise, demo logins for every role
(only where seed_demo ran), and running it twice changes nothing."""

from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse

from agreements.demo import seed_demo_agreements
from agreements.models import Agreement, AgreementStatus, Goal, ImplementationStep
from agreements.seed_heidekreis import create_heidekreis_2020
from dialogs.models import Dialog
from indicators.models import DataDelivery
from zielsteuerung.models import Role

pytestmark = pytest.mark.django_db

DEMO_LOGINS = {
    "ministerium": ("MW", Role.MINISTRY_EDITOR),
    "jobcenter-heidekreis": ("03358", Role.JOBCENTER_EDITOR),
    "jobcenter-verden": ("03361", Role.JOBCENTER_EDITOR),
    "leser": ("MS", Role.READER),
}


def seed_demo():
    out = StringIO()
    call_command("seed_demo", "--auch-ohne-debug", stdout=out)  # tests run without DEBUG
    return out.getvalue()


def test_seed_demo_refuses_a_production_setting_unless_asked(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG ist aus") as refusal:
        call_command("seed_demo", stdout=StringIO())
    assert "manage.py seed_demo --auch-ohne-debug" in str(refusal.value)
    assert get_user_model().objects.count() == 0 and Agreement.objects.count() == 0
    settings.DEBUG = True
    assert "Demodaten sind angelegt" in _run_plain()


def _run_plain():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def counts():
    return {
        "users": get_user_model().objects.count(),
        "agreements": Agreement.objects.count(),
        "goals": Goal.objects.count(),
        "steps": ImplementationStep.objects.count(),
        "deliveries": DataDelivery.objects.count(),
        "dialogs": Dialog.objects.count(),
    }


# --- the Heidekreis agreement as signed -------------------------------------------------------


@pytest.fixture
def heidekreis_2020():
    return create_heidekreis_2020()


def test_heidekreis_agreement_is_signed_real_data(heidekreis_2020):
    agreement = heidekreis_2020
    assert (agreement.year, agreement.traeger.key) == (2020, "03358")
    assert agreement.status == AgreementStatus.SIGNED
    assert not agreement.is_demo
    assert agreement.legal_basis == (
        "§ 48b Abs. 1 S. 1 Nr. 4 des Sozialgesetzbuchs Zweites Buch (SGB II)"
    )


def test_heidekreis_budget_in_exact_euros(heidekreis_2020):
    budget = {line.kind: line.amount for line in heidekreis_2020.budget_lines.all()}
    assert budget == {
        "verwaltungskosten": Decimal("8793355.00"),
        "eingliederung": Decimal("7795364.00"),
    }
    assert heidekreis_2020.budget_total == Decimal("16588719.00")
    assert "rd. 16,6 Mio. Euro für das Jahr 2020" in heidekreis_2020.framework
    assert heidekreis_2020.budget_intro == (
        "Nach der Eingliederungsmittel-Verordnung 2020 sind für den Landkreis Heidekreis im "
        "Jahr 2020 folgende Haushaltsansätze vorgesehen:"
    )


def test_heidekreis_parties_carry_their_2020_names(heidekreis_2020):
    parties = [(p.organisation.key, p.name, p.abbreviation) for p in heidekreis_2020.parties.all()]
    assert parties == [
        (
            "MW",
            "Niedersächsisches Ministerium für Wirtschaft, Arbeit, Verkehr und Digitalisierung",
            "MW",
        ),
        ("MS", "Niedersächsisches Ministerium für Soziales, Gesundheit und Gleichstellung", "MS"),
        ("03358", "Landkreis Heidekreis", ""),
    ]
    assert "Niedersächsische Ministerium für Soziales, Gesundheit und Gleichstellung (MS)\n" in (
        heidekreis_2020.preamble
    )


def test_heidekreis_goals_as_agreed(heidekreis_2020):
    goals = {goal.number: goal for goal in heidekreis_2020.goals.select_related("indicator")}
    assert sorted(goals) == [1, 2, 3, 4, 5]

    monitoring = goals[1]
    assert (monitoring.kind, monitoring.indicator.code) == ("monitoring", "K1")
    assert monitoring.title == "Verringerung der Hilfebedürftigkeit"
    assert "bedarfsdeckenden Integrationen" in monitoring.monitoring_text
    assert "seit vier Jahren oder länger" in monitoring.monitoring_text
    assert monitoring.target_value is None

    integration = goals[2]
    assert integration.title == "Verbesserung der Integration in Erwerbstätigkeit"
    assert (integration.kind, integration.indicator.code) == ("quantitative", "K2")
    assert (integration.target_type, integration.target_value) == ("veraenderung", Decimal("3.1"))
    assert integration.target_text == (
        "Das Ziel ist im Jahr 2020 erreicht, wenn die Integrationsquote des Landkreises "
        "Heidekreis um 3,1 % im Vergleich zum Jahr 2019 steigt."
    )

    long_term = goals[3]
    assert long_term.title == "Vermeidung von langfristigem Leistungsbezug"
    assert (long_term.kind, long_term.indicator.code) == ("quantitative", "K3")
    assert (long_term.target_type, long_term.target_value) == ("veraenderung", Decimal("-1.5"))
    assert "um 1,5 % im Vergleich zum Jahr 2019 reduziert wird." in long_term.target_text

    for number, title, step_start, criterion_start in [
        (
            4,
            "Gleichstellungspolitisches Ziel",
            "Entwicklung von Beratungsmethoden auf der Grundlage der Schulung "
            '"Sozialraumorientierte Beratung"',
            "Das Ziel ist erreicht, wenn die vereinbarten Steuerungsansätze umgesetzt wurden "
            "und ein Leitfaden",
        ),
        (
            5,
            "Umsetzung des Gesamtkonzeptes „MitArbeit“",
            "Konzeptionierung und Implementierung eines kunden- und arbeitgeberorientierten "
            "Coachings",
            "Das Ziel ist erreicht, wenn die vereinbarten Steuerungsansätze umgesetzt wurden, "
            "d.h. die Maßnahme konzeptioniert, vergeben und mit geeigneten Teilnehmern besetzt "
            "ist.",
        ),
    ]:
        goal = goals[number]
        assert (goal.kind, goal.title, goal.indicator) == ("qualitative", title, None)
        steps = list(goal.steps.all())
        assert len(steps) == 1 and steps[0].text.startswith(step_start)
        assert goal.criterion.startswith(criterion_start)
        assert goal.steps_intro.endswith(
            "für den Landkreis Heidekreis auf folgende Umsetzungsschritte:"
        )


def test_heidekreis_signatures_keep_incomplete_dates(heidekreis_2020):
    signatures = [
        (
            s.organisation.key,
            s.place_and_date,
            s.month,
            s.in_representation,
            s.signatory,
            s.organisation_label,
        )
        for s in heidekreis_2020.signatures.all()
    ]
    assert signatures == [
        (
            "MW",
            "Hannover, den 28.11.2020",
            11,
            True,
            "Dr. Berend Lindner",
            "Niedersächsisches\nMinisterium für Wirtschaft,\nArbeit, Verkehr und\nDigitalisierung",
        ),
        (
            "MS",
            "Hannover, den 27. … 2020",
            None,
            True,
            "Heiger Scholz",
            "Niedersächsisches\nMinisterium für Soziales,\nGesundheit und\nGleichstellung",
        ),
        (
            "03358",
            "Bad Fallingb., den 8. … 2020",
            None,
            False,
            "Manfred Ostermann",
            "Landkreis Heidekreis",
        ),
    ]


def test_heidekreis_text_sections_are_complete(heidekreis_2020):
    agreement = heidekreis_2020
    assert agreement.principles.count("\n\n") == 2
    assert agreement.principles.startswith("Die Aufnahme und Beibehaltung einer Erwerbstätigkeit")
    assert agreement.principles.endswith("sie fachkundig zu beraten und zu vermitteln.")
    assert agreement.framework.count("\n\n") == 2
    assert agreement.obligations.endswith("MW und MS unterstützen die Zielerreichung des "
                                          "Landkreises durch fachliche Beratung.")  # fmt: skip
    assert agreement.goals_intro == (
        "Der Landkreis Heidekreis, MW und MS vereinbaren sich zu folgenden Zielen:"
    )
    assert "vom 12.08.2010 (BGBl. I S. 1152)" in agreement.indicator_reference
    assert "15. März 2019 (BGBl. I S. 339)" in agreement.indicator_reference
    assert agreement.target_followup_title == (
        "Zielnachhaltung und Zieldialoge im Land Niedersachsen"
    )
    paragraphs = agreement.target_followup.split("\n\n")
    assert len(paragraphs) == 6
    assert "mindestens jedoch zweimal jährlich" in paragraphs[0]
    assert paragraphs[3] == "Die Auswirkungen von gesetzlichen Neuregelungen werden berücksichtigt."
    assert paragraphs[5].endswith("Grundlagen und Empfehlungen dafür erarbeitet.")


def test_heidekreis_document_page_shows_the_facts(heidekreis_2020, as_user, ministry_user):
    page = as_user(ministry_user).get(reverse("agreements:detail", args=[heidekreis_2020.pk]))
    assert page.status_code == 200
    for fact in [
        "8.793.355",
        "7.795.364",
        "Hannover, den 28.11.2020",
        "Hannover, den 27. … 2020",
        "Bad Fallingb., den 8. … 2020",
        "In Vertretung",
        "(Dr. Berend Lindner)",
        "(Heiger Scholz)",
        "(Manfred Ostermann)",
        "um 3,1 % im Vergleich zum Jahr 2019 steigt",
        "Umsetzung des Gesamtkonzeptes „MitArbeit“",
    ]:
        assert fact in page.text, fact


def test_heidekreis_is_created_once_and_never_overwritten(heidekreis_2020):
    heidekreis_2020.title = "Vereinbarung (bearbeitet)"
    heidekreis_2020.save()
    again = create_heidekreis_2020()
    assert again.pk == heidekreis_2020.pk
    assert Agreement.objects.get(pk=again.pk).title == "Vereinbarung (bearbeitet)"
    assert Agreement.objects.count() == 1


# --- the other 15 Landkreise ------------------------------------------------------------------


def test_demo_agreements_for_all_16_landkreise():
    agreements = seed_demo_agreements()
    assert len(agreements) == 16 == Agreement.objects.for_year(2020).count()
    demo = [a for a in agreements if a.traeger.key != "03358"]
    assert all(a.is_demo for a in demo)
    statuses = [a.status for a in demo]
    assert statuses.count("in_abstimmung") == 2
    assert statuses.count("unterzeichnet") == 13
    targets = set()
    for agreement in demo:
        goals = {g.number: g for g in agreement.goals.select_related("indicator")}
        assert [g.kind for g in goals.values()] == [
            "monitoring", "quantitative", "quantitative", "qualitative", "qualitative",
        ]  # fmt: skip
        assert Decimal("1") <= goals[2].target_value <= Decimal("4")
        assert Decimal("-3") <= goals[3].target_value <= Decimal("-0.5")
        targets.add((goals[2].target_value, goals[3].target_value))
        assert all(goal.steps.count() == 1 and goal.criterion for goal in list(goals.values())[3:])
        name = agreement.traeger.name
        assert f"{name}, MW und MS vereinbaren" in agreement.goals_intro
        assert "Heidekreis" not in agreement.principles + agreement.framework
        assert "Heidekreis" not in "".join(g.target_text + g.steps_intro for g in goals.values())
        assert agreement.budget_lines.count() == 2
        parties = [(p.organisation.key, p.name) for p in agreement.parties.all()]
        assert parties[2] == (agreement.traeger.key, name)
        signatures = list(agreement.signatures.all())
        if agreement.status == "unterzeichnet":
            assert [s.organisation.key for s in signatures] == ["MW", "MS", agreement.traeger.key]
            assert signatures[2].organisation_label == name
        else:
            assert signatures == []
    assert len(targets) >= 10  # varied, not one template


def test_demo_budgets_follow_the_size_of_the_landkreis():
    seed_demo_agreements()
    total = {a.traeger.key: a.budget_total_from_db() for a in Agreement.objects.all()}
    assert total["03159"] > total["03358"] > total["03462"]  # Göttingen > Heidekreis > Wittmund
    wittmund = Agreement.objects.get(traeger__key="03462")
    millions = (total["03462"] / 1_000_000).quantize(Decimal("0.1"))
    assert f"rd. {str(millions).replace('.', ',')} Mio. Euro" in wittmund.framework


# --- seed_demo --------------------------------------------------------------------------------


def test_demo_logins_do_not_exist_without_seed_demo():
    seed_demo_agreements()  # the agreements alone bring no users
    assert not get_user_model().objects.filter(username__in=DEMO_LOGINS).exists()


def test_seed_demo_creates_a_login_for_every_role():
    output = seed_demo()
    for username, (organisation, role) in DEMO_LOGINS.items():
        user = authenticate(username=username, password="demo")
        assert user is not None, username
        assert (user.membership.organisation.key, user.membership.role) == (organisation, role)
    assert "Demodaten sind angelegt" in output and "Passwort: demo" in output


def test_seed_demo_fills_agreements_deliveries_and_dialogs():
    seed_demo()
    assert Agreement.objects.for_year(2020).count() == 16
    # Two Jobcenter deliveries and the BA's publication of December 2020.
    assert DataDelivery.objects.filter(is_demo=True).count() == 3
    heidekreis = Agreement.objects.get(year=2020, traeger__key="03358")
    assert heidekreis.dialogs.count() == 3


def test_seed_demo_shows_published_kennzahlen_beside_the_computed_ones():
    from agreements import reconciliation

    seed_demo()
    rows = {(row.unit.key, row.code, row.variant): row for row in reconciliation.build(2020, 12)}
    k2 = rows[("03358", "K2", "jfw")]
    assert k2.computed is not None and k2.published is not None and k2.flag == "p"
    assert k2.flagged  # the one difference above the threshold
    assert rows[("03", "K2", "jfw")].rank is None and rows[("D", "K2", "jfw")].is_aggregate
    assert [row.unit.key for row in reconciliation.flagged(rows.values())] == ["03358"]


def test_seed_demo_twice_adds_nothing():
    seed_demo()
    before = counts()
    seed_demo()
    assert counts() == before


def test_seed_demo_keeps_edited_agreements_and_passwords():
    seed_demo()
    verden = Agreement.objects.get(year=2020, traeger__key="03361")
    verden.goals.filter(number=2).update(target_value=Decimal("9.9"))
    verden.status = AgreementStatus.CLOSED
    verden.save()
    user = get_user_model().objects.get(username="leser")
    user.set_password("ein-neues-passwort")
    user.save()
    seed_demo()
    verden.refresh_from_db()
    assert verden.status == AgreementStatus.CLOSED
    assert verden.goals.get(number=2).target_value == Decimal("9.9")
    assert authenticate(username="leser", password="ein-neues-passwort") is not None
