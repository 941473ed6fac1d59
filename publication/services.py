"""Publishing and withdrawing: explicit acts of a ministry editor, each recorded."""

from django.db import transaction
from django.utils import timezone

from agreements.models import Agreement
from publication import content
from publication.models import Publication, PublicationKind
from zielsteuerung import access, formats


@transaction.atomic
def publish(user, year, kind):
    """Publish `kind` (PublicationKind) of `year` as it stands now; a publication of the same
    year and kind before it stays recorded but is no longer shown. Raises
    content.NothingToPublish (nothing written) when there is nothing to publish."""
    access.require(user, access.CHANGE, Agreement)
    kind = PublicationKind(kind)
    data = content.BUILDERS[kind](user, year)
    now = timezone.now()
    return Publication.objects.create(
        year=year,
        kind=kind,
        content=data,
        published_at=now,
        published_by=user,
        published_by_name=formats.person_name(user),
    )


@transaction.atomic
def withdraw(user, year, kind):
    """Withdraw what is published of `kind` for `year`; returns how many acts were withdrawn."""
    access.require(user, access.CHANGE, Agreement)
    return (
        Publication.objects.current()
        .filter(year=year, kind=PublicationKind(kind))
        .update_past_guard(  # the one change of a publication, recorded with it
            withdrawn_at=timezone.now(),
            withdrawn_by=user,
            withdrawn_by_name=formats.person_name(user),
        )
    )
