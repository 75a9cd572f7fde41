"""Shared reader helpers: decoding with fallbacks, newlines, the banner, dates, lists.

Banner forms are lines copied from the real corpora (seeds, raw-text, cablegate pages);
the negatives are the look-alikes found in those same corpora (metadata columns, prose).
"""

from __future__ import annotations

import io

import pytest

from cablescope.parse.formats.common import (
    BANNER,
    body_start,
    decode,
    find_banner,
    iso_date,
    normalise,
    split_header,
    split_list,
    text_lines,
)

# -- decoding ----------------------------------------------------------------------------------


def test_decode_utf8_and_bom() -> None:
    text = "¶1. (C) “quoted” café"
    assert decode(text.encode("utf-8")) == text
    assert decode(b"\xef\xbb\xbf" + text.encode("utf-8")) == text


def test_decode_falls_back_to_cp1252() -> None:
    data = b"\xb61. (C) \x93quoted\x94 \x96 caf\xe9"
    assert decode(data) == data.decode("cp1252") == "¶1. (C) “quoted” – café"


def test_decode_falls_back_to_latin1_where_cp1252_has_holes() -> None:
    data = b"\x81\x8d\xb6 text"  # 0x81 and 0x8D are undefined in cp1252
    assert decode(data) == data.decode("latin-1")


def test_decode_utf16_with_bom() -> None:
    assert decode("UNCLAS KINGSTON 000382".encode("utf-16")) == "UNCLAS KINGSTON 000382"


def test_normalise_newlines_and_bom() -> None:
    assert normalise("\ufeffa\r\nb\rc\n") == "a\nb\nc\n"
    assert normalise("a\u2028\nb\u2028c") == "a\nb\nc"


def test_text_lines_streams_mixed_encodings() -> None:
    # UTF-8 everywhere except one stray cp1252 pilcrow; CRLF line ends.
    data = "first ¶ line\r\n".encode() + b"second \xb6 line\r\nthird\r\n"
    lines = list(text_lines(data[:5], io.BytesIO(data[5:])))
    assert lines == ["first ¶ line\n", "second ¶ line\n", "third\n"]


# -- the banner -----------------------------------------------------------------------------

BANNERS = [
    "S E C R E T SECTION 01 OF 02 LONDON 003062",
    "C O N F I D E N T I A L STATE 065183",
    "UNCLAS KINGSTON 000382",
    "UNCLAS SECTION 01 OF 03 KINGSTON 000482",
    "CONFIDENTIAL NEW DELHI 005138",
    "SECRET UNVIE VIENNA 000289",
    "UNCLASSIFIED BUENOS AIRES 2481",
    "LIMITED OFFICIAL USE TEHRAN 2077",
    "UNCLAS E F T O LONDON 002883",
    "C O N F I D E N T I A L  VATICAN 003213",
    "S E C R E T   STATE   00119085",
    "S e c r e t section 01 of 02 kinshasa 000189",
]


@pytest.mark.parametrize("line", BANNERS)
def test_banner_forms(line: str) -> None:
    text = f"FM AMEMBASSY X\nTO SECSTATE WASHDC\n{line} \n\nE.O. 12958: N/A\n"
    assert find_banner(text) == text.index(line)


@pytest.mark.parametrize(
    ("glued", "banner"),
    [
        ("MACDILL AFB FL IMMEDIATES E C R E T SECTION 01 OF 02 LONDON 003062", "S E C R E T"),
        ("AMEMBASSY NEW DELHI PRIORITYC O N F I D E N T I A L STATE 065183", "C O N F"),
        ("SECSTATE WASHDC PRIORITYCONFIDENTIAL PARIS 000997", "CONFIDENTIAL"),
        ("Cable dated:2005-11-29T14:19:00C O N F I D E N T I A L CAIRO 008938SIPDIS", "C O N"),
        ("INFO RUCNIRA/IRAN COLLECTIVE IMMEDIATE\\\tUNCLAS BERN 000898 \\", "UNCLAS"),
    ],
)
def test_banner_glued_to_what_precedes(glued: str, banner: str) -> None:
    assert find_banner(glued) == glued.index(banner)


