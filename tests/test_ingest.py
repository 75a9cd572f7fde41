"""End-to-end ingest: the dev tarball, the CLI, `problems`, and a SIGKILLed run resumed."""

from __future__ import annotations

import gzip
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

import cablescope
from cablescope.cli import app
from cablescope.demo.generator import write_corpus
from cablescope.ingest import estimate_total, ingest, parse_and_flatten
from cablescope.reader import iter_sources
from cablescope.store import open_store


@pytest.mark.corpus
def test_dev_tarball(shared_path, tmp_path: Path) -> None:
    tarball = shared_path("corpus", "cablegate-html-dev.tar.gz")
    cables = list(cablescope.read(tarball))
    ids = {c.id for c in cables}
    texts = {(c.id, " ".join(c.raw.split())) for c in cables}
    with open_store(tmp_path / "dev.db") as store:
        report = ingest([tarball], store, batch_size=400)
        counts = store.counts()
        assert report.stored.cables == len(cables) == estimate_total([tarball])
        assert counts["cables"] == len(ids)
        assert counts["versions"] == len(texts)
        assert counts["paragraphs"] == sum(len(c.paragraphs) for c in cables)
        assert counts["problems"] == sum(len(c.problems) for c in cables)
        assert counts["tags"] == sum(len(c.tags) for c in cables)
        problems = list(store.problems())
        assert len(problems) == counts["problems"]
        # Cables the tarball holds twice under one id (a misnamed page) keep both texts.
        for cable_id in {c.id for c in cables if sum(d.id == c.id for d in cables) > 1}:
            assert cable_id is not None
            assert sum(v["default"] for v in store.versions(cable_id)) == 1
        before = store.checksum()
        again = ingest([tarball], store)
        assert (again.stored.new_versions, again.stored.new_sources) == (0, 0)
        assert store.checksum() == before and store.counts() == counts


