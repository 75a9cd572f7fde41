"""A collection's cables as JSON Lines or CSV: the full records from the archive, in the
collection's order, written as the API's query export writes them (no raw text; CSV cells
a spreadsheet would run as formulas are defused)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

from cablescope.output import write_nl

FORMATS = {"jsonl": "application/x-ndjson", "csv": "text/csv; charset=utf-8"}


def records(db: str, cable_ids: Iterable[str]) -> Iterator[dict[str, Any]]:
    """The default version of each cable, from a read-only store of the stream's own (a
    streamed answer outlives its request's thread); ids not in the archive are skipped."""
    from cablescope.store import open_store

    store = open_store(db, read_only=True)
    try:
        for cable_id in cable_ids:
            record = store.get(cable_id)
            if record is not None:
                record.pop("raw", None)
                yield record
    finally:
        store.close()


def lines(rows: Iterable[dict[str, Any]], format: str) -> Iterator[str]:
    """The export's text, a record at a time (CSV: a header row first)."""
    from cablescope.api.export import RECORD_KEYS, safe_cell
    from cablescope.api.security import html_safe_json

    if format == "jsonl":
        for record in rows:
            buffer = io.StringIO()
            write_nl([record], buffer)
            yield html_safe_json(buffer.getvalue())
        return
    columns = [key for key in RECORD_KEYS if key != "raw"]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for record in rows:
        writer.writerow([safe_cell(record.get(column)) for column in columns])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def filename(name: str, format: str) -> str:
    """A safe download name from the collection's name."""
    stem = "".join(c if c.isalnum() or c in "-_" else "-" for c in name).strip("-")[:60]
    return f"{stem or 'collection'}.{format}"


def download(db: str, collection: Any, format: str) -> Any:
    """The collection's cables as a streamed attachment named after it (API and pages)."""
    from starlette.responses import StreamingResponse

    return StreamingResponse(
        lines(records(db, list(collection.items)), format),
        media_type=FORMATS[format],
        headers={
            "content-disposition": f'attachment; filename="{filename(collection.name, format)}"'
        },
    )


__all__ = ["FORMATS", "download", "filename", "lines", "records"]