@pytest.mark.parametrize(
    "line",
    [
        "CONFIDENTIAL",  # a metadata column, not a banner
        "UNCLASSIFIED//FOR OFFICIAL USE ONLY",
        "SECRET//NOFORN",
        "Secretary Rice said on May 12",
        "RUEKJCS/SECDEF WASHDC IMMEDIATE",
        "ZNY SSSSS ZZH",
    ],
)
def test_not_banners(line: str) -> None:
    assert BANNER.search(line) is None


def test_body_start_drops_the_date_line() -> None:
    body = "Wednesday, 03 February 2010, 10:37\nS E C R E T SECTION 01 OF 02 LONDON 000123\n"
    assert body[body_start(body) :].startswith("S E C R E T")


def test_body_start_skips_a_metadata_dump() -> None:
    body = (
        "50972\n2006-01-27 20:41:00\n06MEXICO456\nEmbassy Mexico\nCONFIDENTIAL\n"
        "VZCZCXRO4837\nFM AMEMBASSY MEXICO\nTAGS: PGOV\n"
        "C O N F I D E N T I A L SECTION 01 OF 03 MEXICO 000456 \n\nSIPDIS\n"
    )
    assert body[body_start(body) :].startswith("C O N F I D E N T I A L SECTION 01 OF 03")


def test_body_start_keeps_a_body_whose_banner_is_quoted_text() -> None:
    body = "SIPDIS\n\nSUBJECT: X\n\n1. (U) Text quotes:\n\nUNCLAS STATE 012345\n"
    assert body_start(body) == 0


def test_split_header_at_the_banner_line() -> None:
    header = "VZCZCXYZ0015\nFM AMEMBASSY KINGSTON\nTO SECSTATE WASHDC PRIORITY 4496"
    text = header + "\nUNCLAS KINGSTON 000382 \n"
    start, end, body = split_header(text)
    assert text[start:end] == header
    assert text[body:].startswith("UNCLAS KINGSTON 000382")


def test_split_header_without_header() -> None:
    text = "\n\nUNCLAS KINGSTON 000382 \n\nE.O. 12958: N/A\n"
    start, end, body = split_header(text)
    assert start == end == body == text.index("UNCLAS")


def test_split_header_without_banner_ends_at_blank_line() -> None:
    text = "R 031900Z APR 07\nFM AMEMBASSY KINGSTON\nTO SECSTATE WASHDC\n\nE.O. 12958: N/A\n"
    start, end, body = split_header(text)
    assert text[start:end] == "R 031900Z APR 07\nFM AMEMBASSY KINGSTON\nTO SECSTATE WASHDC"
    assert text[body:].startswith("E.O.")


# -- dates and lists -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("Mon Dec 08 00:00:00 +0100 2008", "2008-12-08"),  # the local date, not UTC
        ("2010-02-03 10:10", "2010-02-03"),
        ("12/28/1966 18:48", "1966-12-28"),
        ("2/25/1972 9:30", "1972-02-25"),
        ("Wednesday, 03 February 2010, 10:37", "2010-02-03"),
        ("Fri Jun 16 10:23:00 2006", "2006-06-16"),
        ("2009-06-23T22:03:00Z", "2009-06-23"),
        ("13/45/2009 10:00", None),
        ("yesterday", None),
        ("", None),
        (None, None),
    ],
)
def test_iso_date(value: str | None, iso: str | None) -> None:
    assert iso_date(value) == iso


def test_split_list() -> None:
    assert split_list("72MOSCOW1603|72TEHRAN1091") == ["72MOSCOW1603", "72TEHRAN1091"]
    assert split_list("09 BUENOSAIRES490, 09BUENOSAIRES558") == [
        "09 BUENOSAIRES490",
        "09BUENOSAIRES558",
    ]
    assert split_list("PREL PGOV, PK", words=True) == ["PREL", "PGOV", "PK"]
    assert split_list(["PREL", " ", "PK"]) == ["PREL", "PK"]
    assert split_list(None) == []


@pytest.mark.parametrize(
    "line",
    [
        "TOP SECRET STATE 012345",
        "T O P S E C R E T STATE 012345",
        "   CONFIDENTIAL PARIS 000997",
        "\tUNCLAS BERN 000898",
    ],
)
def test_banner_start_includes_the_whole_level(line: str) -> None:
    text = f"FM AMEMBASSY X\n{line}\n"
    assert find_banner(text) == text.index(line.strip())
