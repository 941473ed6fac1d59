"""Published Kennzahlen as values: a variant in the row key and the statistical flags.

Backwards, the published Kennzahlen (rows with a variant) are removed first: without the
variant, their rows would collide with each other under the old key."""

from django.db import migrations, models


def remove_published(apps, schema_editor):
    apps.get_model("indicators", "Values").objects.exclude(variant="").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0009_delivery_deadline"),
        ("zielsteuerung", "0004_aggregate_units"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="values",
            name="one_row_per_year_and_delivery",
        ),
        migrations.AddField(
            model_name="values",
            name="flags",
            field=models.CharField(
                blank=True, default="", max_length=12, verbose_name="Kennzeichen"
            ),
        ),
        migrations.AddField(
            model_name="values",
            name="variant",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "Basisgröße"),
                    ("jfw", "Jahresfortschrittswert"),
                    ("zwoelf_monate", "12-Monats-Wert"),
                    ("vorjahresmonat", "Veränderung zum Vorjahresmonat"),
                ],
                default="",
                max_length=20,
                verbose_name="Variante",
            ),
        ),
        migrations.RunPython(migrations.RunPython.noop, remove_published),
        migrations.AddConstraint(
            model_name="values",
            constraint=models.UniqueConstraint(
                fields=("delivery", "unit", "indicator", "variant", "sex", "year"),
                name="one_row_per_variant_year_and_delivery",
            ),
        ),
    ]
