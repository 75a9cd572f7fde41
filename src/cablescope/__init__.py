"""Cablescope: read, parse, store, search and analyse corpora of diplomatic cables.

    >>> import cablescope
    >>> cable = cablescope.parse(text)          # one cable, format auto-detected
    >>> for cable in cablescope.read("corpus.tar.gz"): ...   # streaming
    >>> cablescope.extract.tags("TAGS: PREL, PGOV")
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cablescope.errors import CableError
from cablescope.model import Cable, ClassifiedBy, Paragraph, Precedence, Problem, Recipient, Reference
from cablescope.parse import parse

if TYPE_CHECKING:
    from collections.abc import Iterator
    from os import PathLike

__version__ = "0.1.0"


def read(path: str | PathLike[str], **options: Any) -> Iterator[Cable]:
    """Stream cables from a file, directory or archive (see `cablescope.read_files`)."""
    from cablescope.read import read as _read

    return _read(path, **options)


def __getattr__(name: str) -> Any:
    # `cablescope.extract` loads on first use: `parse` does not need the whole field API.
    if name == "extract":
        import importlib

        return importlib.import_module("cablescope.extract")
    raise AttributeError(name)


__all__ = [
    "Cable",
    "CableError",
    "ClassifiedBy",
    "Paragraph",
    "Precedence",
    "Problem",
    "Recipient",
    "Reference",
    "parse",
    "read",
]
