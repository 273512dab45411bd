"""Encodings and delimiters, detected as HR systems and Excel write them."""

from __future__ import annotations

import io
import re

import pytest

from buckstop.loaders.sniff import SAMPLE, Sniffed, UnreadableFile, sniff
from buckstop.loaders.table import read_table

TEXT = 'id,name,title\r\n1,José Álvarez,"Agent “Tier 2”"\r\n2,Zoë Müller,"Head of\r\nMarketing"\r\n'


def sniffed(data: bytes) -> Sniffed:
    return sniff(lambda: io.BytesIO(data))


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("utf-16", "utf-16"),  # with its byte-order mark, as Excel's "Unicode text"
        ("utf-16-le", "utf-16-le"),
        ("utf-16-be", "utf-16-be"),
        ("cp1252", "cp1252"),
    ],
)
def test_encodings_are_detected(encoding, expected):
    assert sniffed(TEXT.encode(encoding)).encoding == expected


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_delimiters_are_detected_even_with_the_others_inside_cells(delimiter):
    text = TEXT.replace(",", delimiter).replace("Agent", "Agent; senior, EMEA\t")
    assert sniffed(text.encode()).delimiter == delimiter


def test_a_one_column_file_is_comma_delimited():
    assert sniffed(b"id\n1\n2\n").delimiter == ","


def test_a_stray_cp1252_byte_far_into_a_utf8_looking_file_is_not_missed(tmp_path):
    path = tmp_path / "people.csv"
    rows = "".join(f"{i},Person {i}\n" for i in range(SAMPLE // 8))
    path.write_bytes(("id,name\n" + rows + "99999,Renée\n").encode("cp1252"))
    table = read_table(path)
    assert table.sniffed is not None and table.sniffed.encoding == "cp1252"
    assert table.rows[-1].cells["name"] == "Renée"
    assert table.problems == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"PK\x03\x04rest-of-a-zip", "is an Excel workbook, not CSV; in Excel use Save As › CSV UTF-8 and load that"),
        (
            b"\x00\x01\x02\x03binary",
            "is not a text or CSV file: it holds NUL bytes, as binary files do; export it from your HR system as CSV",
        ),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            "is not a text or CSV file: it looks like a binary file (PNG image); export it from your HR system as CSV",
        ),
        (b"%PDF-1.7\n\x00\x01", "is not a text or CSV file: it looks like a binary file (PDF document)"),
    ],
)
def test_files_that_are_not_csv_text_say_what_to_do(data, message):
    with pytest.raises(UnreadableFile, match=re.escape(message)):
        sniffed(data)


@pytest.mark.parametrize(
    ("encoding", "delimiter"), [("utf-8", ","), ("utf-8-sig", ";"), ("utf-16", "\t"), ("cp1252", ";")]
)
def test_every_combination_reads_the_same_rows(tmp_path, encoding, delimiter):
    path = tmp_path / "people.csv"
    path.write_bytes((TEXT.replace(",", delimiter) + "\r\n" + delimiter * 2 + "\r\n").encode(encoding))
    table = read_table(path)
    assert table.columns == ("id", "name", "title")
    assert [r.cells for r in table.rows] == [
        {"id": "1", "name": "José Álvarez", "title": "Agent “Tier 2”"},
        {"id": "2", "name": "Zoë Müller", "title": "Head of\r\nMarketing"},  # a quoted newline is kept
    ]
    assert [r.number for r in table.rows] == [2, 3]  # spreadsheet rows, not lines
    assert table.problems == []


def test_describe_names_encoding_and_delimiter():
    assert Sniffed("utf-16", "\t").describe() == "UTF-16, tab-delimited"
    assert Sniffed("cp1250", ",", guessed=True).describe().startswith("cp1250 (guessed; ")
