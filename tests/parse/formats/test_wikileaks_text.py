"""The WikiLeaks one-cable text reader on the two seeds (and variants made from them).

Expected metadata comes from the gold record in ../shared/gold/seeds.json where present,
and from the file's own lines, read here without the reader.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from cablescope.parse.formats import wikileaks_text
from cablescope.parse.formats.common import decode, normalise

SEED_IDS = ["08LONDON3062", "09STATE65183"]
#: What the glued INFO line ends with in each seed (the brief, checked by eye).
HEADER_ENDS = {"08LONDON3062": "IMMEDIATE", "09STATE65183": "PRIORITY"}
BANNERS = {
    "08LONDON3062": "S E C R E T SECTION 01 OF 02 LONDON 003062",
    "09STATE65183": "C O N F I D E N T I A L STATE 065183",
}


def _text(seeds_dir: Path, ident: str) -> str:
    return normalise(decode((seeds_dir / f"{ident}.txt").read_bytes()))


@pytest.mark.parametrize("ident", SEED_IDS)
def test_looks_like(seeds_dir: Path, ident: str) -> None:
    assert wikileaks_text.looks_like(_text(seeds_dir, ident))


@pytest.mark.parametrize("ident", SEED_IDS)
def test_metadata_block(seeds_dir: Path, ident: str) -> None:
    text = _text(seeds_dir, ident)
    lines = text.split("\n")
    doc = wikileaks_text.read(text, name=f"{ident}.txt")
    assert doc.format == "wikileaks_text"
    assert doc.metadata["id"] == ident == lines[0]
    assert doc.metadata["subject"] == lines[1].strip()
    assert doc.metadata["classification"] == lines[3]
    assert doc.metadata["origin"] == lines[4]
    year = lines[2][-4:]
    assert doc.metadata["date"].startswith(year)


@pytest.mark.corpus
@pytest.mark.parametrize("ident", SEED_IDS)
def test_metadata_matches_gold(seeds_dir: Path, shared_path, ident: str) -> None:
    gold = json.loads(shared_path("gold", "seeds.json").read_text(encoding="utf-8"))[ident]
    doc = wikileaks_text.read(_text(seeds_dir, ident))
    for key in ("id", "date", "classification", "origin"):
        assert doc.metadata[key] == gold[key]


@pytest.mark.parametrize("ident", SEED_IDS)
def test_split_exactly_before_the_glued_banner(seeds_dir: Path, ident: str) -> None:
    text = _text(seeds_dir, ident)
    doc = wikileaks_text.read(text)
    assert doc.header.endswith(HEADER_ENDS[ident])
    assert doc.body.startswith(BANNERS[ident])
    # Nothing lost or added: the header and body are the cable text after the block.
    after_block = text.split("\n", 5)[5]
    assert after_block.rstrip() == doc.raw
    assert doc.raw == doc.header + doc.body  # the banner was glued: no separator between


@pytest.mark.parametrize("ident", SEED_IDS)
def test_line_numbers_and_offset(seeds_dir: Path, ident: str) -> None:
    text = _text(seeds_dir, ident)
    lines = text.split("\n")
    doc = wikileaks_text.read(text)
    assert doc.header_line == 6  # right after the 5-line block
    assert lines[doc.header_line - 1] == doc.header.split("\n")[0]
    banner_line = next(n for n, line in enumerate(lines, 1) if BANNERS[ident] in line)
    assert doc.body_line == banner_line
    assert text[doc.offset :].startswith(doc.header)


def test_cable_without_header(seeds_dir: Path) -> None:
    text = _text(seeds_dir, "08LONDON3062")
    lines = text.split("\n")
    banner_at = next(n for n, line in enumerate(lines) if "S E C R E T" in line)
    banner = lines[banner_at][lines[banner_at].index("S E C R E T") :]
    headerless = "\n".join([*lines[:5], banner, *lines[banner_at + 1 :]])
    doc = wikileaks_text.read(headerless)
    assert doc.header == ""
    assert doc.body.startswith("S E C R E T SECTION 01 OF 02")
    assert doc.body_line == 6
    assert doc.metadata["id"] == "08LONDON3062"


def test_crlf_file_reads_the_same(seeds_dir: Path) -> None:
    data = (seeds_dir / "09STATE65183.txt").read_bytes()
    plain = wikileaks_text.read(normalise(decode(data)))
    crlf = wikileaks_text.read(normalise(decode(data.replace(b"\n", b"\r\n"))))
    assert (crlf.header, crlf.body, crlf.metadata) == (plain.header, plain.body, plain.metadata)


def test_other_texts_do_not_look_like_it(seeds_dir: Path) -> None:
    text = _text(seeds_dir, "08LONDON3062")
    assert not wikileaks_text.looks_like(text.split("\n", 5)[5])  # header + body only
    assert not wikileaks_text.looks_like("hello\nworld\n")
    assert not wikileaks_text.looks_like(re.sub(r"\+0100 2008", "2008", text))


@pytest.mark.parametrize(
    ("glued", "banner"),
    [
        ("RUMICEA/USCENTCOM INTEL CEN MACDILL AFB FLUNCLAS SECTION 01 OF 02 LONDON 003062",
         "UNCLAS SECTION 01 OF 02 LONDON 003062"),
        ("RUMICEA/USCENTCOM INTEL CEN MACDILL AFB FLCONFIDENTIAL LONDON 003062",
         "CONFIDENTIAL LONDON 003062"),
    ],
)
def test_banner_glued_to_the_last_addressee(seeds_dir: Path, glued: str, banner: str) -> None:
    """Without a precedence word or serial between them, the banner is glued to a letter."""
    text = (seeds_dir / "08LONDON3062.txt").read_text(encoding="utf-8")
    original = "RUMICEA/USCENTCOM INTEL CEN MACDILL AFB FL IMMEDIATES E C R E T SECTION 01 OF 02"
    text = text.replace(original + " LONDON 003062", glued)
    doc = wikileaks_text.read(text, name="glued.txt")
    assert doc.header.rstrip().endswith("MACDILL AFB FL")
    assert doc.body.startswith(banner)
