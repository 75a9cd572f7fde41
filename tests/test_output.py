"""The record writers: each format must read back to the records it was given."""

from __future__ import annotations

import csv
import io
import json

import pytest
from rich.console import Console

from cablescope.output import (
    LIST_SEPARATOR,
    TableWriter,
    csv_cell,
    get_path,
    parse_fields,
    select,
    table_cell,
    write_csv,
    write_json,
    write_nl,
    write_table,
)

RECORDS = [
    {
        "id": "08LONDON3062",
        "tags": ["PREL", "PGOV"],
        "sender": {"route": "RUEHLO", "name": "AMEMBASSY LONDON"},
        "paragraphs": [{"number": 1, "text": 'One, "quoted"\nand two lines'}, {"number": 2}],
        "sections": 2,
        "synthetic": False,
        "summary": None,
    },
    {
        "id": "09STATE65183",
        "tags": [],
        "sender": None,
        "paragraphs": [],
        "sections": None,
        "synthetic": True,
        "summary": "Ünïcode ¶ survives",
    },
]


def test_get_path_walks_dicts_and_maps_over_lists() -> None:
    record = RECORDS[0]
    assert get_path(record, "sender.name") == "AMEMBASSY LONDON"
    assert get_path(record, "paragraphs.number") == [1, 2]
    assert get_path(record, "paragraphs.text") == ['One, "quoted"\nand two lines']
    assert get_path(record, "sender.nothing") is None
    assert get_path(RECORDS[1], "sender.name") is None


def test_select_keeps_order_and_flat_dotted_keys() -> None:
    assert select(RECORDS[0], ["sender.name", "id"]) == {
        "sender.name": "AMEMBASSY LONDON",
        "id": "08LONDON3062",
    }
    assert select(RECORDS[0], None) is RECORDS[0]


def test_parse_fields_trims_and_drops_repeats() -> None:
    assert parse_fields(" id, date,,id ,sender.name") == ["id", "date", "sender.name"]
    assert parse_fields(None) == []


def test_write_nl_is_one_json_object_per_line() -> None:
    out = io.StringIO()
    assert write_nl(iter(RECORDS), out) == 2
    lines = out.getvalue().splitlines()
    assert [json.loads(line) for line in lines] == RECORDS


@pytest.mark.parametrize("records", [RECORDS, []])
def test_write_json_streams_a_valid_array(records: list[dict]) -> None:
    out = io.StringIO()
    assert write_json(iter(records), out) == len(records)
    assert json.loads(out.getvalue()) == records


def test_csv_cell_rules() -> None:
    assert csv_cell(None) == ""
    assert csv_cell(True) == "true"
    assert csv_cell(3) == "3"
    assert csv_cell(["A", "B"]) == f"A{LIST_SEPARATOR}B"
    nested = [{"number": 1}]
    assert json.loads(csv_cell(nested)) == nested
    assert json.loads(csv_cell({"a": [1, 2]})) == {"a": [1, 2]}


def test_write_csv_reads_back_with_the_csv_module() -> None:
    out = io.StringIO()
    assert write_csv(iter(RECORDS), out) == 2
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [row["id"] for row in rows] == ["08LONDON3062", "09STATE65183"]
    assert rows[0]["tags"].split(LIST_SEPARATOR) == ["PREL", "PGOV"]
    assert json.loads(rows[0]["sender"]) == RECORDS[0]["sender"]
    assert json.loads(rows[0]["paragraphs"]) == RECORDS[0]["paragraphs"]
    assert rows[1]["sender"] == "" and rows[1]["synthetic"] == "true"
    assert rows[1]["summary"] == "Ünïcode ¶ survives"


def test_write_csv_with_fields_uses_them_as_header() -> None:
    out = io.StringIO()
    fields = ["id", "sender.name"]
    write_csv((select(r, fields) for r in RECORDS), out, fields)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows == [fields, ["08LONDON3062", "AMEMBASSY LONDON"], ["09STATE65183", ""]]


def test_table_cell_counts_lists_of_objects() -> None:
    assert table_cell(RECORDS[0]["paragraphs"]) == "2"
    assert table_cell([], counted=True) == "0"
    assert table_cell([], counted=False) == ""
    assert table_cell(["PREL", "PGOV"]) == "PREL; PGOV"
    assert "name=AMEMBASSY LONDON" in table_cell(RECORDS[0]["sender"])


def test_table_prints_every_row_across_chunks() -> None:
    console = Console(file=io.StringIO(), width=120, color_system=None)
    rows = [{"id": f"08LONDON{n}", "subject": f"SUBJECT {n}"} for n in range(7)]
    assert write_table(iter(rows), console, ["id", "subject"], chunk_size=3) == 7
    text = console.file.getvalue()
    for n in range(7):
        assert f"08LONDON{n}" in text
    assert text.count("subject") == 1  # one header although printed in three chunks


def test_narrow_table_keeps_the_id_whole() -> None:
    console = Console(file=io.StringIO(), width=60, color_system=None)
    rows = [
        {
            "id": "08BUENOSAIRES1234",
            "subject": "X" * 80,
            "origin": "Embassy Buenos Aires",
            "problems": [{"field": "tags"}],
        }
    ]
    write_table(iter(rows), console, ["id", "origin", "subject", "problems"])
    text = console.file.getvalue()
    assert "08BUENOSAIRES1234" in text
    assert max(len(line) for line in text.splitlines()) <= 60
    assert "│ 1 " in text  # the problems list shown as its count


def test_table_writer_close_without_rows_prints_header_only() -> None:
    console = Console(file=io.StringIO(), width=80, color_system=None)
    writer = TableWriter(console, ["id"])
    assert writer.close() == 0
    assert "id" in console.file.getvalue()
