"""What test_really_gone.py does before it searches the raw bytes: register documents
carrying the marker strings, put them through a whole disposal run with `kansli
retention`, forget an erasure decision's events, and make anonymous requests from a
marked address and browser. Run as a script (on a real SQLite file: KANSLI_DATA_DIR) it
migrates first; the PostgreSQL test calls `act` in its own test database."""

from __future__ import annotations

import datetime
import os
import sys

from django.core.management import call_command
from django.utils import timezone


def anonymous_requests(authority_pk: int, address: str, browser: str) -> None:
    """What a member of the public does without saying who they are (TF 2 kap. 18 §):
    read the e-diary and ask for documents."""
    from django.test import Client

    from kansli.web import spam

    client = Client(REMOTE_ADDR=address, HTTP_USER_AGENT=browser, HTTP_ACCEPT_LANGUAGE="sv")
    assert client.get("/diarium/?q=begäran").status_code == 200
    form = {"authority": authority_pk, "description": "Protokollet", "name": "", "contact": ""}
    assert client.post("/begaran/", form | spam.filled_in()).status_code == 302


def act(markers: list[str], address: str, browser: str) -> None:
    from kansli.audit.forget import forget_details
    from kansli.audit.models import AuditEvent
    from kansli.files.store import store_bytes
    from kansli.org.models import Role
    from kansli.org.testing import make_authority, make_user
    from kansli.registry.actions import do_attach_file, do_change_case_status
    from kansli.registry.models import Case, Classification
    from kansli.registry.testing import make_case, make_incoming
    from kansli.retention import disposal
    from kansli.retention.models import DisposalRun
    from kansli.retention.scrub import scrub
    from kansli.retention.testing import make_plan
    from kansli.search.index import index_case

    ks = make_authority()
    make_plan(ks)  # "Begäran om allmän handling" in 1.2: 2 years after the case closed
    process = Classification.objects.create(authority=ks, code="1.2", title="Lämna ut")
    name, description, text, erased = markers
    case = make_case("Begäran om handlingar", classification=process)
    document = make_incoming(
        case, description=f"Begäran {description}", counterpart=f"Anna {name}",
        document_type="Begäran om allmän handling", document_date=datetime.date(2022, 1, 3),
    )  # fmt: skip
    do_attach_file(document, store_bytes(f"Brev {text}".encode(), "brev.txt"), "brev.txt",
                   actor=None)  # fmt: skip
    do_change_case_status(case, "avslutat", actor=None)
    closed = timezone.now() - datetime.timedelta(days=3 * 366)
    Case.objects.filter(pk=case.pk).update(closed_at=closed)
    # An erasure decision (GDPR art. 17) for someone named only in a kept case's events.
    kept = make_case(f"Synpunkt från {erased}")
    archivist = make_user("arkivarie", roles=[(Role.ARCHIVIST, ks)])
    manager = make_user("chef", roles=[(Role.MANAGER, ks)])
    call_command("retention", "list", verbosity=0)
    run = DisposalRun.objects.get()
    disposal.do_review_disposal(run, excluded={}, actor=manager)
    disposal.do_approve_disposal(run, excluded={}, actor=archivist)
    from django.db import transaction

    with transaction.atomic():
        events = AuditEvent.objects.filter(object_type="registry.case", object_id=str(kept.pk))
        forget_details(events, reason="Beslut om radering 2026-12-01", actor=None)
        Case.objects.filter(pk=kept.pk).update(title="Synpunkt")
        kept.refresh_from_db()
        index_case(kept)
    scrub({erased.casefold()}, tables=["registry_case", "audit_auditevent", "search_case"])
    anonymous_requests(ks.pk, address, browser)
    call_command("retention", "dispose", str(run.pk))
    call_command("audit", "verify")


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kansli.settings")
    django.setup()
    call_command("migrate", verbosity=0)
    act(sys.argv[1:5], *sys.argv[5:7])
