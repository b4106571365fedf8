"""The chain head's `added_seq`: the newest event `chain.on_record`'s functions marked as
an addition. It starts at 0, as if there were none: `marked_seq` already covers them."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0005_chainhead_marked_seq"),
    ]

    operations = [
        migrations.AddField(
            model_name="chainhead",
            name="added_seq",
            field=models.BigIntegerField(default=0),
        ),
    ]
