"""Format detection from content, decoding fallbacks, and what is (not) a cable."""

from __future__ import annotations

import io
import json
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cablescope.errors import CableError
from cablescope.parse.formats.detect import (
    detect_format,
    document_from_text,
    documents_from_stream,
)

SEED = "08LONDON3062.txt"


def _seed_bytes(seeds_dir: Path) -> bytes:
    return (seeds_dir / SEED).read_bytes()


def _csv_row(number: int = 1) -> str:
    return (
        f'"{number}","1/2/2007 10:00","07KINGSTON{number}","Embassy Kingston",'
        f'"UNCLASSIFIED","","FM AMEMBASSY KINGSTON","UNCLAS KINGSTON 00000{number}\n"\n'
    )


# -- each format is recognised from its content -------------------------------------------------


def test_detects_each_format(seeds_dir: Path) -> None:
    seed = _seed_bytes(seeds_dir).decode()
    assert detect_format(seed) == "wikileaks_text"
    assert detect_format(seed.split("\n", 5)[5]) == "raw_text"
    assert detect_format(_csv_row()) == "cables_csv"
    assert detect_format(json.dumps({"body": "UNCLAS X 000001"})) == "jsonl"
    assert detect_format("<html><table class='cable'><tr><td>x</td></tr></table>") == (
        "cablegate_html"
    )


def test_file_name_does_not_decide(seeds_dir: Path) -> None:
    data = _seed_bytes(seeds_dir)
    doc = next(documents_from_stream(io.BytesIO(data), "misnamed.csv"))
    assert doc.format == "wikileaks_text"
    assert doc.name == "misnamed.csv"


@pytest.mark.corpus
def test_html_page_and_raw_file(shared_path) -> None:
    raw = shared_path("corpus", "raw-text", "09PARIS997.txt").read_bytes()
    assert document_from_text(raw).format == "raw_text"
    import tarfile

    with tarfile.open(shared_path("corpus", "cablegate-html-dev.tar.gz"), "r|gz") as archive:
        member = next(m for m in archive if m.isfile())
        page = archive.extractfile(member).read()
    doc = document_from_text(page, name=member.name)
    assert doc.format == "cablegate_html"
    assert doc.metadata["id"] == member.name.rsplit("/", 1)[-1].removesuffix(".html")
    assert document_from_text(page.decode("utf-8")).body == doc.body


# -- encodings --------------------------------------------------------------------------------


def test_cp1252_and_crlf(seeds_dir: Path) -> None:
    text = _seed_bytes(seeds_dir).decode("utf-8")
    utf8 = document_from_text(text)
    cp1252 = document_from_text(text.replace("\n", "\r\n").encode("cp1252"))
    assert cp1252.body == utf8.body and cp1252.header == utf8.header
    assert "¶1." in cp1252.body


def test_bom_and_utf16(seeds_dir: Path) -> None:
    text = _seed_bytes(seeds_dir).decode("utf-8")
    plain = document_from_text(text)
    assert document_from_text(b"\xef\xbb\xbf" + text.encode()).metadata == plain.metadata
    assert document_from_text("\ufeff" + text).metadata == plain.metadata
    assert document_from_text(text.encode("utf-16")).body == plain.body


def test_bytes_undefined_in_cp1252_fall_back_to_latin1(seeds_dir: Path) -> None:
    text = _seed_bytes(seeds_dir).decode("utf-8").replace("¶", "\x81")
    doc = document_from_text(text.encode("latin-1"))
    assert doc.body.count("\x81") == text.count("\x81") > 0


# -- not a cable ------------------------------------------------------------------------------

NOT_CABLES = {
    "empty": b"",
    "blank": b" \r\n\n\t ",
    "random": random.Random(7).randbytes(3000),
    "zeros": bytes(500),
    "prose": b"Dear colleagues,\nthe meeting moves to Friday at 10.\nBest,\nAnna\n",
    "html": b"<!DOCTYPE html><html><body><h1>Cables</h1><p>None here.</p></body></html>",
    "json": b'{"name": "cablescope", "version": 1}\n',
    "json-list": b"[1, 2, 3]",
    "csv": b"name,date,value\nx,2009-01-01,3\n",
}


@pytest.mark.parametrize("kind", sorted(NOT_CABLES))
def test_not_a_cable_names_file_line_and_reason(kind: str) -> None:
    with pytest.raises(CableError) as caught:
        document_from_text(NOT_CABLES[kind], name=f"{kind}.dat")
    error = caught.value
    assert error.source == f"{kind}.dat"
    assert isinstance(error.line, int) and error.line >= 1
    assert error.reason
    assert str(error).startswith(f"{kind}.dat:{error.line}: ")


def test_reasons_say_what_is_wrong() -> None:
    reasons = {}
    for kind in ("empty", "zeros", "html", "json", "prose"):
        with pytest.raises(CableError) as caught:
            document_from_text(NOT_CABLES[kind])
        reasons[kind] = caught.value.reason
    assert "empty" in reasons["empty"]
    assert "binary" in reasons["zeros"]
    assert "HTML" in reasons["html"]
    assert "cable body" in reasons["json"]
    assert "not a cable" in reasons["prose"]


def test_line_of_the_reason_skips_leading_blank_lines() -> None:
    with pytest.raises(CableError) as caught:
        document_from_text("\n\n\nnothing to see\n", name="x.txt")
    assert caught.value.line == 4


def test_several_cables_are_not_one() -> None:
    with pytest.raises(CableError, match="holds 2 cables"):
        document_from_text(_csv_row(1) + _csv_row(2), name="dump.csv")


# -- damaged but recognisable ------------------------------------------------------------------


def test_damaged_cables_are_documents(seeds_dir: Path) -> None:
    text = _seed_bytes(seeds_dir).decode("utf-8")
    lines = text.split("\n")
    banner_line = next(n for n, line in enumerate(lines) if "S E C R E T" in line)
    variants = {
        "truncated": text[: len(text) // 3],
        "no-header": "\n".join(lines[:5] + lines[banner_line + 1 :]),
        "garbled-banner": text.replace("S E C R E T SECTION", "S#C#R#T SECT"),
        "raw-without-banner": "\n".join(lines[5:banner_line] + lines[banner_line + 1 :]),
        "body-only": "\n".join(lines[banner_line + 1 :]),
    }
    for name, variant in variants.items():
        doc = document_from_text(variant, name=name)
        assert doc.body or doc.header, name


def test_stream_errors_go_to_on_error_and_reading_goes_on() -> None:
    data = (_csv_row(1) + '"2","1/2/2007 10:00","07X2"\n' + _csv_row(3)).encode()
    errors: list[CableError] = []
    docs = list(documents_from_stream(io.BytesIO(data), "dump.csv", on_error=errors.append))
    assert [doc.metadata["id"] for doc in docs] == ["07KINGSTON1", "07KINGSTON3"]
    # Row 1 spans two lines (its body ends with a newline), so row 2 starts on line 3.
    assert [(error.source, error.line) for error in errors] == [("dump.csv", 3)]
    with pytest.raises(CableError):
        list(documents_from_stream(io.BytesIO(data), "dump.csv"))


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=2000) | st.text(max_size=2000))
def test_any_input_is_a_document_or_a_cable_error(data: bytes | str) -> None:
    try:
        doc = document_from_text(data, name="any.bin")
    except CableError as error:
        assert error.source == "any.bin" and error.reason
    else:
        assert doc.format in {"wikileaks_text", "raw_text", "cablegate_html", "cables_csv", "jsonl"}
