"""Streaming reader: files, directories and archives → `Document`s → `Cable`s.

A corpus may be a directory tree, a ``.tar.gz`` of 250,000 pages or a 1.8 GB CSV dump, so
nothing is ever loaded or extracted whole: directories are walked lazily (sorted, hidden
files skipped), tar archives are read in stream mode one member at a time, zip members
and ``.gz`` / ``.bz2`` / ``.xz`` files are opened as streams, and multi-cable files (CSV,
JSON Lines) are parsed row by row. Formats and compressions are recognised from content.

`Document.name` is the file path as given, or ``archive.tar.gz:member/path`` for a member.
The path ``-`` is standard input, read as a stream like any other file (a single cable, a
CSV or JSON Lines dump, a tar, compressed or not) and named ``<stdin>``.
"""

from __future__ import annotations

import bz2
import contextlib
import gzip
import io
import lzma
import os
import sys
import tarfile
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from cablescope.errors import CableError
from cablescope.model import Cable
from cablescope.parse import parse_document
from cablescope.parse.formats.common import ReplayStream, read_head
from cablescope.parse.formats.detect import UnreadFile, iter_items, without_errors
from cablescope.parse.state import Document
from cablescope.tar_index import open_member, regular_members

PathArg = str | os.PathLike[str]
ErrorHandler = Callable[[CableError], object]

#: Errors of a damaged or unreadable file or archive: reported as `CableError`.
_READ_ERRORS = (
    OSError,
    EOFError,
    tarfile.TarError,
    zipfile.BadZipFile,
    zlib.error,
    lzma.LZMAError,
)
_MAGIC_BYTES = 512
#: The path that means standard input, and the name its cables are stored under.
STDIN = "-"
STDIN_NAME = "<stdin>"


def read(
    path: PathArg | Iterable[PathArg], *, on_error: ErrorHandler | None = None
) -> Iterator[Cable]:
    """Every cable under `path` (file, directory, archive, or a list of them), parsed.

    A file that is not a cable raises `CableError`; with `on_error` the error is handed to
    it and reading goes on.
    """
    for document in iter_documents(path, on_error=on_error):
        yield parse_document(document)


def iter_documents(
    path: PathArg | Iterable[PathArg], *, on_error: ErrorHandler | None = None
) -> Iterator[Document]:
    """Every cable under `path` as a format reader hands it over, before parsing."""
    return without_errors(_items(path), on_error)


def iter_sources(
    path: PathArg | Iterable[PathArg], *, on_error: ErrorHandler | None = None
) -> Iterator[Document | UnreadFile | TarMember]:
    """`iter_documents`, except that one-cable files come as `UnreadFile`s (their bytes,
    not yet decoded nor recognised) and members of tar files on disk as `TarMember`s (their
    position). Parallel ingest lists sources here and leaves reading, decoding and HTML
    extraction to its workers, which `read_source` does."""
    for item in _items(path, defer=True):
        if isinstance(item, CableError):
            if on_error is None:
                raise item
            on_error(item)
        else:
            yield item


def read_source(source: Document | UnreadFile | TarMember) -> list[Document | CableError]:
    """The documents of one `iter_sources` item (errors included as items)."""
    if isinstance(source, Document):
        return [source]
    if isinstance(source, TarMember):
        return list(source.items())
    try:
        return [source.document()]
    except CableError as error:
        return [error]


def _paths(path: PathArg | Iterable[PathArg]) -> Iterator[PathArg]:
    if isinstance(path, (str, os.PathLike)):
        yield path
    else:
        yield from path


def _items(path: PathArg | Iterable[PathArg], defer: bool = False) -> Iterator[Item]:
    for one in _paths(path):
        name = os.fspath(one)
        if name == STDIN:
            yield from _stdin_items(defer)
        elif os.path.isdir(name):
            yield from _directory_items(name, defer)
        elif os.path.exists(name):
            yield from _file_items(name, defer)
        else:
            yield CableError("no such file or directory", source=name)


def _directory_items(directory: str, defer: bool) -> Iterator[Item]:
    """Files under `directory`, recursively, sorted by name, hidden ones skipped."""
    try:
        with os.scandir(directory) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
    except OSError as exc:
        yield CableError(f"cannot list directory: {exc.strerror or exc}", source=directory)
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir(follow_symlinks=False):
            yield from _directory_items(entry.path, defer)
        elif entry.is_file():
            yield from _file_items(entry.path, defer)


def _file_items(name: str, defer: bool) -> Iterator[Item]:
    try:
        with open(name, "rb") as stream:
            yield from _stream_items(stream, name, defer, seekable=True)
            if defer:  # an ingest: read once
                _forget(stream.fileno(), 0, 0)
    except _READ_ERRORS as exc:
        yield CableError(f"cannot read: {_describe(exc)}", source=name)


def _stdin_items(defer: bool) -> Iterator[Item]:
    """Standard input, streamed: `zcat dump.tar.gz | cablescope ingest -` never needs the
    corpus on disk. Nothing can be read twice, so tar members travel as their bytes."""
    try:
        yield from _stream_items(sys.stdin.buffer, STDIN_NAME, defer)
    except _READ_ERRORS as exc:
        yield CableError(f"cannot read: {_describe(exc)}", source=STDIN_NAME)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _hidden(member: str) -> bool:
    """Dot-files and macOS resource forks inside archives are not cables."""
    return any(part.startswith(".") or part == "__MACOSX" for part in member.split("/") if part)


