import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from pypdf import PdfWriter

from kansli.files.store import store_bytes
from kansli.org.testing import make_municipality, make_sysadmin, make_user
from kansli.requests.actions.fees import do_set_fee_schedule
from kansli.requests.fees import count_pages, schedule_for

pytestmark = pytest.mark.django_db

# The state's model (avgiftsförordningen 15–16 §§), computed by hand: nine pages free,
# ten pages 50 kr, each page after the tenth 2 kr.
STATE_TABLE = [(0, 0), (9, 0), (10, 50), (11, 52), (20, 70), (100, 230)]


def pdf_bytes(pages: int) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize(("pages", "fee"), STATE_TABLE)
def test_a_municipality_without_a_schedule_charges_by_the_state_model(pages: int, fee: int) -> None:
    assert schedule_for(make_municipality()).fee(pages) == Decimal(fee)


def test_the_administrator_sets_the_municipality_s_own_fees_and_they_are_used() -> None:
    municipality = make_municipality()
    do_set_fee_schedule(
        municipality,
        free_pages=0,
        base_fee=Decimal(10),
        base_pages=1,
        page_fee=Decimal("1.50"),
        actor=make_sysadmin(),
    )
    schedule = schedule_for(municipality)
    assert [schedule.fee(p) for p in (0, 1, 3)] == [Decimal(0), Decimal(10), Decimal(13)]


def test_fees_are_set_only_by_an_administrator_and_never_negative() -> None:
    municipality = make_municipality()
    with pytest.raises(PermissionDenied):
        do_set_fee_schedule(
            municipality,
            free_pages=9,
            base_fee=Decimal(50),
            base_pages=10,
            page_fee=Decimal(2),
            actor=make_user(),
        )
    with pytest.raises(ValidationError):
        do_set_fee_schedule(
            municipality,
            free_pages=9,
            base_fee=Decimal(-1),
            base_pages=10,
            page_fee=Decimal(2),
            actor=make_sysadmin(),
        )
    assert schedule_for(municipality).pk is None


def test_pages_are_a_pdf_s_pages_and_one_for_any_other_file() -> None:
    files = [store_bytes(pdf_bytes(12), "a.pdf"), store_bytes(b"Hej\n", "b.txt")]
    assert count_pages(files) == 13
    # One whose check failed in the sandbox is not read here: one page.
    files[0].active_content = "unreadable"
    assert count_pages(files) == 2
