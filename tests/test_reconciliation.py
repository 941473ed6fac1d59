"""Reconciliation: computed and published Kennzahlen side by side (docs/attainment.md,
„Abgleich: ein gerechnetes Beispiel“), the `kennzahlen` command and the variant storage."""

import hashlib
import io
import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction

from agreements import reconciliation
from indicators.models import DataDelivery, DeliverySource, Indicator, Values
from indicators.storage import store_cells
from tests.test_attainment import WORKED_EXAMPLE, deliver
from zielsteuerung.aggregates import aggregate_of, aggregate_unit
from zielsteuerung.models import Organisation, OrganisationKind

pytestmark = pytest.mark.django_db

FEBRUARY = date(2020, 2, 1)


def publish(cells, *, ladestand=date(2020, 5, 20)):
    """A BA delivery of published Kennzahlen: (unit, code, variant, value[, flag]) of 02/2020."""
    delivery = DataDelivery.objects.create(
        ladestand=ladestand,
        waiting_months=3,
        source=DeliverySource.BA,
        file_name="ba.xlsx",
        sha256=hashlib.sha256(repr((cells, ladestand)).encode()).hexdigest(),
    )
    indicators = {i.code: i for i in Indicator.objects.all()}
    store_cells(
        delivery,
        [
            (unit, indicators[code], FEBRUARY, "g", value, variant, *flag)
            for unit, code, variant, value, *flag in cells
        ],
    )
    return delivery


@pytest.fixture
def example(heidekreis):
    """The worked example of docs/attainment.md: Heidekreis' own delivery (ohne Wartezeit)
    and a BA delivery with its published K1, K2, K3, Niedersachsen's K2 and the K2 of a
    Jobcenter outside Niedersachsen that delivers no base quantities."""
    own = deliver({heidekreis: WORKED_EXAMPLE})
    land = aggregate_unit("03")
    other = Organisation.objects.create(
        key="05111", name="Jobcenter Düsseldorf", kind=OrganisationKind.COMPARISON
    )
    ba = publish(
        [
            (heidekreis, "K2", "jfw", "5.6", "p"),
            (heidekreis, "K3", "jfw", "-2.4"),
            (heidekreis, "K1", "vorjahresmonat", "0.3"),
            (land, "K2", "jfw", "5.9"),
            (other, "K2", "jfw", "6.1"),
        ]
    )
    return {"own": own, "ba": ba, "land": land, "other": other}


def rows_by(rows):
    return {(row.unit.key, row.code, row.variant): row for row in rows}


def test_the_worked_example_of_the_documentation(example):
    rows = rows_by(reconciliation.build(2020, 2))
    k2 = rows[("03358", "K2", "jfw")]
    assert round(k2.computed, 4) == Decimal("5.5696")  # 330 / 5 925
    assert k2.published == Decimal("5.6") and k2.flag == "p"
    assert round(k2.deviation, 2) == Decimal("-0.03") and not k2.flagged
    assert k2.computed_delivery == example["own"] and k2.published_delivery == example["ba"]
    k3 = rows[("03358", "K3", "jfw")]
    assert round(k3.computed, 2) == Decimal("-2.13")  # 3 910 / 3 995 − 1
    assert round(k3.deviation, 2) == Decimal("0.27") and k3.flagged
    k1 = rows[("03358", "K1", "vorjahresmonat")]
    assert round(k1.computed, 3) == Decimal("0.296") and not k1.flagged
    # Computed without a published value: shown, nothing to reconcile.
    k1_jfw = rows[("03358", "K1", "jfw")]
    assert k1_jfw.published is None and k1_jfw.deviation is None and not k1_jfw.flagged
    assert round(k1_jfw.computed, 4) == Decimal("-0.5900")
    assert round(rows[("03358", "K3", "vorjahresmonat")].computed, 4) == Decimal("-1.7544")
    assert round(k1.deviation, 4) == Decimal("-0.0041")
    # Ranks among the Jobcenter with a K2 JFW: the published one where nothing is computed;
    # Niedersachsen is a reference line, never ranked.
    assert rows[("05111", "K2", "jfw")].rank == 1
    assert k2.rank == 2
    land = rows[("03", "K2", "jfw")]
    assert land.rank is None and land.kind == "aggregat" and land.computed is None
    assert [row.unit.key for row in reconciliation.flagged(rows.values())] == ["03358"]


def test_the_threshold_is_settable(example, settings):
    settings.RECONCILIATION_THRESHOLD_POINTS = Decimal("0.01")
    settings.RECONCILIATION_THRESHOLD_PERCENT = Decimal("0.5")
    rows = rows_by(reconciliation.build(2020, 2))
    assert rows[("03358", "K2", "jfw")].flagged
    assert not rows[("03358", "K3", "jfw")].flagged


