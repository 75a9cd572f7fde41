"""Member positions of a plain tar file on disk, read straight from its 512-byte headers.

Ingest hands tar members to parse workers by position, so the process that lists them only
needs each member's name, data offset and size. `tarfile` builds a full `TarInfo` per member
(and keeps every one in memory for the archive's life): at Cablegate size that was a tenth of
a millisecond per cable in the one process that also writes the database. This reads the
ustar fields it needs and nothing else, checksum verified. At the first header it does not
fully understand (pax or GNU long names, sparse files, base-256 sizes) it hands over to
`tarfile` from that header on, so every archive still lists exactly as `tarfile` lists it.
"""

from __future__ import annotations

import io
import os
import tarfile
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO, NamedTuple

_BLOCK = 512
#: Type flags of a regular file (`0`, old-style NUL, contiguous `7`), and of the types that
#: carry no data worth listing but are safe to step over (links, devices, directories, FIFOs).
_FILE_TYPES = frozenset(b"07\x00")
_SKIPPED_TYPES = frozenset(b"123456")
_ENCODING = tarfile.ENCODING


class TarEntry(NamedTuple):
    """A regular member: its name in the archive, where its data starts, and its size."""

    name: str
    offset: int
    size: int


def regular_members(stream: BinaryIO) -> Iterator[TarEntry]:
    """Regular-file members of the tar `stream` (a seekable file positioned at its start)."""
    offset = stream.tell()
    read = _reader(stream)
    while True:
        header = read(offset)
        if len(header) < _BLOCK or header == bytes(_BLOCK):
            return  # end of archive (or a truncated last block: tarfile stops there too)
        entry = _parse(header, offset)
        if entry is None:  # not a header this reads: tarfile takes over from here
            yield from _with_tarfile(stream, offset)
            return
        kind, name, size = entry
        data = offset + _BLOCK
        if kind in _FILE_TYPES and not (kind == 0 and name.endswith("/")):
            yield TarEntry(name, data, size)
        offset = data + (size + _BLOCK - 1) // _BLOCK * _BLOCK


def _reader(stream: BinaryIO) -> Callable[[int], bytes]:
    """The fastest way to read a block at an offset: pread where there is a descriptor."""
    try:
        fd = stream.fileno()
    except (AttributeError, OSError):
        fd = None
    if fd is not None:
        return lambda offset: os.pread(fd, _BLOCK, offset)

    def read(offset: int) -> bytes:
        stream.seek(offset)
        return stream.read(_BLOCK)

    return read


def _parse(header: bytes, offset: int) -> tuple[int, str, int] | None:
    """(type flag, name, size) of a plain ustar/v7 header, or None for anything else."""
    kind = header[156]
    if kind not in _FILE_TYPES and kind not in _SKIPPED_TYPES:
        return None  # pax, GNU long name, sparse, vendor extension
    size_field = header[124:136]
    if size_field[:1] in (b"\x80", b"\xff"):
        return None  # base-256 size
    try:
        size = int(size_field.rstrip(b"\x00 ").lstrip(b" ") or b"0", 8)
        stored = int(header[148:156].rstrip(b"\x00 ").lstrip(b" ") or b"-1", 8)
    except ValueError:
        return None
    if stored != sum(header[:148]) + 256 + sum(header[156:]):
        return None  # let tarfile report (or accept) the odd checksum
    name = header[:100].split(b"\x00", 1)[0]
    prefix = header[345:500].split(b"\x00", 1)[0]
    if prefix:  # as tarfile does, whatever the magic says
        name = prefix + b"/" + name
    return kind, name.decode(_ENCODING, "surrogateescape"), size


def open_member(stream: BinaryIO, entry: TarEntry) -> BinaryIO:
    """A member's data as a read-only stream of its own (for members too big to hand over)."""
    return io.BufferedReader(_Window(stream, entry.offset, entry.size), buffer_size=1 << 16)


class _Window(io.RawIOBase):
    """`size` bytes of `stream` from `start`, read on demand."""

    def __init__(self, stream: BinaryIO, start: int, size: int) -> None:
        self._stream, self._position, self._left = stream, start, size

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        count = min(len(buffer), self._left)
        if count <= 0:
            return 0
        self._stream.seek(self._position)
        data = self._stream.read(count)
        buffer[: len(data)] = data
        self._position += len(data)
        self._left -= len(data) if data else self._left
        return len(data)


def _with_tarfile(stream: BinaryIO, offset: int) -> Iterator[TarEntry]:
    stream.seek(offset)
    with tarfile.open(fileobj=stream, mode="r:") as archive:
        for member in archive:
            if member.isfile():
                yield TarEntry(member.name, member.offset_data, member.size)
            archive.members.clear()  # listed once, never looked up: keep memory flat


__all__ = ["TarEntry", "open_member", "regular_members"]
