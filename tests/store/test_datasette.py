"""The archive is a plain SQLite file that Datasette reads meaningfully: readable views, the
tables with their foreign keys, and full-text search on versions and paragraphs."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from cablescope import Cable
from cablescope.store import Store

datasette_app = pytest.importorskip("datasette.app")


def _get(db: Path, path: str) -> Any:
    async def fetch() -> Any:
        datasette = datasette_app.Datasette([str(db)])
        response = await datasette.client.get(path)
        assert response.status_code == 200, (path, response.text[:300])
        return response.json()

    return asyncio.run(fetch())


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_datasette_shows_views_tables_and_searches(
    seeds: tuple[Store, list[Cable]], tmp_path: Path
) -> None:
    store, cables = seeds
    db = Path(store.path)  # type: ignore[attr-defined]
    name = db.stem
    listing = _get(db, f"/{name}.json")
    tables = {t["name"]: t for t in listing["tables"]}
    views = {v["name"] for v in listing["views"]}
    assert {"cable_summary", "cable_paragraphs", "cable_recipients", "tag_counts"} <= views
    assert tables["versions"]["fts_table"] == "cable_fts"
    assert tables["paragraphs"]["fts_table"] == "paragraph_fts"
    outgoing = {(k["column"], k["other_table"]) for k in tables["tags"]["foreign_keys"]["outgoing"]}
    assert ("version_id", "versions") in outgoing

    summary = _get(db, f"/{name}/cable_summary.json?_shape=array&_sort=id")
    assert [row["id"] for row in summary] == sorted(c.id for c in cables)
    for row in summary:
        cable = next(c for c in cables if c.id == row["id"])
        assert row["tags"] == ", ".join(cable.tags)
        assert row["paragraphs"] == len(cable.paragraphs)

    hits = _get(
        db, f"/{name}/paragraphs.json?_search=Kayani&_shape=array&_col=cable_id&_col=number"
    )
    expected = sorted(
        (c.id, p.number) for c in cables for p in c.paragraphs if "kayani" in p.text.lower()
    )
    assert expected and sorted((h["cable_id"], h["number"]) for h in hits) == expected
