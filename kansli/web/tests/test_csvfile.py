"""The one CSV writer neutralises what a spreadsheet would run as a formula."""

import csv
import io

import pytest
from django.test import Client

from kansli.access.actions import do_log_read
from kansli.access.testing import make_access_group
from kansli.org.models import Role
from kansli.org.testing import make_authority, make_user
from kansli.registry import actions as registry
from kansli.registry.testing import make_case, make_incoming, make_provision
from kansli.web.csvfile import csv_download


def test_formula_cells_are_written_as_text() -> None:
    rows = [['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "\tx", "\rx", "Anna", 3, "a=b"]]
    answer = csv_download("test", ["a"] * 9, rows)
    text = answer.content.decode("utf-8-sig")
    _header, row = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert row[:6] == ['\'=HYPERLINK("http://x")', "'+1", "'-2", "'@SUM(A1)", "'\tx", "'\rx"]
    assert row[6:] == ["Anna", "3", "a=b"]


@pytest.mark.django_db
def test_the_read_log_export_writes_a_formula_name_as_text() -> None:
    # Every CSV export goes through csv_download (the read log and the meeting measures);
    # here a user whose name a spreadsheet would run is exported from the read log.
    ks = make_authority("KS")
    document = make_incoming(make_case("Personalärende", authority=ks))
    document = registry.do_mark_secrecy(document, make_provision(), actor=None)
    reader = make_user("hr", first_name='=HYPERLINK("http://x")', roles=[(Role.OFFICER, ks)])
    make_access_group(ks, [reader])
    do_log_read(document, "file", actor=reader)
    client = Client()
    client.force_login(make_user("dso", roles=[(Role.DATA_PROTECTION_OFFICER, ks)]))
    url = f"/arenden/{document.case_id}/handlingar/{document.number}/lasningar/?format=csv"
    text = client.get(url).content.decode("utf-8-sig")
    _header, row = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert row[1] == '\'=HYPERLINK("http://x") (hr)'
