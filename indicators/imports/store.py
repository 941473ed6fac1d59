"""Storing a checked file as one delivery."""

import numpy as np
from django.db import IntegrityError, transaction

from indicators import storage
from indicators.imports.checking import already_delivered_message, without_cycle_collection
from indicators.imports.problems import Problem, Refused
from indicators.models import (
    DataDelivery,
    DeliverySource,
)
from zielsteuerung.access import traeger_of
from zielsteuerung.aggregates import aggregate_unit
from zielsteuerung.models import Organisation, OrganisationKind


def store_delivery(check, *, waiting_months, source, user=None, progress=None, is_demo=False):
    """Store the checked values as one new delivery, in one transaction.

    Raises Refused if the check had problems, or if the same file was stored meanwhile."""
    if not check.ok:
        raise Refused(*(check.problems or [Problem("Die Datei enthält keine Werte.")]))
    own = traeger_of(user) if user is not None else None
    units = check.used_units()
    organisation_pk = None
    if own is not None:
        organisation_pk = own.pk
    elif source == DeliverySource.JOBCENTER and len(units) == 1 and units[0].pk is not None:
        organisation_pk = units[0].pk if units[0].kind == OrganisationKind.TRAEGER else None
    try:
        with transaction.atomic():
            unit_pks = _unit_pks(check)
            delivery = DataDelivery.objects.create(
                ladestand=check.ladestand,
                waiting_months=waiting_months,
                source=source,
                organisation_id=organisation_pk,
                delivered_by=user,
                file_name=check.file_name[:255],
                sha256=check.sha256,
                row_count=check.value_count,
                is_demo=is_demo,
            )
            with without_cycle_collection():
                storage.write_values(
                    delivery.pk,
                    units=np.asarray(unit_pks, dtype=np.int64)[check.unit_column],
                    indicators=np.asarray([ref.pk for ref in check.indicators])[
                        check.indicator_column
                    ],
                    months=check.month_column,
                    sexes=check.sex_column,
                    values=check.value_column,
                    variants=check.variant_column,
                    flags=check.flag_column,
                    progress=progress,
                )
    except IntegrityError:
        earlier = DataDelivery.objects.filter(sha256=check.sha256).first()
        if earlier is None:
            raise
        raise Refused(already_delivered_message(earlier)) from None
    return delivery


def _unit_pks(check):
    """Primary key of each unit rank; comparison units new to the product are created now."""
    aggregates = {
        ref.key: aggregate_unit(ref.key).pk
        for ref in check.units
        if ref.pk is None and ref.kind == OrganisationKind.AGGREGATE
    }
    new = [ref for ref in check.units if ref.pk is None and ref.key not in aggregates]
    created = dict(aggregates)
    if new:
        taken = set(
            Organisation.objects.filter(key__in=[ref.key for ref in new]).values_list(
                "key", flat=True
            )
        )
        if taken:
            raise Refused(
                f"Inzwischen angelegt: {', '.join(sorted(taken))}. Bitte die Datei neu prüfen."
            )
        Organisation.objects.bulk_create(
            Organisation(key=ref.key, name=ref.name, kind=OrganisationKind.COMPARISON)
            for ref in new
        )
        created.update(
            Organisation.objects.filter(key__in=[ref.key for ref in new]).values_list("key", "pk")
        )
    return [ref.pk if ref.pk is not None else created[ref.key] for ref in check.units]
