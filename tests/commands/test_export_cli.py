"""`cablescope export` on a real archive (dev tarball, seeds, CSV sample): every format reads
back, in pandas-free plain Python or pyarrow, and agrees with the records parsed here."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

import cablescope
from cablescope.cli import app
from cablescope.model import Cable

pytestmark = pytest.mark.corpus


def _defaults(cables: list[Cable]) -> dict[str, Cable]:
    """One record per id by the documented default rule (released last, fewer redactions,
    read last)."""
    chosen: dict[str, tuple[tuple[str, int, int], Cable]] = {}
    for order, cable in enumerate(cables):
        assert cable.id is not None
        key = (cable.released or "", -cable.redactions, order)
        if cable.id not in chosen or key > chosen[cable.id][0]:
            chosen[cable.id] = (key, cable)
    return {cable_id: cable for cable_id, (_, cable) in chosen.items()}


@pytest.fixture(scope="module")
def archive(
    shared_path, seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, dict[str, Cable]]:
    sources = [
        shared_path("corpus", "cablegate-html-dev.tar.gz"),
        shared_path("corpus", "cables-csv", "cables_sample.csv"),
        seeds_dir,
    ]
    db = tmp_path_factory.mktemp("export") / "a.db"
    args = ["ingest", *map(str, sources), "--db", str(db), "--no-progress"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    return db, _defaults(list(cablescope.read(sources)))


def _export(db: Path, *args: str) -> str:
    result = CliRunner().invoke(app, ["export", *args, "--db", str(db)])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_jsonl_of_a_tag_query_is_every_such_cable_oldest_first(archive) -> None:
    db, cables = archive
    records = [json.loads(line) for line in _export(db, "tag:PTER").splitlines()]
    expected = {i for i, c in cables.items() if "PTER" in c.tags}
    assert len(expected) > 100
    assert [r["id"] for r in records if r["id"] in expected] == [r["id"] for r in records]
    assert {r["id"] for r in records} == expected and len(records) == len(expected)
    dates = [r["date"] or "" for r in records]
    assert dates == sorted(dates)
    for record in records[:50]:  # full records, as the parser made them
        assert record == cables[record["id"]].to_dict()


def test_csv_without_query_is_the_whole_archive(archive) -> None:
    db, cables = archive
    rows = list(csv.DictReader(io.StringIO(_export(db, "--format", "csv"))))
    assert len(rows) == len(cables)
    assert list(rows[0]) == list(next(iter(cables.values())).to_dict())
    for row in rows:
        cable = cables[row["id"]]
        assert row["tags"] == "; ".join(cable.tags)
        assert len(json.loads(row["paragraphs"] or "[]")) == len(cable.paragraphs)


def test_parquet_is_typed_and_nested(archive, tmp_path: Path) -> None:
    db, cables = archive
    out = tmp_path / "kayani.parquet"
    CliRunner().invoke(
        app,
        ["export", "kayani", "--format", "parquet", "--out", str(out), "--db", str(db), "--raw"],
    )
    table = pq.read_table(out)
    expected = {i for i, c in cables.items() if "kayani" in f"{c.subject} {c.body}".lower()}
    assert set(table.column("id").to_pylist()) == expected
    assert str(table.schema.field("date").type) == "date32[day]"
    for row in table.to_pylist():
        cable = cables[row["id"]]
        assert row["date"] == (date.fromisoformat(cable.date) if cable.date else None)
        assert [p["text"] for p in row["paragraphs"]] == [p.text for p in cable.paragraphs]
        assert [r["name"] for r in row["to"]] == [r.name for r in cable.to]
        assert row["raw"] == cable.raw


def test_bad_query_and_missing_archive(archive, tmp_path: Path) -> None:
    db, _ = archive
    bad = CliRunner().invoke(app, ["export", "tag:", "--db", str(db)])
    assert bad.exit_code == 2 and "tag:" in bad.output
    missing = CliRunner().invoke(app, ["export", "iran", "--db", str(tmp_path / "none.db")])
    assert missing.exit_code == 1
