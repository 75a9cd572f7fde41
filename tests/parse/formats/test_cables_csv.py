"""The cables.csv reader on the real 2-row sample, and on rows built here for one case each.

Row starts, line numbers and offsets are found here by scanning the sample's lines for
the ``"N","M/D/YYYY`` row prefix, independently of the csv module the reader uses.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import pytest

from cablescope.errors import CableError
from cablescope.parse.formats import cables_csv
from cablescope.parse.formats.detect import documents_from_stream

_ROW = re.compile(r'^"(\d+)","[\d/: ]+","([^"]+)","([^"]*)","([^"]*)"')


def _sample(shared_path) -> str:
    return shared_path("corpus", "cables-csv", "cables_sample.csv").read_text(encoding="utf-8")


def _documents(text: str):
    return list(cables_csv.iter_documents(io.StringIO(text), "sample.csv"))


def _row(*fields: str) -> str:
    return ",".join('"' + field.replace('"', '\\"') + '"' for field in fields) + "\n"


@pytest.mark.corpus
def test_sample_rows(shared_path) -> None:
    text = _sample(shared_path)
    lines = text.split("\n")
    starts = [(n, _ROW.match(line)) for n, line in enumerate(lines, 1) if _ROW.match(line)]
    docs = _documents(text)
    assert len(docs) == len(starts) == 2
    for doc, (line_number, match) in zip(docs, starts, strict=True):
        assert doc.format == "cables_csv"
        assert doc.metadata["id"] == match.group(2)
        assert doc.metadata["origin"] == match.group(3)
        assert doc.metadata["classification"] == match.group(4)
        assert doc.header_line == line_number
        # The body opens on the line where the header field closes (after `","`).
        first_body_line = doc.body.split("\n", 1)[0]
        assert lines[doc.body_line - 1].endswith('","' + first_body_line)
        assert text[doc.offset :].startswith(f'"{match.group(1)}","')


@pytest.mark.corpus
def test_sample_values_read_by_eye(shared_path) -> None:
    first, second = _documents(_sample(shared_path))
    assert first.metadata["date"] == "1966-12-28"
    assert first.metadata["references"] == ["66STATE106206"]
    assert second.metadata["date"] == "1972-02-25"
    assert second.metadata["references"] == ["72MOSCOW1603", "72TEHRAN1091", "72TEHRAN263"]
    assert first.header.startswith("P R 281848Z DEC 66\nFM AMEMBASSY BUENOS AIRES")
    assert first.body.startswith("UNCLASSIFIED BUENOS AIRES 2481")
    assert second.body.startswith("UNCLASSIFIED SECTION 01 OF 01 TEHRAN 1164")


@pytest.mark.corpus
def test_backslash_escapes_are_undone(shared_path) -> None:
    text = _sample(shared_path)
    first, second = _documents(text)
    assert text.count('\\"') == first.body.count('"') + second.body.count('"')
    assert '"PREFERENTIAL JURISDICTION"' in first.body
    assert "SHAH'S REQUEST" in second.body
    assert "\\" not in first.body + second.body


def test_streams_row_by_row() -> None:
    rows = [
        _row(
            str(n),
            "1/2/2007 10:00",
            f"07KINGSTON{n}",
            "Embassy Kingston",
            "UNCLASSIFIED",
            "",
            "R 021000Z JAN 07\nFM AMEMBASSY KINGSTON",
            f"UNCLAS KINGSTON 00000{n}\n\nE.O. 12958: N/A\n",
        )
        for n in range(1, 4)
    ]
    handed_out: list[int] = []

    def lines() -> Iterator[str]:
        for line in "".join(rows).splitlines(keepends=True):
            handed_out.append(1)
            yield line

    documents = cables_csv.iter_documents(lines(), "dump.csv")
    first = next(documents)
    assert first.metadata["id"] == "07KINGSTON1"
    assert len(handed_out) <= 5  # the first row's lines only: nothing read ahead
    assert [doc.metadata["id"] for doc in documents] == ["07KINGSTON2", "07KINGSTON3"]


def test_bad_row_is_an_error_item_and_reading_goes_on() -> None:
    good = _row(
        "1",
        "1/2/2007 10:00",
        "07KINGSTON1",
        "Embassy Kingston",
        "UNCLASSIFIED",
        "",
        "FM AMEMBASSY KINGSTON",
        "UNCLAS KINGSTON 000001\n",
    )
    text = good + '"2","1/2/2007 11:00","07KINGSTON2"\n' + good.replace('"1"', '"3"', 1)
    items = _documents(text)
    assert [type(item).__name__ for item in items] == ["Document", "CableError", "Document"]
    error = items[1]
    assert isinstance(error, CableError)
    assert error.line == 3 and error.source == "sample.csv"
    assert "3 fields" in error.reason


def test_references_with_commas_and_empty_fields() -> None:
    text = _row(
        "7",
        "12/1/2009 8:05",
        "09STATE1",
        "Secretary of State",
        "SECRET",
        "09PARIS1, 09 LONDON2",
        "",
        "S E C R E T STATE 000001\n",
    )
    (doc,) = _documents(text)
    assert doc.metadata["references"] == ["09PARIS1", "09 LONDON2"]
    assert doc.header == ""
    assert doc.body_line == 1


def test_latin1_bytes_and_crlf_through_the_stream() -> None:
    row = _row(
        "1",
        "1/2/2007 10:00",
        "07KINGSTON1",
        "Embassy Kingston",
        "UNCLASSIFIED",
        "",
        "FM AMEMBASSY KINGSTON\nTO SECSTATE WASHDC",
        "UNCLAS KINGSTON 000001\n\n¶1. Text.\n",
    )
    data = row.replace("\n", "\r\n").encode("cp1252")
    (doc,) = documents_from_stream(io.BytesIO(data), "dump.csv")
    assert doc.body == "UNCLAS KINGSTON 000001\n\n¶1. Text."
    assert doc.header == "FM AMEMBASSY KINGSTON\nTO SECSTATE WASHDC"
    assert doc.body_line == 2


def test_looks_like() -> None:
    assert cables_csv.looks_like('"1","12/28/1966 18:48","66BUENOSAIRES2481",')
    assert cables_csv.looks_like("1,12/28/1966 18:48,66BUENOSAIRES2481,")
    assert not cables_csv.looks_like("name,date\nx,1\n")
