"""`cablescope.read` / `iter_documents`: files, directories, archives, lists, errors.

Archives are built in tmp_path from the seeds; the real cablegate tarball is streamed
whole once, its member names giving the expected ids.
"""

from __future__ import annotations

import gzip
import io
import os
import shutil
import tarfile
import zipfile
from pathlib import Path

import pytest

import cablescope
from cablescope import Cable, CableError
from cablescope.reader import TarMember, iter_documents, iter_sources, read

SEED_IDS = ["08LONDON3062", "09STATE65183"]


def _ids(documents) -> list[str]:
    return [doc.metadata["id"] for doc in documents]


@pytest.fixture
def corpus(tmp_path: Path, seeds_dir: Path) -> Path:
    """tmp/corpus/{b/09STATE65183.txt, a/08LONDON3062.txt, .hidden.txt, a/.DS_Store}"""
    root = tmp_path / "corpus"
    (root / "a").mkdir(parents=True)
    (root / "b").mkdir()
    shutil.copy(seeds_dir / "08LONDON3062.txt", root / "a")
    shutil.copy(seeds_dir / "09STATE65183.txt", root / "b")
    (root / ".hidden.txt").write_text("not a cable")
    (root / "a" / ".DS_Store").write_bytes(b"\x00\x01binary")
    return root


# -- files and directories --------------------------------------------------------------------


def test_single_file(seeds_dir: Path) -> None:
    path = seeds_dir / "08LONDON3062.txt"
    (doc,) = iter_documents(path)
    assert doc.name == str(path)
    assert doc.metadata["id"] == "08LONDON3062"


def test_directory_recursive_sorted_hidden_skipped(corpus: Path) -> None:
    docs = list(iter_documents(corpus))
    assert _ids(docs) == SEED_IDS
    assert [doc.name for doc in docs] == [
        str(corpus / "a" / "08LONDON3062.txt"),
        str(corpus / "b" / "09STATE65183.txt"),
    ]


def test_list_of_paths_in_given_order(seeds_dir: Path) -> None:
    paths = [seeds_dir / "09STATE65183.txt", str(seeds_dir / "08LONDON3062.txt")]
    assert _ids(iter_documents(paths)) == ["09STATE65183", "08LONDON3062"]


def test_read_yields_parsed_cables(seeds_dir: Path) -> None:
    cables = list(read(seeds_dir))
    assert all(isinstance(cable, Cable) for cable in cables)
    assert [cable.source.name for cable in cables] == [
        str(seeds_dir / f"{ident}.txt") for ident in SEED_IDS
    ]
    assert [cable.source.format for cable in cables] == ["wikileaks_text"] * 2
    assert [cable.source.line for cable in cables] == [6, 6]  # the header's line


def test_package_level_read_delegates(seeds_dir: Path) -> None:
    cables = list(cablescope.read(seeds_dir, on_error=None))
    assert [cable.source.name for cable in cables] == [
        str(seeds_dir / f"{ident}.txt") for ident in SEED_IDS
    ]


# -- archives ---------------------------------------------------------------------------------


def _tar(path: Path, seeds_dir: Path, mode: str) -> Path:
    with tarfile.open(str(path), mode) as archive:
        for ident in SEED_IDS:
            archive.add(seeds_dir / f"{ident}.txt", arcname=f"cables/{ident}.txt")
        hidden = tarfile.TarInfo("cables/._08LONDON3062.txt")
        hidden.size = 4
        archive.addfile(hidden, io.BytesIO(b"junk"))
    return path


@pytest.mark.parametrize(
    ("suffix", "mode"),
    [
        (".tar.gz", "w:gz"),
        (".tgz", "w:gz"),
        (".tar", "w"),
        (".tar.bz2", "w:bz2"),
        (".tar.xz", "w:xz"),
    ],
)
def test_tar_archives(tmp_path: Path, seeds_dir: Path, suffix: str, mode: str) -> None:
    archive = _tar(tmp_path / f"seeds{suffix}", seeds_dir, mode)
    docs = list(iter_documents(archive))
    assert _ids(docs) == SEED_IDS
    assert [doc.name for doc in docs] == [f"{archive}:cables/{ident}.txt" for ident in SEED_IDS]


class _Stdin:
    """What `sys.stdin` is to the reader: its bytes are under `.buffer`, and they can only
    be read forwards."""

    def __init__(self, data: bytes) -> None:
        self.buffer = _ForwardOnly(data)


