"""Facets, date histogram, TAGS, origins and stats against counts made from the parsed
cables of the real dev corpus."""

from __future__ import annotations

from collections import Counter

from cablescope.data import organization_tags, subject_tags

from .conftest import Archive


def _counter(archive: Archive, key: str) -> Counter[str]:
    counts: Counter[str] = Counter()
    for record in archive.current.values():
        value = record[key]
        for item in value if isinstance(value, list) else [value]:
            if item:
                counts[item] += 1
    return counts


def _commonest(counts: Counter[str]) -> list[tuple[str, int]]:
    """Commonest first, ties by value: the order the API promises."""
    return sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))


def _pairs(values: list[dict]) -> list[tuple[str, int]]:
    return [(v["value"], v["count"]) for v in values]


def test_facets_count_every_value(dev_client, dev_archive) -> None:
    body = dev_client.get(
        "/api/v1/facets", params=[("fields", "tag"), ("fields", "origin"), ("limit", 100)]
    ).json()
    assert set(body["facets"]) == {"tag", "origin"}
    assert body["matching"] == len(dev_archive.current)
    for facet, key in (("tag", "tags"), ("origin", "origin")):
        expected = _commonest(_counter(dev_archive, key))
        assert body["facets"][facet]["total"] == len(expected)
        assert _pairs(body["facets"][facet]["values"]) == expected[:100]


def test_facet_pages_follow_on(dev_client, dev_archive) -> None:
    expected = _commonest(_counter(dev_archive, "tags"))
    second = dev_client.get(
        "/api/v1/facets", params={"fields": "tag", "limit": 10, "offset": 10}
    ).json()
    assert _pairs(second["facets"]["tag"]["values"]) == expected[10:20]


def test_facets_of_a_query(dev_client, dev_archive) -> None:
    matching = [r for r in dev_archive.current.values() if "IR" in r["tags"]]
    years = Counter(r["date"][:4] for r in matching if r["date"])
    assert len(years) > 2
    body = dev_client.get(
        "/api/v1/facets", params={"q": "tag:IR", "fields": "year", "limit": 100}
    ).json()
    assert body["matching"] == len(matching)
    assert _pairs(body["facets"]["year"]["values"]) == _commonest(years)


def test_all_facets_without_fields(seeds_client) -> None:
    body = seeds_client.get("/api/v1/facets").json()
    assert list(body["facets"]) == [
        "origin",
        "classification",
        "year",
        "month",
        "tag",
        "recipient",
        "signer",
    ]


def test_unknown_facet_is_422(seeds_client) -> None:
    response = seeds_client.get("/api/v1/facets", params={"fields": "colour"})
    assert response.status_code == 422 and "fields" in response.json()["error"]


def test_histogram_by_year_fills_gaps(dev_client, dev_archive) -> None:
    years = Counter(r["date"][:4] for r in dev_archive.current.values() if r["date"])
    first, last = int(min(years)), int(max(years))
    body = dev_client.get("/api/v1/histogram").json()
    assert body["total"] == last - first + 1
    assert [(b["bucket"], b["count"]) for b in body["buckets"]] == [
        (str(y), years.get(str(y), 0)) for y in range(first, last + 1)
    ]


def test_histogram_by_month_of_a_query(dev_client, dev_archive) -> None:
    months = Counter(
        r["date"][:7] for r in dev_archive.current.values() if "PGOV" in r["tags"] and r["date"]
    )
    assert len(months) > 12
    body = dev_client.get("/api/v1/histogram", params={"q": "tag:PGOV", "interval": "month"}).json()
    got = {b["bucket"]: b["count"] for b in body["buckets"]}
    assert {k: v for k, v in got.items() if v} == dict(months)
    assert min(got) == min(months) and max(got) == max(months)


def test_histogram_pages(dev_client) -> None:
    whole = dev_client.get("/api/v1/histogram", params={"interval": "month"}).json()
    page = dev_client.get(
        "/api/v1/histogram", params={"interval": "month", "limit": 12, "offset": 12}
    ).json()
    assert page["buckets"] == whole["buckets"][12:24] and page["total"] == whole["total"]


def test_tags_have_counts_and_meanings(dev_client, dev_archive) -> None:
    expected = _commonest(_counter(dev_archive, "tags"))
    body = dev_client.get("/api/v1/tags", params={"limit": 100}).json()
    assert body["total"] == len(expected)
    assert [(t["tag"], t["count"]) for t in body["tags"]] == expected[:100]
    kinds = {t["tag"]: (t["kind"], t["meaning"]) for t in body["tags"]}
    for tag, (kind, meaning) in kinds.items():
        assert meaning, tag
        if tag in subject_tags():
            assert kind == "SUBJECT"
        elif tag in organization_tags():
            assert kind == "ORG"
    assert kinds["PREL"][0] == "SUBJECT" and kinds["IR"][0] == "GEO"


def test_tags_by_name_and_of_a_query(dev_client, dev_archive) -> None:
    matching = [r for r in dev_archive.current.values() if r["origin"] == "Embassy Cairo"]
    counts = Counter(t for r in matching for t in r["tags"])
    assert len(matching) > 100 and len(counts) > 20
    body = dev_client.get(
        "/api/v1/tags", params={"q": 'from:"Embassy Cairo"', "sort": "name", "limit": 100}
    ).json()
    assert body["total"] == len(counts)
    assert [(t["tag"], t["count"]) for t in body["tags"]] == sorted(counts.items())[:100]


def test_origins(dev_client, dev_archive) -> None:
    expected = _commonest(_counter(dev_archive, "origin"))
    first = dev_client.get("/api/v1/origins", params={"limit": 50}).json()
    second = dev_client.get(first["next"]).json()
    got = [(o["origin"], o["count"]) for o in first["origins"] + second["origins"]]
    assert first["total"] == len(expected) and got == expected[:100]


def test_stats(dev_client, dev_archive) -> None:
    current = dev_archive.current
    body = dev_client.get("/api/v1/stats").json()
    assert body["cables"] == len(current)
    assert body["versions"] == len(dev_archive.cables)  # the corpus repeats no text
    assert body["paragraphs"] == sum(len(c.paragraphs) for c in dev_archive.cables)
    years = Counter(r["date"][:4] for r in current.values() if r["date"])
    assert [(b["bucket"], b["count"]) for b in body["by_year"]] == sorted(years.items())
    assert (body["first_year"], body["last_year"]) == (min(years), max(years))
    classes = _commonest(_counter(dev_archive, "classification"))
    assert _pairs(body["by_classification"]) == classes
