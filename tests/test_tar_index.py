"""`tar_index.regular_members` lists a tar exactly as `tarfile` does, whatever its format."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from cablescope.tar_index import open_member, regular_members

_PART = st.text(
    alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x24F, exclude_characters="/"),
    min_size=1,
    max_size=60,
)
_MEMBER = st.tuples(
    st.lists(_PART, min_size=1, max_size=5).map("/".join),
    st.binary(max_size=1500),
    st.sampled_from(["file", "dir", "symlink"]),
)


def _tar(members: list[tuple[str, bytes, str]], fmt: int) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=fmt) as archive:
        for name, data, kind in members:
            info = tarfile.TarInfo(name)
            if kind == "dir":
                info.type = tarfile.DIRTYPE
                archive.addfile(info)
            elif kind == "symlink":
                info.type, info.linkname = tarfile.SYMTYPE, "elsewhere"
                archive.addfile(info)
            else:
                info.size = len(data)
                archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _expected(path: Path) -> list[tuple[str, int, int]]:
    with tarfile.open(path) as archive:
        return [(m.name, m.offset_data, m.size) for m in archive if m.isfile()]


@settings(max_examples=60, deadline=None)
@given(
    members=st.lists(_MEMBER, max_size=12),
    fmt=st.sampled_from([tarfile.USTAR_FORMAT, tarfile.GNU_FORMAT, tarfile.PAX_FORMAT]),
)
def test_lists_what_tarfile_lists(tmp_path_factory, members, fmt) -> None:
    try:
        data = _tar(members, fmt)
    except ValueError:  # a name ustar cannot hold (too long for name + prefix)
        return
    path = tmp_path_factory.mktemp("tar") / "t.tar"
    path.write_bytes(data)
    with open(path, "rb") as stream:
        listed = [tuple(entry) for entry in regular_members(stream)]
    assert listed == _expected(path)
    with tarfile.open(path) as archive:
        bodies = [archive.extractfile(m).read() for m in archive if m.isfile()]
    with open(path, "rb") as stream:
        assert [open_member(stream, e).read() for e in regular_members(stream)] == bodies


def test_long_and_non_ascii_names_hand_over_to_tarfile(tmp_path: Path) -> None:
    long_name = "cable/" + "x" * 150 + "/09STATE1.html"
    members = [
        ("cable/2009/01/09STATE1.html", b"first", "file"),
        (long_name, b"second", "file"),  # GNU long name: tarfile from here on
        ("cable/2009/01/09ROME2.html", b"third", "file"),
    ]
    path = tmp_path / "gnu.tar"
    path.write_bytes(_tar(members, tarfile.GNU_FORMAT))
    with open(path, "rb") as stream:
        listed = list(regular_members(stream))
    assert [e.name for e in listed] == [name for name, _, _ in members]
    assert [tuple(e) for e in listed] == _expected(path)
    with open(path, "rb") as stream:
        assert [open_member(stream, e).read() for e in listed] == [b"first", b"second", b"third"]


def test_a_corrupt_header_is_left_to_tarfile(tmp_path: Path) -> None:
    data = bytearray(_tar([("a.txt", b"1", "file"), ("b.txt", b"2", "file")], 0))
    data[512 * 2 + 10] ^= 0xFF  # b.txt's header: its checksum no longer matches
    path = tmp_path / "bad.tar"
    path.write_bytes(bytes(data))
    with open(path, "rb") as stream:
        listed = [e.name for e in regular_members(stream)]
    assert listed[0] == "a.txt"
    try:
        expected = [name for name, _, _ in _expected(path)]
    except tarfile.TarError:
        expected = None
    if expected is not None:
        assert listed == expected
