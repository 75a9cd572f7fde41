"""Cablescope: read, parse, store, search and analyse corpora of diplomatic cables.

    >>> import cablescope
    >>> cable = cablescope.parse(text)          # one cable, format auto-detected
    >>> for cable in cablescope.read("corpus.tar.gz"): ...   # streaming
    >>> cablescope.extract.tags("TAGS: PREL, PGOV")
"""

from __future__ import annotations

from typing import Any

from cablescope.errors import CableError
from cablescope.model import (
    Cable,
    ClassifiedBy,
    Paragraph,
    Precedence,
    Problem,
    Recipient,
    Reference,
)
from cablescope.parse import parse
from cablescope.reader import iter_documents, read

__version__ = "0.1.0"


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
    "iter_documents",
    "parse",
    "read",
]
