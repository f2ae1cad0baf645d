"""helpdesk/lib/csv_safe.py: a cell a spreadsheet would run as a formula is written as text."""

from __future__ import annotations

import csv
import io

import pytest

from helpdesk.lib.csv_safe import csv_text, neutralise


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
        ("+1 555 0100", "'+1 555 0100"),
        ("-2+3", "'-2+3"),
        ("@cmd", "'@cmd"),
        ("\tinside", "'\tinside"),
        ("\rback", "'\rback"),
        ("Billing", "Billing"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
        (-5, -5),
        (12, 12),
        (2.5, 2.5),
    ],
)
def test_formula_cells_get_a_quote_and_numbers_stay_numbers(cell, written):
    assert neutralise(cell) == written


def test_rows_read_back_as_written():
    text = csv_text([["Queue", "Kept"], ['=HYPERLINK("http://x","y")', 3], ["Total, all", 3]])
    assert list(csv.reader(io.StringIO(text))) == [
        ["Queue", "Kept"],
        ["'=HYPERLINK(\"http://x\",\"y\")", "3"],
        ["Total, all", "3"],
    ]
    assert text.endswith("\r\n")
