"""The progress bar: drawn on a terminal, silent elsewhere."""

from __future__ import annotations

import io

from buckstop.api.cli.progress import Bar


def test_the_bar_draws_reading_then_each_later_phase_on_its_own_line():
    out = io.StringIO()
    bar = Bar(out, force=True)
    bar("reading people.csv", 0, 2_000_000)
    bar("reading people.csv", 2_000_000, 2_000_000)
    bar("checking and writing", 0, 0)
    bar.close()
    lines = out.getvalue().split("\n")
    assert lines[0].startswith("\rreading people.csv [------------------------------]   0%  0.0 of 2.0 MB")
    assert lines[0].endswith("\rreading people.csv [##############################] 100%  2.0 of 2.0 MB")
    assert lines[1].startswith("checking and writing … (")
    assert lines[2] == ""


def test_nothing_is_drawn_when_the_output_is_not_a_terminal():
    out = io.StringIO()
    bar = Bar(out)
    bar("reading people.csv", 1, 2)
    bar.close()
    assert out.getvalue() == ""
