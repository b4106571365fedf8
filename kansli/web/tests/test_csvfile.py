"""The one CSV writer neutralises what a spreadsheet would run as a formula."""

import csv
import io

from kansli.web.csvfile import csv_download


def test_formula_cells_are_written_as_text() -> None:
    rows = [['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "\tx", "\rx", "Anna", 3, "a=b"]]
    answer = csv_download("test", ["a"] * 9, rows)
    text = answer.content.decode("utf-8-sig")
    _header, row = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert row[:6] == ['\'=HYPERLINK("http://x")', "'+1", "'-2", "'@SUM(A1)", "'\tx", "'\rx"]
    assert row[6:] == ["Anna", "3", "a=b"]
