"""The JSON Lines reader, on fixtures built here from the seeds with their newlines flattened.

The reflowed body is checked against the seed's own lines: every structural line of the
original (banner, E.O., TAGS, SUBJECT, Classified By, numbered paragraphs) must start a
line again after the round trip.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cablescope.errors import CableError
from cablescope.parse.formats import jsonl
from cablescope.parse.formats.detect import document_from_text, documents_from_stream
from cablescope.parse.formats.wikileaks_text import read as read_seed

SEED_IDS = ["08LONDON3062", "09STATE65183"]
_STRUCTURAL = re.compile(r"(?:S E C R E T|C O N F|E\.O\.|TAGS|SUBJECT:|Classified By|¶\d+\.)")


def _seed(seeds_dir: Path, ident: str):
    return read_seed((seeds_dir / f"{ident}.txt").read_text(encoding="utf-8"))


def _flat(text: str) -> str:
    return " ".join(text.split("\n"))


def _object(seeds_dir: Path, ident: str, *, header: bool = True) -> dict:
    seed = _seed(seeds_dir, ident)
    obj = {
        "id": seed.metadata["id"],
        "origin": seed.metadata["origin"],
        "date": seed.metadata["date"],
        "classification": seed.metadata["classification"],
        "subject": seed.metadata["subject"],
        "tags": "PREL, PGOV",
        "body": _flat(seed.body),
    }
    if header:
        obj["header"] = _flat(seed.header)
    return obj


def _jsonl(objects: list[dict]) -> bytes:
    return "".join(json.dumps(obj) + "\n" for obj in objects).encode("utf-8")


def test_file_of_seeds(seeds_dir: Path) -> None:
    objects = [_object(seeds_dir, ident) for ident in SEED_IDS]
    docs = list(documents_from_stream(io.BytesIO(_jsonl(objects)), "export.jsonl"))
    assert [doc.metadata["id"] for doc in docs] == SEED_IDS
    for number, (doc, obj) in enumerate(zip(docs, objects, strict=True), start=1):
        assert doc.format == "jsonl"
        assert doc.name == "export.jsonl"
        assert doc.header_line == doc.body_line == number
        for key in ("origin", "date", "classification", "subject"):
            assert doc.metadata[key] == obj[key]
        assert doc.metadata["tags"] == ["PREL", "PGOV"]
        assert doc.metadata["notes"] == [jsonl.FLATTENED_NOTE]


@pytest.mark.parametrize("ident", SEED_IDS)
def test_structural_lines_come_back(seeds_dir: Path, ident: str) -> None:
    seed = _seed(seeds_dir, ident)
    doc = jsonl.document_from_object(_object(seeds_dir, ident))
    original = [line.strip() for line in seed.body.split("\n") if _STRUCTURAL.match(line)]
    reflowed = [line.strip() for line in doc.body.split("\n")]
    assert len(original) >= 6
    for line in original:
        assert any(new.startswith(line[:14]) for new in reflowed), line
    assert reflowed[0] == seed.body.split("\n", 1)[0].strip()  # the banner, alone
    paragraphs = re.compile(r"¶\d+\.")
    assert len([ln for ln in reflowed if paragraphs.match(ln)]) == len(
        [ln for ln in seed.body.split("\n") if paragraphs.match(ln)]
    )
    # The text itself is unchanged but for whitespace.
    assert doc.body.split() == seed.body.split()


@pytest.mark.parametrize("ident", SEED_IDS)
def test_flattened_header_comes_back(seeds_dir: Path, ident: str) -> None:
    seed = _seed(seeds_dir, ident)
    doc = jsonl.document_from_object(_object(seeds_dir, ident))
    assert doc.header.split("\n") == [line.strip() for line in seed.header.split("\n")]


def test_signature_gets_its_own_line(seeds_dir: Path) -> None:
    doc = jsonl.document_from_object(_object(seeds_dir, "09STATE65183"))
    assert doc.body.rsplit("\n", 1)[-1] == "CLINTON"


def test_header_inside_a_flattened_body_is_split_off(seeds_dir: Path) -> None:
    seed = _seed(seeds_dir, "08LONDON3062")
    obj = _object(seeds_dir, "08LONDON3062", header=False)
    obj["body"] = _flat(seed.header) + _flat(seed.body)  # the banner is glued, as in the seed
    doc = jsonl.document_from_object(obj)
    assert doc.header.startswith("VZCZCXRO1023")
    assert doc.header.endswith("IMMEDIATE")
    assert doc.body.startswith("S E C R E T SECTION 01 OF 02 LONDON 003062")


def test_body_with_newlines_is_left_alone(seeds_dir: Path) -> None:
    seed = _seed(seeds_dir, "09STATE65183")
    obj = {
        "origin": "Secretary of State",
        "date": "2009-06-23",
        "classification": "C",
        "body": seed.body,
        "header": seed.header,
    }
    doc = document_from_text(json.dumps(obj))
    assert doc.body == seed.body
    assert doc.header == seed.header.strip()
    assert "notes" not in doc.metadata


def test_object_without_body_is_not_a_cable() -> None:
    data = _jsonl(
        [
            {"origin": "Embassy X", "date": "2009-01-01", "body": "UNCLAS X 000001 " * 9},
            {"origin": "Embassy X"},
            [1, 2],
        ]
    )
    items = list(jsonl.iter_documents(io.StringIO(data.decode()), "x.jsonl"))
    assert isinstance(items[0], jsonl.Document)
    assert [(item.line, item.source) for item in items[1:]] == [(2, "x.jsonl"), (3, "x.jsonl")]
    assert all("cable body" in item.reason for item in items[1:])


def test_invalid_line_is_reported_and_reading_goes_on() -> None:
    good = json.dumps({"origin": "Embassy X", "date": "2009-01-01", "body": "UNCLAS X 000001"})
    text = f"{good}\n{{broken\n\n{good}\n"
    errors: list[CableError] = []
    docs = list(documents_from_stream(io.BytesIO(text.encode()), "x.jsonl", on_error=errors.append))
    assert len(docs) == 2
    assert [doc.header_line for doc in docs] == [1, 4]
    assert len(errors) == 1 and errors[0].line == 2 and "invalid JSON" in errors[0].reason
    with pytest.raises(CableError, match=r"x\.jsonl:2: invalid JSON"):
        list(documents_from_stream(io.BytesIO(text.encode()), "x.jsonl"))


def test_pretty_printed_array(seeds_dir: Path) -> None:
    objects = [_object(seeds_dir, ident) for ident in SEED_IDS]
    data = json.dumps(objects, indent=2).encode()
    docs = list(documents_from_stream(io.BytesIO(data), "export.json"))
    assert [doc.metadata["id"] for doc in docs] == SEED_IDS


def test_reflow_examples() -> None:
    flat = (
        "UNCLAS KINGSTON 000382 SIPDIS SIPDIS E.O. 12958: N/A TAGS: PGOV JM SUBJECT: "
        "REQUEST REF: STATE 1 1. (U) Post requests help. 2. (SBU) More. End summary. "
        "Text -- a point. RANDALL"
    )
    assert jsonl.reflow(flat).split("\n") == [
        "UNCLAS KINGSTON 000382",
        "SIPDIS",
        "SIPDIS",
        "E.O. 12958: N/A",
        "TAGS: PGOV JM",
        "SUBJECT: REQUEST",
        "REF: STATE 1",
        "",
        "1. (U) Post requests help.",
        "",
        "2. (SBU) More.",
        "End summary.",
        "",
        "Text -- a point.",
        "RANDALL",
    ]


@settings(max_examples=200, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(
            list(
                "SECRT E.O.1295: TAGS SUBJECT ¶1. (C) End summary "
                "-- ----- LONDON 00003062 002 OF 002 Xabc\t"
            )
        ),
        max_size=600,
    )
)
def test_reflow_only_moves_whitespace(text: str) -> None:
    assert "".join(jsonl.reflow(text).split()) == "".join(text.split())


def test_unmarked_numbered_paragraphs_end_the_subject() -> None:
    """All-caps telegrams have numbered paragraphs without markings: flattened, the subject
    must still end where paragraph 1 begins, and figures in prose are no paragraph."""
    body = (
        "UNCLASSIFIED ACCRA 4979 E.O. 11652: N/A TAGS: PGOV GH SUBJECT: PORT TENDER: GHANA"
        " WEIGHS OPTIONS 1. SUMMARY: OFFICIALS HAD NOT BEEN CONSULTED ON 3. ITEMS. 2. THE"
        " MINISTRY EXPECTS A DRAFT BY 4. MAY. 3. COMMENT: NONE. SMITH"
    )
    text = jsonl.reflow(body)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    assert "SUBJECT: PORT TENDER: GHANA WEIGHS OPTIONS" in lines
    assert sum(line.startswith(("1. ", "2. ", "3. ")) for line in lines) == 3
    assert any("CONSULTED ON 3. ITEMS." in line for line in lines)
