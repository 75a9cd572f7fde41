"""Paragraph levels for the clearance view."""

from __future__ import annotations

import pytest

from cablescope.model import CLASSIFICATION_ORDER
from cablescope.web.levels import paragraph_level, rank_of, slug_of, withheld


@pytest.mark.parametrize(
    ("paragraph", "cable", "expected"),
    [
        ({"classification": "CONFIDENTIAL", "noforn": True}, "SECRET", "CONFIDENTIAL//NOFORN"),
        ({"classification": "SECRET", "noforn": False}, "SECRET", "SECRET"),
        ({"classification": None, "noforn": False}, "SECRET//NOFORN", "SECRET//NOFORN"),
        ({"classification": "UNCLASSIFIED", "noforn": True}, "SECRET", "UNCLASSIFIED"),
        ({"classification": None}, None, None),
    ],
)
def test_paragraph_level(paragraph: dict, cable: str | None, expected: str | None) -> None:
    assert paragraph_level(paragraph, cable) == expected


def test_ranks_follow_the_order_and_aliases() -> None:
    assert [rank_of(level) for level in CLASSIFICATION_ORDER] == list(
        range(len(CLASSIFICATION_ORDER))
    )
    assert rank_of("S//NF") == CLASSIFICATION_ORDER.index("SECRET//NOFORN")
    assert rank_of("nonsense") is None
    assert slug_of("secret") == "s" and slug_of(None) == "unknown"


def test_withheld_above_the_clearance_and_when_unknown() -> None:
    confidential = CLASSIFICATION_ORDER.index("CONFIDENTIAL")
    assert not withheld("CONFIDENTIAL", confidential)
    assert withheld("CONFIDENTIAL//NOFORN", confidential)
    assert withheld(None, confidential)
    assert not withheld(None, None) and not withheld("TOP SECRET", None)
