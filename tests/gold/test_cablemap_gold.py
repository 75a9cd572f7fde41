"""The field extractors against the peer parser's gold fragments (shared/gold/cablemap-dev).

The issue's bar: ≥ 95 % of all records and no field under 85 %. Each field's rate is its
own test so a regression names the field; the failing records are printed for diagnosis.
"""

from __future__ import annotations

import pytest

from cablescope.gold import FieldScore, overall_rate, report, score_directory

FIELDS = [
    "canonical_id", "classified_by", "clean_content", "deadline", "info_recipients",
    "malformed_ids", "recipients", "references", "references_typed", "signers", "subject",
    "summary", "tag_kind", "tags", "titlefy",
]
FIELD_FLOOR = 0.85
OVERALL_FLOOR = 0.95


@pytest.fixture(scope="module")
def scores(shared_path) -> dict[str, FieldScore]:
    return score_directory(shared_path("gold", "cablemap-dev"))


def _failures(score: FieldScore) -> str:
    return "\n".join(
        f"case {o.case}: input={o.input[:120]!r}\n  expected={o.expected!r}\n  actual={o.actual!r}"
        for o in score.outcomes if not o.passed
    )


def test_every_gold_field_is_scored(scores: dict[str, FieldScore]) -> None:
    assert set(scores) == set(FIELDS)


@pytest.mark.parametrize("field", FIELDS)
def test_field_pass_rate(scores: dict[str, FieldScore], field: str) -> None:
    score = scores[field]
    assert score.total > 0
    assert score.rate >= FIELD_FLOOR, f"{field}: {score.rate:.1%}\n{_failures(score)}"


def test_overall_pass_rate(scores: dict[str, FieldScore]) -> None:
    print("\n" + report(scores))
    assert overall_rate(scores) >= OVERALL_FLOOR, report(scores)