class _ForwardOnly(io.RawIOBase):
    def __init__(self, data: bytes) -> None:
        self.data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        chunk = self.data.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


@pytest.mark.parametrize("mode", ["w|", "w|gz", "w|xz"])
def test_dash_reads_an_archive_streamed_on_stdin(
    tmp_path: Path, seeds_dir: Path, mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = _tar(tmp_path / "seeds.tar", seeds_dir, mode)
    monkeypatch.setattr("sys.stdin", _Stdin(archive.read_bytes()))
    docs = list(iter_documents("-"))
    assert _ids(docs) == SEED_IDS
    assert [doc.name for doc in docs] == [f"<stdin>:cables/{ident}.txt" for ident in SEED_IDS]


def test_dash_reads_one_cable_on_stdin(seeds_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", _Stdin((seeds_dir / "09STATE65183.txt").read_bytes()))
    (cable,) = read(["-"])
    assert (cable.id, cable.source.name) == ("09STATE65183", "<stdin>")


def test_a_truncated_stream_on_stdin_keeps_what_came_whole(
    tmp_path: Path, seeds_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = _tar(tmp_path / "seeds.tar", seeds_dir, "w|")
    data = archive.read_bytes()
    with tarfile.open(archive) as listing:
        second = listing.getmember(f"cables/{SEED_IDS[1]}.txt")
    cut = second.offset_data + 100  # the first member whole, the second one cut short
    monkeypatch.setattr("sys.stdin", _Stdin(data[:cut]))
    errors: list[CableError] = []
    docs = list(iter_documents("-", on_error=errors.append))
    assert _ids(docs) == SEED_IDS[:1]
    assert [error.source for error in errors] == ["<stdin>"]
    assert "cannot read" in str(errors[0])


def test_an_ingest_lets_the_page_cache_forget_what_it_has_read(
    tmp_path: Path, seeds_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sources listed for an ingest (members of a tar on disk, whole files) are read once:
    each read is followed by POSIX_FADV_DONTNEED over exactly what was read."""
    archive = _tar(tmp_path / "seeds.tar", seeds_dir, "w")
    advice: list[tuple[str, int, int, int]] = []
    real = os.posix_fadvise

    def record(fd: int, offset: int, size: int, what: int) -> None:
        advice.append((os.readlink(f"/proc/self/fd/{fd}"), offset, size, what))
        real(fd, offset, size, what)

    monkeypatch.setattr(os, "posix_fadvise", record)
    members = [s for s in iter_sources([archive]) if isinstance(s, TarMember)]
    assert [m.name for m in members] == [f"{archive}:cables/{i}.txt" for i in SEED_IDS]
    assert advice == [(str(archive), 0, 0, os.POSIX_FADV_DONTNEED)]  # the listing, done
    advice.clear()
    for member in members:
        assert [d.metadata["id"] for d in member.items()] == [member.name.rsplit("/")[-1][:-4]]
    expected = [(str(archive), m.offset, m.size, os.POSIX_FADV_DONTNEED) for m in members]
    assert advice == expected
    advice.clear()
    assert _ids(iter_documents(archive)) == SEED_IDS  # a plain read gives no advice
    assert advice == []


def test_zip_archive(tmp_path: Path, seeds_dir: Path) -> None:
    archive = tmp_path / "seeds.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for ident in SEED_IDS:
            zf.write(seeds_dir / f"{ident}.txt", arcname=f"x/{ident}.txt")
        zf.writestr("__MACOSX/x/._08LONDON3062.txt", b"junk")
        zf.writestr("x/", b"")
    docs = list(iter_documents(archive))
    assert _ids(docs) == SEED_IDS
    assert docs[0].name == f"{archive}:x/08LONDON3062.txt"


def test_gzip_file(tmp_path: Path, seeds_dir: Path) -> None:
    path = tmp_path / "08LONDON3062.txt.gz"
    path.write_bytes(gzip.compress((seeds_dir / "08LONDON3062.txt").read_bytes()))
    (doc,) = iter_documents(path)
    assert doc.metadata["id"] == "08LONDON3062"
    assert doc.name == str(path)


def test_nested_archive_and_multi_cable_member(tmp_path: Path, seeds_dir: Path) -> None:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as zf:
        zf.write(seeds_dir / "09STATE65183.txt", arcname="09STATE65183.txt")
    csv_rows = "".join(
        f'"{n}","1/2/2007 10:00","07KINGSTON{n}","Embassy Kingston","UNCLASSIFIED","",'
        f'"FM AMEMBASSY KINGSTON","UNCLAS KINGSTON 00000{n}\n"\n'
        for n in (1, 2)
    )
    outer = tmp_path / "bundle.tar.gz"
    with tarfile.open(outer, "w:gz") as archive:
        for name, data in (
            ("inner.zip", inner.getvalue()),
            ("dump.csv.gz", gzip.compress(csv_rows.encode())),
        ):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    docs = list(iter_documents(outer))
    assert _ids(docs) == ["09STATE65183", "07KINGSTON1", "07KINGSTON2"]
    assert [doc.name for doc in docs] == [
        f"{outer}:inner.zip:09STATE65183.txt",
        f"{outer}:dump.csv.gz",
        f"{outer}:dump.csv.gz",
    ]


def test_archive_is_streamed_lazily(tmp_path: Path, seeds_dir: Path) -> None:
    """The first cable comes out before a bad member later in the archive is even read."""
    archive = tmp_path / "mixed.tar.gz"
    with tarfile.open(archive, "w:gz") as tf:
        tf.add(seeds_dir / "08LONDON3062.txt", arcname="1.txt")
        data = b"no cable here\n"
        info = tarfile.TarInfo("2.txt")
        info.size = len(data)
        tf.addfile(info, io.BytesIO(data))
    documents = iter_documents(archive)
    assert next(documents).metadata["id"] == "08LONDON3062"
    with pytest.raises(CableError) as caught:
        next(documents)
    assert caught.value.source == f"{archive}:2.txt"


# -- errors -----------------------------------------------------------------------------------


def test_not_a_cable_raises_with_file_and_line(corpus: Path) -> None:
    bad = corpus / "a" / "notes.txt"
    bad.write_text("\nshopping list:\n- milk\n")
    with pytest.raises(CableError) as caught:
        list(iter_documents(corpus))
    assert caught.value.source == str(bad)
    assert caught.value.line == 2
    assert "not a cable" in caught.value.reason


def test_on_error_reports_and_reading_goes_on(corpus: Path, tmp_path: Path) -> None:
    (corpus / "a" / "notes.txt").write_text("shopping list\n")
    (corpus / "b" / "broken.tar.gz").write_bytes(gzip.compress(b"x" * 5000)[:60])
    errors: list[CableError] = []
    missing = tmp_path / "missing.txt"
    cables = list(read([corpus, missing], on_error=errors.append))
    assert [cable.source.name.rsplit("/", 1)[-1] for cable in cables] == [
        "08LONDON3062.txt",
        "09STATE65183.txt",
    ]
    assert sorted(Path(error.source).name for error in errors) == [
        "broken.tar.gz",
        "missing.txt",
        "notes.txt",
    ]
    assert all(error.reason for error in errors)


def test_missing_path_raises() -> None:
    with pytest.raises(CableError, match="no such file"):
        list(iter_documents("/nonexistent/cables"))


# -- the real cablegate tarball -----------------------------------------------------------------


@pytest.mark.corpus
def test_whole_cablegate_tarball(shared_path) -> None:
    tarball = shared_path("corpus", "cablegate-html-dev.tar.gz")
    count = 0
    for doc in iter_documents(tarball):
        count += 1
        stem = doc.name.rsplit("/", 1)[-1].removesuffix(".html")
        assert doc.name.startswith(f"{tarball}:cable/")
        assert doc.metadata["id"] == stem
        for key in ("date", "classification", "origin"):
            assert doc.metadata.get(key), (stem, key)
        assert doc.name.split(":")[-1].split("/")[1] == doc.metadata["date"][:4]
    assert count == 3347


@pytest.mark.corpus
def test_read_cablegate_tarball_pages(shared_path) -> None:
    tarball = shared_path("corpus", "cablegate-html-dev.tar.gz")
    cables = []
    for cable in read(tarball):
        cables.append(cable)
        if len(cables) == 40:
            break
    assert len(cables) == 40
    for cable in cables:
        assert cable.source.format == "cablegate_html"
        assert cable.source.name.startswith(f"{tarball}:cable/")
        assert cable.source.offset is not None


def test_package_read_is_the_streaming_reader(seeds_dir: Path) -> None:
    import cablescope.reader as module

    assert cablescope.read is module.read
    assert len(list(cablescope.read(seeds_dir))) == 2
