"""The e-archive pages: the archivist starts an export that runs in the background with a
progress bar, reads the packages, downloads the receipt of the export and registers the
e-archive's receipt; the checklist for retiring the system; 404 for everyone else."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone

from kansli.archive.models import Transfer
from kansli.archive.tasks import export_transfer
from kansli.archive.testing import make_archivable_case
from kansli.org.models import Role
from kansli.org.testing import make_authority, make_user
from kansli.retention.holds import do_place_hold
from kansli.web.testing import signed_in, sv

pytestmark = pytest.mark.django_db(transaction=True)


def text(response: Any) -> str:
    return " ".join(response.content.decode().split())


@pytest.fixture
def world(tmp_path: Any) -> dict[str, Any]:
    authority = make_authority("BN", "Byggnadsnämnden")
    case = make_archivable_case(authority, datetime.date(2023, 5, 17))
    held = make_archivable_case(authority, datetime.date(2023, 6, 1), "Ärende i tvist")
    do_place_hold(authority, "Tvist", cases=[held], actor=None)
    make_archivable_case(authority, datetime.date(2025, 6, 1), "Senare ärende")
    archivist = make_user("arkivarie", roles=[(Role.ARCHIVIST, authority)])
    return {"authority": authority, "case": case, "held": held, "archivist": archivist}


def test_the_archivist_exports_and_registers_the_receipt(
    world: dict[str, Any], tmp_path: Any
) -> None:
    archivist = signed_in(world["archivist"])
    assert 'href="/e-arkiv/"' in text(archivist.get("/"))  # the menu
    with override_settings(DATA_DIR=tmp_path):
        made = archivist.post("/e-arkiv/", {"authority": world["authority"].pk,
                                            "closed_before": "2024-01-01"})  # fmt: skip
    transfer = Transfer.objects.get()
    assert made["Location"] == f"/e-arkiv/{transfer.pk}/"
    assert "<progress" in text(archivist.get(f"/e-arkiv/{transfer.pk}/"))
    export_transfer.call(transfer.pk, world["archivist"].pk)  # what `kansli worker` does

    page = text(archivist.get(f"/e-arkiv/{transfer.pk}/"))
    assert world["case"].case_number in page and world["held"].case_number in page
    assert sv("Not exported: under a legal hold") in page
    assert "Ansökan om bygglov" not in page  # case numbers only, never a title
    assert sv("%(done)s of %(total)s cases handled", done=2, total=2) in text(
        archivist.get(f"/e-arkiv/{transfer.pk}/forlopp/")
    )
    receipt = archivist.get(f"/e-arkiv/{transfer.pk}/kvitto.csv")
    assert world["case"].case_number in receipt.getvalue().decode()

    bad = archivist.post(
        f"/e-arkiv/{transfer.pk}/", {"reference": " ", "received_on": "2026-01-01"}
    )
    assert bad.status_code == 200 and Transfer.objects.get().status == Transfer.Status.EXPORTED
    today = timezone.localdate().isoformat()
    done = archivist.post(f"/e-arkiv/{transfer.pk}/", {"reference": "EA-1", "received_on": today})
    assert done.status_code == 302
    assert Transfer.objects.get().status == Transfer.Status.RECEIVED

    checklist = text(archivist.get("/e-arkiv/avveckling/"))
    assert sv("Checklist for retiring the system") in checklist
    assert sv("Not ready yet.") in checklist


@pytest.mark.parametrize("role", [Role.REGISTRAR, Role.MANAGER, Role.OFFICER, None])
def test_others_get_404(world: dict[str, Any], role: Role | None, tmp_path: Any) -> None:
    with override_settings(DATA_DIR=tmp_path):
        signed_in(world["archivist"]).post(
            "/e-arkiv/", {"authority": world["authority"].pk, "closed_before": "2024-01-01"}
        )
    transfer = Transfer.objects.get()
    roles = [(role, world["authority"])] if role else []
    other = signed_in(make_user("annan", roles=roles))
    one = f"/e-arkiv/{transfer.pk}/"
    for url in ["/e-arkiv/", "/e-arkiv/avveckling/", one, f"{one}forlopp/", f"{one}kvitto.csv"]:
        assert other.get(url).status_code == 404, url
    answer = other.post(
        f"/e-arkiv/{transfer.pk}/", {"reference": "EA-1", "received_on": "2026-11-30"}
    )
    assert answer.status_code == 404
    assert other.post("/e-arkiv/", {"authority": world["authority"].pk,
                                    "closed_before": "2024-01-01"}).status_code == 404  # fmt: skip
    assert Transfer.objects.count() == 1


def test_the_checklist_counts_what_is_worked_out_by_hand(
    world: dict[str, Any], tmp_path: Any
) -> None:
    """Three cases of BN, all closed: one exported (the 2023 one), one held, one closed in
    2025 after the transfer's day. After the receipt: 1 transferred, 2 not exported, 1
    hold in force, nothing open; not ready."""
    from kansli.archive import actions
    from kansli.archive.retiring import checklist

    archivist = world["archivist"]
    transfer = actions.do_start_transfer(
        world["authority"], datetime.date(2024, 1, 1), tmp_path, actor=archivist
    )
    transfer = actions.do_export_transfer(transfer, actor=archivist)
    actions.do_register_receipt(transfer, "EA-1", timezone.localdate(), actor=archivist)
    found = checklist(world["authority"])
    assert (found.cases, found.open, found.exported, found.transferred) == (3, 0, 1, 1)
    assert (found.not_exported, found.holds, found.requests) == (2, 1, 0)
    assert (found.disposal_lists, found.inbox, found.ready) == (0, 0, False)
