"""`/api/v1/entities/{id}/mentions` and the entity profile's stored counts, through the real
app on an archive of the seeds that `cablescope enrich` ran on; expected paragraphs come from
the parsed cables."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.enrich.seeded import seeds_with_and_without_mentions

from cablescope.api.app import create_app

with warnings.catch_warnings():  # Starlette's note about httpx2: not ours to act on here
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

ISI = re.compile(r"\bISI\b|Inter-Services Intelligence")


@pytest.fixture(scope="module")
def archives(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    return seeds_with_and_without_mentions(seeds_dir, tmp_path_factory.mktemp("mentions-api"))


@pytest.fixture(scope="module")
def client(archives: dict) -> Iterator[TestClient]:
    with TestClient(create_app(archives["stored"])) as test_client:
        yield test_client


def _paragraphs(records: list[dict], level: str | None) -> set[tuple[str, int]]:
    return {
        (r["id"], p["number"])
        for r in records
        for p in r["paragraphs"]
        if ISI.search(p["text"] or "") and (level is None or p["classification"] == level)
    }


@pytest.mark.parametrize("key", ["ISI", "org:inter-services-intelligence"])
@pytest.mark.parametrize(("marking", "level"), [("S", "SECRET"), ("C", "CONFIDENTIAL")])
def test_mentions_by_marking(client, archives, key, marking, level) -> None:
    response = client.get(f"/api/v1/entities/{key}/mentions", params={"marking": marking})
    assert response.status_code == 200
    data = response.json()
    assert data["entity"] == "org:inter-services-intelligence" and data["marking"] == marking
    got = {(m["cable_id"], m["paragraph"]) for m in data["mentions"]}
    assert got == _paragraphs(archives["records"], level) and got
    assert data["total"] == len(data["mentions"])
    assert all(m["level"] == level and "«ISI»" in m["snippet"] for m in data["mentions"])


def test_paging_and_errors(client, archives) -> None:
    first = client.get("/api/v1/entities/ISI/mentions", params={"limit": 1}).json()
    second = client.get("/api/v1/entities/ISI/mentions", params={"limit": 1, "offset": 1}).json()
    assert first["total"] == second["total"] > 1
    assert first["mentions"][0] != second["mentions"][0]
    assert client.get("/api/v1/entities/ISI/mentions", params={"limit": 0}).status_code == 422
    missing = client.get("/api/v1/entities/Nobody%20Zzyzx/mentions")
    assert missing.status_code == 404 and "no entity" in missing.json()["error"]
    with TestClient(create_app(archives["plain"])) as plain:
        none = plain.get("/api/v1/entities/ISI/mentions")
        assert none.status_code == 404 and "cablescope enrich" in none.json()["error"]


def test_profile_counts_come_from_stored_mentions(client, archives) -> None:
    data = client.get("/api/v1/entities/ISI").json()
    secret = _paragraphs(archives["records"], "SECRET")
    assert data["stored"]["paragraphs"]["S"] == len(secret)
    assert {(p["cable_id"], p["paragraph"]) for p in data["paragraphs"]["S"]} == secret
    with TestClient(create_app(archives["plain"])) as plain:
        fallback = plain.get("/api/v1/entities/ISI").json()
    assert fallback["stored"] is None
    assert {(p["cable_id"], p["paragraph"]) for p in fallback["paragraphs"]["S"]} == secret
