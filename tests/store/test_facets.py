"""Facets and histograms over a real archive (the dev tarball plus the seeds) on every
backend, checked against counts made here from the parsed records, never against numbers
copied from the store."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pytest

import cablescope
from cablescope.ingest import ingest
from cablescope.model import Cable
from cablescope.search import parse_query
from cablescope.store import Store, open_store

_WORD = re.compile(r"[^\W_]+")
FIELDS = ("origin", "classification", "year", "month", "tag", "recipient", "signer")


def _words(cable: Cable) -> set[str]:
    return {w.lower() for w in _WORD.findall(f"{cable.subject or ''} {cable.body or ''}")}


def _default_versions(cables: list[Cable]) -> list[Cable]:
    """One record per id, chosen by the documented rule (released last, then fewer redactions,
    then read last), so ids with several texts count once, as the archive's default."""
    chosen: dict[str, tuple[tuple[str, int, int], Cable]] = {}
    for order, cable in enumerate(cables):
        key = (cable.released or "", -cable.redactions, order)
        if cable.id not in chosen or key > chosen[cable.id][0]:
            chosen[cable.id] = (key, cable)
    return [cable for _, cable in chosen.values()]


def _values(cable: Cable, field: str) -> set[str]:
    """What one cable contributes to a facet (each value once per cable)."""
    date = cable.date or ""
    values: Iterable[str | None] = {
        "origin": [cable.origin],
        "classification": [cable.classification],
        "year": [date[:4] if len(date) >= 4 else None],
        "month": [date[:7] if len(date) >= 7 else None],
        "tag": cable.tags,
        "recipient": [r.name for r in [*cable.to, *cable.info]],
        "signer": cable.signers,
    }[field]
    return {value for value in values if value}


def _expected(cables: Iterable[Cable], field: str) -> list[tuple[str, int]]:
    counts = Counter(value for cable in cables for value in _values(cable, field))
    return sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))


def _expected_histogram(cables: Iterable[Cable], width: int) -> list[tuple[str, int]]:
    counts = Counter((c.date or "")[:width] for c in cables if c.date and len(c.date) >= width)
    if not counts:
        return []
    if width == 4:
        first, last = int(min(counts)), int(max(counts))
        buckets = [str(year) for year in range(first, last + 1)]
    else:
        first_year, last_year = int(min(counts)[:4]), int(max(counts)[:4])
        buckets = [
            f"{year}-{month:02d}"
            for year in range(first_year, last_year + 1)
            for month in range(1, 13)
            if min(counts) <= f"{year}-{month:02d}" <= max(counts)
        ]
    return [(bucket, counts.get(bucket, 0)) for bucket in buckets]


class Archive:
    def __init__(self, store: Store, cables: list[Cable]) -> None:
        self.store = store
        self.cables = _default_versions(cables)

    def where(self, predicate: Callable[[Cable], bool]) -> list[Cable]:
        return [cable for cable in self.cables if predicate(cable)]


@pytest.fixture(scope="module")
def dev(shared_path, seeds_dir: Path, new_archive) -> Iterator[Archive]:
    tarball = shared_path("corpus", "cablegate-html-dev.tar.gz")
    cables = [*cablescope.read(tarball), *cablescope.read(seeds_dir)]
    with open_store(new_archive("facets")) as store:
        ingest([tarball, seeds_dir], store, batch_size=1000)
        assert store.counts()["cables"] == len({c.id for c in cables})
        yield Archive(store, cables)


@pytest.mark.corpus
def test_every_facet_of_the_whole_archive(dev: Archive) -> None:
    got = dev.store.facets(None, limit=None)
    assert list(got) == list(FIELDS)
    for field in FIELDS:
        expected = _expected(dev.cables, field)
        assert len(expected) >= 2, field
        assert got[field] == expected, field
    assert sum(n for _, n in got["year"]) == len(dev.where(lambda c: bool(c.date)))


@pytest.mark.corpus
def test_word_and_filter_query(dev: Archive) -> None:
    matching = dev.where(lambda c: "nuclear" in _words(c) and "PREL" in c.tags)
    assert len(matching) > 20
    got = dev.store.facets(parse_query("nuclear tag:PREL"), limit=None)
    for field in FIELDS:
        assert got[field] == _expected(matching, field), field
    assert got["tag"][0] == ("PREL", len(matching))


