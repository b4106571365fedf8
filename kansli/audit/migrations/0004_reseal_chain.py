"""Move the existing audit chain to salted digests, so that its details can be forgotten.

Until now each event's hash covered its details in clear (names, values, the address),
so no personal data in an event could ever be removed without breaking the chain. The
old chain is first verified as it was hashed (a broken chain stops the migration: it is
evidence, and must be looked into before anything is rewritten). Then every event gets
its salts and digests and is chained again from the first, and one event is added that
names the old chain's last hash, so a copy of the old head noted elsewhere can still be
matched to this log. Irreversible: the old hashes are not kept."""

import datetime
import hashlib
import json
from typing import Any

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.utils import timezone

from kansli.audit import triggers
from kansli.audit.chain import GENESIS, seal

RESEALED = ("details_salt", "details_digest", "address_salt", "address_digest", "prev_hash", "hash")


def old_canonical(event: Any) -> bytes:
    """The content the chain hashed before this migration, exactly as it was."""
    created = event.created_at.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    content = {
        "seq": event.seq,
        "created_at": created,
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_label": event.object_label,
        "before": event.before,
        "after": event.after,
        "request_id": event.request_id,
        "client_ip": event.client_ip,
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def reseal(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    alias = schema_editor.connection.alias
    events = apps.get_model("audit", "AuditEvent").objects.using(alias)
    heads = apps.get_model("audit", "ChainHead").objects.using(alias)
    if not events.exists():
        triggers.install(schema_editor.connection)  # forgetting let through from now on
        return
    triggers.drop(schema_editor.connection)
    old_prev, new_prev, count, batch = GENESIS, GENESIS, 0, []
    for event in events.order_by("seq").iterator(chunk_size=2000):
        old_hash = hashlib.sha256(old_prev.encode() + old_canonical(event)).hexdigest()
        if event.seq != count + 1 or event.prev_hash != old_prev or old_hash != event.hash:
            raise RuntimeError(
                f"Granskningskedjan är bruten vid händelse {count + 1}: den flyttas inte "
                "till saltade kontrollsummor förrän det är utrett (kansli audit verify)."
            )
        old_prev, event.prev_hash = event.hash, new_prev
        seal(event)
        new_prev, count = event.hash, count + 1
        batch.append(event)
        if len(batch) == 1000:
            events.bulk_update(batch, RESEALED)
            batch = []
    events.bulk_update(batch, RESEALED)
    note = events.model(
        seq=count + 1,
        created_at=timezone.now(),
        actor_label="system",
        action="audit.chain_resealed",
        after={"events": count, "old_head_hash": old_prev},
        prev_hash=new_prev,
    )
    seal(note)
    note.save(using=alias)
    heads.update_or_create(pk=1, defaults={"seq": note.seq, "hash": note.hash})
    triggers.install(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_forgettable_details"),
    ]

    operations = [
        migrations.RunPython(reseal, elidable=False),
    ]
