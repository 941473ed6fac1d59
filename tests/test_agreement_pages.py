"""The agreement pages as ministry staff, Jobcenter staff and readers use them."""

from decimal import Decimal

import pytest
from django.urls import reverse

from agreements.models import (
    Agreement,
    AgreementStatus,
    BudgetKind,
    BudgetLine,
    GoalKind,
    ImplementationStep,
    StepStatus,
)
from indicators.models import Indicator
from tests.dialogs_world import make_agreement

pytestmark = pytest.mark.django_db


@pytest.fixture
def agreement(heidekreis):
    agreement = make_agreement(heidekreis)
    BudgetLine.objects.create(
        agreement=agreement, kind=BudgetKind.ADMINISTRATION, amount=Decimal("8793355")
    )
    BudgetLine.objects.create(
        agreement=agreement, kind=BudgetKind.INTEGRATION, amount=Decimal("7795364")
    )
    return agreement


def edit_data(agreement, **changes):
    """The edit form as the browser posts it, built from the page itself."""
    from agreements.forms import AgreementForm, GoalFormSet, SignatureFormSet, StepFormSet

    data = {}
    form = AgreementForm(instance=agreement)
    for name, field in form.fields.items():
        value = form[name].value()
        if field.disabled:
            continue
        data[name] = "" if value is None else field.prepare_value(value)
    for formset in (
        GoalFormSet(instance=agreement, prefix="ziele"),
        StepFormSet(
            queryset=ImplementationStep.objects.filter(goal__agreement=agreement), prefix="schritte"
        ),
        SignatureFormSet(instance=agreement, prefix="unterschriften"),
    ):
        for key, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{key}"] = value
        for subform in formset.forms:  # extra forms too, with their initial values
            for name, field in subform.fields.items():
                value = subform[name].value()
                if name == "DELETE":
                    continue
                value = field.prepare_value(value)
                if value is False:
                    continue  # an unchecked box is not posted
                data[subform.add_prefix(name)] = "" if value is None else value
    data.update(changes)
    return data


def table_of(response):
    text = response.text
    return text[text.index("<tbody>") : text.index("</tbody>")]


def test_list_shows_all_to_ministry_and_filters(as_user, ministry_user, agreement, verden):
    make_agreement(verden, year=2021)
    page = as_user(ministry_user).get(reverse("agreements:list"))
    assert page.status_code == 200
    assert "Landkreis Heidekreis" in page.text and "Landkreis Verden" in page.text
    filtered = as_user(ministry_user).get(reverse("agreements:list"), {"year": 2021})
    rows = table_of(filtered)
    assert "Landkreis Verden" in rows and "Landkreis Heidekreis" not in rows


def test_list_shows_a_jobcenter_only_its_own(as_user, verden_user, agreement, verden):
    make_agreement(verden)
    page = as_user(verden_user).get(reverse("agreements:list"))
    assert "Landkreis Verden" in table_of(page)
    assert "Heidekreis" not in page.text


def test_anonymous_is_sent_to_login(client, agreement):
    response = client.get(reverse("agreements:detail", args=[agreement.pk]))
    assert response.status_code == 302 and "/anmelden/" in response["Location"]


def test_document_page_shows_goals_budget_and_total(as_user, heidekreis_user, agreement):
    page = as_user(heidekreis_user).get(reverse("agreements:detail", args=[agreement.pk]))
    text = page.text.replace("\u00a0", " ")
    assert "8.793.355 Euro" in text and "7.795.364 Euro" in text
    assert "16.588.719 Euro" in text  # the derived total
    assert "+3,1 %" in text and "−1,5 %" in text
    assert "Bearbeiten" not in text  # Jobcenter users do not edit the agreement


def test_other_landkreis_gets_404_everywhere(client, verden_user, agreement):
    client.force_login(verden_user)
    for name in ("detail", "pdf", "history", "steps", "edit"):
        assert client.get(reverse(f"agreements:{name}", args=[agreement.pk])).status_code == 404
    for name in ("copy", "status", "delete", "steps"):
        assert client.post(reverse(f"agreements:{name}", args=[agreement.pk])).status_code == 404


def test_reader_sees_but_every_change_is_403(client, reader, agreement):
    client.force_login(reader)
    assert client.get(reverse("agreements:detail", args=[agreement.pk])).status_code == 200
    assert client.get(reverse("agreements:create")).status_code == 403
    for name in ("edit", "copy", "status", "delete", "steps"):
        assert client.post(reverse(f"agreements:{name}", args=[agreement.pk])).status_code == 403


