"""`cablescope transfer` between a SQLite file and a PostgreSQL database of a throw-away
cluster (`tests/store/pg_server.py`), both ways: every row arrives (equal checksums, counts,
versions with their ingest times, problems, unreadable files, corrections), a rerun adds
nothing, and a transfer that stopped part way is completed by running it again."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

import psycopg
import pytest
from typer.testing import CliRunner

from cablescope.cli import app
from cablescope.commands.transfer import stored_rows
from cablescope.search import parse_query
from cablescope.store import open_store
from cablescope.store.postgres_schema import missing_indexes

pytestmark = pytest.mark.corpus


def _store_conftest() -> ModuleType:
    """The store tests' fixtures (a throw-away cluster), loaded by path: tests are not a
    package."""
    path = Path(__file__).resolve().parents[1] / "store" / "conftest.py"
    spec = importlib.util.spec_from_file_location("cablescope_tests_store_conftest", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_cluster = _store_conftest().make_cluster
pg_cluster = _store_conftest().pg_cluster


def _transfer(*args: str) -> Any:
    result = CliRunner().invoke(app, ["transfer", *args, "--no-progress"])
    assert result.exit_code == 0, result.output
    return result


def _body(correction: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in correction.items() if k not in ("seq", "created_at")}


@pytest.fixture(scope="module")
def laptop(shared_path, seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite archive: the dev tarball and the seeds (a cable in two versions), a file
    that is not a cable, and two entity corrections."""
    folder = tmp_path_factory.mktemp("laptop")
    note = folder / "note.txt"
    note.write_text("just a shopping list\n", encoding="utf-8")
    db = folder / "laptop.db"
    sources = [shared_path("corpus", "cablegate-html-dev.tar.gz"), seeds_dir, note]
    result = CliRunner().invoke(
        app, ["ingest", *map(str, sources), "--db", str(db), "--no-progress", "--workers", "0"]
    )
    assert result.exit_code == 0, result.output
    with open_store(db) as store:
        store.add_correction({"action": "rename", "entity": "person:x", "name": "X Y"})
        store.add_correction({"action": "merge", "into": "org:a", "ids": ["org:b"]})
        counts = store.counts()
    assert counts["versions"] > counts["cables"] and counts["read_errors"] == 1
    return db


def _same_archives(a: Any, b: Any) -> None:
    assert b.counts() == a.counts()
    assert b.checksum() == a.checksum()
    assert list(b.problems()) == list(a.problems())
    assert [_body(c) for c in b.corrections()] == [_body(c) for c in a.corrections()]
    for text in ("iran", "tag:PREL NOT nuclear"):
        query = parse_query(text)
        ours = b.search(query, limit=10_000, sort="date")
        theirs = a.search(query, limit=10_000, sort="date")
        assert ours.total == theirs.total > 0
        assert [h.id for h in ours.hits] == [h.id for h in theirs.hits]


def test_sqlite_to_postgresql_and_back(laptop: Path, pg_cluster: Any, tmp_path: Path) -> None:
    url = pg_cluster.create_db("transfer")
    result = _transfer(str(laptop), url, "--verify", "--workers", "1", "--batch-size", "700")
    assert "checksums equal" in result.stderr
    with open_store(laptop, read_only=True) as sqlite, open_store(url) as postgres:
        _same_archives(sqlite, postgres)
        twice = [
            row[0] for row in postgres.db.execute("SELECT id FROM cables WHERE version_count > 1")
        ]
        assert twice
        for cable_id in twice:  # every version, with its number, default and ingest time
            assert postgres.versions(cable_id) == sqlite.versions(cable_id)
            assert postgres.get(cable_id) == sqlite.get(cable_id)
        assert not missing_indexes(postgres.db)  # type: ignore[attr-defined]
    again = _transfer(str(laptop), url, "--workers", "0")
    assert " 0 new versions, 0 new sources" in " ".join(again.stderr.split())

    back = tmp_path / "back.db"
    result = _transfer(url, str(back), "--verify", "--workers", "0")
    assert "checksums equal" in result.stderr
    with open_store(laptop, read_only=True) as sqlite, open_store(back) as copy:
        _same_archives(sqlite, copy)


def test_a_stopped_transfer_is_completed_by_a_rerun(laptop: Path, pg_cluster: Any) -> None:
    url = pg_cluster.create_db("resumed")
    with open_store(laptop, read_only=True) as sqlite:
        first = next(stored_rows(sqlite, batch_size=400))
        writer = open_store(url)
        writer.write_rows(first)
        writer.db.close()  # type: ignore[attr-defined]  # the process dies: no finish_load
        writer.close()
    with psycopg.connect(url, autocommit=True) as connection:
        assert connection.execute("SELECT count(*) FROM versions").fetchone()[0] == 400
        assert "versions_words" in missing_indexes(connection)  # left for the next open
    _transfer(str(laptop), url, "--workers", "0", "--batch-size", "1000")
    with open_store(laptop, read_only=True) as sqlite, open_store(url) as postgres:
        _same_archives(sqlite, postgres)
        assert not missing_indexes(postgres.db)  # type: ignore[attr-defined]


def test_a_missing_source_is_an_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["transfer", str(tmp_path / "none.db"), str(tmp_path / "to.db"), "--no-progress"]
    )
    assert result.exit_code == 1 and "no archive" in result.output
    assert not (tmp_path / "to.db").exists()
