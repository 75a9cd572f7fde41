"""The raw header + body reader on all 13 real raw-text cables (CRLF, Latin-1 ``¶``).

Each check is computed from the file itself: its name carries the post and serial that the
banner must end with, its lines are read here with a plain latin-1 decode.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cablescope.parse.formats import raw_text
from cablescope.parse.formats.detect import document_from_text

pytestmark = pytest.mark.corpus

_LEVEL = re.compile(r"(?:UNCLAS|CONFIDENTIAL|SECRET)\b")


def _files(shared_path) -> list[Path]:
    files = sorted(shared_path("corpus", "raw-text").glob("*.txt"))
    assert len(files) == 13
    return files


def test_all_files_read_as_raw_text(shared_path) -> None:
    for path in _files(shared_path):
        doc = document_from_text(path.read_bytes(), name=str(path))
        assert doc.format == "raw_text", path.name
        assert doc.metadata == {}, path.name
        assert doc.name == str(path)


def test_banner_starts_the_body_and_ends_with_the_serial(shared_path) -> None:
    for path in _files(shared_path):
        doc = document_from_text(path.read_bytes())
        first = doc.body.split("\n", 1)[0].rstrip()
        assert _LEVEL.match(first), (path.name, first)
        serial = int(re.search(r"(\d+)$", path.stem).group(1))
        assert int(first.split()[-1]) == serial, (path.name, first)


def test_line_numbers_point_into_the_file(shared_path) -> None:
    for path in _files(shared_path):
        lines = path.read_bytes().decode("latin-1").split("\r\n")
        doc = document_from_text(path.read_bytes())
        assert lines[doc.header_line - 1].strip() == doc.header.split("\n", 1)[0].strip()
        assert lines[doc.body_line - 1].strip() == doc.body.split("\n", 1)[0].strip()
        assert doc.body_line > doc.header_line


def test_header_ends_before_the_banner_line(shared_path) -> None:
    for path in _files(shared_path):
        doc = document_from_text(path.read_bytes())
        last = doc.header.rsplit("\n", 1)[-1]
        assert last and not _LEVEL.match(last), (path.name, last)
        assert "VZCZC" in doc.header or "LOG-00" in doc.header


def test_latin1_pilcrow_and_crlf_are_decoded(shared_path) -> None:
    for path in _files(shared_path):
        data = path.read_bytes()
        doc = document_from_text(data)
        assert "\r" not in doc.header + doc.body
        assert (doc.header + doc.body).count("¶") == data.count(b"\xb6"), path.name
        assert "\ufffd" not in doc.body


def test_reader_directly(shared_path) -> None:
    path = shared_path("corpus", "raw-text", "07KINGSTON382.txt")
    text = path.read_bytes().decode("latin-1").replace("\r\n", "\n")
    assert raw_text.looks_like(text)
    doc = raw_text.read(text, name="k.txt")
    lines = text.split("\n")
    # Read by eye: line 1 is blank, the header is lines 2-8, the banner line 9.
    assert (doc.header_line, doc.body_line) == (2, 9)
    assert doc.header == "\n".join(lines[1:8])
    assert doc.body.startswith(lines[8].rstrip())
    assert text[doc.offset :].startswith(doc.header)


def test_body_only_cable() -> None:
    text = "UNCLAS KINGSTON 000382\n\nE.O. 12958: N/A\nTAGS: PGOV JM\nSUBJECT: X\n\n1. Text.\n"
    doc = raw_text.read(text)
    assert doc.header == ""
    assert doc.body == text.rstrip()
    assert doc.body_line == 1


def test_unrelated_text_does_not_look_like_a_cable() -> None:
    assert not raw_text.looks_like("Dear all,\nthe meeting is moved to Friday.\nThanks\n")
    assert not raw_text.looks_like("SUBJECT: lunch\n")  # one marker is not enough