def test_jobcenter_may_not_edit_or_copy_its_own_agreement(client, heidekreis_user, agreement):
    client.force_login(heidekreis_user)
    assert client.get(reverse("agreements:edit", args=[agreement.pk])).status_code == 403
    assert client.post(reverse("agreements:copy", args=[agreement.pk])).status_code == 403
    assert not Agreement.objects.filter(year=2021).exists()


def test_wrong_methods_are_refused(as_user, ministry_user, agreement):
    client = as_user(ministry_user)
    assert client.get(reverse("agreements:copy", args=[agreement.pk])).status_code == 405
    assert client.get(reverse("agreements:status", args=[agreement.pk])).status_code == 405
    assert client.post(reverse("agreements:detail", args=[agreement.pk])).status_code == 405


def test_ministry_creates_an_agreement_with_goals_steps_and_budget(as_user, ministry_user, verden):
    k2 = Indicator.objects.get(code="K2")
    data = {
        "version": "0",
        "year": "2021",
        "traeger": str(verden.pk),
        "title": "Vereinbarung zur Erreichung der Ziele der Grundsicherung für Arbeitsuchende",
        "legal_basis": "§ 48b SGB II",
        "target_followup_title": "Zielnachhaltung",
        "verwaltungskosten": "5.000.000",
        "eingliederung": "4.250.000,50",
        "ziele-TOTAL_FORMS": "2",
        "ziele-INITIAL_FORMS": "0",
        "ziele-0-number": "1",
        "ziele-0-kind": "quantitative",
        "ziele-0-title": "Integration",
        "ziele-0-indicator": str(k2.pk),
        "ziele-0-target_value": "+2,4",
        "ziele-1-number": "2",
        "ziele-1-kind": "qualitative",
        "ziele-1-title": "Gleichstellung",
        "schritte-TOTAL_FORMS": "1",
        "schritte-INITIAL_FORMS": "0",
        "schritte-0-goal_number": "2",
        "schritte-0-order": "1",
        "schritte-0-text": "Leitfaden erstellen",
        "schritte-0-status": "offen",
        "unterschriften-TOTAL_FORMS": "0",
        "unterschriften-INITIAL_FORMS": "0",
    }
    response = as_user(ministry_user).post(reverse("agreements:create"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    created = Agreement.objects.get(traeger=verden, year=2021)
    assert created.status == AgreementStatus.DRAFT
    assert created.budget_total == Decimal("9250000.50")
    assert [p.organisation.key for p in created.parties.all()] == ["MW", "MS", "03361"]
    goal = created.goals.get(number=1)
    assert goal.target_value == Decimal("2.4") and goal.target_type == "veraenderung"
    assert created.goals.get(number=2).steps.get().text == "Leitfaden erstellen"
    assert created.history.first().history_user == ministry_user


def test_bad_input_is_explained_and_nothing_is_saved(as_user, ministry_user, agreement):
    data = edit_data(
        agreement,
        **{"ziele-1-target_value": "drei", "schritte-0-goal_number": "2", "eingliederung": "-5"},
        change_reason="Tippfehler",
    )
    response = as_user(ministry_user).post(reverse("agreements:edit", args=[agreement.pk]), data)
    assert response.status_code == 400
    text = response.text
    assert "Bitte korrigieren Sie die markierten Angaben" in text
    assert "Ziel 2 ist kein qualitatives Ziel" in text or "Zahl" in text
    assert 'value="drei"' in text  # what was typed stays in the form
    agreement.refresh_from_db()
    assert agreement.version == 1


def test_signed_agreement_needs_a_reason_which_the_history_shows(as_user, ministry_user, agreement):
    client = as_user(ministry_user)
    url = reverse("agreements:edit", args=[agreement.pk])
    without = client.post(url, edit_data(agreement, **{"ziele-1-target_value": "3,5"}))
    assert without.status_code == 400
    assert "Grund der Änderung" in without.text
    response = client.post(
        url,
        edit_data(agreement, **{"ziele-1-target_value": "3,5"}, change_reason="Nachverhandlung"),
    )
    assert response.status_code == 302
    assert agreement.goals.get(number=2).target_value == Decimal("3.5")
    history = client.get(reverse("agreements:history", args=[agreement.pk])).text
    assert "Nachverhandlung" in history
    assert "Maria Meyer" in history
    assert "3,1" in history and "3,5" in history


def test_second_save_of_the_same_version_is_refused_and_keeps_input(
    as_user, ministry_user, agreement
):
    client = as_user(ministry_user)
    url = reverse("agreements:edit", args=[agreement.pk])
    first = edit_data(agreement, principles="Erste Fassung", change_reason="eins")
    second = edit_data(agreement, principles="Meine andere Fassung", change_reason="zwei")
    assert client.post(url, first).status_code == 302
    response = client.post(url, second)
    assert response.status_code == 409
    assert "Jemand anderes hat diese Vereinbarung gespeichert" in response.text
    assert "Meine andere Fassung" in response.text
    agreement.refresh_from_db()
    assert agreement.principles == "Erste Fassung"


def test_copy_into_next_year_makes_a_draft_with_open_steps(as_user, ministry_user, agreement):
    agreement.goals.get(number=2).__class__.objects.filter(pk=agreement.goals.get(number=2).pk)
    agreement.goals_intro = "Ziele für das Jahr 2020 gegenüber 2019"
    agreement.save()
    ImplementationStep.objects.filter(goal__agreement=agreement).update(status=StepStatus.DONE)
    client = as_user(ministry_user)
    response = client.post(reverse("agreements:copy", args=[agreement.pk]), {"confirmed": "on"})
    copy = Agreement.objects.get(traeger=agreement.traeger, year=2021)
    assert response["Location"] == reverse("agreements:edit", args=[copy.pk])
    assert copy.status == AgreementStatus.DRAFT
    assert copy.goals_intro == "Ziele für das Jahr 2021 gegenüber 2020"
    assert copy.budget_total == agreement.budget_total
    assert copy.goals.count() == 5
    assert set(
        ImplementationStep.objects.filter(goal__agreement=copy).values_list("status", flat=True)
    ) == {StepStatus.OPEN}
    assert not copy.signatures.exists()
    again = client.post(
        reverse("agreements:copy", args=[agreement.pk]), {"confirmed": "on"}, follow=True
    )
    assert "gibt es 2021 bereits eine Zielvereinbarung" in again.text
    assert Agreement.objects.filter(traeger=agreement.traeger, year=2021).count() == 1


def test_status_changes_follow_the_allowed_path(as_user, ministry_user, heidekreis):
    agreement = Agreement.objects.create(year=2022, traeger=heidekreis)
    client = as_user(ministry_user)
    url = reverse("agreements:status", args=[agreement.pk])
    skipped = client.post(url, {"status": "abgeschlossen", "version": 1}, follow=True)
    assert "nicht möglich" in skipped.text
    assert client.post(url, {"status": "in_abstimmung", "version": 1}).status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.NEGOTIATION
    stale = client.post(url, {"status": "unterzeichnet", "version": 1}, follow=True)
    assert "inzwischen von jemand anderem gespeichert" in stale.text
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.NEGOTIATION


def test_jobcenter_reports_step_status_of_its_own_agreement(as_user, heidekreis_user, agreement):
    step = ImplementationStep.objects.filter(goal__agreement=agreement).first()
    client = as_user(heidekreis_user)
    url = reverse("agreements:steps", args=[agreement.pk])
    page = client.get(url)
    assert page.status_code == 200 and step.text in page.text
    steps = list(
        ImplementationStep.objects.filter(
            goal__agreement=agreement, goal__kind=GoalKind.QUALITATIVE
        ).order_by("goal", "order", "pk")
    )
    data = {
        "stand-TOTAL_FORMS": len(steps),
        "stand-INITIAL_FORMS": len(steps),
        "version": agreement.version,
    }
    for index, each in enumerate(steps):
        data[f"stand-{index}-id"] = each.pk
        data[f"stand-{index}-status"] = each.status
        data[f"stand-{index}-status_note"] = ""
    data["stand-0-status"] = "in_umsetzung"
    data["stand-0-status_note"] = "Schulung im Mai"
    assert client.post(url, data).status_code == 302
    steps[0].refresh_from_db()
    assert steps[0].status == "in_umsetzung" and steps[0].status_note == "Schulung im Mai"
    assert steps[0].status_updated_at is not None
    assert steps[0].history.first().history_user == heidekreis_user


def test_only_unused_drafts_can_be_deleted(as_user, ministry_user, agreement, heidekreis):
    client = as_user(ministry_user)
    refused = client.post(reverse("agreements:delete", args=[agreement.pk]), follow=True)
    assert "Nur Entwürfe können gelöscht werden" in refused.text
    assert Agreement.objects.filter(pk=agreement.pk).exists()
    draft = Agreement.objects.create(year=2023, traeger=heidekreis)
    assert client.post(reverse("agreements:delete", args=[draft.pk])).status_code == 302
    assert not Agreement.objects.filter(pk=draft.pk).exists()


def test_pdf_is_the_document_with_german_numbers(as_user, reader, agreement):
    from io import BytesIO

    from pypdf import PdfReader

    response = as_user(reader).get(reverse("agreements:pdf", args=[agreement.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    text = " ".join(text.replace("\u00a0", " ").split())
    assert "8.793.355 Euro" in text
    assert "Verbesserung der Integration in Erwerbstätigkeit" in text


def test_admin_cannot_delete_a_signed_agreement(client, agreement):
    from django.contrib.auth import get_user_model

    admin_user = get_user_model().objects.create_superuser("admin", "a@example.org", "x" * 20)
    client.force_login(admin_user)
    url = reverse("admin:agreements_agreement_delete", args=[agreement.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Agreement.objects.filter(pk=agreement.pk).exists()
    changelist = client.get(reverse("admin:agreements_agreement_changelist"))
    assert "delete_selected" not in changelist.text


def test_years_are_never_grouped_like_numbers(as_user, ministry_user, agreement):
    page = as_user(ministry_user).get(reverse("agreements:detail", args=[agreement.pk])).text
    assert "im Jahr 2020" in page and "Als Entwurf für 2021 kopieren" in page
    assert "2.020" not in page and "2.021" not in page


def test_text_typed_by_users_is_shown_as_text_on_the_page_and_in_the_pdf(
    as_user, ministry_user, agreement
):
    from io import BytesIO

    from pypdf import PdfReader

    agreement.principles = '<script>alert("x")</script> <b>Fett</b> =SUMME(A1)'
    agreement.save()
    client = as_user(ministry_user)
    page = client.get(reverse("agreements:detail", args=[agreement.pk])).text
    assert '<script>alert("x")</script>' not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &lt;b&gt;Fett&lt;/b&gt;" in page
    pdf = client.get(reverse("agreements:pdf", args=[agreement.pk])).content
    text = " ".join(p.extract_text() for p in PdfReader(BytesIO(pdf)).pages)
    assert '<script>alert("x")</script> <b>Fett</b>' in " ".join(text.split())


def step_report_data(agreement, **changes):
    steps = list(
        ImplementationStep.objects.filter(
            goal__agreement=agreement, goal__kind=GoalKind.QUALITATIVE
        ).order_by("goal", "order", "pk")
    )
    data = {"stand-TOTAL_FORMS": len(steps), "stand-INITIAL_FORMS": len(steps)}
    data["version"] = agreement.version
    for index, step in enumerate(steps):
        data[f"stand-{index}-id"] = step.pk
        data[f"stand-{index}-status"] = step.status
        data[f"stand-{index}-status_note"] = step.status_note
    data.update(changes)
    return data


def test_adding_a_qualitative_goal_with_its_step_to_an_existing_agreement(
    as_user, ministry_user, agreement
):
    data = edit_data(
        agreement,
        change_reason="Ergänzung",
        **{
            "ziele-5-number": "6",
            "ziele-5-kind": "qualitative",
            "ziele-5-title": "Digitalisierung",
            "schritte-2-goal_number": "6",
            "schritte-2-text": "Online-Terminbuchung einführen",
        },
    )
    response = as_user(ministry_user).post(reverse("agreements:edit", args=[agreement.pk]), data)
    assert response.status_code == 302
    assert agreement.goals.get(number=6).steps.get().text == "Online-Terminbuchung einführen"


def test_an_editor_opened_before_a_step_report_does_not_undo_it(
    client, ministry_user, heidekreis_user, agreement
):
    stale = edit_data(agreement, principles="Neuer Text", change_reason="Text")
    client.force_login(heidekreis_user)
    report = step_report_data(agreement, **{"stand-0-status": "umgesetzt"})
    assert client.post(reverse("agreements:steps", args=[agreement.pk]), report).status_code == 302
    client.force_login(ministry_user)
    response = client.post(reverse("agreements:edit", args=[agreement.pk]), stale)
    assert response.status_code == 409
    assert "Neuer Text" in response.text
    assert ImplementationStep.objects.filter(status="umgesetzt").count() == 1


def test_a_stale_step_report_is_refused_and_keeps_the_input(
    client, ministry_user, heidekreis_user, agreement
):
    client.force_login(heidekreis_user)
    stale = step_report_data(
        agreement, **{"stand-0-status": "umgesetzt", "stand-0-status_note": "Mein Bericht"}
    )
    client.force_login(ministry_user)
    client.post(
        reverse("agreements:edit", args=[agreement.pk]),
        edit_data(agreement, principles="x", change_reason="y"),
    )
    client.force_login(heidekreis_user)
    response = client.post(reverse("agreements:steps", args=[agreement.pk]), stale)
    assert response.status_code == 409
    assert "Mein Bericht" in response.text
    assert not ImplementationStep.objects.filter(status="umgesetzt").exists()


def test_a_tampered_step_report_is_refused_without_an_error_page(
    as_user, heidekreis_user, agreement, verden
):
    foreign = make_agreement(verden)
    foreign_step = ImplementationStep.objects.filter(goal__agreement=foreign).first()
    client = as_user(heidekreis_user)
    url = reverse("agreements:steps", args=[agreement.pk])
    more_rows = step_report_data(agreement, **{"stand-TOTAL_FORMS": 5})
    assert client.post(url, more_rows).status_code in (302, 400)
    other = step_report_data(agreement, **{"stand-0-id": foreign_step.pk})
    assert client.post(url, other).status_code in (302, 400)
    foreign_step.refresh_from_db()
    assert foreign_step.status == "offen"
    assert ImplementationStep.objects.filter(goal__isnull=True).count() == 0


def test_follow_up_paragraphs_typed_in_a_browser_are_numbered(as_user, reader, agreement):
    agreement.target_followup = "Erster Absatz.\r\n\r\nZweiter Absatz."
    agreement.save()
    page = as_user(reader).get(reverse("agreements:detail", args=[agreement.pk])).text
    assert "(1) Erster Absatz." in page and "(2) Zweiter Absatz." in page


def test_the_reason_is_on_the_history_line_of_the_change(as_user, ministry_user, agreement):
    client = as_user(ministry_user)
    data = edit_data(agreement, principles="Geändert", change_reason="Nachverhandlung")
    client.post(reverse("agreements:edit", args=[agreement.pk]), data)
    record = agreement.history.first()
    assert record.history_change_reason == "Nachverhandlung"
    assert record.principles == "Geändert"


def test_a_year_out_of_range_is_explained(as_user, ministry_user, verden):
    data = {"version": "0", "year": "1999", "traeger": str(verden.pk), "title": "x"}
    data |= {f"{p}-TOTAL_FORMS": "0" for p in ("ziele", "schritte", "unterschriften")}
    data |= {f"{p}-INITIAL_FORMS": "0" for p in ("ziele", "schritte", "unterschriften")}
    response = as_user(ministry_user).post(reverse("agreements:create"), data)
    assert response.status_code == 400
    assert "Bitte ein Jahr zwischen 2005 und 2100 angeben." in response.text


def test_jobcenter_cannot_report_steps_on_a_draft_the_ministry_has_not_sent(
    as_user, heidekreis_user, ministry_user, agreement
):
    agreement.status = AgreementStatus.DRAFT
    agreement.save()
    step = ImplementationStep.objects.filter(goal__agreement=agreement).first()
    client = as_user(heidekreis_user)
    url = reverse("agreements:steps", args=[agreement.pk])
    detail = client.get(reverse("agreements:detail", args=[agreement.pk])).text
    assert url not in detail  # no button
    data = {
        "stand-TOTAL_FORMS": 1,
        "stand-INITIAL_FORMS": 1,
        "version": agreement.version,
        "stand-0-id": step.pk,
        "stand-0-status": "umgesetzt",
        "stand-0-status_note": "",
    }
    for response in (client.get(url, follow=True), client.post(url, data, follow=True)):
        assert response.redirect_chain[-1][0] == reverse("agreements:detail", args=[agreement.pk])
        assert "noch ein Entwurf des Ministeriums" in response.text
    step.refresh_from_db()
    assert step.status == "offen"
    assert as_user(ministry_user).get(url).status_code == 200  # the ministry prepares it


def test_agreement_list_shows_the_current_year_first_and_labels_drafts(
    as_user, heidekreis_user, agreement
):
    later = make_agreement(agreement.traeger, year=2021)
    later.status = AgreementStatus.DRAFT
    later.save()
    earlier = make_agreement(agreement.traeger, year=2019)
    page = as_user(heidekreis_user).get(reverse("agreements:list")).text
    body = page[page.index("<tbody>") :]
    rows = [
        body.index(f'href="{reverse("agreements:detail", args=[a.pk])}"')
        for a in (agreement, later, earlier)
    ]
    assert rows == sorted(rows)  # 2020 (signed) first, then 2021 (draft), then 2019
    assert body.count("noch nicht zur Abstimmung gesandt") == 1
