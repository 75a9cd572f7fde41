"""`cablescope backup` / `restore` on every backend: the restored archive equals the original
(checksum), a backup never overwrites, a restore never merges into another archive."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

import cablescope
from cablescope.cli import app
from cablescope.store import open_store


def test_backup_and_restore_give_back_the_same_archive(
    seeds_dir: Path, new_archive, tmp_path: Path
) -> None:
    original, restored = new_archive("backed-up"), new_archive("restored")
    with open_store(original) as store:
        store.write_batch(list(cablescope.read(seeds_dir)))
        expected = store.checksum()
    runner = CliRunner()
    saved = tmp_path / "archive.backup"
    done = runner.invoke(app, ["backup", str(saved), "--db", original])
    assert done.exit_code == 0, done.output
    assert saved.stat().st_size > 10_000
    again = runner.invoke(app, ["backup", str(saved), "--db", original])
    assert again.exit_code == 1 and "already exists" in again.output

    done = runner.invoke(app, ["restore", str(saved), "--db", restored])
    assert done.exit_code == 0, done.output
    with open_store(restored, read_only=True) as store:
        assert store.checksum() == expected
        assert store.counts()["cables"] == 2

    refused = runner.invoke(app, ["restore", str(saved), "--db", restored])
    assert refused.exit_code == 1 and "--force" in refused.output
    forced = runner.invoke(app, ["restore", str(saved), "--db", restored, "--force"])
    assert forced.exit_code == 0, forced.output
    with open_store(restored, read_only=True) as store:
        assert store.checksum() == expected


def test_a_file_that_is_no_backup_is_refused(new_archive, tmp_path: Path) -> None:
    bogus = tmp_path / "notes.txt"
    bogus.write_text("not a backup")
    result = CliRunner().invoke(app, ["restore", str(bogus), "--db", new_archive("bogus")])
    assert result.exit_code == 1 and "not a" in result.output
