"""The one immutable-row guard (zielsteuerung/immutable.py): every kind of frozen row refuses
save, delete, a queryset update and a queryset delete, with its German message, and stays as
it was. The two audited changes (withdrawing a delivery, a publication) pass it by name."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.utils import timezone

from dialogs import services
from dialogs.models import FROZEN_MESSAGE, Dialog, DialogEvent
from indicators import imports
from indicators.models import DataDelivery, Values
from publication.models import Publication, PublicationKind
from tests.dialogs_world import approve_by_both, make_agreement, make_dialog

pytestmark = pytest.mark.django_db

FILE = b"traeger;kennzahl;monat;wert\n03358;ELB;2020-01;5950\n"
MINUTES = FROZEN_MESSAGE


@pytest.fixture
def approved(heidekreis, ministry_user, heidekreis_user):
    dialog = make_dialog(make_agreement(heidekreis), ministry_user)
    return approve_by_both(dialog, ministry_user, heidekreis_user)


def a_delivery(**_):
    check = imports.check_file(FILE, "lieferung.csv", ladestand=date(2020, 3, 17))
    return imports.store_delivery(check, waiting_months=0, source="land")


def values(**_):
    return Values.objects.get(delivery=a_delivery())


def approved_dialog(approved, **_):
    return approved


def agenda_item(approved, **_):
    return approved.items.first()


def correction(approved, ministry_user, **_):
    return services.add_correction(approved, ministry_user, text="Richtig: 12", reason="Tippfehler")


def publication(ministry_user, **_):
    return Publication.objects.create(
        year=2020,
        kind=PublicationKind.TARGETS,
        content={"rows": []},
        published_at=timezone.now(),
        published_by=ministry_user,
        published_by_name="Maria Muster",
    )


PUBLISHED = (
    "Eine Veröffentlichung kann nicht geändert oder gelöscht werden; "
    "sie kann nur zurückgezogen werden."
)
KINDS = {
    # kind: (the row, a field to change, what save / delete / a bulk change is refused with)
    "delivery": (
        a_delivery,
        "file_name",
        (
            "Eine gespeicherte Datenlieferung kann nicht geändert werden.",
            "Eine gespeicherte Datenlieferung kann nicht gelöscht werden.",
            "Eine gespeicherte Datenlieferung kann nicht geändert oder gelöscht werden.",
        ),
    ),
    "values": (
        values,
        "flags",
        (
            "Gelieferte Werte können nicht geändert werden.",
            "Gelieferte Werte können nicht gelöscht werden.",
            "Gelieferte Werte können nicht geändert oder gelöscht werden.",
        ),
    ),
    "approved minutes": (approved_dialog, "place", (MINUTES, MINUTES, MINUTES)),
    "a part of approved minutes": (agenda_item, "discussion", (MINUTES, MINUTES, MINUTES)),
    "correction": (
        correction,
        "text",
        (
            "Dieser Eintrag kann nicht geändert werden.",
            "Eine Korrektur kann nicht gelöscht werden.",
            "Eine Korrektur kann nicht geändert oder gelöscht werden.",
        ),
    ),
    "publication": (publication, "published_by_name", (PUBLISHED, PUBLISHED, PUBLISHED)),
}


@pytest.mark.parametrize("kind", KINDS)
def test_a_frozen_row_refuses_every_change(kind, request):
    make, field, (on_save, on_delete, in_bulk) = KINDS[kind]
    row = make(**{name: request.getfixturevalue(name) for name in ("approved", "ministry_user")})
    model = type(row)
    before = model_to_dict(model.objects.get(pk=row.pk))
    rows = model.objects.filter(pk=row.pk)

    setattr(row, field, "geändert")
    attempts = [
        (row.save, on_save),
        (row.delete, on_delete),
        (lambda: rows.update(**{field: "geändert"}), in_bulk),
        (rows.delete, in_bulk),
    ]
    for attempt, message in attempts:
        with pytest.raises(ValidationError) as refused:
            attempt()
        assert refused.value.messages == [message]
    assert model_to_dict(model.objects.get(pk=row.pk)) == before


def test_a_draft_is_not_frozen_and_takes_its_log_along(heidekreis, ministry_user):
    dialog = make_dialog(make_agreement(heidekreis), ministry_user)
    Dialog.objects.filter(pk=dialog.pk).update(place="Celle")
    assert DialogEvent.objects.filter(dialog=dialog).exists()
    with pytest.raises(ValidationError, match="Dieser Eintrag kann nicht gelöscht werden."):
        dialog.events.first().delete()  # the log refuses a deletion by itself
    Dialog.objects.filter(pk=dialog.pk).delete()
    assert not DialogEvent.objects.filter(dialog_id=dialog.pk).exists()


def test_the_withdrawal_of_a_delivery_passes_the_guard_by_name(ministry_user):
    delivery = a_delivery()
    delivery.withdraw(ministry_user, "falscher Landkreis")
    delivery = DataDelivery.objects.get(pk=delivery.pk)
    assert delivery.withdrawal_reason == "falscher Landkreis"
    assert not Values.objects.filter(delivery=delivery).exists()


def test_the_withdrawal_of_a_publication_passes_the_guard_by_name(ministry_user):
    from publication import services as publishing

    published = publication(ministry_user)
    assert publishing.withdraw(ministry_user, 2020, PublicationKind.TARGETS) == 1
    published = Publication.objects.get(pk=published.pk)
    assert published.withdrawn_by == ministry_user and published.content == {"rows": []}
