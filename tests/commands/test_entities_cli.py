"""`cablescope entities` and `cablescope entity show|merge|split|rename|corrections` on a
real archive of the seeds: listings in every format, the seed actors' cables checked
against the seeds' text, and corrections that survive ingesting the cables again."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cablescope.cli import app

LET = r"Lashkar|LASHKAR|\bLeT\b"


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def _naming(records: dict, pattern: str) -> list[str]:
    return sorted(
        cid
        for cid, r in records.items()
        if any(re.search(pattern, p["text"]) for p in r["paragraphs"])
    )


def _rows(db: Path, *args: str) -> dict[str, dict]:
    code, stdout, err = _run("entities", "--db", str(db), "--json", "--limit", "0", *args)
    assert code == 0, err
    return {row["id"]: row for row in json.loads(stdout)}


def test_list_formats(seeds_db) -> None:
    db, records = seeds_db
    rows = _rows(db)
    assert rows["org:lashkar-e-taiba"]["cables"] == len(_naming(records, LET)) == 2
    assert "LeT" in rows["org:lashkar-e-taiba"]["aliases"]
    people = _rows(db, "--kind", "person")
    assert people and {r["kind"] for r in people.values()} == {"PERSON"}
    code, stdout, err = _run("entities", "--db", str(db), "--csv", "--limit", "3")
    table = list(csv.DictReader(io.StringIO(stdout)))
    assert code == 0 and len(table) == 3 and list(table[0])[:3] == ["id", "name", "kind"]
    assert f"{len(rows)} entities in 2 cables; 3 listed" in err
    code, stdout, _ = _run("entities", "zardari", "--db", str(db), "--nl")
    assert code == 0
    cables = {json.loads(line)["id"]: json.loads(line)["cables"] for line in stdout.splitlines()}
    assert cables["person:zardari"] == len(_naming(records, "Zardari"))


@pytest.mark.parametrize(
    ("name", "pattern"),
    [
        ("org:lashkar-e-taiba", LET),
        ("Kayani", "Kayani"),
        ("Zardari", "Zardari"),
        ("ISI", r"\bISI\b"),
    ],
)
def test_show_json_lists_the_seeds_that_name_it(seeds_db, name, pattern) -> None:
    db, records = seeds_db
    code, stdout, err = _run("entity", "show", name, "--db", str(db), "--json")
    assert code == 0, err
    data = json.loads(stdout)
    assert sorted(c["id"] for c in data["cable_list"]) == _naming(records, pattern)
    marked = {
        p["marking"]
        for r in records.values()
        for p in r["paragraphs"]
        if re.search(pattern, p["text"])
    }
    assert set(data["paragraphs"]) == marked


def test_show_table(seeds_db) -> None:
    db, _ = seeds_db
    code, stdout, _ = _run("entity", "show", "Kayani", "--db", str(db))
    assert code == 0
    assert (
        "Timeline" in stdout and "Paragraphs marked (S)" in stdout and "«General Kayani»" in stdout
    )


def test_corrections_survive_a_second_ingest(fresh, seeds_dir) -> None:
    before = _rows(fresh)
    assert _run("entity", "merge", "Nawaz Sharif", "Altaf Hussein", "--db", str(fresh))[0] == 0
    assert _run("entity", "rename", "Kayani", "[bold]Ashfaq[/] Kayani", "--db", str(fresh))[0] == 0
    code, _, err = _run(
        "entity", "split", "org:lashkar-e-taiba", "--alias", "LASHKAR E-TAIBA", "--db", str(fresh)
    )
    assert code == 0, err
    for _ in range(2):
        rows = _rows(fresh)
        merged = rows["person:nawaz-sharif"]
        assert "person:altaf-hussein" not in rows
        assert merged["mentions"] == (
            before["person:nawaz-sharif"]["mentions"] + before["person:altaf-hussein"]["mentions"]
        )
        assert rows["person:kayani"]["name"] == "[bold]Ashfaq[/] Kayani"
        assert "LASHKAR E-TAIBA" not in rows["org:lashkar-e-taiba"]["aliases"]
        assert any(r["aliases"] == ["LASHKAR E-TAIBA"] for r in rows.values())
        code, _, err = _run("ingest", str(seeds_dir), "--db", str(fresh))
        assert code == 0, err
    code, stdout, _ = _run("entity", "corrections", "--db", str(fresh), "--json")
    assert [json.loads(line)["op"] for line in stdout.splitlines()] == ["merge", "rename", "split"]
    # A renamed entity is found by its new name; the text is shown as written, not as markup.
    code, stdout, _ = _run("entity", "show", "[bold]Ashfaq[/] Kayani", "--db", str(fresh))
    assert code == 0 and "[bold]Ashfaq[/] Kayani" in stdout


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["entity", "show", "Plugh Xyzzy"], 1),
        (["entity", "merge", "Kayani"], 2),
        (["entity", "merge", "Kayani", "Kayani"], 1),
        (["entity", "split", "Kayani", "--alias", "Nobody"], 1),
        (["entities", "--kind", "ship"], 2),
        (["entities", "(unclosed"], 2),
    ],
)
def test_errors(fresh, args, code) -> None:
    got, _, err = _run(*args, "--db", str(fresh))
    assert got == code, err
    assert _run("entity", "corrections", "--db", str(fresh), "--json")[1] == ""


def test_missing_archive(tmp_path) -> None:
    code, _, err = _run("entities", "--db", str(tmp_path / "none.db"))
    assert code == 1 and "no archive" in err
