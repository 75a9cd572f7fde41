"""Cable text → safe HTML. Cable text is untrusted: it is escaped first, always, and only
then are our own tags (``<mark>``, the redaction ``<span>``) put around parts of it."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from cablescope.search.results import HIGHLIGHT

_OPEN, _CLOSE = (re.escape(str(escape(mark))) for mark in HIGHLIGHT)
_HIGHLIGHTED = re.compile(f"{_OPEN}([^{_OPEN}{_CLOSE}]*){_CLOSE}")
#: As the redactions rule counts them: 8+ X anywhere, or 4-7 X standing alone.
_REDACTED = re.compile(r"X{8,}|x{8,}|(?<![0-9A-Za-z])(?:X{4,7}|x{4,7})(?![0-9A-Za-z])")


def highlight(snippet: str | None) -> Markup:
    """A search snippet with the store's «matches» as ``<mark>``; unpaired marks stay text."""
    if not snippet:
        return Markup("")
    escaped = str(escape(snippet))
    return Markup(_HIGHLIGHTED.sub(r"<mark>\1</mark>", escaped))


def redacted(text: str | None) -> Markup:
    """Cable text with the publisher's X-runs shown as redactions (still readable as X)."""
    if not text:
        return Markup("")
    escaped = str(escape(text))
    return Markup(
        _REDACTED.sub(
            lambda m: (
                f'<span class="redaction" title="redacted by the publisher">{m.group()}</span>'
            ),
            escaped,
        )
    )


__all__ = ["highlight", "redacted"]
