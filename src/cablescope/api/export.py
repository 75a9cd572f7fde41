"""Export every cable matching a query as JSON Lines or CSV, streamed: records leave as the
store reads them, so memory stays flat whatever the archive's size.

CSV is flattened like the CLI's (`output.csv_cell`: lists joined with '; ', objects as JSON),
and a cell a spreadsheet would run as a formula (=, +, -, @, tab, CR first) gets a leading
apostrophe: cable text is untrusted, and a CSV export is opened in spreadsheets."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse

from cablescope.api.errors import ApiError, documented
from cablescope.api.queries import parse_optional
from cablescope.api.search_routes import OptionalQuery
from cablescope.api.security import html_safe_json
from cablescope.model import Cable
from cablescope.output import csv_cell, parse_fields, select, write_nl
from cablescope.store import Store, open_store

router = APIRouter(tags=["export"])

#: Every key of a record, in the record's order (the CSV columns when no fields are asked).
RECORD_KEYS: tuple[str, ...] = tuple(Cable().to_dict(include_raw=True))
MAX_FIELDS = 64
MEDIA_TYPES = {"jsonl": "application/x-ndjson", "csv": "text/csv; charset=utf-8"}
#: Records per chunk sent: large enough to keep the overhead down, small enough to stream.
CHUNK = 100
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    """A CSV cell that spreadsheets show as text, never evaluate."""
    text = csv_cell(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _fields(spec: str | None, include_raw: bool) -> list[str]:
    fields = parse_fields(spec)
    if len(fields) > MAX_FIELDS:
        raise ApiError(400, f"at most {MAX_FIELDS} fields")
    for name in fields:
        if name.split(".", 1)[0] not in RECORD_KEYS:
            raise ApiError(400, f"unknown field {name!r} (known: {', '.join(RECORD_KEYS)})")
    if fields:
        return fields
    return [key for key in RECORD_KEYS if include_raw or key != "raw"]


def _jsonl(records: Iterator[dict[str, Any]]) -> Iterator[str]:
    buffer = io.StringIO()
    for count, record in enumerate(records, start=1):
        write_nl([record], buffer)
        if count % CHUNK == 0:
            yield html_safe_json(buffer.getvalue())
            buffer.seek(0)
            buffer.truncate()
    yield html_safe_json(buffer.getvalue())


def _csv(records: Iterator[dict[str, Any]], columns: list[str]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for count, record in enumerate(records, start=1):
        writer.writerow([safe_cell(record.get(column)) for column in columns])
        if count % CHUNK == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _records(db: str, tree: Any, include_raw: bool, fields: list[str]) -> Iterator[dict]:
    """Selected records from a store of the stream's own: the stream outlives the request's
    thread, and a connection must not be shared with whatever that thread serves next."""
    store: Store = open_store(db, read_only=True)
    try:
        for record in store.export(tree, include_raw=include_raw):
            yield select(record, fields)
    finally:
        store.close()


@router.get(
    "/export",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "One record a line (JSON Lines), or CSV with a header row.",
            "content": {"application/x-ndjson": {}, "text/csv": {}},
        },
        **documented(400),
    },
)
def export(
    request: Request,
    q: OptionalQuery = None,
    format: Literal["jsonl", "csv"] = "jsonl",
    fields: Annotated[
        str | None,
        Query(
            max_length=2_000,
            description="Comma-separated keys to keep; dotted paths reach inside (sender.name).",
        ),
    ] = None,
    raw: Annotated[bool, Query(description="Add the text as read (`raw`).")] = False,
) -> StreamingResponse:
    """Every cable (default version) matching `q`, oldest first, as JSON Lines or CSV."""
    tree = parse_optional(q)
    columns = _fields(fields, raw)
    records = _records(request.app.state.stores.db, tree, raw, columns)
    body = _jsonl(records) if format == "jsonl" else _csv(records, columns)
    return StreamingResponse(
        body,
        media_type=MEDIA_TYPES[format],
        headers={"content-disposition": f'attachment; filename="cables.{format}"'},
    )


__all__ = ["RECORD_KEYS", "router", "safe_cell"]
