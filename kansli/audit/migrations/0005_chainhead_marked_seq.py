"""The chain head's `marked_seq`: the newest event marked by `chain.on_record`'s
functions. It starts at the head's own number, as if the newest event were marked."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0004_reseal_chain"),
    ]

    operations = [
        migrations.AddField(
            model_name="chainhead",
            name="marked_seq",
            field=models.BigIntegerField(default=0),
        ),
        migrations.RunSQL(
            "UPDATE audit_chainhead SET marked_seq = seq", reverse_sql=migrations.RunSQL.noop
        ),
    ]
