"""The signers rule: surnames at the end of the cable, past every kind of trailer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cablescope.model import Paragraph
from cablescope.parse.rules import signers as signers_rule
from cablescope.parse.rules.signers import find_signature, signers
from cablescope.parse.state import Document, ParseState


def test_cablemap_gold(shared_path) -> None:
    path = shared_path("gold", "cablemap-dev", "signers.jsonl")
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    assert records
    failures = [
        (r["expected"], got)
        for r in records
        if (got := signers(r["input"], canonicalize=r["params"].get("canonicalize", True)))
        != r["expected"]
    ]
    assert not failures


@pytest.mark.parametrize(
    ("ending", "expected"),
    [
        ("IT WAS DONE.\nTUTTLE..\n", ["TUTTLE"]),
        ("It was done.\n\n CLINTON\n", ["CLINTON"]),
        ("It was done.\nKENNARD .\n", ["KENNARD"]),
        ("It was done.\nClinton\n", ["CLINTON"]),
        ("It was done.\nvan Voorst\n", ["VAN VOORST"]),
        ("It was done.\nO’DONOHUE\n", ["O'DONOHUE"]),
        ("It was done.\n\nRICE\n\nSECRET\n\nDeclassified/Released US Department of State EO "
         "Systematic\nReview 30 JUN 2006\n", ["RICE"]),
        ("It was done.\nSEMBLER\nNNNN  2005ROME01593 - Classification: SECRET", ["SEMBLER"]),
        ("END TEXT.\nEINIK\n   UNCLASSIFIED\n\nPAGE 04        ZAGREB  01569  04 OF 04  071629Z\n"
         "\n   UNCLASSIFIED\n\nNNNN\n", ["EINIK"]),
        ("done.\nJEFFREY\n\"Visit Ankara's Classified Web Site at http://www.intelink.s\n"
         "gov.gov/wiki/Portal:Turkey\"", ["JEFFREY"]),
        ("done.\nMULFORD\n</td></tr>\n</table>", ["MULFORD"]),
        ("21.  BEIRUT MINIMIZE CONSIDERED.  EAGLETON\n", ["EAGLETON"]),
        ("more to come. End Comment. Visit Website: XXXXXXXXXXXX TUTTLE", ["TUTTLE"]),
        ("... was done.\n\nGOLDRICH\nBERRY", ["GOLDRICH", "BERRY"]),
        ("... was done.\nFRISBIE\nFRISBIE\n", ["FRISBIE"]),
        ("... we urge that.\nCROCKER/PETRAEUS\n", ["CROCKER", "PETRAEUS"]),
    ],
)
def test_signature_forms(ending: str, expected: list[str]) -> None:
    assert signers("1. (C) Some text.\n" + ending) == expected


@pytest.mark.parametrize(
    "ending",
    [
        "¶57. (U) The monthly inflation rate for March was 5.6 percent. The",
        "he said it would not happen again.  End Comment.",
        "2. (U) Cleared.\n3. (U) Fifth.",
        "reporting continues.\nMINIMIZE CONSIDERED\n",
        "reporting continues.\n\nXXXXXXXXXXXX\n",
        "",
    ],
)
def test_no_signature(ending: str) -> None:
    assert signers("1. (C) Some text.\n" + ending) == []


def test_as_written_when_not_canonical() -> None:
    assert signers("It was done.\nvan Voorst\n", canonicalize=False) == ["van Voorst"]
    assert signers("It was done.\nGILLESPIE##\n", canonicalize=False) == ["GILLESPIE"]


def test_text_end_stops_before_signature_and_boilerplate() -> None:
    text = ("9. (U) A/S Boucher cleared this message.  Visit London's Classified Website: XXX\n"
            "TUTTLE")
    signature = find_signature(text)
    assert text[: signature.text_end].rstrip() == "9. (U) A/S Boucher cleared this message."
    own_paragraph = "8. (C) Done.\n9. (U) Visit London's Classified Website: XXX\nTUTTLE"
    assert find_signature(own_paragraph).text_end == own_paragraph.index("TUTTLE")


def test_apply_reads_the_body_and_trims_the_last_paragraph(seeds_dir: Path) -> None:
    text = (seeds_dir / "09STATE65183.txt").read_text(encoding="utf-8")
    state = ParseState(Document(format="test", body=text))
    state.cable.paragraphs = [Paragraph(3, "Last words.\nCLINTON")]
    signers_rule.apply(state)
    assert state.cable.signers == ["CLINTON"]
    assert state.cable.paragraphs[-1].text == "Last words."
    assert state.scratch["signers_written"] == ["CLINTON"]


#: Pieces of cable text, so the fuzz meets openers, closers, markings and runs of X.
_CABLE_CHARS = st.sampled_from(
    [*"XxSUMARYsumaryENDCOT:.()¶-/ \n\t,'ABC123", "End ", "Summary", "Comment", "\u2028"]
)


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.text(max_size=300), st.lists(_CABLE_CHARS, max_size=120).map("".join)))
def test_never_raises(text: str) -> None:
    result = signers(text)
    assert all(n and n == n.upper() for n in result)
