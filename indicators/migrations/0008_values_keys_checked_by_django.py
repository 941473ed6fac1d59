"""The keys of `Values` without foreign-key constraints in the database: checking three for
each row of a national delivery took PostgreSQL longer than storing the rows. Django keeps
refusing to delete what values refer to (PROTECT); see the comment in the model."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('indicators', '0007_year_rows'),
        ('zielsteuerung', '0003_history_of_reference_data'),
    ]

    operations = [
        migrations.AlterField(
            model_name='values',
            name='delivery',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='values', to='indicators.datadelivery'),
        ),
        migrations.AlterField(
            model_name='values',
            name='indicator',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='values', to='indicators.indicator'),
        ),
        migrations.AlterField(
            model_name='values',
            name='unit',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='values', to='zielsteuerung.organisation', verbose_name='Träger'),
        ),
    ]
