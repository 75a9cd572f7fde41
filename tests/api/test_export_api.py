"""GET /api/v1/export: JSON Lines and CSV streams of every cable matching a query."""

from __future__ import annotations

import csv
import io
import json

from cablescope.output import csv_cell

from .conftest import FORMULA, HOSTILE, HOSTILE_ID, Archive


def _lines(response) -> list[dict]:
    return [json.loads(line) for line in response.text.splitlines()]


def test_jsonl_has_every_match_oldest_first(dev_client, dev_archive: Archive) -> None:
    expected = {i: r for i, r in dev_archive.current.items() if "PREL" in r["tags"]}
    response = dev_client.get("/api/v1/export", params={"q": "tag:PREL"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/x-ndjson"
    assert "attachment" in response.headers["content-disposition"]
    records = _lines(response)
    total = dev_client.get("/api/v1/search", params={"q": "tag:PREL", "limit": 1}).json()["total"]
    assert len(records) == total == len(expected)
    for record in records:
        assert record == {k: v for k, v in expected[record["id"]].items() if k != "raw"}
    dates = [r["date"] for r in records]
    assert dates == sorted(dates)


def test_export_without_query_is_the_whole_archive(dev_client, dev_archive: Archive) -> None:
    response = dev_client.get("/api/v1/export", params={"fields": "id"})
    assert sorted(r["id"] for r in _lines(response)) == sorted(dev_archive.current)


def test_csv_flattens_like_the_cli(seeds_client, seeds_archive: Archive) -> None:
    fields = ["id", "date", "tags", "sender.name", "paragraphs.number"]
    response = seeds_client.get(
        "/api/v1/export", params={"q": "tag:PK", "format": "csv", "fields": ",".join(fields)}
    )
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == fields
    expected = sorted(
        (r for r in seeds_archive.current.values() if "PK" in r["tags"]),
        key=lambda r: (r["date"], r["id"]),
    )
    assert len(rows) - 1 == len(expected) > 2
    for row, record in zip(rows[1:], expected, strict=True):
        assert row == [
            record["id"],
            record["date"],
            csv_cell(record["tags"]),
            record["sender"]["name"],
            csv_cell([p["number"] for p in record["paragraphs"]]),
        ]


def test_csv_defuses_formulas(seeds_client, seeds_archive: Archive) -> None:
    subject = seeds_archive.current[HOSTILE_ID]["subject"]
    assert subject.startswith(FORMULA)
    response = seeds_client.get(
        "/api/v1/export", params={"q": "alert", "format": "csv", "fields": "id,subject"}
    )
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[1] == [HOSTILE_ID, "'" + subject]
    assert HOSTILE in rows[1][1]


def test_raw_only_on_request(seeds_client, seeds_archive: Archive) -> None:
    plain = _lines(seeds_client.get("/api/v1/export", params={"q": "tag:UK"}))
    assert plain and all("raw" not in r for r in plain)
    with_raw = _lines(seeds_client.get("/api/v1/export", params={"q": "tag:UK", "raw": True}))
    assert [r["raw"] for r in with_raw] == [seeds_archive.current[r["id"]]["raw"] for r in with_raw]


def test_markup_is_escaped_in_json_lines(seeds_client) -> None:
    response = seeds_client.get("/api/v1/export", params={"q": "alert"})
    assert b"<" not in response.content
    assert HOSTILE in _lines(response)[0]["subject"]


def test_bad_export_requests(seeds_client) -> None:
    bad_query = seeds_client.get("/api/v1/export", params={"q": "tag:"})
    assert bad_query.status_code == 400 and bad_query.json()["position"] == 4
    unknown = seeds_client.get("/api/v1/export", params={"fields": "id,colour"})
    assert unknown.status_code == 400 and "colour" in unknown.json()["error"]
    wrong = seeds_client.get("/api/v1/export", params={"format": "xml"})
    assert wrong.status_code == 422
