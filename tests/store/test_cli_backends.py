"""Every archive command takes ``--db`` as a SQLite file or a PostgreSQL URL and answers the
same: the CLI never treats the archive as a path on its own."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

import cablescope
from cablescope.cli import app


def test_commands_answer_alike_on_every_backend(
    seeds_dir: Path, new_archive, tmp_path: Path
) -> None:
    db = new_archive("cli-backends")
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(app, [*args, "--db", db])
        assert result.exit_code == 0, (args, result.output)
        return result.stdout

    run("ingest", str(seeds_dir), "--no-progress")
    cables = {c.id: c for c in cablescope.read(seeds_dir)}
    found = json.loads(run("search", "boucher", "--json"))
    expected = {i for i, c in cables.items() if "boucher" in c.body.lower()}
    assert {hit["id"] for hit in found} == expected
    rows = json.loads(run("facets", "--field", "year", "--json").split("]")[0] + "]")
    years = {row["value"]: row["count"] for row in rows}
    assert years == {c.date[:4]: 1 for c in cables.values()}
    assert "08LONDON3062" in run("show", "08LONDON3062")
    exported = [json.loads(line) for line in run("export", "--format", "jsonl").splitlines()]
    assert sorted(r["id"] for r in exported) == sorted(cables)
    problems = json.loads(run("problems", "--json"))
    assert all(p["id"] in cables for p in problems)


def test_a_missing_file_archive_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["search", "iran", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 1 and "no archive" in result.output
