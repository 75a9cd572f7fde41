"""`cablescope search` end to end: outputs parse back and agree with a scan of the parsed
cables; a bad query is a caret message and exit 2, never a traceback."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

import cablescope
from cablescope.cli import app
from cablescope.model import Cable


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture()
def seeds_db(runner: CliRunner, seeds_dir: Path, tmp_path: Path) -> Path:
    db = tmp_path / "seeds.db"
    result = runner.invoke(app, ["ingest", str(seeds_dir), "--db", str(db), "--no-progress"])
    assert result.exit_code == 0, result.output
    return db


@pytest.fixture(scope="module")
def seed_cables(seeds_dir: Path) -> list[Cable]:
    return list(cablescope.read(seeds_dir))


def _words(text: str | None) -> set[str]:
    return {w.lower() for w in re.findall(r"[^\W_]+", text or "")}


def _search(runner: CliRunner, db: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["search", *args, "--db", str(db)])
    return result.exit_code, result.stdout, result.stderr


def test_json_hits_match_a_scan(runner: CliRunner, seeds_db: Path, seed_cables) -> None:
    code, out, err = _search(runner, seeds_db, "pakistan tag:PREL", "--json")
    assert code == 0, err
    hits = json.loads(out)
    expected = {
        c.id
        for c in seed_cables
        if "pakistan" in _words(c.body) | _words(c.subject) and "PREL" in c.tags
    }
    assert expected and {h["id"] for h in hits} == expected
    assert all("«" in h["snippet"] and h["score"] is not None for h in hits)
    assert f"{len(expected)} matching cables" in err


def test_nl_csv_and_table(runner: CliRunner, seeds_db: Path, seed_cables) -> None:
    everything = {c.id for c in seed_cables}
    code, out, _ = _search(runner, seeds_db, "date:2000..", "--nl", "--sort", "date")
    assert code == 0
    lines = [json.loads(line) for line in out.splitlines()]
    assert [r["id"] for r in lines] == [
        c.id for c in sorted(seed_cables, key=lambda c: c.date or "")
    ]
    code, out, _ = _search(runner, seeds_db, "date:2000..", "--csv", "--limit", "1")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(rows) == 1 and rows[0]["id"] in everything
    assert {"id", "snippet", "paragraph", "marking", "score"} <= set(rows[0])
    code, out, _ = _search(runner, seeds_db, "para:S", "--table")
    with_s = {c.id for c in seed_cables if any(p.marking == "S" for p in c.paragraphs)}
    assert code == 0 and with_s and all(cable_id in out for cable_id in with_s)
    assert all(cable_id in out for cable_id in with_s)


def test_offset_skips(runner: CliRunner, seeds_db: Path, seed_cables) -> None:
    _, first, _ = _search(runner, seeds_db, "date:2000..", "--nl", "--sort", "-date")
    _, second, _ = _search(
        runner, seeds_db, "date:2000..", "--nl", "--sort", "-date", "--offset", "1"
    )
    assert first.splitlines()[1:] == second.splitlines()


@pytest.mark.parametrize(
    ("query", "column"),
    [("iran (tag:PREL", 5), ('"nuclear', 0), ("iran AND", 8), ("shape:round", 0), ('x "[b', 2)],
)
def test_bad_query_is_a_caret_and_exit_2(
    runner: CliRunner, seeds_db: Path, query: str, column: int
) -> None:
    code, out, err = _search(runner, seeds_db, query)
    assert code == 2
    assert out == ""
    assert "bad query" in err and "Traceback" not in err
    lines = err.splitlines()
    at = lines.index(query)
    assert lines[at + 1] == " " * column + "^"


def test_usage_errors(runner: CliRunner, seeds_db: Path, tmp_path: Path) -> None:
    code, _, err = _search(runner, seeds_db, "iran", "--sort", "sideways")
    assert code == 2 and "--sort" in err
    code, _, err = _search(runner, seeds_db, "iran", "--json", "--csv")
    assert code == 2
    code, _, err = _search(runner, tmp_path / "absent.db", "iran")
    assert code == 1 and "no archive" in err