def test_cli_ingest_and_problems(seeds_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    runner = CliRunner()
    broken = tmp_path / "broken.txt"
    broken.write_text("no cable here\n")
    result = runner.invoke(app, ["ingest", str(seeds_dir), str(broken), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "2 new cables" in result.output
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT count(*) FROM cables").fetchone()[0] == 2
        assert con.execute("SELECT count(*) FROM read_errors").fetchone()[0] == 1
        con.execute(
            "INSERT INTO problems VALUES ((SELECT min(id) FROM versions), 99, 'tags', 'odd', 7)"
        )
    listed = runner.invoke(app, ["problems", "--db", str(db), "--json", "--field", "tags"])
    assert listed.exit_code == 0, listed.output
    records = json.loads(listed.stdout)
    assert [(r["field"], r["message"], r["line"]) for r in records] == [("tags", "odd", 7)]
    assert runner.invoke(app, ["problems", "--db", str(db), "--field", "nope", "--nl"]).stdout == ""
    missing = runner.invoke(app, ["ingest", str(tmp_path / "nothing"), "--db", str(db)])
    assert missing.exit_code == 1


def _run_ingest(corpus: Path, db: Path) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-m",
        "cablescope.cli",
        "ingest",
        str(corpus),
        "--db",
        str(db),
        "--batch-size",
        "50",
        "--no-progress",
    ]
    return subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
    )


def test_sigkill_then_rerun_matches_a_clean_run(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    write_corpus(corpus, 1500, seed=3)
    clean_db, killed_db = tmp_path / "clean.db", tmp_path / "killed.db"
    assert _run_ingest(corpus, clean_db).wait(timeout=300) == 0

    process = _run_ingest(corpus, killed_db)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # kill once some batches are committed
        time.sleep(0.2)
        if killed_db.exists() and _committed(killed_db) >= 200:
            break
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    _assert_group_ends(process.pid)  # the parse workers notice and exit: no orphans
    partial = _committed(killed_db)
    with open_store(clean_db) as clean:
        total = clean.counts()["versions"]
        assert 0 < partial < total, "the kill must land mid-run"
    assert _run_ingest(corpus, killed_db).wait(timeout=300) == 0
    with open_store(clean_db) as clean, open_store(killed_db) as resumed:
        assert resumed.counts() == clean.counts()
        assert resumed.checksum() == clean.checksum()


def _assert_group_ends(group: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    os.killpg(group, signal.SIGKILL)
    pytest.fail("parse workers outlived the killed ingest")


def test_parallel_ingest_stores_exactly_what_inline_ingest_stores(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    write_corpus(corpus, 400, seed=5)  # every format, CSV and JSON Lines included
    (corpus / "zz-not-a-cable.txt").write_text("a shopping list\n")
    # A tar on disk is listed by position and its members read by the workers: one with
    # one-cable files, a CSV, a gzipped member and a member that is not a cable.
    bundle = tmp_path / "bundle.tar"
    with tarfile.open(bundle, "w") as tar:
        for path in sorted(corpus.rglob("*"))[::7]:
            if path.is_file():
                tar.add(path, arcname=f"b/{path.relative_to(corpus)}")
        text = next(p for p in sorted(corpus.rglob("*.txt")) if p.name != "zz-not-a-cable.txt")
        packed = tmp_path / "one.txt.gz"
        packed.write_bytes(gzip.compress(text.read_bytes()))
        tar.add(packed, arcname="b/zz/one.txt.gz")
        tar.add(corpus / "zz-not-a-cable.txt", arcname="b/zz/list.txt")
    reports, sums = [], []
    for workers in (0, 2):
        with open_store(tmp_path / f"w{workers}.db") as store:
            reports.append(ingest([corpus, bundle], store, batch_size=64, workers=workers))
            sums.append((store.checksum(), store.counts()))
    inline, parallel = reports
    assert sums[0] == sums[1]
    assert parallel.stored == inline.stored and inline.stored.cables >= 400
    assert parallel.problems == inline.problems
    assert parallel.failed == inline.failed
    not_cables = [source for source, _reason in inline.failed]
    assert str(corpus / "zz-not-a-cable.txt") in not_cables
    assert f"{bundle}:b/zz/list.txt" in not_cables


def test_ingest_dash_streams_a_corpus_piped_on_stdin(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    write_corpus(corpus, 300, seed=9)  # past INLINE_FIRST: the parse workers take part
    piped = tmp_path / "corpus.tar.gz"
    with tarfile.open(piped, "w:gz") as tar:
        tar.add(corpus, arcname="corpus")
    on_disk, from_stdin = tmp_path / "disk.db", tmp_path / "stdin.db"
    with open_store(on_disk) as store:
        ingest([corpus], store, workers=0)
    command = [sys.executable, "-m", "cablescope.cli", "ingest", "-", "--db", str(from_stdin)]
    with piped.open("rb") as stdin:
        run = subprocess.run(command, stdin=stdin, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    stored = "SELECT cable_id, number, content_hash FROM versions ORDER BY 1, 2"
    with sqlite3.connect(on_disk) as disk, sqlite3.connect(from_stdin) as piped_db:
        expected = disk.execute(stored).fetchall()
        assert len(expected) >= 300
        assert piped_db.execute(stored).fetchall() == expected
        names = [row[0] for row in piped_db.execute("SELECT name FROM sources")]
        assert names and all(name.startswith("<stdin>:corpus/") for name in names)
    assert f"{len(expected):,} new versions" in run.stderr
    # The same stream again changes nothing.
    with piped.open("rb") as stdin:
        again = subprocess.run(command, stdin=stdin, capture_output=True, text=True, check=False)
    assert again.returncode == 0 and "0 new versions" in again.stderr


def test_parse_dash_reads_an_archive_on_stdin(seeds_dir: Path, tmp_path: Path) -> None:
    archive = tmp_path / "seeds.tar"
    with tarfile.open(archive, "w") as tar:
        tar.add(seeds_dir, arcname="seeds")
    result = CliRunner().invoke(app, ["parse", "-", "--nl"], input=archive.read_bytes())
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert sorted(r["id"] for r in records) == ["08LONDON3062", "09STATE65183"]


def _committed(db: Path) -> int:
    try:
        with sqlite3.connect(db, timeout=1) as con:
            return con.execute("SELECT count(*) FROM versions").fetchone()[0]
    except sqlite3.Error:
        return 0


def test_a_failing_write_stops_the_run_with_its_error(tmp_path: Path) -> None:
    """Batches are written in a thread of their own: its error must reach the caller, and
    nothing after the failed batch may be written."""
    corpus = tmp_path / "corpus"
    write_corpus(corpus, 60, seed=3)
    written: list[int] = []
    with open_store(tmp_path / "a.db") as store:
        real_write = store.write_rows

        def write_rows(rows, errors=()):  # the Store signature
            if len(written) == 2:
                raise OSError("disk full")
            written.append(len(rows))
            return real_write(rows, errors)

        store.write_rows = write_rows  # type: ignore[method-assign]
        with pytest.raises(OSError, match="disk full"):
            ingest([corpus], store, batch_size=10, workers=0)
        assert written == [10, 10]
        assert store.counts()["versions"] == 20


def test_workers_prepare_the_rows_as_the_backend_asks(seeds_dir: Path, tmp_path: Path) -> None:
    """PostgreSQL's word vectors are built where the cable is parsed, equal to what its
    writer would build; SQLite asks for nothing."""
    from cablescope.store.postgres import _VECTORS, _vectors, prepare_vectors

    with open_store(tmp_path / "a.db") as store:
        assert store.row_preparer() is None
    errors: list[object] = []
    sources = list(iter_sources([seeds_dir], on_error=errors.append))
    assert len(sources) == 2 and not errors
    for source in sources:
        plain = parse_and_flatten(source)
        prepared = parse_and_flatten(source, prepare_vectors)
        assert len(plain) == len(prepared) == 1
        rows, problems = prepared[0]
        assert problems == plain[0][1]
        assert rows.version.pop(_VECTORS) == _vectors(plain[0][0])
        assert rows == plain[0][0]
