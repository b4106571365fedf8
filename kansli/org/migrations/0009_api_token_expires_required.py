from django.db import migrations, models


class Migration(migrations.Migration):
    """Apart from 0008: PostgreSQL refuses an ALTER TABLE in the transaction that has just
    updated the table's rows ("pending trigger events")."""

    dependencies = [
        ("org", "0008_api_token_expires"),
    ]

    operations = [
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(verbose_name="expires"),
        ),
    ]
