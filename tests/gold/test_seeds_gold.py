"""The two seed cables, parsed whole, against shared/gold/seeds.json on every check."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

import cablescope

SEED_IDS = ["08LONDON3062", "09STATE65183"]
_SPACES = re.compile(r"\s+")


def _norm(text: Any) -> Any:
    return _SPACES.sub(" ", text).strip() if isinstance(text, str) else text


@pytest.fixture(scope="module")
def gold(shared_path) -> dict[str, Any]:
    return json.loads(shared_path("gold", "seeds.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def records(seeds_dir: Path) -> dict[str, dict[str, Any]]:
    out = {}
    for cable_id in SEED_IDS:
        text = (seeds_dir / f"{cable_id}.txt").read_text(encoding="utf-8")
        out[cable_id] = cablescope.parse(text, name=f"{cable_id}.txt").to_dict()
    return out


def _subset(expected: Any, actual: Any, path: str) -> list[str]:
    """Every key the gold states must hold; extra keys in our record are allowed."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{path}: expected an object, got {actual!r}"]
        errs: list[str] = []
        for key, value in expected.items():
            errs += _subset(value, actual.get(key), f"{path}.{key}")
        return errs
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return [f"{path}: expected {expected!r}, got {actual!r}"]
        errs = []
        for i, (e, a) in enumerate(zip(expected, actual, strict=True)):
            errs += _subset(e, a, f"{path}[{i}]")
        return errs
    if _norm(expected) == _norm(actual):
        return []
    return [f"{path}: expected {expected!r}, got {actual!r}"]


SCALAR_KEYS = [
    "id", "origin", "date", "dtg", "classification", "transmission_id", "precedence",
    "sender", "to", "info", "sections", "captions", "subject", "tags", "references",
    "classified_by", "declassify_on", "summary", "signers", "redactions",
]


@pytest.mark.parametrize("cable_id", SEED_IDS)
@pytest.mark.parametrize("key", SCALAR_KEYS)
def test_seed_field(gold, records, cable_id: str, key: str) -> None:
    expected = gold[cable_id][key]
    errors = _subset(expected, records[cable_id][key], f"{cable_id}.{key}")
    assert not errors, "\n".join(errors)


@pytest.mark.parametrize("cable_id", SEED_IDS)
def test_seed_paragraphs(gold, records, cable_id: str) -> None:
    expected = gold[cable_id]["paragraphs"]
    actual = records[cable_id]["paragraphs"]
    assert [p["number"] for p in actual] == [p["number"] for p in expected]
    errors = []
    for exp, got in zip(expected, actual, strict=True):
        where = f"{cable_id} ¶{exp['number']}"
        text = _norm(got["text"])
        for key in ("classification", "releasable_to", "heading"):
            if _norm(exp[key]) != _norm(got[key]):
                errors.append(f"{where} {key}: expected {exp[key]!r}, got {got[key]!r}")
        if "text_starts" in exp and not text.startswith(_norm(exp["text_starts"])):
            errors.append(f"{where} starts {text[:60]!r}, expected {exp['text_starts']!r}")
        if "text_ends" in exp and not text.endswith(_norm(exp["text_ends"])):
            errors.append(f"{where} ends {text[-60:]!r}, expected {exp['text_ends']!r}")
        if "text_contains" in exp and _norm(exp["text_contains"]) not in text:
            errors.append(f"{where} lacks {exp['text_contains']!r}")
    assert not errors, "\n".join(errors)


@pytest.mark.parametrize("cable_id", SEED_IDS)
def test_seed_body_excludes_page_noise(gold, records, cable_id: str) -> None:
    body = _norm(records[cable_id]["body"])
    assert body, "empty body"
    for fragment in gold[cable_id]["body_excludes"]:
        assert _norm(fragment) not in body


@pytest.mark.parametrize("cable_id", SEED_IDS)
def test_seed_parses_without_problems(records, cable_id: str) -> None:
    assert records[cable_id]["problems"] == []
