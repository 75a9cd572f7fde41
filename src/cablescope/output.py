"""Record writers shared by the commands: JSON array, JSON Lines, CSV and Rich tables.

Every writer takes an iterator of record dicts (`Cable.to_dict()` or a selection of it) and
writes as it goes, so a corpus of any size streams through in constant memory. Field
selection uses dotted paths (``sender.name``); a path through a list maps over it
(``paragraphs.number`` → ``[1, 2, 3]``), which keeps one row per cable in every format.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

Record = dict[str, Any]

#: Separator for lists of plain values in CSV cells and table cells.
LIST_SEPARATOR = "; "

_MISSING = object()


# -- field selection ------------------------------------------------------------------------
def get_path(record: Any, path: str) -> Any:
    """The value at a dotted path; lists along the way are mapped over, absent keys are None."""
    value = record
    for key in path.split("."):
        value = _step(value, key)
        if value is _MISSING:
            return None
    return value


def _step(value: Any, key: str) -> Any:
    if isinstance(value, dict):
        return value.get(key, _MISSING)
    if isinstance(value, list):
        items = [_step(item, key) for item in value]
        return [item for item in items if item is not _MISSING]
    return _MISSING


def select(record: Record, fields: Sequence[str] | None) -> Record:
    """The record reduced to `fields` (dotted paths become flat keys), or as is when None."""
    if not fields:
        return record
    return {path: get_path(record, path) for path in fields}


def parse_fields(spec: str | None) -> list[str]:
    """``"id, date,sender.name"`` → ``["id", "date", "sender.name"]`` (order kept, no repeats)."""
    if not spec:
        return []
    seen: dict[str, None] = {}
    for part in spec.split(","):
        name = part.strip()
        if name:
            seen.setdefault(name, None)
    return list(seen)


# -- cell rendering -------------------------------------------------------------------------
def _is_plain(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def _scalar_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def csv_cell(value: Any) -> str:
    """One CSV cell: plain values as text, lists of plain values joined, anything nested as JSON.

    Booleans are written ``true``/``false`` and None as the empty cell, like JSON would say it.
    """
    if _is_plain(value):
        return _scalar_text(value)
    if isinstance(value, list) and all(_is_plain(item) for item in value):
        return LIST_SEPARATOR.join(_scalar_text(item) for item in value)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


#: Record keys whose lists a table shows as a count (``paragraphs`` → ``9``).
COUNTED_FIELDS = frozenset({"paragraphs", "problems", "references", "to", "info", "comments"})


def table_cell(value: Any, *, counted: bool = False) -> str:
    """One table cell: short and readable; lists of objects (or `counted`) show as a count."""
    if _is_plain(value):
        return _scalar_text(value)
    if isinstance(value, list):
        if counted:
            return str(len(value))
        if all(_is_plain(item) for item in value):
            return LIST_SEPARATOR.join(_scalar_text(item) for item in value)
        return str(len(value))
    if isinstance(value, dict):
        return " ".join(f"{k}={_scalar_text(v)}" for k, v in value.items() if _is_plain(v) and v)
    return str(value)


# -- writers --------------------------------------------------------------------------------
#: Records are trees of plain values: skipping the circular-reference check is safe and cheaper.
_encode = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode


def write_nl(records: Iterable[Record], out: TextIO) -> int:
    """JSON Lines: one record a line. Returns the number written."""
    count = 0
    for record in records:
        out.write(_encode(record))
        out.write("\n")
        count += 1
    return count


def write_json(records: Iterable[Record], out: TextIO) -> int:
    """A JSON array written element by element, so it never holds the corpus in memory."""
    count = 0
    out.write("[")
    for record in records:
        out.write(",\n" if count else "\n")
        out.write(_encode(record))
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count


def write_csv(records: Iterable[Record], out: TextIO, fields: Sequence[str] | None = None) -> int:
    """CSV with a header row; columns are `fields`, or the keys of the first record."""
    writer = csv.writer(out, lineterminator="\n")
    columns: list[str] | None = list(fields) if fields else None
    if columns:
        writer.writerow(columns)
    count = 0
    for record in records:
        if columns is None:
            columns = list(record)
            writer.writerow(columns)
        writer.writerow([csv_cell(record.get(column)) for column in columns])
        count += 1
    return count


#: Column widths for well-known fields in tables (others share what is left).
_TABLE_WIDTHS: dict[str, int] = {
    "id": 18,
    "date": 10,
    "classification": 20,
    "origin": 20,
    "paragraphs": 5,
    "problems": 5,
    "sections": 5,
    "redactions": 5,
}


#: Columns that keep their width in a narrow console.
_KEEP_WIDTH = frozenset({"id", "date"})


class TableWriter:
    """A Rich table printed in chunks as records arrive, with fixed column widths.

    Rich sizes a table from all its rows; fixing the widths lets each chunk be printed
    as soon as it fills, and the chunks line up as one table.
    """

    def __init__(
        self,
        console: Console,
        columns: Sequence[str],
        *,
        headers: Sequence[str] | None = None,
        title: str | None = None,
        chunk_size: int = 200,
    ) -> None:
        self.console = console
        self.columns = list(columns)
        self.headers = list(headers) if headers else list(columns)
        self.title = title
        self.chunk_size = chunk_size
        self.widths = self._widths()
        self._rows: list[list[str]] = []
        self._printed_header = False
        self.count = 0

    def _widths(self) -> list[int]:
        """Known columns get their usual width, the rest share what is left; all shrink
        together when the console is too narrow (Rich would otherwise squeeze each chunk
        differently and the chunks would not line up)."""
        count = len(self.columns)
        room = self.console.width - 3 * count - 1  # padding and borders
        widths = [
            max(_TABLE_WIDTHS[c], len(h)) if c in _TABLE_WIDTHS else 0
            for c, h in zip(self.columns, self.headers, strict=True)
        ]
        free = [i for i, w in enumerate(widths) if w == 0]
        fixed_total = sum(widths)
        share = max(12, (room - fixed_total) // len(free)) if free else 0
        total = fixed_total + share * len(free)
        if total > room > 0:
            # Too narrow: id and date keep their width, the others shrink alike.
            kept = sum(widths[i] for i, c in enumerate(self.columns) if c in _KEEP_WIDTH)
            scale = max(0.0, room - kept) / max(1, total - kept)
            widths = [
                w if c in _KEEP_WIDTH else max(4, int(w * scale))
                for c, w in zip(self.columns, widths, strict=True)
            ]
            share = max(4, int(share * scale))
        return [w or share for w in widths]

    def write(self, record: Record) -> None:
        self._rows.append(
            [
                table_cell(record.get(column), counted=column in COUNTED_FIELDS)
                for column in self.columns
            ]
        )
        self.count += 1
        if len(self._rows) >= self.chunk_size:
            self.flush()

    def flush(self) -> None:
        if not self._rows and self._printed_header:
            return
        table = Table(
            title=None if self._printed_header else self.title,
            show_header=not self._printed_header,
            header_style="bold",
            pad_edge=True,
            expand=False,
        )
        for header, width in zip(self.headers, self.widths, strict=True):
            table.add_column(header, width=width, no_wrap=True, overflow="ellipsis")
        for row in self._rows:
            table.add_row(*(Text(cell) for cell in row))  # Text: cable text is not markup
        self.console.print(table)
        self._rows.clear()
        self._printed_header = True

    def close(self) -> int:
        self.flush()
        return self.count


def write_table(
    records: Iterable[Record],
    console: Console,
    columns: Sequence[str],
    *,
    headers: Sequence[str] | None = None,
    title: str | None = None,
    chunk_size: int = 200,
) -> int:
    """Print records as a table (see `TableWriter`). Returns the number written."""
    writer = TableWriter(console, columns, headers=headers, title=title, chunk_size=chunk_size)
    for record in records:
        writer.write(record)
    return writer.close()


#: What the table shows when no fields are asked for.
DEFAULT_TABLE_FIELDS: tuple[str, ...] = (
    "id",
    "date",
    "origin",
    "classification",
    "subject",
    "paragraphs",
    "problems",
)


def iter_selected(records: Iterable[Record], fields: Sequence[str] | None) -> Iterator[Record]:
    """Records reduced to `fields`, lazily."""
    for record in records:
        yield select(record, fields)


__all__ = [
    "DEFAULT_TABLE_FIELDS",
    "LIST_SEPARATOR",
    "TableWriter",
    "csv_cell",
    "get_path",
    "iter_selected",
    "parse_fields",
    "select",
    "table_cell",
    "write_csv",
    "write_json",
    "write_nl",
    "write_table",
]
