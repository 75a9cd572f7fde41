"""The one exception type a caller of `parse`/`read` has to handle."""

from __future__ import annotations


class CableError(ValueError):
    """The input is not a cable at all (or cannot be read): names the file, line and reason.

    Field-level trouble never raises: it becomes a `Problem` on the record instead.
    """

    def __init__(self, reason: str, *, source: str | None = None, line: int | None = None) -> None:
        self.reason = reason
        self.source = source
        self.line = line
        where = source or "<text>"
        if line is not None:
            where = f"{where}:{line}"
        super().__init__(f"{where}: {reason}")


class StoreError(RuntimeError):
    """The archive could not be reached or written (a database server stopped, refused the
    connection, …): the message names the archive and says what to do."""
