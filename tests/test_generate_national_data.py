"""`generate_national_data`: 405 Jobcenter, 104 zkT with agreements, one demo delivery;
the same seed gives the same data, and a second run adds nothing."""

from io import StringIO

import pytest
from django.core.management import call_command

from agreements.attainment import attainment_for_year
from agreements.models import Agreement
from indicators.models import DataDelivery, DeliverySource, Values
from zielsteuerung.models import Organisation, OrganisationKind

pytestmark = pytest.mark.django_db


def generate(**options):
    output = StringIO()
    call_command("generate_national_data", ab=2024, stdout=output, **options)
    return output.getvalue()


def test_national_world_has_405_jobcenter_104_zkt_and_their_agreements():
    generate()
    units = Organisation.objects.data_units()
    assert units.count() == 405
    assert units.filter(kind=OrganisationKind.TRAEGER).count() == 104
    assert Organisation.objects.get(key="03358").name == "Landkreis Heidekreis"
    invented = units.exclude(key__startswith="03")
    assert all("(Demodaten)" in name for name in invented.values_list("name", flat=True))

    agreements = Agreement.objects.for_year(2026)
    assert agreements.count() == 104
    assert not agreements.filter(is_demo=False).exists()

    delivery = DataDelivery.objects.get()
    assert delivery.is_demo and delivery.source == DeliverySource.DEMO
    assert delivery.waiting_months == 3
    assert delivery.row_count == 405 * 8 * 36 == Values.objects.figure_count()


def test_every_zkt_gets_figures_for_its_goals():
    generate()
    results = attainment_for_year(2026)
    assert len(results) == 104 * 3  # K1 monitoring, K2, K3
    assert all(result.comparable for result in results)
    assert {result.month.month for result in results} == {12}
    k2 = [r.jfw for r in results if r.indicator_code == "K2"]
    assert all(15 < jfw < 45 for jfw in k2)  # a plausible yearly integration quota in %


def test_same_seed_same_values_and_second_run_adds_nothing():
    generate()
    heidekreis_int = Values.objects.filter(unit__key="03358", indicator__code="INT")
    first = [cell.value for cell in sorted(heidekreis_int.cells(), key=lambda cell: cell.month)]
    message = generate()
    assert "gibt es schon" in message
    assert "0 neue Zielvereinbarungen" in message
    assert DataDelivery.objects.count() == 1
    assert Agreement.objects.for_year(2026).count() == 104
    assert len(first) == 36
    again = [cell.value for cell in sorted(heidekreis_int.cells(), key=lambda cell: cell.month)]
    assert again == first
