"""Property-based robustness: `parse` returns a record or raises `CableError`, never more.

Mutations of real cables (the seeds, and the raw-text corpus when present) must still come
out as records whose rules all ran: an "internal error" problem means a rule crashed.
"""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cablescope
from cablescope import Cable, CableError

SEEDS = sorted((Path(__file__).resolve().parents[2] / "src/cablescope/demo/seeds").glob("*.txt"))
SEED_TEXTS = [p.read_text(encoding="utf-8") for p in SEEDS]

PROFILE = settings(max_examples=60, deadline=None,
                   suppress_health_check=[HealthCheck.too_slow])


def _check(result: Cable) -> None:
    assert isinstance(result, Cable)
    record = result.to_dict(include_raw=True)
    json.dumps(record)  # the record is always JSON-serialisable
    crashed = [p for p in record["problems"] if "internal error" in p["message"]]
    assert not crashed, crashed


def _parse(text: str | bytes) -> None:
    try:
        result = cablescope.parse(text, name="mutant.txt")
    except CableError as exc:
        assert exc.reason and "mutant.txt" in str(exc)
        return
    _check(result)


@PROFILE
@given(st.binary(max_size=4000))
def test_random_bytes(data: bytes) -> None:
    _parse(data)


@PROFILE
@given(st.text(max_size=3000))
def test_random_text(text: str) -> None:
    _parse(text)


@st.composite
def mutated_seed(draw: st.DrawFn) -> str:
    lines = draw(st.sampled_from(SEED_TEXTS)).split("\n")
    for _ in range(draw(st.integers(1, 8))):
        op = draw(st.sampled_from(["delete", "duplicate", "truncate", "insert", "swap"]))
        i = draw(st.integers(0, len(lines) - 1))
        if op == "delete" and len(lines) > 1:
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "truncate":
            lines[i] = lines[i][: draw(st.integers(0, len(lines[i])))]
        elif op == "insert":
            lines.insert(i, draw(st.text(max_size=80)))
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
    return "\n".join(lines)


@PROFILE
@given(mutated_seed())
def test_mutated_seeds(text: str) -> None:
    _parse(text)


@PROFILE
@given(st.sampled_from(SEED_TEXTS), st.integers(0, 7000), st.binary(min_size=1, max_size=40))
def test_seed_with_garbage_bytes(text: str, at: int, junk: bytes) -> None:
    data = text.encode("utf-8")
    at = min(at, len(data))
    _parse(data[:at] + junk + data[at:])


def test_mutated_raw_text_corpus(shared_path) -> None:
    """Every raw-text cable survives having each tenth line removed and bytes flipped."""
    paths = sorted(shared_path("corpus", "raw-text").glob("*.txt"))
    assert paths
    for path in paths:
        data = path.read_bytes()
        lines = data.split(b"\n")
        _parse(b"\n".join(line for i, line in enumerate(lines) if i % 10 != 3))
        flipped = bytearray(data)
        for i in range(0, len(flipped), 97):
            flipped[i] ^= 0x5A
        _parse(bytes(flipped))
