"""What only the PostgreSQL backend has: its migrations, connection URLs and errors, the same
answers as SQLite on the same corpus, concurrent writers, and an ingest that survives the
server being stopped mid-run (a clear error, then a rerun that completes the archive)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import psycopg
import pytest

import cablescope
from cablescope.demo.generator import write_corpus
from cablescope.ingest import ingest
from cablescope.search import parse_query
from cablescope.store import open_store
from cablescope.store.postgres import PostgresStoreError
from cablescope.store.postgres_schema import LATEST


def _scalar(url: str, query: str) -> Any:
    with psycopg.connect(url, autocommit=True) as connection:
        return connection.execute(query).fetchone()[0]


def test_migrations_are_recorded_once(pg_cluster: Any) -> None:
    url = pg_cluster.create_db("migrations")
    with pytest.raises(FileNotFoundError, match="no Cablescope archive"):
        open_store(url, read_only=True)
    open_store(url).close()
    open_store(url).close()
    with psycopg.connect(url) as connection:
        rows = connection.execute("SELECT version FROM schema_migrations").fetchall()
    assert [row[0] for row in rows] == list(range(1, LATEST + 1))
    with open_store(url, read_only=True) as store:
        assert store.counts()["cables"] == 0
        with pytest.raises(PermissionError):
            store.write_batch([])
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            store.db.execute("DELETE FROM tags")  # type: ignore[attr-defined]


def test_a_newer_schema_is_refused(pg_cluster: Any) -> None:
    url = pg_cluster.create_db("newer")
    open_store(url).close()
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("INSERT INTO schema_migrations (version, name) VALUES (999, 'x')")
    with pytest.raises(PostgresStoreError, match="newer than this Cablescope knows"):
        open_store(url)


def test_urls_paths_and_passwords(pg_cluster: Any) -> None:
    url = pg_cluster.create_db("urls")
    # A CLI option typed as a path turns "postgresql://h/db" into "postgresql:/h/db".
    with open_store(Path(url)) as store:
        assert store.counts()["versions"] == 0
    secret = url.replace("cablescope@", "cablescope:s3cret@")
    with open_store(secret) as store:  # trust authentication ignores the password
        assert store.url == url and "s3cret" not in store.server
    with open_store(url.replace("postgresql://", "postgres://")) as store:
        assert store.counts()["cables"] == 0


def test_an_unreachable_server_is_a_clear_error() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(PostgresStoreError, match=f"127.0.0.1:{port}/nowhere: cannot connect"):
        open_store(f"postgresql://someone:pw@127.0.0.1:{port}/nowhere")


def test_text_postgresql_cannot_hold(seeds_dir: Path, pg_cluster: Any) -> None:
    original = cablescope.parse((seeds_dir / "08LONDON3062.txt").read_text("utf-8"))
    odd = replace(original, raw=original.raw + "\x00 \ud800", body=original.body + "\x00")
    with open_store(pg_cluster.create_db("nul")) as store:
        assert store.write_batch([odd]).new_versions == 1
        record = store.get("08LONDON3062")
        assert record is not None
        assert record["raw"] == odd.raw  # the raw text is kept exactly
        assert record["body"] == original.body + "\ufffd"


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_views_for_sql_clients(seeds: Any) -> None:
    store, cables = seeds
    rows = store.db.execute("SELECT id, tags, paragraphs FROM cable_summary ORDER BY id")
    expected = sorted((c.id, ", ".join(c.tags), len(c.paragraphs)) for c in cables)
    assert [tuple(row) for row in rows] == expected


def test_concurrent_writers_queue(seeds_dir: Path, shared_path, pg_cluster: Any) -> None:
    cables = list(cablescope.read(seeds_dir)) + list(
        cablescope.read(shared_path("corpus", "raw-text"))
    )
    alone, together = pg_cluster.create_db("alone"), pg_cluster.create_db("together")
    with open_store(alone) as store:
        store.write_batch(cables)
        expected = store.counts()
    open_store(together).close()
    failures: list[BaseException] = []

    def write(batches: list[list[Any]]) -> None:
        try:
            with open_store(together) as store:
                for batch in batches:
                    store.write_batch(batch)
        except BaseException as exc:  # pragma: no cover - reported below
            failures.append(exc)

    threads = [
        threading.Thread(target=write, args=([cables, cables[::2]],)),
        threading.Thread(target=write, args=([cables[1::2], cables],)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures
    with open_store(together) as store:
        assert store.counts() == expected
        assert store.counts()["sources"] == len(cables)


def test_the_web_app_serves_a_postgresql_archive(seeds_dir: Path, pg_cluster: Any) -> None:
    import warnings

    from cablescope.api import create_app

    with warnings.catch_warnings():  # Starlette's note about httpx: not ours to act on here
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    cables = list(cablescope.read(seeds_dir))
    url = pg_cluster.create_db("served")
    with open_store(url) as store:
        store.write_batch(cables)
    with TestClient(create_app(url)) as client:
        found = client.get("/api/v1/search", params={"q": "boucher"}).json()
        expected = {c.id for c in cables if "boucher" in (c.body or "").lower()}
        assert {hit["id"] for hit in found["hits"]} == expected
        page = client.get("/cable/08LONDON3062")
        assert page.status_code == 200 and "LYALL GRANT" in page.text
        raw = client.get("/cable/08LONDON3062/raw").text
        assert raw == next(c.raw for c in cables if c.id == "08LONDON3062")
        exported = client.get("/api/v1/export", params={"q": "tag:PK"}).text.splitlines()
        assert len(exported) == sum("PK" in c.tags for c in cables)


# -- the same answers as SQLite ---------------------------------------------------------------
QUERIES = [
    "nuclear tag:PREL",
    '"nuclear program"',
    "sanction*",
    "iran NOT nuclear",
    "NOT iran",
    "(iran OR syria) NOT nuclear",
    "iran OR tag:PGOV",
    "from:London",
    'to:"secstate washdc"',
    "to:wash*",
    "para:S iran",
    'para:C "human rights"',
    "para:S* NOT iran",
    "para:S iran NOT nuclear",
    "class>=CONFIDENTIAL date:2008..2009",
    "signer:clinton",
    "caption:noforn",
    "ref:09STATE*",
    "u.s.-iran",
    "'; DROP TABLE versions; --",
    "x* AND y*",
]


@pytest.fixture(scope="module")
def pair(shared_path, seeds_dir: Path, pg_cluster: Any, tmp_path_factory) -> Iterator[tuple]:
    """The dev tarball and the seeds in SQLite and in PostgreSQL."""
    tarball = shared_path("corpus", "cablegate-html-dev.tar.gz")
    sqlite_db = str(tmp_path_factory.mktemp("pair") / "dev.db")
    url = pg_cluster.create_db("pair")
    for target in (sqlite_db, url):
        with open_store(target) as store:
            ingest([tarball, seeds_dir], store, batch_size=700)
    with open_store(sqlite_db) as sqlite, open_store(url) as postgres:
        yield sqlite, postgres


@pytest.mark.corpus
def test_same_counts_ids_and_order_as_sqlite(pair: tuple) -> None:
    sqlite, postgres = pair
    assert postgres.counts() == sqlite.counts()
    for text in QUERIES:
        query = parse_query(text)
        for sort in ("date", "-date"):
            ours = postgres.search(query, limit=100_000, sort=sort)
            theirs = sqlite.search(query, limit=100_000, sort=sort)
            assert ours.total == theirs.total, text
            assert [h.id for h in ours.hits] == [h.id for h in theirs.hits], (text, sort)
        page = postgres.search(query, limit=10)  # by relevance: ranks differ, not the hits
        assert page.total == theirs.total and len(page.hits) == min(10, page.total)
        assert {h.id for h in page.hits} <= {h.id for h in theirs.hits}


@pytest.mark.corpus
def test_same_facets_histograms_and_exports_as_sqlite(pair: tuple) -> None:
    sqlite, postgres = pair
    assert postgres.facets(None, limit=None) == sqlite.facets(None, limit=None)
    for text in ("iran", "para:S iran", "class:SECRET NOT tag:PREL"):
        query = parse_query(text)
        assert postgres.facets(query, limit=5) == sqlite.facets(query, limit=5), text
        for interval in ("year", "month"):
            assert postgres.histogram(query, interval=interval) == sqlite.histogram(
                query, interval=interval
            )
        assert list(postgres.export(query, include_raw=True)) == list(
            sqlite.export(query, include_raw=True)
        )


@pytest.mark.corpus
def test_same_versions_problems_and_checksum_as_sqlite(pair: tuple) -> None:
    sqlite, postgres = pair
    assert list(postgres.problems()) == list(sqlite.problems())
    twice = [row[0] for row in postgres.db.execute("SELECT id FROM cables WHERE version_count > 1")]
    assert twice
    for cable_id in twice:
        ours, theirs = postgres.versions(cable_id), sqlite.versions(cable_id)
        assert [v | {"ingested_at": None} for v in ours] == [
            v | {"ingested_at": None} for v in theirs
        ]
        assert postgres.get(cable_id) == sqlite.get(cable_id)
        assert postgres.cited_by(cable_id) == sqlite.cited_by(cable_id)
    assert postgres.checksum() == sqlite.checksum()


# -- the server stopped mid-ingest -------------------------------------------------------------
def _cli_ingest(corpus: Path, db: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "cablescope.cli", "ingest", str(corpus), "--db", db]
    return subprocess.Popen(
        [*command, "--batch-size", "50", "--no-progress"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        env={**os.environ, "COLUMNS": "200"},
    )


def _versions(url: str) -> int:
    try:
        return int(_scalar(url, "SELECT count(*) FROM versions"))
    except psycopg.Error:  # the schema is not there yet
        return 0


def test_server_stopped_mid_ingest_then_rerun(tmp_path: Path, make_cluster: Any) -> None:
    cluster = make_cluster()
    try:
        cluster.start()
        corpus = tmp_path / "corpus"
        write_corpus(corpus, 1500, seed=3)
        clean, stopped = cluster.create_db("clean"), cluster.create_db("stopped")
        assert _cli_ingest(corpus, clean).wait(timeout=300) == 0
        total = _versions(clean)

        process = _cli_ingest(corpus, stopped)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and _versions(stopped) < 200:
            time.sleep(0.05)
        cluster.stop("fast")
        _out, err = process.communicate(timeout=120)
        assert process.returncode != 0
        where = f"PostgreSQL server 127.0.0.1:{cluster.port}/{stopped.rsplit('/', 1)[1]}"
        message = " ".join(err.split())
        assert where in message and "rerun" in message, err[-2000:]

        cluster.start()
        partial = _versions(stopped)
        assert 0 < partial < total, "the stop must land mid-run"
        rerun = _cli_ingest(corpus, stopped)
        assert rerun.wait(timeout=300) == 0, rerun.stderr.read() if rerun.stderr else ""
        with open_store(clean) as whole, open_store(stopped) as resumed:
            assert resumed.counts() == whole.counts()
            assert resumed.checksum() == whole.checksum()
    finally:
        cluster.destroy()


def test_long_texts_and_unusual_words(seeds_dir: Path, pg_cluster: Any) -> None:
    original = cablescope.parse((seeds_dir / "08LONDON3062.txt").read_text("utf-8"))
    tail = " O'Brien ⑴ back\\slash" + " filler" * 17_000 + " zyzzyvaend x"
    long = replace(original, raw=original.raw + tail, body=original.body + tail)
    with open_store(pg_cluster.create_db("long")) as store:
        store.write_batch([long])
        for query in ("zyzzyvaend", "o'brien", "filler", "back*", "slash", '"lashkar e taiba"'):
            assert store.search(parse_query(query)).total == 1, query
        # Past PostgreSQL's last position (16,383) words are found, phrases no longer are.
        assert store.search(parse_query('"filler zyzzyvaend"')).total == 0
        record = store.get("08LONDON3062")
        assert record is not None and record["body"].endswith(" x")


# -- bulk loads: indexes built once at the end, or by the next open after a crash -------------
def test_a_bulk_load_defers_its_indexes(tmp_path: Path, pg_cluster: Any) -> None:
    from cablescope.store.postgres import DEFER_MIN
    from cablescope.store.postgres_schema import DEFERRED, missing_indexes

    write_corpus(tmp_path / "corpus", 3 * DEFER_MIN, seed=11)
    cables = list(cablescope.read(tmp_path / "corpus"))
    tagged = {c.id for c in cables if "PREL" in c.tags}
    assert tagged
    loaded, crashed = pg_cluster.create_db("loaded"), pg_cluster.create_db("crashed")
    with open_store(loaded) as store:
        store.write_batch(cables[:DEFER_MIN])
        with psycopg.connect(loaded, autocommit=True) as other:  # seen from outside
            assert missing_indexes(other) == [name for name, _ in DEFERRED]
        store.write_batch(cables[DEFER_MIN:])
    with open_store(loaded, read_only=True) as store:
        assert not missing_indexes(store.db)  # type: ignore[attr-defined]
        assert {h.id for h in store.search(parse_query("tag:PREL"), limit=1000).hits} == tagged

    store = open_store(crashed)
    store.write_batch(cables)
    store.db.close()  # type: ignore[attr-defined]  # the writer dies before building them
    with psycopg.connect(crashed, autocommit=True) as other:
        assert "versions_words" in missing_indexes(other)
    with open_store(crashed, read_only=True) as reader:  # the next open builds them
        assert not missing_indexes(reader.db)  # type: ignore[attr-defined]
        assert reader.search(parse_query("tag:PREL"), limit=1000).total == len(tagged)
        with open_store(loaded, read_only=True) as clean:
            assert reader.checksum() == clean.checksum()


def test_small_first_batches_keep_the_indexes(seeds_dir: Path, pg_cluster: Any) -> None:
    from cablescope.store.postgres_schema import missing_indexes

    url = pg_cluster.create_db("small")
    with open_store(url) as store:
        store.write_batch(list(cablescope.read(seeds_dir)))
        assert not missing_indexes(store.db)  # type: ignore[attr-defined]


def test_the_ingest_command_builds_a_bulk_loads_indexes_in_view(
    tmp_path: Path, pg_cluster: Any
) -> None:
    """The indexes a bulk load deferred are built before the summary, which says how long
    they took; a later ingest into the same archive defers nothing."""
    from typer.testing import CliRunner

    from cablescope.cli import app
    from cablescope.store.postgres import DEFER_MIN
    from cablescope.store.postgres_schema import DEFERRED, missing_indexes

    write_corpus(tmp_path / "corpus", 2 * DEFER_MIN, seed=13)
    url = pg_cluster.create_db("cli_bulk")
    args = ["ingest", str(tmp_path / "corpus"), "--db", url, "--no-progress", "--workers", "0"]
    first = CliRunner().invoke(app, args)
    assert first.exit_code == 0, first.output
    assert f"{len(DEFERRED)} indexes built in " in first.stderr
    with psycopg.connect(url, autocommit=True) as db:
        assert not missing_indexes(db)
    again = CliRunner().invoke(app, args)
    assert again.exit_code == 0, again.output
    assert "indexes built" not in again.stderr and "0 new versions" in again.stderr
