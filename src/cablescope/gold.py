"""Score the field extractors against gold files (``shared/gold/cablemap-dev/*.jsonl``).

Run ``python -m cablescope.gold [DIR] [--field F] [--failures]`` for a per-field pass-rate
table; the test suite uses `score_directory` and holds the rates to their thresholds.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Caller = Callable[[dict[str, Any]], Any]


@dataclass(slots=True)
class Outcome:
    """One gold record and what the extractor returned for it."""

    field: str
    case: Any
    passed: bool
    expected: Any
    actual: Any
    flags: list[str]
    input: str


@dataclass(slots=True)
class FieldScore:
    field: str
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.outcomes)

    @property
    def passed(self) -> int:
        return sum(o.passed for o in self.outcomes)

    @property
    def rate(self) -> float:
        return self.passed / self.total if self.total else 1.0


def _unique(values: Iterable[Any]) -> list[Any]:
    seen: set[Any] = set()
    out = []
    for value in values:
        if value not in seen:
            seen.add(value)
            out.append(value)
    return out


def _as_dicts(objs: Iterable[Any], keys: Iterable[str]) -> list[dict[str, Any]]:
    keys = list(keys)
    return [{k: getattr(o, k) for k in keys} for o in objs]


def _callers() -> dict[str, Caller]:
    from cablescope import extract as x

    def refs(r: dict[str, Any]) -> Any:
        p = r["params"]
        found = x.references(r["input"], p.get("year"), reference_id=p.get("reference_id"))
        return _unique(ref.value for ref in found if ref.kind == "CABLE")

    def refs_typed(r: dict[str, Any]) -> Any:
        p = r["params"]
        found = x.references(r["input"], p.get("year"), reference_id=p.get("reference_id"))
        return _as_dicts(found, ("value", "kind", "bullet", "title"))

    def recipient_caller(func: Callable[[str], Any]) -> Caller:
        def call(r: dict[str, Any]) -> Any:
            keys = r["expected"][0].keys() if r["expected"] else ("route", "name")
            return _as_dicts(func(r["input"]), keys)

        return call

    return {
        "canonical_id": lambda r: x.canonical_id(r["input"]),
        "malformed_ids": lambda r: x.canonical_id(r["input"]),
        "references": refs,
        "references_typed": refs_typed,
        "recipients": recipient_caller(x.recipients),
        "info_recipients": recipient_caller(x.info_recipients),
        "tags": lambda r: x.tags(r["input"], canonicalize=r["params"].get("canonicalize", True)),
        "tag_kind": lambda r: x.tag_kind(r["input"], default=r["params"].get("default", "UNKNOWN")),
        "subject": lambda r: x.subject(r["input"], clean=r["params"].get("clean", True)),
        "titlefy": lambda r: x.titlefy(r["input"]),
        "summary": lambda r: x.summary(r["input"]),
        "classified_by": lambda r: x.classified_by(
            r["input"], normalize=r["params"].get("normalize", False)
        ),
        "signers": lambda r: x.signers(
            r["input"], canonicalize=r["params"].get("canonicalize", True)
        ),
        "deadline": lambda r: x.declassify_on(r["input"]),
        "clean_content": lambda r: x.clean_content(r["input"]),
    }


def _expected(record: dict[str, Any]) -> Any:
    if record["params"].get("match") == "same_canonical_id":
        from cablescope.extract import canonical_id

        return canonical_id(record["expected"])
    return record["expected"]


def _matches(how: str, expected: Any, actual: Any) -> bool:
    if how == "unordered":
        return sorted(map(repr, expected)) == sorted(map(repr, actual or []))
    if how == "contains_all":
        return all(item in (actual or []) for item in expected)
    return expected == actual


def iter_records(directory: Path) -> Iterator[dict[str, Any]]:
    for path in sorted(directory.glob("*.jsonl")):
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                if line.strip():
                    yield json.loads(line)


def score_directory(directory: Path, fields: set[str] | None = None) -> dict[str, FieldScore]:
    """Run every gold record through its extractor; an exception counts as a failure."""
    callers = _callers()
    scores: dict[str, FieldScore] = {}
    for record in iter_records(directory):
        name = record["field"]
        if fields and name not in fields:
            continue
        expected = _expected(record)
        try:
            actual = callers[name](record)
            passed = _matches(record["params"].get("match", "exact"), expected, actual)
        except Exception as exc:  # scored as a failure, shown with --failures
            actual, passed = f"{type(exc).__name__}: {exc}", False
        scores.setdefault(name, FieldScore(name)).outcomes.append(
            Outcome(name, record.get("case"), passed, expected, actual,
                    record.get("meta", {}).get("flags", []), record["input"])
        )
    return scores


def overall_rate(scores: dict[str, FieldScore]) -> float:
    total = sum(s.total for s in scores.values())
    return sum(s.passed for s in scores.values()) / total if total else 1.0


def report(scores: dict[str, FieldScore]) -> str:
    lines = [f"{'field':<18} {'passed':>7} {'total':>6} {'rate':>7}"]
    for name in sorted(scores):
        s = scores[name]
        lines.append(f"{name:<18} {s.passed:>7} {s.total:>6} {s.rate:>7.1%}")
    total = sum(s.total for s in scores.values())
    passed = sum(s.passed for s in scores.values())
    lines.append(f"{'overall':<18} {passed:>7} {total:>6} {overall_rate(scores):>7.1%}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    default = Path(__file__).resolve().parents[3] / "shared" / "gold" / "cablemap-dev"
    parser.add_argument("directory", nargs="?", type=Path, default=default)
    parser.add_argument("--field", action="append", help="only this field (repeatable)")
    parser.add_argument("--failures", action="store_true", help="print every failing record")
    args = parser.parse_args(argv)
    scores = score_directory(args.directory, set(args.field) if args.field else None)
    if args.failures:
        for s in scores.values():
            for o in s.outcomes:
                if not o.passed:
                    print(f"--- {o.field} case {o.case} flags={o.flags}\n input:    {o.input!r}\n"
                          f" expected: {o.expected!r}\n actual:   {o.actual!r}")
    print(report(scores))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
