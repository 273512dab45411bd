"""Telling how a CSV file was written: its encoding and its delimiter, without asking.

Vocabulary:

- The *encoding* is how the file's bytes spell its characters. HR systems and
  Excel write UTF-8 (with or without a byte-order mark), UTF-16 (Excel's
  "Unicode text") or Windows-1252 (Excel's "CSV" on Western Windows). They are
  tried in that order: a byte-order mark is certain; UTF-8 is checked over the
  whole file (a stray ``é`` at row 90,000 would break it); UTF-16 without a mark
  shows as zero bytes at every other position; then Windows-1252, which decodes
  every byte but five. Anything else is left to charset-normalizer's guess, and
  the guess is reported.
- A *mixed* file is UTF-8 with a few bytes that are not (a row pasted in from a
  Windows-1252 file): more UTF-8 sequences than stray bytes. Read as Windows-1252
  its every accented name would be garbled, so it is read as UTF-8 and each cell
  holding a stray byte is a problem of its own (see :mod:`loaders.table`).
- The *dialect* is the delimiter (comma, semicolon or tab). It is read from the
  first lines by the standard library's ``csv.Sniffer``, restricted to those
  three; quoting is always the standard double quote.

See docs/decisions.md ("Encodings and delimiters are detected") for the measurements
behind this order.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

__all__ = ["Sniffed", "UnreadableFile", "sniff"]

#: How much of the start of a file the dialect (and a guessed encoding) is read from.
SAMPLE = 64 * 1024
_CHUNK = 1 << 20
_DELIMITERS = ",;\t"
_CP1252_UNDEFINED = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_HIGH = bytes(range(0x80, 0x100))
# Control characters no CSV export holds (tab, line feed and carriage return aside), the same byte in every
# encoding but UTF-16: a file with more than a stray one is binary data.
_CONTROL = re.compile(rb"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 with BOM", "utf-16": "UTF-16", "cp1252": "Windows-1252"}


class UnreadableFile(Exception):
    """The file is not CSV text in any encoding we read; the message says what it looks like."""


@dataclass(frozen=True, slots=True)
class Sniffed:
    """How a file was written: a Python codec name and a delimiter."""

    encoding: str
    delimiter: str
    guessed: bool = False  # the encoding is charset-normalizer's guess, not a certainty
    mixed: bool = False  # UTF-8 with stray bytes of another encoding: each cell holding one is a problem

    def describe(self) -> str:
        """``"UTF-16, tab-delimited"``, for notes."""
        encoding = _NAMES.get(self.encoding, self.encoding)
        if self.guessed:
            encoding += " (guessed; if names look wrong, save the file as CSV UTF-8)"
        delimiter = {",": "comma", ";": "semicolon", "\t": "tab"}[self.delimiter]
        return f"{encoding}, {delimiter}-delimited"


def sniff(open_binary: Callable[[], BinaryIO]) -> Sniffed:
    """The encoding and delimiter of the file ``open_binary`` opens; raises UnreadableFile."""
    with open_binary() as file:
        head = file.read(SAMPLE)
        encoding, guessed = _encoding(head, file)
    mixed = encoding == "mixed"
    encoding = "utf-8" if mixed else encoding
    text = _decode_sample(head, encoding)
    return Sniffed(encoding, _delimiter(text), guessed, mixed)


def _encoding(head: bytes, file: BinaryIO) -> tuple[str, bool]:
    """The codec of the file, and whether it is a guess; ``"mixed"`` for UTF-8 with stray bytes."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", False
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", False
    if head.startswith(b"PK\x03\x04"):
        raise UnreadableFile("is an Excel workbook, not CSV; in Excel use Save As › CSV UTF-8 and load that")
    even, odd = head[0:2000:2], head[1:2000:2]
    if head and odd.count(0) > len(odd) * 0.3 and even.count(0) < len(even) * 0.05:
        return "utf-16-le", False
    if head and even.count(0) > len(even) * 0.3 and odd.count(0) < len(odd) * 0.05:
        return "utf-16-be", False
    if b"\x00" in head:
        raise UnreadableFile(f"is not a text or CSV file: {_binary(head, 'it holds NUL bytes')}{_EXPORT}")
    if len(_CONTROL.findall(head)) > max(2, len(head) // 200):
        raise UnreadableFile(f"is not a text or CSV file: {_binary(head, 'it holds control characters')}{_EXPORT}")
    if _all_utf8(head, file):
        return "utf-8", False
    file.seek(0)
    undefined, sequences, stray = False, 0, 0
    for chunk in iter(lambda: file.read(_CHUNK), b""):
        undefined = undefined or _CP1252_UNDEFINED.search(chunk) is not None
        found = _UTF8_SEQUENCE.findall(chunk)
        sequences += len(found)
        stray += len(chunk) - len(chunk.translate(None, _HIGH)) - sum(map(len, found))
    if sequences >= stray:
        return "mixed", False
    if not undefined:
        return "cp1252", False
    return _guess(head), True


_EXPORT = "; export it from your HR system as CSV"

#: The first bytes of files people give by mistake (magic numbers); each one's name for the refusal.
_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"%PDF-", "PDF document"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "Excel 97-2003 workbook (.xls) or another Office file"),
    (b"\x1f\x8b", "gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"\x7fELF", "program"),
)


def _binary(head: bytes, otherwise: str) -> str:
    """What a binary file looks like, by its first bytes: ``"it looks like a PNG image"``, else ``otherwise``."""
    kind = next((name for magic, name in _SIGNATURES if head.startswith(magic)), None)
    return f"it looks like a binary file ({kind})" if kind else f"{otherwise}, as binary files do"


def _all_utf8(head: bytes, file: BinaryIO) -> bool:
    """Whether the whole file is UTF-8, read in chunks (a file of a million rows is checked in a blink)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(head)
        for chunk in iter(lambda: file.read(_CHUNK), b""):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _guess(head: bytes) -> str:
    import charset_normalizer  # only for files in none of the encodings above

    best = charset_normalizer.from_bytes(head).best()
    if best is None:
        raise UnreadableFile("is in an encoding we cannot tell; save it as CSV UTF-8 and load that")
    return str(best.encoding)


def _decode_sample(head: bytes, encoding: str) -> str:
    # The sample may end inside a character; an incremental decoder keeps what is whole.
    return codecs.getincrementaldecoder(encoding)(errors="replace").decode(head, final=False)


def _delimiter(text: str) -> str:
    lines = text.splitlines()[:50]
    sample = "\n".join(lines[:-1] if len(lines) > 1 else lines)  # the last line may be cut short
    try:
        return csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        header = lines[0] if lines else ""
        # No consistent pattern (one row, one column): the header's most frequent candidate, else a comma.
        counts = {d: header.count(d) for d in _DELIMITERS}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","
