"""The `cablescope` command end to end, on real files: outputs parse back, errors are named."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cablescope.cli import FIELD_HELP, app
from cablescope.model import Cable

SEED_IDS = {"08LONDON3062", "09STATE65183"}


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


def _nl(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def test_json_is_one_array_of_records(runner: CliRunner, seeds_dir: Path) -> None:
    result = runner.invoke(app, ["parse", str(seeds_dir / "08LONDON3062.txt"), "--json"])
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    assert isinstance(records, list) and len(records) == 1
    record = records[0]
    assert record["id"] == "08LONDON3062"
    assert record["tags"] == ["PREL", "PGOV", "PTER", "PINR", "IN", "PK", "CH", "UK"]
    assert set(Cable().to_dict()) <= set(record)
    assert "raw" not in record


def test_nl_is_the_default_off_a_terminal(runner: CliRunner, seeds_dir: Path) -> None:
    result = runner.invoke(app, ["parse", str(seeds_dir)])
    assert result.exit_code == 0, result.output
    assert {r["id"] for r in _nl(result.stdout)} == SEED_IDS


def test_csv_reads_back_with_the_csv_module(runner: CliRunner, seeds_dir: Path) -> None:
    result = runner.invoke(app, ["parse", str(seeds_dir), "--csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {row["id"] for row in rows} == SEED_IDS
    london = next(row for row in rows if row["id"] == "08LONDON3062")
    assert london["tags"].split("; ")[:2] == ["PREL", "PGOV"]
    assert json.loads(london["sender"])["route"] == "RUEHLO"
    assert len(json.loads(london["paragraphs"])) >= 8


def test_fields_select_keys_and_dotted_paths(runner: CliRunner, seeds_dir: Path) -> None:
    args = ["parse", str(seeds_dir), "--nl", "--fields", "id,sender.name,tags"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    records = {r["id"]: r for r in _nl(result.stdout)}
    assert set(records) == SEED_IDS
    assert all(list(r) == ["id", "sender.name", "tags"] for r in records.values())
    assert records["08LONDON3062"]["sender.name"] == "AMEMBASSY LONDON"
    assert records["09STATE65183"]["tags"] == ["PGOV", "PK"]


def test_fields_in_csv_give_the_header(runner: CliRunner, seeds_dir: Path) -> None:
    path = seeds_dir / "09STATE65183.txt"
    args = ["parse", str(path), "--csv", "-f", "id,date,paragraphs.number"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["id", "date", "paragraphs.number"]
    assert rows[1][:2] == ["09STATE65183", "2009-06-23"]
    assert rows[1][2].split("; ")[:3] == ["1", "2", "3"]


def test_raw_adds_the_text_as_read(runner: CliRunner, seeds_dir: Path) -> None:
    path = seeds_dir / "09STATE65183.txt"
    result = runner.invoke(app, ["parse", str(path), "--nl", "--raw"])
    assert result.exit_code == 0, result.output
    (record,) = _nl(result.stdout)
    assert "LASHKAR" in record["raw"] and "CLINTON" in record["raw"]


def test_table_names_every_cable(runner: CliRunner, seeds_dir: Path) -> None:
    result = runner.invoke(app, ["parse", str(seeds_dir), "--table"])
    assert result.exit_code == 0, result.output
    for cable_id in SEED_IDS:
        assert cable_id in result.stdout
    assert "classification" in result.stdout


def test_progress_bar_never_takes_over_stdout(runner: CliRunner, seeds_dir: Path) -> None:
    result = runner.invoke(app, ["parse", str(seeds_dir), "--nl", "--progress"])
    assert result.exit_code == 0, result.output
    assert {r["id"] for r in _nl(result.stdout)} == SEED_IDS  # every stdout line is a record
    assert "08LONDON3062" not in result.stderr


def test_unknown_field_is_a_usage_error(runner: CliRunner, seeds_dir: Path) -> None:
    result = runner.invoke(app, ["parse", str(seeds_dir), "--fields", "id,nonsense"])
    assert result.exit_code == 2
    assert "nonsense" in result.output
    assert result.stdout == ""


def test_two_formats_is_a_usage_error(runner: CliRunner, seeds_dir: Path) -> None:
    result = runner.invoke(app, ["parse", str(seeds_dir), "--json", "--csv"])
    assert result.exit_code == 2


def test_missing_path_fails_but_the_rest_is_read(
    runner: CliRunner, seeds_dir: Path, tmp_path: Path
) -> None:
    missing = tmp_path / "no-such-cable.txt"
    result = runner.invoke(app, ["parse", str(missing), str(seeds_dir), "--nl"])
    assert result.exit_code == 1
    assert str(missing) in result.stderr
    assert {r["id"] for r in _nl(result.stdout)} == SEED_IDS


def test_a_file_that_is_not_a_cable_is_named_and_the_batch_goes_on(
    runner: CliRunner, seeds_dir: Path, tmp_path: Path
) -> None:
    batch = tmp_path / "batch"
    batch.mkdir()
    for seed in seeds_dir.glob("*.txt"):
        (batch / seed.name).write_bytes(seed.read_bytes())
    (batch / "shopping-list.txt").write_text("eggs\nmilk\nbread\n", encoding="utf-8")
    result = runner.invoke(app, ["parse", str(batch), "--nl"])
    assert result.exit_code == 0, result.output
    assert {r["id"] for r in _nl(result.stdout)} == SEED_IDS
    error_lines = [line for line in result.stderr.splitlines() if "shopping-list.txt" in line]
    assert error_lines, result.stderr
    assert "2 cables read" in result.stderr


def test_quiet_drops_the_summary_but_not_the_errors(
    runner: CliRunner, seeds_dir: Path, tmp_path: Path
) -> None:
    junk = tmp_path / "junk.txt"
    junk.write_text("nothing to see here\n", encoding="utf-8")
    result = runner.invoke(app, ["parse", str(seeds_dir), str(junk), "--nl", "-q"])
    assert result.exit_code == 0, result.output
    assert "cables read" not in result.stderr
    assert "junk.txt" in result.stderr


def test_summary_counts_problems_by_field(runner: CliRunner, tmp_path: Path) -> None:
    # A cable with a TAGS line but no subject and an unreadable E.O. line.
    odd = tmp_path / "odd.txt"
    odd.write_text(
        "UNCLAS LONDON 001234\n\nE.O. 12958: DECL: 99/99/9999\nTAGS: PREL UK\n\n1. Text.\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["parse", str(odd), "--nl"])
    assert result.exit_code == 0, result.output
    (record,) = _nl(result.stdout)
    fields = {p["field"] for p in record["problems"]}
    assert fields, "an unreadable E.O. date should be a problem"
    for field in fields:
        assert field in result.stderr


def test_raw_text_corpus(runner: CliRunner, shared_path) -> None:
    folder = shared_path("corpus", "raw-text")
    result = runner.invoke(app, ["parse", str(folder), "--nl", "-f", "id,source.name"])
    assert result.exit_code == 0, result.output
    records = _nl(result.stdout)
    stems = {p.stem for p in folder.glob("*.txt")}
    assert len(records) == len(stems) == 13
    assert {r["id"] for r in records} == stems


def test_archives_are_read_member_by_member(
    runner: CliRunner, seeds_dir: Path, tmp_path: Path
) -> None:
    import tarfile

    archive = tmp_path / "seeds.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        for seed in sorted(seeds_dir.glob("*.txt")):
            tar.add(seed, arcname=f"cables/{seed.name}")
    result = runner.invoke(app, ["parse", str(archive), "--nl", "-f", "id,source.name"])
    assert result.exit_code == 0, result.output
    records = _nl(result.stdout)
    assert {r["id"] for r in records} == SEED_IDS
    assert all("seeds.tar.gz" in r["source.name"] for r in records)


def test_generated_corpus_round_trip(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "generated"
    result = runner.invoke(app, ["demo", "--size", "12", "--out", str(out), "--seed", "4"])
    assert result.exit_code == 0, result.output
    assert "12" in result.stderr
    parsed = runner.invoke(app, ["parse", str(out), "--json", "-f", "id,synthetic,source.format"])
    assert parsed.exit_code == 0, parsed.output
    records = json.loads(parsed.stdout)
    assert len(records) == 12
    assert all(r["synthetic"] is True for r in records)
    assert len({r["source.format"] for r in records}) == 5


def test_demo_parses_seeds_and_generated_cables(runner: CliRunner) -> None:
    result = runner.invoke(app, ["demo", "--size", "10"])
    assert result.exit_code == 0, result.output
    for cable_id in SEED_IDS:
        assert cable_id in result.stdout
    assert "12 cables read" in result.stderr


def test_fields_lists_every_record_key(runner: CliRunner) -> None:
    result = runner.invoke(app, ["fields"])
    assert result.exit_code == 0
    keys = set(Cable().to_dict(include_raw=True))
    assert keys <= set(FIELD_HELP), f"undocumented: {keys - set(FIELD_HELP)}"
    for key in keys:
        assert key in result.stdout
