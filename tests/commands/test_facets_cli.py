"""`cablescope facets` end to end on a real archive: every output format parses back and agrees
with counts made here from the parsed records; bad input is a message and exit 2."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import pytest
from typer.testing import CliRunner

import cablescope
from cablescope.cli import app
from cablescope.model import Cable

_WORD = re.compile(r"[^\W_]+")


def _words(cable: Cable) -> set[str]:
    return {w.lower() for w in _WORD.findall(f"{cable.subject or ''} {cable.body or ''}")}


def _defaults(cables: list[Cable]) -> list[Cable]:
    """One record per id by the documented default rule (released last, fewer redactions,
    read last)."""
    chosen: dict[str, tuple[tuple[str, int, int], Cable]] = {}
    for order, cable in enumerate(cables):
        key = (cable.released or "", -cable.redactions, order)
        if cable.id not in chosen or key > chosen[cable.id][0]:
            chosen[cable.id] = (key, cable)
    return [cable for _, cable in chosen.values()]


def _values(cable: Cable, field: str) -> set[str]:
    values: Iterable[str | None] = {
        "origin": [cable.origin],
        "classification": [cable.classification],
        "year": [(cable.date or "")[:4] or None],
        "tag": cable.tags,
        "recipient": [r.name for r in [*cable.to, *cable.info]],
        "signer": cable.signers,
    }[field]
    return {value for value in values if value}


def _expected(cables: Iterable[Cable], field: str, limit: int | None = None) -> list[list[object]]:
    counts = Counter(value for cable in cables for value in _values(cable, field))
    ranked = sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))
    return [[field, value, count] for value, count in ranked[:limit]]


def _facets(runner: CliRunner, db: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["facets", *args, "--db", str(db)])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="module")
def dev(
    runner: CliRunner, shared_path, seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, list[Cable]]:
    tarball = shared_path("corpus", "cablegate-html-dev.tar.gz")
    db = tmp_path_factory.mktemp("facets-cli") / "dev.db"
    args = ["ingest", str(tarball), str(seeds_dir), "--db", str(db), "--no-progress"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return db, _defaults([*cablescope.read(tarball), *cablescope.read(seeds_dir)])


@pytest.mark.corpus
def test_empty_query_json(runner: CliRunner, dev: tuple[Path, list[Cable]]) -> None:
    db, cables = dev
    code, out, err = _facets(runner, db, "--json", "--limit", "5")
    assert code == 0, err
    records = json.loads(out)
    assert all(set(r) == {"facet", "value", "count"} for r in records)
    for field in ("origin", "classification", "year", "tag", "recipient", "signer"):
        got = [[r["facet"], r["value"], r["count"]] for r in records if r["facet"] == field]
        assert got == _expected(cables, field, 5), field
    assert {r["facet"] for r in records} >= {"month"}
    assert f"{len(cables):,} matching cables" in err


@pytest.mark.corpus
def test_word_and_filter_csv(runner: CliRunner, dev: tuple[Path, list[Cable]]) -> None:
    db, cables = dev
    matching = [c for c in cables if "nuclear" in _words(c) and "PREL" in c.tags]
    assert len(matching) > 20
    code, out, err = _facets(
        runner, db, "nuclear tag:PREL", "--csv", "--field", "tag", "--field", "to,signer"
    )
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["facet", "value", "count"]
    got = [[facet, value, int(count)] for facet, value, count in rows[1:]]
    expected = [
        *_expected(matching, "tag", 10),
        *_expected(matching, "recipient", 10),
        *_expected(matching, "signer", 10),
    ]
    assert got == expected
    assert f"{len(matching):,} matching cables" in err

    code, out, err = _facets(
        runner, db, "nuclear tag:PREL", "--nl", "--field", "class", "--limit", "0"
    )
    assert code == 0, err
    got = [[r["facet"], r["value"], r["count"]] for r in map(json.loads, out.splitlines())]
    assert got == _expected(matching, "classification")


@pytest.mark.corpus
def test_histogram_nl_and_table(runner: CliRunner, dev: tuple[Path, list[Cable]]) -> None:
    db, cables = dev
    matching = [c for c in cables if "iran" in _words(c) and (c.date or "") >= "2005"]
    code, out, err = _facets(runner, db, "iran date:2005..", "--histogram", "year", "--nl")
    assert code == 0, err
    got = [json.loads(line) for line in out.splitlines()]
    years = Counter(c.date[:4] for c in matching if c.date)
    span = range(int(min(years)), int(max(years)) + 1)
    assert got == [{"bucket": str(y), "count": years.get(str(y), 0)} for y in span]

    code, out, err = _facets(runner, db, "iran date:2005..", "--histogram", "month", "--table")
    assert code == 0, err
    months = Counter(c.date[:7] for c in matching if c.date)
    busiest, count = max(months.items(), key=lambda pair: pair[1])
    line = next(row for row in out.splitlines() if busiest in row)
    assert f"{count:,}" in line and "█" * 40 in line


@pytest.mark.corpus
def test_table(runner: CliRunner, dev: tuple[Path, list[Cable]]) -> None:
    db, cables = dev
    code, out, err = _facets(runner, db, "--table", "--field", "tag,origin", "--limit", "3")
    assert code == 0, err
    for field in ("tag", "origin"):
        assert field in out
        for _, value, count in _expected(cables, field, 3):
            assert any(str(value) in row and f"{count:,}" in row for row in out.splitlines())


# -- errors (seeds only, no corpus needed) --------------------------------------------------
@pytest.fixture()
def seeds_db(runner: CliRunner, seeds_dir: Path, tmp_path: Path) -> Path:
    db = tmp_path / "seeds.db"
    result = runner.invoke(app, ["ingest", str(seeds_dir), "--db", str(db), "--no-progress"])
    assert result.exit_code == 0, result.output
    return db


def test_seed_tags(runner: CliRunner, seeds_db: Path, seeds_dir: Path) -> None:
    cables = _defaults(list(cablescope.read(seeds_dir)))
    code, out, err = _facets(runner, seeds_db, "", "--json", "--field", "tags", "--limit", "0")
    assert code == 0, err
    assert [[r["facet"], r["value"], r["count"]] for r in json.loads(out)] == _expected(
        cables, "tag"
    )


@pytest.mark.parametrize(
    ("query", "position"), [("iran (", 6), ("tag:PREL AND", 12), ('"open', 0), ("bogus:x", 0)]
)
def test_bad_query_is_a_caret_and_exit_2(
    runner: CliRunner, seeds_db: Path, query: str, position: int
) -> None:
    code, out, err = _facets(runner, seeds_db, query)
    assert code == 2
    assert out == ""
    assert "bad query" in err and "Traceback" not in err
    assert f"{query}\n{' ' * position}^" in err


def test_usage_errors(runner: CliRunner, seeds_db: Path, tmp_path: Path) -> None:
    assert _facets(runner, seeds_db, "x", "--field", "colour")[0] == 2
    assert _facets(runner, seeds_db, "x", "--histogram", "week")[0] == 2
    assert _facets(runner, seeds_db, "x", "--json", "--csv")[0] == 2
    code, _, err = _facets(runner, tmp_path / "absent.db", "x")
    assert code == 1 and "no archive" in err
