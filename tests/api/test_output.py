"""CSV that buckstop writes is safe to open in a spreadsheet: no cell is run as a formula."""

from __future__ import annotations

import csv
import io

import pytest

from buckstop.api.output import spreadsheet_safe, write_csv


@pytest.mark.parametrize(
    "cell", ['=HYPERLINK("http://x","click")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)", "\tx", "\rx"]
)
def test_a_cell_that_starts_like_a_formula_is_written_as_text(cell: str) -> None:
    out = io.StringIO()
    write_csv(out, ("name",), [(cell,)])
    [_, [written]] = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert written == "'" + cell


def test_other_cells_are_left_as_they_are() -> None:
    for cell in ("Helena Marsh", "p-ceo", "a=b", "", "12"):
        assert spreadsheet_safe(cell) == cell