def test_a_newer_publication_replaces_the_older_one(example, heidekreis):
    newer = publish([(heidekreis, "K3", "jfw", "-2.1", "r")], ladestand=date(2020, 6, 20))
    k3 = rows_by(reconciliation.build(2020, 2))[("03358", "K3", "jfw")]
    assert k3.published == Decimal("-2.1") and k3.published_delivery == newer
    assert k3.flag == "r" and not k3.flagged


def run(*args):
    out = io.StringIO()
    call_command("kennzahlen", *map(str, args), stdout=out)
    return out.getvalue()


def test_the_command_lists_every_unit_code_and_variant(example):
    rows = json.loads(run("--year", 2020, "--month", 2, "--format", "json"))
    k3 = next(r for r in rows if r["traeger"] == "03358" and r["indicator"] == "K3")
    assert k3 == {
        "traeger": "03358",
        "name": "Landkreis Heidekreis",
        "kind": "zkt",
        "indicator": "K3",
        "variant": "jfw",
        "month": "2020-02",
        "computed": -2.1277,
        "computed_ladestand": "2020-03-17",
        "published": -2.4,
        "published_ladestand": "2020-05-20",
        "published_flag": None,
        "deviation": 0.2723,
        "flagged": True,
        "rank": 1,
    }
    land = next(r for r in rows if r["traeger"] == "03")
    assert land["kind"] == "aggregat" and land["rank"] is None and land["computed"] is None
    assert {r["kind"] for r in rows} == {"zkt", "vergleich", "aggregat"}


def test_the_command_restricts_to_one_unit_and_writes_csv(example):
    lines = run("--year", 2020, "--month", 2, "--traeger", "03358", "--format", "csv").splitlines()
    assert lines[0].startswith("traeger,name,kind,indicator,variant,month,computed")
    assert all(line.startswith("03358,") for line in lines[1:])
    assert any(
        line.endswith(",K2,jfw,2020-02,5.5696,2020-03-17,5.6,2020-05-20,p,-0.0304,false,2")
        for line in lines
    )


def test_the_command_computes_from_the_ladestand_asked_for(example):
    rows = json.loads(run("--year", 2020, "--month", 2, "--ladestand", "2020-05-20"))
    # The BA delivery holds no base quantities: nothing computed, the published values stay.
    assert all(row["computed"] is None for row in rows)
    assert any(row["published"] == 5.6 for row in rows)


@pytest.mark.parametrize(
    "args, message",
    [
        (("--month", 13), "zwischen 1 und 12"),
        (("--month", 2, "--ladestand", "20.05.2020"), "JJJJ-MM-TT"),
        (("--month", 2, "--ladestand", "2019-01-01"), "keine Datenlieferung"),
        (("--month", 2, "--traeger", "99999"), "keine Einheit"),
    ],
)
def test_the_command_refuses_bad_arguments_in_german(example, args, message):
    with pytest.raises(CommandError, match=message):
        run("--year", 2020, *args)


def test_one_code_variant_unit_month_and_sex_once_per_delivery(heidekreis):
    delivery = publish(
        [(heidekreis, "K2", "jfw", "12.4"), (heidekreis, "K2", "zwoelf_monate", "27")]
    )
    assert Values.objects.of_delivery(delivery).count() == 2
    assert Values.objects.of_delivery(delivery).base().count() == 0
    indicator = Indicator.objects.get(code="K2")
    refused = (IntegrityError, connection.Database.IntegrityError)  # COPY: the driver's own
    with pytest.raises(refused), transaction.atomic():
        store_cells(delivery, [(heidekreis, indicator, FEBRUARY, "g", "12.5", "jfw")])


def test_flags_are_kept_per_month(heidekreis):
    indicator = Indicator.objects.get(code="K2")
    delivery = publish([])
    store_cells(
        delivery,
        [
            (heidekreis, indicator, date(2020, 1, 1), "g", "4.1", "jfw", "("),
            (heidekreis, indicator, date(2020, 2, 1), "g", "5.6", "jfw"),
            (heidekreis, indicator, date(2020, 3, 1), "g", "7.0", "jfw", "s"),
        ],
    )
    row = Values.objects.of_delivery(delivery).get()
    assert row.flags == "(_s_________"
    assert [row.flag_of(date(2020, n, 1)) for n in (1, 2, 3, 4)] == ["(", "", "s", ""]


def test_aggregate_keys_and_labels():
    assert aggregate_of("03") == ("03", "Niedersachsen")
    assert aggregate_of("D") == ("D", "Deutschland")
    assert aggregate_of("vergleichstyp iib") == ("VT IIb", "Vergleichstyp IIb")
    assert aggregate_of("03358") is None
    assert aggregate_unit("03").is_aggregate
    assert aggregate_unit("03") == aggregate_unit("03")


# --- pages ---------------------------------------------------------------------------------------


