import datetime

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone


def expire_in_a_year(apps, schema_editor):
    """Keys made before keys expired: they open the API for KANSLI_API_TOKEN_DAYS from
    the upgrade, so that no running integration stops the day Kansli is upgraded."""
    ApiToken = apps.get_model("org", "ApiToken")
    later = timezone.now() + datetime.timedelta(days=settings.API_TOKEN_DAYS)
    ApiToken.objects.filter(expires_at__isnull=True).update(expires_at=later)


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0007_valid_from_swedish_date"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True, verbose_name="expires"),
        ),
        migrations.RunPython(expire_in_a_year, migrations.RunPython.noop),
    ]
