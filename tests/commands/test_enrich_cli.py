"""`cablescope enrich` and `cablescope mentions` on a real archive of the seeds: enrich is
resumable and incremental, and "which SECRET paragraphs mention ISI" comes out the same in
every output format as the parsed paragraphs say."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cablescope.cli import app
from cablescope.store import open_store

ISI = re.compile(r"\bISI\b|Inter-Services Intelligence")


@pytest.fixture(scope="module")
def enriched(seeds_db, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("enriched") / "seeds.db"
    shutil.copy(seeds_db[0], path)
    code, _, err = _run("enrich", "--db", str(path))
    assert code == 0, err
    return path


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def _secret_isi(records: dict, level: str = "SECRET") -> set[tuple[str, int]]:
    return {
        (cid, p["number"])
        for cid, rec in records.items()
        for p in rec["paragraphs"]
        if ISI.search(p["text"] or "") and p["classification"] == level
    }


def test_enrich_is_resumable_and_incremental(fresh: Path) -> None:
    code, _, err = _run("enrich", "--db", str(fresh), "--limit", "1", "--no-progress")
    assert code == 0 and "enriched 1 cables" in err
    code, _, err = _run("enrich", "--db", str(fresh), "--no-progress")
    assert code == 0 and "enriched 1 cables" in err and "1 were done already" in err
    code, _, err = _run("enrich", "--db", str(fresh), "--no-progress")
    assert code == 0 and "enriched 0 cables (0 mentions)" in err
    with open_store(fresh, read_only=True) as store:
        assert store.mention_progress() == (2, 2)


def test_enrich_progress_bar_shows_a_rate(fresh: Path) -> None:
    code, _, err = _run("enrich", "--db", str(fresh), "--progress", "--batch-size", "1")
    assert code == 0 and "cables/s" in err and "2/2" in err


@pytest.mark.parametrize("fmt", ["--json", "--nl", "--csv", "--table"])
def test_secret_paragraphs_mentioning_isi_in_every_format(enriched, seeds_db, fmt) -> None:
    code, out, err = _run("mentions", "ISI", "--db", str(enriched), "--marking", "S", fmt)
    assert code == 0, err
    expected = _secret_isi(seeds_db[1])
    assert expected, "the seeds name ISI in SECRET paragraphs"
    if fmt == "--json":
        rows = json.loads(out)
    elif fmt == "--nl":
        rows = [json.loads(line) for line in out.splitlines() if line.strip()]
    elif fmt == "--csv":
        rows = list(csv.DictReader(io.StringIO(out)))
        for row in rows:
            row["paragraph"] = int(row["paragraph"])
    else:
        for cid, number in expected:
            assert re.search(rf"{cid}.*│ {number} +│ S ", out), out
        assert "«ISI»" in out.replace("\n", "")
        return
    assert {(r["cable_id"], r["paragraph"]) for r in rows} == expected
    assert {r["marking"] for r in rows} == {"S"} and {r["text"] for r in rows} == {"ISI"}
    assert all("«ISI»" in r["snippet"] and r["date"] == "2008-12-08" for r in rows)
    assert f"{len(rows)} mentions of org:inter-services-intelligence" in err


def test_mentions_by_id_other_marking_limit_and_offset(enriched, seeds_db) -> None:
    code, out, _ = _run(
        "mentions",
        "org:inter-services-intelligence",
        "--db",
        str(enriched),
        "--marking",
        "C",
        "--json",
    )
    assert code == 0
    assert {(r["cable_id"], r["paragraph"]) for r in json.loads(out)} == _secret_isi(
        seeds_db[1], "CONFIDENTIAL"
    )
    code, out, err = _run(
        "mentions", "ISI", "--db", str(enriched), "--limit", "1", "--offset", "1", "--nl"
    )
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(rows) == 1 and "; 1 listed" in err


def test_mentions_needs_stored_mentions_and_a_known_entity(fresh: Path, enriched) -> None:
    code, _, err = _run("mentions", "ISI", "--db", str(fresh))
    assert code == 1 and "cablescope enrich" in err
    code, _, err = _run("mentions", "Nobody Atall Zzyzx", "--db", str(enriched))
    assert code == 1 and "no entity" in err