def page_text(response):
    import re

    html = re.sub(r"<script.*?</script>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def agreed(example, heidekreis):
    from tests.test_attainment import agree

    return agree(heidekreis)


def test_the_landkreis_page_shows_computed_and_published_with_the_difference(
    as_user, heidekreis_user, agreed
):
    from django.urls import reverse

    response = as_user(heidekreis_user).get(reverse("dashboards:traeger", args=["03358"]))
    text = page_text(response)
    assert "Veröffentlichte Kennzahlen und eigene Berechnung" in text
    # K2 JFW: computed 5,6 %, published 5,6 % with its flag p (vorläufig), −0,03 points.
    assert "Jahresfortschrittswert 5,6 % 5,6 % p −0,03 %-Punkte 20.05.2020" in text
    assert 'title="vorläufig"' in response.content.decode()
    # K3 JFW: −2,1 % against −2,4 %, flagged.
    assert "−2,1 % −2,4 % +0,27 % auffällig" in text
    # Niedersachsen's published K2 is a reference line.
    assert "Niedersachsen 03 · Referenz K2 Jahresfortschrittswert – 5,9 %" in text
    # The Jobcenter outside Niedersachsen is no reference of the Landkreis page.
    assert "Düsseldorf" not in text


def test_the_landkreis_page_downloads_the_reconciliation(as_user, ministry_user, agreed):
    from django.urls import reverse

    url = reverse("dashboards:traeger", args=["03358"])
    response = as_user(ministry_user).get(url, {"tabelle": "abgleich", "format": "csv"})
    content = response.content.decode("utf-8-sig")
    assert "Kennzeichen" in content.splitlines()[0]
    assert ";K2;Jahresfortschrittswert;5,57;17.03.2020;5,60;p;20.05.2020;-0,03;nein" in content
    assert ";K3;Jahresfortschrittswert;-2,13;17.03.2020;-2,40;;20.05.2020;0,27;ja" in content


def test_the_comparison_ranks_published_values_and_keeps_aggregates_unranked(
    as_user, ministry_user, agreed
):
    from django.urls import reverse

    response = as_user(ministry_user).get(reverse("dashboards:comparison"), {"indicator": "K2"})
    text = page_text(response)
    assert "Veröffentlichte Werte und Abgleich" in text
    assert "Niedersachsen 03 · Referenz K2" in text
    assert "1 Jobcenter Düsseldorf 05111 K2 Jahresfortschrittswert – 6,1 %" in text
    assert "2 Landkreis Heidekreis 03358 K2 Jahresfortschrittswert 5,6 % 5,6 % p" in text


def test_an_aggregate_with_base_quantities_is_a_reference_line_of_the_comparison(
    as_user, ministry_user, agreed, example
):
    from django.urls import reverse

    deliver({example["land"]: WORKED_EXAMPLE}, ladestand=date(2020, 3, 18))
    response = as_user(ministry_user).get(reverse("dashboards:comparison"), {"indicator": "K2"})
    comparison = response.context["comparison"]
    assert [row.unit.key for row in comparison.references] == ["03"]
    assert [row.unit.key for row in comparison.rows] == ["03358"]
    assert "Niedersachsen 03 · Referenz, ohne Rang" in page_text(response)


def test_the_ministry_page_lists_the_flagged_differences_of_a_month(
    as_user, ministry_user, heidekreis_user, example
):
    from django.urls import reverse

    url = reverse("dashboards:reconciliation")
    text = page_text(as_user(ministry_user).get(url, {"year": 2020, "month": 2}))
    assert "Februar 2020: 3 Werte mit berechnetem und veröffentlichtem Wert, davon 1" in text
    assert "Landkreis Heidekreis 03358 K3 Jahresfortschrittswert −2,1 % −2,4 % +0,27 %" in text
    assert "K2 Jahresfortschrittswert 5,6" not in text
    assert as_user(heidekreis_user).get(url).status_code == 403


def test_the_ministry_page_downloads_every_row_of_the_month(as_user, reader, example):
    from django.urls import reverse

    url = reverse("dashboards:reconciliation")
    response = as_user(reader).get(url, {"year": 2020, "month": 2, "format": "csv"})
    lines = response.content.decode("utf-8-sig").splitlines()
    assert "attachment" in response["Content-Disposition"]
    assert len(lines) == 1 + 7  # the header and the seven rows of the worked example
    assert sum(line.endswith(";ja") for line in lines) == 1


@pytest.mark.parametrize("query", [{"year": "x", "month": "2"}, {"year": "2020", "month": "13"}])
def test_the_ministry_page_falls_back_to_the_latest_month_on_a_bad_query(
    as_user, ministry_user, example, query
):
    from django.urls import reverse

    response = as_user(ministry_user).get(reverse("dashboards:reconciliation"), query)
    assert response.status_code == 200
    assert "Februar 2020: 3 Werte mit berechnetem und veröffentlichtem Wert" in page_text(response)
