"""Property tests: extraction never crashes, and offsets always slice to the mention."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cablescope.enrich import extract, resolve_records

_WORDS = st.sampled_from(
    [
        "the",
        "of",
        "and",
        "Pakistan",
        "PAKISTANI",
        "Lashkar",
        "e",
        "Taiba",
        "(LeT)",
        "LeT,s",
        "GOP",
        "USG",
        "A/S",
        "Boucher",
        "General",
        "Kayani",
        "U.S.",
        "U.",
        "S.",
        "Mumbai",
        "attacks",
        "November",
        "2008",
        "said",
        "(",
        ")",
        ",",
        ".",
        "--",
        "'",
        "’s",
        "s",
        "S",
        "JUDs",
        "é",
        "Côte",
        "Ministry",
        "of",
        "Foreign",
        "Affairs",
        "MFA",
        "PRESIDENT",
        "GHASHMI",
        "\n",
        "\n\n",
        "1.",
        "¶",
    ]
)
_TEXT = st.one_of(st.text(max_size=200), st.lists(_WORDS, max_size=60).map(" ".join))


@settings(max_examples=150, deadline=None)
@given(_TEXT, _TEXT, st.lists(st.sampled_from(["PK", "IN", "PREL", "UK", ""]), max_size=4))
def test_extract_never_crashes_and_offsets_slice(subject: str, text: str, tags) -> None:
    rec = {
        "id": "X",
        "subject": subject,
        "tags": tags,
        "origin": "Embassy London",
        "paragraphs": [{"number": 1, "marking": "S", "text": text, "heading": subject}],
        "signers": [subject],
    }
    for m in extract(rec):
        source = {
            "subject": subject,
            "text": text,
            "heading": subject,
            "signature": subject,
            "tags": " ".join(tags),
        }[m.field]
        assert 0 <= m.start < m.end <= len(source)
        assert source[m.start : m.end] == m.text
        assert m.kind in ("PERSON", "ORG", "PLACE", "EVENT")
    for entity in resolve_records([rec]):
        assert entity.mentions and entity.id
