"""A party with protected identity (OSL 21 kap. 3 §) is never in any kind's DOCX or PDF
made for one who may not see it, whether made in code, from the case page or in the
preview; and a case the viewer may not read answers 404 on preview and produce, as a
missing one does."""

from __future__ import annotations

import io
import re
import zipfile

import pymupdf
import pytest

from kansli.drafting.kinds import KINDS
from kansli.drafting.render import case_context, render_docx, render_pdf
from kansli.drafting.testing import PROTECTED_NAME, PROTECTED_NUMBER, make_case_with_protected_party
from kansli.org import actions as org
from kansli.org.models import Authority, Role
from kansli.org.testing import make_user
from kansli.web.testing import signed_in

pytestmark = pytest.mark.django_db

SECRETS = [PROTECTED_NAME, PROTECTED_NUMBER, "850612", "Hemliga vägen"]


def _docx_text(data: bytes) -> str:
    package = zipfile.ZipFile(io.BytesIO(data))
    xml = " ".join(package.read(n).decode() for n in package.namelist() if n.endswith(".xml"))
    return re.sub(r"<[^>]+>", "", xml)


def _pdf_text(data: bytes) -> str:
    document = pymupdf.open(stream=data, filetype="pdf")
    return "".join(document[n].get_text() for n in range(document.page_count))


def _leaks(text: str) -> list[str]:
    flat = " ".join(text.split())
    return [s for s in SECRETS if s in flat]


def test_a_protected_party_is_in_no_kind_made_for_a_colleague_who_may_not_see_it():
    case, officer = make_case_with_protected_party()
    colleague = make_user(roles=[(Role.OFFICER, case.authority)])
    context = case_context(case, viewer=colleague)
    assert "Skyddad identitet" in context["parties"]
    assert PROTECTED_NAME in case_context(case, viewer=officer)["title"]  # the officer's
    client = signed_in(colleague)
    preview = {"case": case.case_number}
    for kind in KINDS:
        for data, text in (
            (render_docx(kind, context, authority=case.authority), _docx_text),
            (render_pdf(kind, context, authority=case.authority), _pdf_text),
            (client.get(f"/arenden/{case.pk}/mallar/{kind}/docx/").getvalue(), _docx_text),
            (client.get(f"/arenden/{case.pk}/mallar/{kind}/pdf/").getvalue(), _pdf_text),
            (client.get(f"/mallar/{kind}/forhandsvisning.pdf", preview).content, _pdf_text),
        ):
            shown = text(data)
            assert case.case_number in shown, kind
            assert _leaks(shown) == [], kind
        page = client.get(f"/mallar/{kind}/forhandsvisning/", preview)
        assert _leaks(page.content.decode()) == [] and case.case_number in page.content.decode()


def test_a_case_the_viewer_may_not_read_answers_404_on_preview_and_produce():
    case, _officer = make_case_with_protected_party()
    other = org.do_create_municipality("Grannkommun", actor=None)
    board = org.do_create_authority(other, Authority.Kind.EXECUTIVE, "GKS", "Grannstyrelsen",
                                    actor=None)  # fmt: skip
    outsider = signed_in(make_user(roles=[(Role.OFFICER, board)]))
    for kind in ("report", "refusal"):
        for url in (
            f"/arenden/{case.pk}/mallar/{kind}/docx/",
            f"/arenden/{case.pk}/mallar/{kind}/pdf/",
            f"/mallar/{kind}/forhandsvisning/?case={case.case_number}",
            f"/mallar/{kind}/forhandsvisning.pdf?case={case.case_number}",
        ):
            assert outsider.get(url).status_code == 404, url
            missing = url.replace(str(case.pk), "999999").replace("2026/1", "2026/999")
            assert outsider.get(missing).status_code == 404, missing
