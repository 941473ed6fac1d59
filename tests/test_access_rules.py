"""One access mechanism (issue 18): each model's scoped queryset and `access.can` answer alike,
and a service refuses what its caller may not do, whoever calls it (not only through a page).

The walk over every URL (tests/test_access_walk.py) checks the pages; here the rules and the
services are asked directly."""

import ast
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied

from agreements import services as agreement_services
from agreements.models import Agreement, AgreementStatus
from dialogs import services
from dialogs.models import Approval, Dialog, DialogStatus, Measure, MeasureStatus
from indicators.models import DataDelivery, DeliveryDeadline
from tests.dialogs_world import make_agreement, make_dialog, worked_example_delivery
from zielsteuerung import access
from zielsteuerung.access import CHANGE, REPORT, REVIEW, VIEW, can
from zielsteuerung.models import Organisation

pytestmark = pytest.mark.django_db

ACCESS_CODE = [
    Path(access.__file__),
    Path(access.__file__).parent / "templatetags" / "access.py",
]


@pytest.fixture
def agreement(heidekreis):
    agreement = make_agreement(heidekreis)
    agreement.status = AgreementStatus.SIGNED
    agreement.save()
    return agreement


@pytest.fixture
def in_review(agreement, heidekreis, ministry_user):
    dialog = make_dialog(agreement, ministry_user, delivery=worked_example_delivery(heidekreis))
    services.send_to_review(dialog, ministry_user, dialog.version)
    return dialog


@pytest.fixture
def measure(in_review):
    return Measure.objects.create(
        dialog=in_review, agreement=in_review.agreement, text="Coaching ausschreiben"
    )


def test_a_reader_calling_approve_directly_is_refused(in_review, reader):
    with pytest.raises(PermissionDenied):
        services.approve(in_review, reader, in_review.version)
    assert not Approval.objects.filter(dialog=in_review).exists()
    in_review.refresh_from_db()
    assert in_review.status == DialogStatus.REVIEW


def test_the_approving_side_is_the_callers_own(in_review, ministry_user, heidekreis_user):
    assert services.approve(in_review, heidekreis_user, in_review.version) == "landkreis"
    assert services.approve(in_review, ministry_user, in_review.version) == "ministerium"
    in_review.refresh_from_db()
    assert in_review.is_frozen


def test_another_landkreis_jobcenter_is_refused_by_every_dialog_service(
    in_review, measure, verden_user
):
    version = in_review.version
    calls = [
        lambda: services.approve(in_review, verden_user, version),
        lambda: services.request_changes(in_review, verden_user, version, "Bitte ändern"),
        lambda: services.report_measure_status(measure, verden_user, MeasureStatus.DONE, ""),
        lambda: services.withdraw(in_review, verden_user, version),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    in_review.refresh_from_db()
    assert (in_review.status, in_review.version) == (DialogStatus.REVIEW, version)
    assert not in_review.approvals.exists()
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.OPEN


def test_the_landkreis_jobcenter_cannot_take_the_ministries_steps(
    agreement, in_review, ministry_user, heidekreis_user
):
    with pytest.raises(PermissionDenied):
        services.withdraw(in_review, heidekreis_user, in_review.version)
    with pytest.raises(PermissionDenied):
        services.create_dialog(agreement, heidekreis_user, kind="unterjaehrig", date=None)
    draft = make_dialog(agreement, ministry_user)
    with pytest.raises(PermissionDenied):
        services.delete_draft(draft, heidekreis_user)
    assert Dialog.objects.filter(pk=draft.pk).exists()


def test_agreement_services_refuse_readers_and_jobcenters(agreement, reader, heidekreis_user):
    for user in (reader, heidekreis_user):
        with pytest.raises(PermissionDenied):
            agreement_services.change_status(
                agreement, user, AgreementStatus.NEGOTIATION, agreement.version
            )
        with pytest.raises(PermissionDenied):
            agreement_services.copy_to_next_year(agreement, user)
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.SIGNED
    assert not Agreement.objects.filter(year=agreement.year + 1).exists()


def test_can_answers_as_the_scoped_queryset_does(
    agreement, in_review, measure, ministry_user, reader, heidekreis_user, verden_user
):
    cases = [
        (agreement, (VIEW, CHANGE, REPORT)),
        (in_review, (VIEW, CHANGE, REVIEW)),
        (measure, (VIEW, REPORT)),
    ]
    for obj, actions in cases:
        objects = type(obj).objects
        for user in (ministry_user, reader, heidekreis_user, verden_user):
            for action in actions:
                in_scope = objects.restrict(user, action).filter(pk=obj.pk).exists()
                assert can(user, action, obj) == in_scope, (obj, user, action)


def test_the_rules_of_the_roles(
    agreement, in_review, measure, ministry_user, reader, heidekreis_user, verden_user
):
    # Readers see what is approved and change nothing.
    assert can(reader, VIEW, agreement)
    assert not can(reader, VIEW, in_review)  # minutes only once approved by both sides
    assert not any(can(reader, action, Agreement) for action in (CHANGE, REPORT))
    assert not any(can(reader, action, Dialog) for action in (CHANGE, REVIEW))
    # The Jobcenter of the Landkreis reviews and reports, but writes no agreement or minutes.
    assert can(heidekreis_user, REVIEW, in_review)
    assert can(heidekreis_user, REPORT, measure)
    assert can(heidekreis_user, REPORT, agreement)
    assert not can(heidekreis_user, CHANGE, agreement)
    assert not can(heidekreis_user, CHANGE, in_review)
    # Another Landkreis' Jobcenter reaches nothing of Heidekreis.
    for obj in (agreement, in_review, measure):
        assert not any(can(verden_user, a, obj) for a in (VIEW, CHANGE, REVIEW, REPORT))
    # The ministries write, and do not take the Landkreis' side.
    assert can(ministry_user, CHANGE, in_review)
    assert not can(ministry_user, REVIEW, in_review)
    assert can(ministry_user, CHANGE, DeliveryDeadline)
    assert not can(heidekreis_user, CHANGE, DeliveryDeadline)


def test_a_draft_agreement_waits_for_the_jobcenters_report(agreement, heidekreis_user):
    agreement.status = AgreementStatus.DRAFT
    agreement.save()
    assert can(heidekreis_user, VIEW, agreement)
    assert not can(heidekreis_user, REPORT, agreement)


def test_a_jobcenter_sees_the_ministries_and_its_own_landkreis(heidekreis_user, heidekreis):
    seen = Organisation.objects.visible_to(heidekreis_user)
    assert {o.key for o in seen.traeger()} == {heidekreis.key}
    assert {"MW", "MS"} <= set(seen.values_list("key", flat=True))


def test_a_jobcenter_sees_deliveries_holding_its_values(heidekreis, heidekreis_user, verden_user):
    delivery = worked_example_delivery(heidekreis)
    assert list(DataDelivery.objects.visible_to(heidekreis_user)) == [delivery]
    assert not can(verden_user, VIEW, delivery)
    assert can(verden_user, access.UPLOAD, DataDelivery)


def test_access_and_the_models_do_not_import_each_other():
    imported = set()
    for node in ast.walk(ast.parse(Path(access.__file__).read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
        elif isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
    assert not {name for name in imported if name.startswith("zielsteuerung")}


def test_no_access_code_swallows_every_exception():
    for path in ACCESS_CODE:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ExceptHandler):
                assert node.type is not None, path
                assert not (isinstance(node.type, ast.Name) and node.type.id == "Exception")
