"""Dispatches to a party with protected identity keep the party's reference instead of
the name and address (OSL 21 kap. 3 §; kansli.meetings.actions.do_dispatch_decision):
the rows made before lose the name and the address. They were not sent through
Skatteverket, and the record of how a decision was sent must not say they were (it is
the evidence of notification), so the address says only that it was removed."""

from typing import Any

from django.db import migrations

REMOVED = "(borttagen: skyddade personuppgifter)"


def by_reference(apps: Any, schema_editor: Any) -> None:
    expedition = apps.get_model("meetings", "Expedition")
    party = apps.get_model("registry", "Party")
    for row in expedition.objects.filter(protected_identity=True).select_related("paragraph__item"):
        parties = party.objects.filter(case_id=row.paragraph.item.case_id, protected_identity=True)
        named = [p for p in parties if p.name.strip().casefold() == row.recipient.casefold()]
        row.recipient = f"Skyddad identitet, ref. P{named[0].pk}" if named else "Skyddad identitet"
        row.address = REMOVED
        row.save(update_fields=["recipient", "address"])


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0006_non_public_items"),
        ("registry", "0001_initial"),
    ]

    operations = [migrations.RunPython(by_reference, migrations.RunPython.noop)]
