"""Kennzahlen-Verordnung nach § 48a SGB II (wording of 2019) and the base quantities."""

from django.db import migrations

KENNZAHLEN_VO = "Kennzahlen-Verordnung nach § 48a SGB II"

# code, name, kind, unit, better (directions other than K1, K2, K3 are inferred; editable)
CATALOGUE = [
    ("K1", "Veränderung der Summe der Leistungen zum Lebensunterhalt (ohne Unterkunft und Heizung)", "zielindikator", "prozent", "niedriger"),
    ("K1E1", "Veränderung der Summe der Leistungen für Unterkunft und Heizung", "ergaenzung", "prozent", "niedriger"),
    ("K1E2", "Veränderung der Zahl der erwerbsfähigen Leistungsberechtigten", "ergaenzung", "prozent", "niedriger"),
    ("K1E3", "Durchschnittliche Zugangsrate der erwerbsfähigen Leistungsberechtigten", "ergaenzung", "prozent", "niedriger"),
    ("K1E4", "Durchschnittliche Abgangsrate der erwerbsfähigen Leistungsberechtigten", "ergaenzung", "prozent", "hoeher"),
    ("K2", "Integrationsquote", "zielindikator", "prozent", "hoeher"),
    ("K2E1", "Quote der Eintritte in geringfügige Beschäftigung", "ergaenzung", "prozent", "neutral"),
    ("K2E2", "Quote der Eintritte in öffentlich geförderte Beschäftigung", "ergaenzung", "prozent", "neutral"),
    ("K2E3", "Kontinuierliche Beschäftigung nach Integration", "ergaenzung", "prozent", "hoeher"),
    ("K2E4", "Integrationsquote der Alleinerziehenden", "ergaenzung", "prozent", "hoeher"),
    ("K3", "Veränderung des Bestands an Langzeitleistungsbeziehenden", "zielindikator", "prozent", "niedriger"),
    ("K3E1", "Integrationsquote der Langzeitleistungsbeziehenden", "ergaenzung", "prozent", "hoeher"),
    ("K3E2", "Aktivierungsquote der Langzeitleistungsbeziehenden", "ergaenzung", "prozent", "hoeher"),
    ("K3E3", "Durchschnittliche Zugangsrate der Langzeitleistungsbeziehenden", "ergaenzung", "prozent", "niedriger"),
    ("K3E4", "Durchschnittliche Abgangsrate der Langzeitleistungsbeziehenden", "ergaenzung", "prozent", "hoeher"),
]

BASE_QUANTITIES = [
    ("LLU", "Summe der Leistungen zum Lebensunterhalt im Monat", "eur"),
    ("LUH", "Summe der Leistungen für Unterkunft und Heizung im Monat", "eur"),
    ("ELB", "Bestand erwerbsfähige Leistungsberechtigte am Monatsende", "personen"),
    ("INT", "Integrationen im Monat", "anzahl"),
    ("LZB", "Bestand Langzeitleistungsbeziehende am Monatsende", "personen"),
    ("ELB_AE", "Bestand erwerbsfähige Leistungsberechtigte Alleinerziehende", "personen"),
    ("INT_AE", "Integrationen von Alleinerziehenden im Monat", "anzahl"),
    ("INT_LZB", "Integrationen von Langzeitleistungsbeziehenden im Monat", "anzahl"),
]


def load(apps, schema_editor):
    Indicator = apps.get_model("indicators", "Indicator")
    for order, (code, name, kind, unit, better) in enumerate(CATALOGUE, start=1):
        Indicator.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "kind": kind,
                "unit": unit,
                "better": better,
                "legal_reference": KENNZAHLEN_VO,
                "sort_order": order,
            },
        )
    for order, (code, name, unit) in enumerate(BASE_QUANTITIES, start=100):
        Indicator.objects.update_or_create(
            code=code,
            defaults={"name": name, "kind": "basis", "unit": unit, "better": "neutral",
                      "sort_order": order},
        )


def unload(apps, schema_editor):
    Indicator = apps.get_model("indicators", "Indicator")
    codes = [c[0] for c in CATALOGUE] + [b[0] for b in BASE_QUANTITIES]
    Indicator.objects.filter(code__in=codes, values__isnull=True, goals__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
