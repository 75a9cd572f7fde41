"""The entity page on an archive with stored mentions: paragraphs by marking come from them
(with complete counts and a link to all mentions as JSON); without them the page falls
back to extracting the cables it reads, and says nothing about stored mentions."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest
from tests.enrich.seeded import seeds_with_and_without_mentions

from cablescope.api.app import create_app

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

ISI = re.compile(r"\bISI\b")


@pytest.fixture(scope="module")
def archives(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    return seeds_with_and_without_mentions(seeds_dir, tmp_path_factory.mktemp("mentions-web"))


def _groups(html: str) -> dict[str, int]:
    return {m: int(n) for m, n in re.findall(r'<h3>\(([^)]+)\) <span class="count">(\d+)', html)}


def _expected(records: list[dict]) -> dict[str, int]:
    out: dict[str, int] = {}
    for record in records:
        for p in record["paragraphs"]:
            if ISI.search(p["text"] or ""):
                out[p["marking"]] = out.get(p["marking"], 0) + 1
    return out


@pytest.mark.parametrize("which", ["stored", "plain"])
def test_entity_page_paragraphs_by_marking(archives, which) -> None:
    with TestClient(create_app(archives[which])) as client:
        response = client.get("/entity/ISI")
    assert response.status_code == 200
    html = response.text
    assert _groups(html) == _expected(archives["records"])
    assert ("stored-note" in html) is (which == "stored")
    if which == "stored":
        assert "From the mentions stored for the whole archive" in html


def test_a_capped_marking_links_to_all_its_mentions(archives, monkeypatch) -> None:
    import cablescope.graph.stored as stored

    monkeypatch.setattr(stored, "PAGE_PARAGRAPHS", 1)
    with TestClient(create_app(archives["stored"])) as client:
        html = client.get("/entity/ISI").text
        expected = _expected(archives["records"])
        assert _groups(html) == expected  # the counts stay complete
        assert len(re.findall(r'<li class="passage">', html)) == len(expected)
        links = re.findall(r'first 1 listed · <a href="([^"]+)">all as JSON</a>', html)
        assert len(links) == sum(1 for n in expected.values() if n > 1) > 0
        rows = client.get(links[0].replace("&amp;", "&")).json()["mentions"]
    assert {r["marking"] for r in rows} == {"S"} and len({r["paragraph"] for r in rows}) == 2
