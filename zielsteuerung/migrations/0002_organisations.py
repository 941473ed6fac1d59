"""The two ministries (with their 2020 names) and the 16 zkT of Niedersachsen."""

from django.db import migrations

MINISTRIES = [
    # key, short name, name valid from 2017 (the 2020 agreement's names), place
    ("MW", "MW", "Niedersächsisches Ministerium für Wirtschaft, Arbeit, Verkehr und Digitalisierung", "Hannover"),
    ("MS", "MS", "Niedersächsisches Ministerium für Soziales, Gesundheit und Gleichstellung", "Hannover"),
]

# Kommunalträger-Zulassungsverordnung, Anlage; official Kreisschlüssel (Göttingen 03159 since 2016).
TRAEGER = [
    ("03451", "Landkreis Ammerland", "Westerstede"),
    ("03452", "Landkreis Aurich", "Aurich"),
    ("03454", "Landkreis Emsland", "Meppen"),
    ("03455", "Landkreis Friesland", "Jever"),
    ("03159", "Landkreis Göttingen", "Göttingen"),
    ("03456", "Landkreis Grafschaft Bentheim", "Nordhorn"),
    ("03457", "Landkreis Leer", "Leer"),
    ("03458", "Landkreis Oldenburg", "Wildeshausen"),
    ("03459", "Landkreis Osnabrück", "Osnabrück"),
    ("03356", "Landkreis Osterholz", "Osterholz-Scharmbeck"),
    ("03157", "Landkreis Peine", "Peine"),
    ("03357", "Landkreis Rotenburg (Wümme)", "Rotenburg (Wümme)"),
    ("03257", "Landkreis Schaumburg", "Stadthagen"),
    ("03358", "Landkreis Heidekreis", "Bad Fallingbostel"),
    ("03361", "Landkreis Verden", "Verden (Aller)"),
    ("03462", "Landkreis Wittmund", "Wittmund"),
]


def load(apps, schema_editor):
    Organisation = apps.get_model("zielsteuerung", "Organisation")
    OrganisationName = apps.get_model("zielsteuerung", "OrganisationName")
    for key, short, name, place in MINISTRIES:
        org, _ = Organisation.objects.update_or_create(
            key=key,
            defaults={"kind": "ministerium", "short_name": short, "name": name, "place": place},
        )
        OrganisationName.objects.update_or_create(
            organisation=org, valid_from_year=2017, defaults={"name": name}
        )
    for key, name, place in TRAEGER:
        Organisation.objects.update_or_create(
            key=key,
            defaults={
                "kind": "traeger",
                "name": name,
                "short_name": name.removeprefix("Landkreis "),
                "place": place,
            },
        )


def unload(apps, schema_editor):
    Organisation = apps.get_model("zielsteuerung", "Organisation")
    keys = [m[0] for m in MINISTRIES] + [t[0] for t in TRAEGER]
    Organisation.objects.filter(key__in=keys, memberships__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("zielsteuerung", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
