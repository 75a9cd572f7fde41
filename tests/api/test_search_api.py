"""GET /api/v1/search: hits and totals against counts made from the parsed cables, paging,
sorting, and every way a query is refused (400 with the position)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from cablescope.api.queries import MAX_QUERY_CHARS, MAX_QUERY_TERMS
from cablescope.search import QuerySyntaxError, parse_query

from .conftest import HOSTILE, HOSTILE_ID, Archive


def _with_tag(archive: Archive, tag: str) -> set[str]:
    return {i for i, r in archive.current.items() if tag in r["tags"]}


def test_tag_search_finds_exactly_the_cables_with_the_tag(dev_client, dev_archive) -> None:
    expected = _with_tag(dev_archive, "PREL")
    assert 100 < len(expected) < len(dev_archive.current)  # a real filter, not everything
    found: list[str] = []
    offset = 0
    while True:
        page = dev_client.get(
            "/api/v1/search", params={"q": "tag:PREL", "limit": 100, "offset": offset}
        )
        assert page.status_code == 200, page.text
        body = page.json()
        assert body["total"] == len(expected)
        found += [hit["id"] for hit in body["hits"]]
        if body["next"] is None:
            break
        offset = int(parse_qs(urlsplit(body["next"]).query)["offset"][0])
    assert len(found) == len(set(found)) and set(found) == expected


def test_filters_combine_like_the_parsed_records_say(dev_client, dev_archive) -> None:
    expected = {
        i
        for i, r in dev_archive.current.items()
        if "PGOV" in r["tags"] and (r["date"] or "").startswith("2009")
    }
    assert expected
    body = dev_client.get("/api/v1/search", params={"q": "tag:pgov date:2009", "limit": 100}).json()
    assert body["total"] == len(expected)
    assert {h["id"] for h in body["hits"]} <= expected


def test_hits_describe_their_cable(seeds_client, seeds_archive) -> None:
    body = seeds_client.get("/api/v1/search", params={"q": "Lashkar"}).json()
    assert body["total"] >= 2
    for hit in body["hits"]:
        record = seeds_archive.current[hit["id"]]
        assert (hit["date"], hit["origin"], hit["classification"], hit["subject"]) == (
            record["date"],
            record["origin"],
            record["classification"],
            record["subject"],
        )
        assert "«" in (hit["snippet"] or "")


def test_sort_by_date_orders_hits(dev_client, dev_archive) -> None:
    dates = sorted(r["date"] for r in dev_archive.current.values() if "IR" in r["tags"])
    assert len(dates) > 5
    ascending = dev_client.get(
        "/api/v1/search", params={"q": "tag:IR", "sort": "date", "limit": 5}
    ).json()
    descending = dev_client.get(
        "/api/v1/search", params={"q": "tag:IR", "sort": "-date", "limit": 5}
    ).json()
    assert [h["date"] for h in ascending["hits"]] == dates[:5]
    assert [h["date"] for h in descending["hits"]] == dates[::-1][:5]


def test_pages_link_to_each_other(dev_client) -> None:
    first = dev_client.get("/api/v1/search", params={"q": "tag:PREL", "limit": 7}).json()
    assert first["prev"] is None and first["next"]
    second = dev_client.get(first["next"]).json()
    assert second["offset"] == 7 and second["limit"] == 7 and second["query"] == "tag:PREL"
    back = dev_client.get(second["prev"]).json()
    assert [h["id"] for h in back["hits"]] == [h["id"] for h in first["hits"]]
    assert not {h["id"] for h in first["hits"]} & {h["id"] for h in second["hits"]}


def test_last_page_has_no_next(seeds_client, seeds_archive) -> None:
    body = seeds_client.get("/api/v1/search", params={"q": "tag:PK", "limit": 100}).json()
    assert body["total"] == len(_with_tag(seeds_archive, "PK")) and body["next"] is None


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
        ({"offset": -1}, "offset"),
        ({"offset": 10_001}, "offset"),
        ({"sort": "size"}, "sort"),
        ({"limit": "many"}, "limit"),
    ],
)
def test_out_of_range_paging_is_422_json(seeds_client, params, name) -> None:
    response = seeds_client.get("/api/v1/search", params={"q": "pakistan", **params})
    assert response.status_code == 422
    body = response.json()
    assert name in body["error"] and body["detail"][0]["loc"] == ["query", name]


@pytest.mark.parametrize(
    "query", ["(pakistan", 'iran "nuclear', "from:", "date:2008-13", "pakistan AND", "foo:bar"]
)
def test_bad_query_is_400_with_the_parsers_position(seeds_client, query) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        parse_query(query)
    response = seeds_client.get("/api/v1/search", params={"q": query})
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["position"] == caught.value.position
    assert body["query"] == query and caught.value.message in body["error"]


def test_missing_or_blank_query_is_refused(seeds_client) -> None:
    assert seeds_client.get("/api/v1/search").status_code == 422
    blank = seeds_client.get("/api/v1/search", params={"q": "   "})
    assert blank.status_code == 400 and blank.json()["position"] == 0


def test_too_long_query_is_400(seeds_client) -> None:
    query = "pakistan " * (MAX_QUERY_CHARS // 9 + 1)
    assert len(query) > MAX_QUERY_CHARS
    body = seeds_client.get("/api/v1/search", params={"q": query}).json()
    assert "characters" in body["error"] and body["position"] == MAX_QUERY_CHARS


def test_too_many_terms_is_400_at_the_first_one_too_many(seeds_client) -> None:
    words = [f"w{i}" for i in range(MAX_QUERY_TERMS + 5)]
    query = " ".join(words)
    assert len(query) < MAX_QUERY_CHARS
    response = seeds_client.get("/api/v1/search", params={"q": query})
    assert response.status_code == 400
    assert response.json()["position"] == query.index(words[MAX_QUERY_TERMS])
    # exactly the limit still runs
    allowed = " OR ".join(words[: (MAX_QUERY_TERMS + 1) // 2])
    assert seeds_client.get("/api/v1/search", params={"q": allowed}).status_code == 200


@pytest.mark.parametrize("control", ["\x00", "\x01", "\x1b", "\x7f"])
def test_control_characters_are_refused(seeds_client, control) -> None:
    query = f"pakistan {control}x"
    response = seeds_client.get("/api/v1/search", params={"q": query})
    assert response.status_code == 400
    assert response.json()["position"] == query.index(control)
    assert seeds_client.get("/api/v1/facets", params={"q": query}).status_code == 400


def test_deep_nesting_is_refused_not_crashed(seeds_client) -> None:
    query = "(" * 200 + "a" + ")" * 200
    response = seeds_client.get("/api/v1/search", params={"q": query})
    assert response.status_code == 400 and response.json()["position"] == MAX_QUERY_TERMS


def test_markup_in_hits_is_escaped_in_the_json(seeds_client) -> None:
    response = seeds_client.get("/api/v1/search", params={"q": "alert"})
    assert response.status_code == 200
    assert b"<script" not in response.content and b"\\u003cscript" in response.content
    hits = response.json()["hits"]
    assert [h["id"] for h in hits] == [HOSTILE_ID]
    assert HOSTILE.split(">")[0] in hits[0]["subject"]
