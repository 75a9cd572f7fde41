"""PostgreSQL facets and histograms from the in-memory facet columns (`PostgresStore.warm`):
the same counts as its SQL, the same as SQLite's columns on the same cables, and never stale;
and a page of a query that checks paragraphs (words and ``para:``) checks them once.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.store.facet_queries import FACET_QUERIES

import cablescope
from cablescope import Cable
from cablescope.demo.generator import write_corpus
from cablescope.search.query import parse_query
from cablescope.store import open_store
from cablescope.store.postgres import PostgresStore
from cablescope.store.sqlite_columns import LOADED

pytestmark = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)

QUERIES = FACET_QUERIES


@pytest.fixture(scope="module")
def cables(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> list[Cable]:
    """A generated corpus of 400 cables and the two seeds."""
    work = tmp_path_factory.mktemp("pg-columns")
    write_corpus(work / "corpus", 400, seed=11)
    return list(cablescope.read([seeds_dir, work / "corpus"]))


@pytest.fixture()
def archives(new_archive, cables: list[Cable], tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The same cables in a PostgreSQL archive and in a SQLite one."""
    url, path = new_archive("columns"), tmp_path / "columns.db"
    for where in (url, path):
        with open_store(where) as store:
            store.write_batch(cables)
    yield url, path
    LOADED.forget()


def _counts(store, query: str | None) -> tuple:
    tree = parse_query(query) if query else None
    facets = store.facets(tree, limit=None)
    return dict(facets), facets.matching, store.histogram(tree, interval="month")


def test_columns_count_what_sql_counts_and_what_sqlite_counts(archives) -> None:
    url, path = archives
    with open_store(url, read_only=True) as pg, open_store(path, read_only=True) as lite:
        assert isinstance(pg, PostgresStore)
        LOADED.forget()
        by_sql = {query: _counts(pg, query) for query in QUERIES}
        pg.clear_caches()
        pg.warm()
        lite.warm()
        assert pg._columns() is not None, "the columns are loaded and used"
        for query in QUERIES:
            from_columns = _counts(pg, query)
            assert from_columns == by_sql[query], query
            assert from_columns == _counts(lite, query), query
    everything = by_sql[None]
    assert everything[1] == 402
    assert all(everything[0][name] for name in everything[0]), "every facet has values"


def test_columns_are_exact_where_sql_samples(archives, monkeypatch) -> None:
    from cablescope.store import sqlite_facets

    monkeypatch.setattr(sqlite_facets, "FACET_EXACT_LIMIT", 50)
    monkeypatch.setattr(sqlite_facets, "FACET_SAMPLE", 20)
    url, _ = archives
    with open_store(url, read_only=True) as pg:
        LOADED.forget()
        sampled = pg.facets(None, fields=["year"], limit=None)
        assert sampled.sampled is not None
        pg.warm()
        exact = pg.facets(None, fields=["year"], limit=None)
    assert exact.sampled is None
    assert sum(n for _, n in exact["year"]) == 402


def test_a_write_makes_loaded_columns_stale(new_archive, cables, seeds_dir: Path) -> None:
    url = new_archive("columns-stale")
    seeds = list(cablescope.read(seeds_dir))
    with open_store(url) as writer:
        writer.write_batch(seeds)
    with open_store(url, read_only=True) as reader:
        assert isinstance(reader, PostgresStore)
        reader.warm()
        assert reader.facets(None, fields=["year"])["year"] == [("2008", 1), ("2009", 1)]
        with open_store(url) as writer:
            writer.write_batch(cables[2:])
        assert reader._columns() is None  # stale: dropped, SQL counts again
        counts = reader.facets(None, fields=["year"], limit=None)
        assert counts.matching == 402
        assert sum(n for _, n in counts["year"]) == 402
        reader.warm()
        assert reader._columns() is not None
        assert reader.facets(None, fields=["year"], limit=None) == counts
    LOADED.forget()


def test_a_page_of_words_and_para_checks_paragraphs_once(archives, monkeypatch) -> None:
    from cablescope.store import postgres_search

    calls: list[str] = []
    real = postgres_search._paragraph_hits

    def counted(*args, **kwargs):
        calls.append("checked")
        return real(*args, **kwargs)

    monkeypatch.setattr(postgres_search, "_paragraph_hits", counted)
    url, path = archives
    tree = parse_query("para:C budget")
    with open_store(url, read_only=True) as pg, open_store(path, read_only=True) as lite:
        page = pg.search(tree, limit=5)
        facets = pg.facets(tree, limit=None)
        months = pg.histogram(tree, interval="month")
        assert calls == ["checked"], "search, facets and histogram share one check"
        assert page.total == facets.matching == sum(n for _, n in months) > 0
        assert page.total == lite.search(tree, limit=5).total
        assert dict(facets) == dict(lite.facets(tree, limit=None))
        pg.clear_caches()
        pg.facets(tree, limit=None)
    assert len(calls) == 2, "forgotten with the caches"


FILTERS = [
    "tag:PREL",
    "tag:pr*",
    "NOT tag:PREL",
    "class>=CONFIDENTIAL tag:PREL",
    "date:2008..2009",
    "date:..2008-06 OR class:SECRET",
    "caption:SIPDIS",
    "signer:A*",
]


def _page(store, query: str, sort: str, offset: int) -> tuple:
    page = store.search(parse_query(query), limit=7, offset=offset, sort=sort)
    return page.total, [(h.id, h.date, h.paragraph, h.snippet) for h in page.hits]


def test_filters_alone_are_paged_from_the_columns_as_sql_pages_them(archives, monkeypatch) -> None:
    from cablescope.store import postgres_search

    used: list[str] = []
    real = postgres_search._filtered_page

    def counted(*args, **kwargs):
        used.append("columns")
        return real(*args, **kwargs)

    monkeypatch.setattr(postgres_search, "_filtered_page", counted)
    url, path = archives
    cases = [
        (q, sort, offset)
        for q in FILTERS
        for sort in ("relevance", "date", "-date")
        for offset in (0, 7)
    ]
    with open_store(url, read_only=True) as pg, open_store(path, read_only=True) as lite:
        LOADED.forget()
        by_sql = {case: _page(pg, *case) for case in cases}
        assert not used
        pg.warm()
        lite.warm()
        for case in cases:
            from_columns = _page(pg, *case)
            assert from_columns == by_sql[case], case
            assert from_columns == _page(lite, *case), case
            query = parse_query(case[0])
            assert pg.facets(query, limit=None).matching == from_columns[0]
    assert len(used) == len(cases)
    assert any(total > 7 for total, _ in by_sql.values()), "some pages are not the first"