@pytest.mark.corpus
def test_limit_keeps_the_commonest_and_fields_pick(dev: Archive) -> None:
    query = parse_query("iran date:2008..2010")
    matching = dev.where(lambda c: "iran" in _words(c) and "2008" <= (c.date or "")[:4] <= "2010")
    got = dev.store.facets(query, fields=["signer", "tags", "to"], limit=3)
    assert list(got) == ["signer", "tag", "recipient"]
    for field in got:
        assert got[field] == _expected(matching, field)[:3]
    assert dev.store.facets(query, fields=["origin"], limit=0) == {"origin": []}
    with pytest.raises(ValueError, match="unknown facet"):
        dev.store.facets(query, fields=["colour"])


@pytest.mark.corpus
def test_histograms(dev: Archive) -> None:
    assert dev.store.histogram(None) == _expected_histogram(dev.cables, 4)
    assert dev.store.histogram(None, interval="month") == _expected_histogram(dev.cables, 7)
    matching = dev.where(lambda c: "nuclear" in _words(c) and "PREL" in c.tags)
    query = parse_query("nuclear tag:PREL")
    years = dev.store.histogram(query)
    assert years == _expected_histogram(matching, 4)
    assert 0 in {n for _, n in dev.store.histogram(None)}  # 1966-2010 has empty years
    assert dev.store.histogram(query, interval="month") == _expected_histogram(matching, 7)
    with pytest.raises(ValueError, match="unknown interval"):
        dev.store.histogram(query, interval="week")


@pytest.mark.corpus
def test_facets_agree_with_search_totals(dev: Archive) -> None:
    for text in ("para:S iran", "class>=SECRET", "iran OR tag:PGOV", "from:London NOT iran"):
        query = parse_query(text)
        total = dev.store.search(query, limit=0).total
        got = dev.store.facets(query, fields=["classification", "year"], limit=None)
        undated = total - sum(n for _, n in dev.store.histogram(query))
        assert sum(n for _, n in got["classification"]) <= total
        assert sum(n for _, n in got["year"]) == total - undated
        assert sum(n for _, n in dev.store.histogram(query, interval="month")) == total - undated


# -- small archives (no corpus needed) -------------------------------------------------------
def test_seed_facets(seeds: tuple[Store, list[Cable]]) -> None:
    store, cables = seeds
    got = store.facets(None, limit=None)
    for field in FIELDS:
        assert got[field] == _expected(cables, field), field
    assert store.histogram(None) == _expected_histogram(cables, 4)
    nothing = parse_query("zzzqqqnotaword")
    assert store.facets(nothing) == {field: [] for field in FIELDS}
    assert store.histogram(nothing) == []


@pytest.mark.corpus
def test_broad_queries_count_a_sample_and_say_so(
    dev: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cablescope.store import sqlite_facets

    exact = dev.store.facets(None, limit=None)
    assert exact.sampled is None and exact.matching == len(dev.where(lambda c: True))
    monkeypatch.setattr(sqlite_facets, "FACET_EXACT_LIMIT", 1000)
    monkeypatch.setattr(sqlite_facets, "FACET_SAMPLE", 800)
    estimate = dev.store.facets(None, limit=None)
    assert estimate.matching == exact.matching and 400 < (estimate.sampled or 0) <= 800
    for field in ("classification", "year"):  # big shares: the estimate is within a few %
        truth = dict(exact[field])
        for value, count in estimate[field][:3]:
            assert abs(count - truth[value]) <= 0.1 * exact.matching, (field, value)


def test_remembered_matches_never_outlive_a_write(
    seeds_dir: Path, new_archive: Callable[[str], str]
) -> None:
    """A store remembers the ids matching recent queries (a page's facets and histogram
    share them); a write that adds a match must show in the next counts at once."""
    first, second = sorted(cablescope.read(seeds_dir), key=lambda c: c.origin or "")
    assert first.origin != second.origin
    words = sorted(_words(first) & _words(second))
    assert words, "the seeds share no word"
    query = parse_query(words[0])
    with open_store(new_archive("remembered")) as store:
        store.write_batch([first])
        assert store.facets(query, fields=["origin"])["origin"] == [(first.origin, 1)]
        assert sum(n for _, n in store.histogram(query)) == 1
        store.write_batch([second])
        origins = dict(store.facets(query, fields=["origin"])["origin"])
        assert origins == {first.origin: 1, second.origin: 1}
        assert sum(n for _, n in store.histogram(query)) == 2
