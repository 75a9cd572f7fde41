"""The stored form of the text as read (`records.compress_raw`): zstd for new versions, while
archives written before it (zlib) still read back, through the codec and through a store."""

from __future__ import annotations

import sqlite3
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

import cablescope
from cablescope.store import open_store
from cablescope.store.records import compress_raw, decompress_raw, to_rows


@given(st.text())
def test_any_text_round_trips(text: str) -> None:
    assert decompress_raw(compress_raw(text)) == text


def test_lone_surrogates_and_nul_survive() -> None:
    text = "CONFIDENTIAL\x00 \udcff ¶2. (C) text"
    assert decompress_raw(compress_raw(text)) == text


def test_threads_compress_and_decompress_at_once(seeds_dir: Path) -> None:
    """The codec keeps a zstd context per thread: the web server's threads share it."""
    seed = (seeds_dir / "08LONDON3062.txt").read_text()

    def round_trips(worker: int) -> int:
        texts = [f"{worker}-{i} {seed[i * 7 :]}" for i in range(300)]
        return sum(decompress_raw(compress_raw(text)) == text for text in texts)

    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(round_trips, range(16))) == [300] * 16


def test_new_blobs_are_zstd_and_zlib_blobs_still_read() -> None:
    text = "SUBJECT: A TEST\n\n1. (U) Paragraph one.\n" * 40
    blob = compress_raw(text)
    assert blob[:4] == b"\x28\xb5\x2f\xfd"  # a zstd frame
    assert len(blob) < len(text) / 4
    assert decompress_raw(zlib.compress(text.encode(), 1)) == text
    assert decompress_raw(memoryview(blob)) == text  # as some drivers hand BLOBs back


def test_an_archive_written_with_zlib_reads_back(seeds_dir: Path, tmp_path: Path) -> None:
    cables = list(cablescope.read(seeds_dir))
    path = tmp_path / "old.db"
    with open_store(str(path)) as store:
        store.write_rows([to_rows(c) for c in cables])
    with sqlite3.connect(path) as db:  # what Cablescope before zstd stored
        for cable in cables:
            db.execute(
                "UPDATE versions SET raw = ? WHERE cable_id = ?",
                (zlib.compress(cable.raw.encode(), 1), cable.id),
            )
        kinds = {bytes(raw[:1]) for (raw,) in db.execute("SELECT raw FROM versions")}
    assert kinds == {b"\x78"}
    with open_store(str(path), read_only=True) as store:
        for cable in cables:
            record = store.get(cable.id)
            assert record is not None and record["raw"] == cable.raw
