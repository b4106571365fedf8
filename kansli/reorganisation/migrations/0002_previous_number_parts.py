from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reorganisation", "0001_reorganisation"),
    ]

    operations = [
        migrations.AddField(
            model_name="previouscasenumber",
            name="year",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="year"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="previouscasenumber",
            name="number",
            field=models.PositiveIntegerField(default=0, verbose_name="number"),
            preserve_default=False,
        ),
    ]
