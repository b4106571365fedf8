"""The disposal and legal-hold pages: each reviewer in turn, exclusions with reasons, the
background disposal with its progress, holds put and lifted; 404 for everyone else."""

from __future__ import annotations

from typing import Any

import pytest

from kansli.org.models import Role
from kansli.org.testing import make_user
from kansli.registry.models import Document
from kansli.retention.models import DisposalRun, Hold, RunState
from kansli.retention.tasks import dispose_run
from kansli.retention.tests.seed import TODAY
from kansli.web.testing import signed_in, sv

pytestmark = pytest.mark.django_db(transaction=True)


def text(response: Any) -> str:
    return " ".join(response.content.decode().split())


def test_the_list_goes_from_the_archivist_to_the_manager_and_back_and_is_disposed_of(
    seeded: dict[str, Any],
) -> None:
    archivist, manager = signed_in(seeded["archivist"]), signed_in(seeded["manager"])
    ks = seeded["authority"]

    made = archivist.post("/gallring/", {"authority": ks.pk, "on": TODAY.isoformat()})
    run = DisposalRun.objects.get()
    assert made["Location"] == f"/gallring/{run.pk}/"
    page = text(manager.get(f"/gallring/{run.pk}/"))
    assert sv("The list is reviewed") in page
    assert f"{sv('To be disposed of')} (3)" in page and f"{sv('Refused')} (4)" in page
    assert sv("The list is reviewed") not in text(archivist.get(f"/gallring/{run.pk}/"))

    memo = run.items.exclude(document=seeded["due"]).filter(refused="").first()
    assert memo is not None
    manager.post(f"/gallring/{run.pk}/undanta/{memo.pk}/", {"reason": "Behövs i tvist"})
    manager.post(f"/gallring/{run.pk}/granska/")
    archivist.post(f"/gallring/{run.pk}/granska/")
    run.refresh_from_db()
    assert run.state == RunState.APPROVED
    assert "Gallra 2 handlingar" in text(archivist.get(f"/gallring/{run.pk}/"))

    archivist.post(f"/gallring/{run.pk}/gallra/")
    assert "<progress" in text(archivist.get(f"/gallring/{run.pk}/"))
    dispose_run.call(run.pk, seeded["archivist"].pk)  # what `kansli worker` does

    run.refresh_from_db()
    assert run.state == RunState.DONE
    gone = set(Document.objects.filter(disposed_at__isnull=False).values_list("pk", flat=True))
    assert gone == seeded["expected"] - {memo.document_id}
    progress = text(archivist.get(f"/gallring/{run.pk}/forlopp/"))
    assert sv("%(done)s of %(total)s documents disposed of", done=2, total=2) in progress
    assert run.report is not None
    assert run.report.document_number in text(archivist.get("/gallring/"))


def test_an_exclusion_needs_a_reason_and_the_turn(seeded: dict[str, Any]) -> None:
    archivist, manager = signed_in(seeded["archivist"]), signed_in(seeded["manager"])
    archivist.post("/gallring/", {"authority": seeded["authority"].pk, "on": TODAY.isoformat()})
    run = DisposalRun.objects.get()
    item = run.items.get(document=seeded["due"])

    archivist.post(f"/gallring/{run.pk}/undanta/{item.pk}/", {"reason": "Inte min tur"})
    answer = manager.post(f"/gallring/{run.pk}/undanta/{item.pk}/", {"reason": " "}, follow=True)

    item.refresh_from_db()
    assert item.excluded_reason == ""
    assert "Ange varför handlingen undantas." in text(answer)


@pytest.mark.parametrize("role", [Role.OFFICER, Role.SECRETARY, None])
def test_others_get_404(seeded: dict[str, Any], role: Role | None) -> None:
    signed_in(seeded["archivist"]).post(
        "/gallring/", {"authority": seeded["authority"].pk, "on": TODAY.isoformat()}
    )
    run = DisposalRun.objects.get()
    hold = Hold.objects.first()
    assert hold is not None
    roles = [(role, seeded["authority"])] if role else []
    other = signed_in(make_user("annan", roles=roles))

    for url in ["/gallring/", f"/gallring/{run.pk}/", f"/gallring/{run.pk}/forlopp/",
                "/bevarande/"]:  # fmt: skip
        assert other.get(url).status_code == 404, url
    for url in [f"/gallring/{run.pk}/granska/", f"/gallring/{run.pk}/gallra/",
                f"/bevarande/{hold.pk}/hav/"]:  # fmt: skip
        assert other.post(url, {"reason": "x"}).status_code == 404, url
    run.refresh_from_db()
    assert run.state == RunState.MANAGER


def test_holds_are_put_by_case_number_and_lifted_with_a_reason(
    seeded: dict[str, Any],
) -> None:
    archivist = signed_in(seeded["archivist"])
    case = seeded["kept"].case

    wrong = archivist.post(
        "/bevarande/",
        {"authority": seeded["authority"].pk, "reason": "Tvist", "case_numbers": "KS 1999/9"},
    )
    put = archivist.post("/bevarande/", {"authority": seeded["authority"].pk, "reason": "Tvist",
                                         "case_numbers": case.case_number})  # fmt: skip

    assert sv("No case %(numbers)s at the authority.", numbers="KS 1999/9") in text(wrong)
    assert put.status_code == 302
    hold = Hold.objects.get(reason="Tvist")
    assert list(hold.cases.all()) == [case]
    assert case.case_number in text(archivist.get("/bevarande/"))
    archivist.post(f"/bevarande/{hold.pk}/hav/", {"reason": ""})
    assert Hold.objects.get(pk=hold.pk).is_active
    archivist.post(f"/bevarande/{hold.pk}/hav/", {"reason": "Tvisten är avgjord"})
    assert not Hold.objects.get(pk=hold.pk).is_active


def test_a_registrar_reads_holds_but_cannot_put_them(seeded: dict[str, Any]) -> None:
    registrar = signed_in(make_user("reg", roles=[(Role.REGISTRAR, seeded["authority"])]))

    page = text(registrar.get("/bevarande/"))

    assert "Tvist i förvaltningsrätten" in page
    assert sv("Put a hold") not in page
    assert registrar.post("/bevarande/", {"reason": "x"}).status_code == 404


def test_a_search_result_is_held_from_the_search_page(
    seeded: dict[str, Any],
    monkeypatch: Any,
) -> None:
    archivist = signed_in(seeded["archivist"])
    assert sv("Hold the documents found") in text(archivist.get("/sok/?q=Beslut"))

    held = archivist.post("/bevarande/sokning/", {"query": "q=Beslut", "reason": "Revision"})

    assert held["Location"] == "/sok/?q=Beslut"
    hold = Hold.objects.get(reason="Revision")
    assert list(hold.documents.all()) == [seeded["kept"]]
    monkeypatch.setattr("kansli.retention.views.holds.SEARCH_HOLD_LIMIT", 1)
    many = archivist.post("/bevarande/sokning/", {"query": "q=Begäran", "reason": "x"}, follow=True)
    assert sv("More than %(limit)s documents: narrow the search.", limit=1) in text(many)
    assert not Hold.objects.filter(reason="x").exists()
    manager = signed_in(seeded["manager"])
    assert sv("Hold the documents found") not in text(manager.get("/sok/?q=Beslut"))
    assert manager.post("/bevarande/sokning/", {"query": "q=Beslut"}).status_code == 404