def _stream_items(
    stream: BinaryIO, name: str, defer: bool, *, seekable: bool = False
) -> Iterator[Item]:
    """Cables of one binary stream: unwrap compression and archives, then read the file.

    Only a file on disk counts as `seekable`: decompressors and archive members claim to
    seek but do it by re-reading (or not at all), so their sniffed head is replayed.
    """
    head = read_head(stream, _MAGIC_BYTES)
    if seekable:
        stream.seek(0)
    else:
        stream = io.BufferedReader(ReplayStream(head, stream), buffer_size=1 << 16)

    decompress = _decompressor(head)
    if decompress is not None:
        with decompress(stream) as inner:
            yield from _stream_items(inner, name, defer)
    elif head[257:262] == b"ustar":
        if defer and seekable:
            yield from _tar_members_by_position(stream, name)
        else:
            yield from _tar_items(stream, name, defer)
    elif head[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        yield from _zip_items(stream if seekable else io.BytesIO(stream.read()), name, defer)
    else:
        yield from iter_items(stream, name, defer=defer)


def _decompressor(head: bytes) -> Callable[[BinaryIO], BinaryIO] | None:
    """gzip, bzip2 or xz, from the magic bytes at the start of a stream."""
    if head[:2] == b"\x1f\x8b":
        return lambda stream: gzip.GzipFile(fileobj=stream, mode="rb")
    if head[:3] == b"BZh" and head[4:10] == b"1AY&SY":
        return bz2.BZ2File
    if head[:6] == b"\xfd7zXZ\x00":
        return lzma.LZMAFile
    return None


def _tar_items(stream: BinaryIO, name: str, defer: bool) -> Iterator[Item]:
    """Members of a tar, read in stream mode: one at a time, never extracted."""
    with tarfile.open(fileobj=stream, mode="r|", bufsize=1 << 16) as archive:
        for member in archive:
            if not member.isfile() or _hidden(member.name):
                continue
            extracted = archive.extractfile(member)
            if extracted is None:
                continue
            member_name = f"{name}:{member.name}"
            try:
                yield from _stream_items(extracted, member_name, defer)
            except _READ_ERRORS as exc:
                if isinstance(exc, tarfile.TarError):
                    raise
                yield CableError(f"cannot read: {_describe(exc)}", source=member_name)


#: Tar members up to this size go to parse workers by position; bigger ones (a CSV dump
#: inside a tar) are streamed here, so no worker ever holds a huge member in memory.
_DEFER_MEMBER_BYTES = 8 << 20


@dataclass(slots=True, frozen=True)
class TarMember:
    """A member of a tar file on disk, by position: whoever reads it needs no tar stream."""

    path: str
    offset: int
    size: int
    name: str

    def items(self) -> Iterator[Document | CableError]:
        """Its cables (and errors), read exactly as the member would be inside the tar."""
        try:
            with open(self.path, "rb") as archive:
                archive.seek(self.offset)
                data = archive.read(self.size)
                _forget(archive.fileno(), self.offset, self.size)
            yield from _stream_items(io.BytesIO(data), self.name, False, seekable=True)
        except _READ_ERRORS as exc:
            yield CableError(f"cannot read: {_describe(exc)}", source=self.name)


Item = Document | CableError | UnreadFile | TarMember


def _forget(fd: int, offset: int, size: int) -> None:
    """Tell the kernel that what was just read (a member, or a whole file when `size` is 0)
    will not be read again. An ingest reads its corpus once, while the archive it writes is
    read back all the time (index merges): at 250k cables the 17.6 GB of pages and the
    8.5 GB archive do not both fit in the page cache, and cached pages of the corpus only
    pushed out the archive's."""
    with contextlib.suppress(AttributeError, OSError):  # not on this OS, or not a file
        os.posix_fadvise(fd, offset, size, os.POSIX_FADV_DONTNEED)


def _tar_members_by_position(stream: BinaryIO, name: str) -> Iterator[Item]:
    """A tar file on disk, listed by seeking from header to header: members are not read."""
    for entry in regular_members(stream):
        if _hidden(entry.name):
            continue
        member_name = f"{name}:{entry.name}"
        if entry.size <= _DEFER_MEMBER_BYTES:
            yield TarMember(name, entry.offset, entry.size, member_name)
        else:
            yield from _stream_items(open_member(stream, entry), member_name, True)


def _zip_items(stream: BinaryIO, name: str, defer: bool) -> Iterator[Item]:
    with zipfile.ZipFile(stream) as archive:
        for info in archive.infolist():
            if info.is_dir() or _hidden(info.filename):
                continue
            member_name = f"{name}:{info.filename}"
            try:
                with archive.open(info) as member:
                    yield from _stream_items(member, member_name, defer)
            except (*_READ_ERRORS, RuntimeError) as exc:  # RuntimeError: an encrypted member
                yield CableError(f"cannot read: {_describe(exc)}", source=member_name)


__all__ = [
    "STDIN",
    "STDIN_NAME",
    "TarMember",
    "iter_documents",
    "iter_sources",
    "read",
    "read_source",
]
