"""Records as Apache Parquet: one typed, nested schema, written in row groups as records stream.

The schema mirrors `Cable.to_dict()` exactly (lists of structs stay lists of structs), so
pandas, DuckDB, Polars and R's arrow read the same record the JSON gives, with real types:
`date` and `released` are dates, `dtg` a UTC timestamp. A value that does not parse as its
type (a cable dated ``1989-02-30``) is written as null — the text keeps it in `header`/`raw`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any, BinaryIO

import pyarrow as pa
import pyarrow.parquet as pq

_text = pa.string()
_recipient = pa.struct(
    [
        ("route", _text),
        ("name", _text),
        ("precedence", _text),
        ("mcn", _text),
        ("excluded", pa.list_(_text)),
        ("station", _text),
    ]
)

RECORD_SCHEMA = pa.schema(
    [
        ("id", _text),
        ("published_id", _text),
        ("origin", _text),
        ("date", pa.date32()),
        ("released", pa.date32()),
        ("dtg", pa.timestamp("s", tz="UTC")),
        ("classification", _text),
        ("transmission_id", _text),
        ("precedence", pa.struct([("action", _text), ("info", _text)])),
        ("sender", _recipient),
        ("to", pa.list_(_recipient)),
        ("info", pa.list_(_recipient)),
        ("sections", pa.int32()),
        ("captions", pa.list_(_text)),
        ("subject", _text),
        ("title", _text),
        ("tags", pa.list_(_text)),
        (
            "references",
            pa.list_(
                pa.struct([("value", _text), ("kind", _text), ("bullet", _text), ("title", _text)])
            ),
        ),
        (
            "classified_by",
            pa.struct([("names", pa.list_(_text)), ("title", _text), ("reasons", pa.list_(_text))]),
        ),
        ("declassify_on", _text),
        (
            "paragraphs",
            pa.list_(
                pa.struct(
                    [
                        ("number", pa.int32()),
                        ("marking", _text),
                        ("classification", _text),
                        ("noforn", pa.bool_()),
                        ("releasable_to", pa.list_(_text)),
                        ("heading", _text),
                        ("line", pa.int32()),
                        ("text", _text),
                    ]
                )
            ),
        ),
        ("summary", _text),
        ("comments", pa.list_(_text)),
        ("signers", pa.list_(_text)),
        ("redactions", pa.int32()),
        ("body", _text),
        ("header", _text),
        (
            "problems",
            pa.list_(pa.struct([("field", _text), ("message", _text), ("line", pa.int32())])),
        ),
        ("synthetic", pa.bool_()),
        (
            "source",
            pa.struct(
                [("name", _text), ("format", _text), ("line", pa.int64()), ("offset", pa.int64())]
            ),
        ),
    ]
)
RAW_FIELD = pa.field("raw", _text)


def _date(text: Any) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except (TypeError, ValueError):
        return None


def _timestamp(text: Any) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text) if text else None
    except (TypeError, ValueError):
        return None
    if moment is not None and moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


def _typed(record: dict[str, Any]) -> dict[str, Any]:
    return record | {
        "date": _date(record.get("date")),
        "released": _date(record.get("released")),
        "dtg": _timestamp(record.get("dtg")),
    }


def write_parquet(
    records: Iterable[dict[str, Any]],
    out: str | BinaryIO,
    *,
    include_raw: bool = False,
    row_group_size: int = 2000,
) -> int:
    """Write `records` to `out` (a path or binary stream) a row group at a time; the count."""
    schema = RECORD_SCHEMA.append(RAW_FIELD) if include_raw else RECORD_SCHEMA
    count = 0
    batch: list[dict[str, Any]] = []
    with pq.ParquetWriter(out, schema, compression="zstd") as writer:
        for record in records:
            batch.append(_typed(record))
            if len(batch) >= row_group_size:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                count += len(batch)
                batch.clear()
        if batch or not count:
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))
            count += len(batch)
    return count


__all__ = ["RECORD_SCHEMA", "write_parquet"]
