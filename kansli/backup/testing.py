"""Writers for the backup tests: processes that register documents with a file each,
through the registry's actions, until told to stop, as registrars would while a backup
is taken."""

from __future__ import annotations

import os
import time
from pathlib import Path

from django.db import transaction

from kansli.files.store import store_bytes
from kansli.registry.actions import do_attach_file, do_register_document
from kansli.registry.models import Case


def keep_registering(case_pk: int, stop: Path, limit_seconds: float = 120) -> int:
    """Register documents in the case, each with a file of its own, in one transaction
    each (the document and its file commit together), until the file `stop` exists;
    the number registered."""
    case = Case.objects.get(pk=case_pk)
    count, ends = 0, time.monotonic() + limit_seconds
    while not stop.exists() and time.monotonic() < ends:
        with transaction.atomic():
            document = do_register_document(
                case, "inkommen", case.opened_at.date(), f"Skrivelse {os.getpid()}-{count}",
                counterpart="Anna Andersson", actor=None,
            )  # fmt: skip
            data = f"Skrivelse från process {os.getpid()}, nummer {count}.\n".encode() * 40
            do_attach_file(
                document, store_bytes(data, "skrivelse.txt"), "skrivelse.txt", actor=None
            )
        count += 1
    return count


# A writer process: `python -c WRITER <case id> <stop file>` prints how many it registered.
WRITER = """
import os, sys
from pathlib import Path
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kansli.settings")
django.setup()
from kansli.backup.testing import keep_registering
print(keep_registering(int(sys.argv[1]), Path(sys.argv[2])))
"""
# For `kansli shell -c`: the writers' case, its id printed.
SETUP = (
    "from kansli.registry.testing import make_case; "
    "print(make_case('Ansökningar under säkerhetskopieringen').pk)"
)
