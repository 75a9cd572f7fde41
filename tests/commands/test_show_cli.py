"""`cablescope show` and `cablescope diff` end to end on the seeds and the raw-text cables:
what they print is checked against values computed here from `cablescope.parse` of the same
files and from the shipped routing-indicator table, never from the command's own helpers."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

import cablescope
from cablescope.cli import app
from cablescope.data import routing_indicators, subject_tags
from cablescope.model import Cable, Reference
from cablescope.store import open_store

WIDE = {"COLUMNS": "400"}  # one header row per line: no wrapping inside the panel


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture()
def cables(shared_path, seeds_dir: Path) -> list[Cable]:
    return list(cablescope.read(seeds_dir)) + list(
        cablescope.read(shared_path("corpus", "raw-text"))
    )


@pytest.fixture()
def archive(runner: CliRunner, shared_path, seeds_dir: Path, tmp_path: Path) -> Path:
    db = tmp_path / "a.db"
    raw = shared_path("corpus", "raw-text")
    result = runner.invoke(
        app, ["ingest", str(seeds_dir), str(raw), "--db", str(db), "--no-progress"]
    )
    assert result.exit_code == 0, result.output
    return db


def _show(runner: CliRunner, db: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["show", *args, "--db", str(db)], env=WIDE)
    return result.exit_code, result.stdout, result.stderr


def _lines_with(output: str, needle: str) -> list[str]:
    return [line for line in output.splitlines() if needle in line]


def test_show_decodes_every_cable(runner: CliRunner, archive: Path, cables: list[Cable]) -> None:
    stations = routing_indicators()
    checked_routes = 0
    for cable in cables:
        assert cable.id
        code, out, err = _show(runner, archive, cable.id)
        assert code == 0, err
        assert cable.id in out
        if cable.subject:
            assert " ".join(cable.subject.split())[:40] in " ".join(out.split())
        for recipient in [r for r in (cable.sender, *cable.to, *cable.info) if r is not None]:
            rows = _lines_with(out, recipient.name)
            assert rows, (cable.id, recipient.name)
            station = stations.get((recipient.route or "").upper())
            if station:
                assert any(recipient.route in row and station in row for row in rows)
                checked_routes += 1
        for tag in cable.tags:
            if tag in subject_tags():
                assert any("SUBJECT" in row for row in _lines_with(out, f" {tag} ")), tag
        for paragraph in cable.paragraphs:
            if paragraph.number is not None and paragraph.marking:
                assert f"¶{paragraph.number} ({paragraph.marking})" in out, cable.id
        for signer in cable.signers:
            assert signer in out
        for ref in cable.references:
            assert ref.value in out
    assert checked_routes > 20


def test_cited_by_and_references_in_archive(
    runner: CliRunner, archive: Path, cables: list[Cable]
) -> None:
    by_id = {c.id: c for c in cables}
    target = "09STATE65183"
    citing = replace(
        by_id["08LONDON3062"],
        id="08LONDON9991",
        raw=by_id["08LONDON3062"].raw + "\n08LONDON9991\n",
        references=[Reference(target)],
    )
    with open_store(archive) as store:
        store.write_batch([citing])
    expected = sorted(
        c.id for c in [*cables, citing] if c.id and any(r.value == target for r in c.references)
    )
    assert expected == ["08LONDON9991"]
    code, out, _ = _show(runner, archive, target)
    assert code == 0
    cited_line = _lines_with(out, "Cited by")
    assert cited_line and all(cid in cited_line[0] for cid in expected)
    code, out, _ = _show(runner, archive, "08LONDON9991")
    assert code == 0
    assert any(row.rstrip(" │").endswith("yes") for row in _lines_with(out, target))
    code, out, _ = _show(runner, archive, "08LONDON3062")
    assert "Cited by" not in out


def test_json_is_the_stored_record(runner: CliRunner, archive: Path, cables: list[Cable]) -> None:
    for cable in cables[:3]:
        code, out, _ = _show(runner, archive, cable.id or "", "--json")
        assert code == 0
        assert json.loads(out) == cable.to_dict(include_raw=True)


def test_lower_case_id_and_unknown_id(runner: CliRunner, archive: Path) -> None:
    code, out, _ = _show(runner, archive, "08london3062")
    assert code == 0 and "08LONDON3062" in out
    code, out, err = _show(runner, archive, "99NOWHERE1")
    assert code == 1 and "no cable 99NOWHERE1" in err and out == ""
    code, _, err = _show(runner, archive, "08LONDON3062", "--version", "7")
    assert code == 1 and "no version 7" in err
    result = runner.invoke(app, ["diff", "99NOWHERE1", "--db", str(archive)])
    assert result.exit_code == 1 and "no cable" in result.stderr
    result = runner.invoke(app, ["show", "08LONDON3062", "--db", str(archive.with_name("x.db"))])
    assert result.exit_code == 1 and "no archive" in result.stderr


def test_versions_and_diff(
    runner: CliRunner, archive: Path, seeds_dir: Path, tmp_path: Path
) -> None:
    path = seeds_dir / "08LONDON3062.txt"
    text = path.read_text(encoding="utf-8")
    original = cablescope.parse(text, name=str(path))
    result = runner.invoke(app, ["diff", "08LONDON3062", "--db", str(archive)], env=WIDE)
    assert result.exit_code == 0 and "only one version" in result.stdout

    words = re.findall(r"\b[A-Za-z]{7,}\b", original.paragraphs[2].text)
    word = next(w for w in words if text.count(w) == 1)
    altered_dir = tmp_path / "altered"
    altered_dir.mkdir()
    (altered_dir / "08LONDON3062.txt").write_text(
        text.replace(word, "XXXXXXXXXXXX"), encoding="utf-8"
    )
    altered = cablescope.parse(text.replace(word, "XXXXXXXXXXXX"), name="altered")
    result = runner.invoke(app, ["ingest", str(altered_dir), "--db", str(archive), "--no-progress"])
    assert result.exit_code == 0, result.output

    code, out, _ = _show(runner, archive, "08LONDON3062", "--version", "2")
    assert code == 0 and "2 of 2" in out and "XXXXXXXXXXXX" in out and word not in out
    code, out, _ = _show(runner, archive, "08LONDON3062")
    assert code == 0 and "1 of 2 (default)" in out and word in out

    result = runner.invoke(app, ["diff", "08LONDON3062", "--db", str(archive)], env=WIDE)
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    removed = [line for line in out.splitlines() if line.startswith("-") and word in line]
    added = [line for line in out.splitlines() if line.startswith("+") and "XXXXXXXXXXXX" in line]
    assert removed and added
    redaction_rows = _lines_with(out, "redactions")
    assert redaction_rows
    assert re.search(rf"\b{original.redactions}\b.*\b{altered.redactions}\b", redaction_rows[0])
    # Reversed order swaps the signs.
    result = runner.invoke(
        app, ["diff", "08LONDON3062", "--from", "2", "--to", "1", "--db", str(archive)], env=WIDE
    )
    lines = result.stdout.splitlines()
    assert any(line.startswith("+") and word in line for line in lines)
    result = runner.invoke(
        app, ["diff", "08LONDON3062", "--from", "1", "--to", "5", "--db", str(archive)]
    )
    assert result.exit_code == 1 and "no version 5" in result.stderr
