"""In-memory facet columns (`sqlite_columns`) answer exactly what the SQL facets answer, and
are never served stale: an ingest after loading them sends readers back to SQL until reloaded."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import cablescope
from cablescope.demo.generator import write_corpus
from cablescope.search.query import parse_query
from cablescope.store import open_store
from cablescope.store.sqlite import SQLiteStore
from cablescope.store.sqlite_columns import LOADED
from cablescope.store.sqlite_facets import FACET_FIELDS

QUERIES = [
    None,
    "",
    "iran",
    "tag:PREL",
    "class>=CONFIDENTIAL",
    "date:2008..2009",
    "from:London OR to:Islamabad",
    "para:S",
    "NOT tag:PREL",
    "no-such-word-anywhere",
]


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> Iterator[Path]:
    """A generated corpus of 400 cables and the two seeds, in a fresh archive."""
    work = tmp_path_factory.mktemp("columns")
    write_corpus(work / "corpus", 400, seed=7)
    db = work / "a.db"
    with open_store(db) as store:
        store.write_batch(list(cablescope.read([seeds_dir, work / "corpus"])))
    yield db
    LOADED.forget()


def _sql_and_columns(db: Path, query: str | None) -> tuple[tuple, tuple]:
    tree = parse_query(query) if query else None
    with open_store(db, read_only=True) as store:
        LOADED.forget()
        sql = (store.facets(tree, limit=None), store.histogram(tree, interval="month"))
        store.clear_caches()
        store.warm()
        columns = (store.facets(tree, limit=None), store.histogram(tree, interval="month"))
    return sql, columns


@pytest.mark.parametrize("query", QUERIES)
def test_columns_count_what_sql_counts(archive: Path, query: str | None) -> None:
    (sql_facets, sql_months), (col_facets, col_months) = _sql_and_columns(archive, query)
    assert dict(col_facets) == dict(sql_facets)
    assert col_months == sql_months
    assert col_facets.matching == sql_facets.matching


def test_columns_hold_every_facet_with_values(archive: Path) -> None:
    _sql, (col_facets, _) = _sql_and_columns(archive, None)
    assert set(col_facets) == set(FACET_FIELDS)
    assert all(col_facets[name] for name in col_facets), "every facet has values here"
    assert col_facets.matching == 402


def test_limit_keeps_the_commonest_with_ties_by_value(archive: Path) -> None:
    with open_store(archive, read_only=True) as store:
        store.warm()
        everything = store.facets(None, fields=["tag"], limit=None)["tag"]
        top = store.facets(None, fields=["tag"], limit=5)["tag"]
    assert top == sorted(everything, key=lambda pair: (-pair[1], pair[0]))[:5]


def test_a_write_makes_loaded_columns_stale(archive: Path, tmp_path: Path, seeds_dir: Path) -> None:
    db = tmp_path / "grow.db"
    with open_store(db) as writer:
        writer.write_batch(list(cablescope.read(seeds_dir)))
    with open_store(db, read_only=True) as reader:
        assert isinstance(reader, SQLiteStore)
        reader.warm()
        assert reader.facets(None, fields=["year"])["year"] == [("2008", 1), ("2009", 1)]
        with open_store(db) as writer:
            writer.write_batch(list(cablescope.read(archive.parent / "corpus")))
        counts = reader.facets(None, fields=["year"], limit=None)
        assert counts.matching == 402
        assert LOADED.get(str(db.resolve()), reader.db) is None  # stale: dropped, SQL used


SEARCHES = [
    "tag:PREL",
    "tag:prel",
    "tag:PR*",
    "date:2008..2009",
    "date:..2008-06",
    "class>=CONFIDENTIAL tag:PREL",
    "class:SECRET",
    "from:London",
    "to:Islamabad date:2009",
    "minister tag:PREL",
    "NOT tag:PREL",
    "tag:PREL OR class:SECRET",
    "caption:SIPDIS",
    "caption:noforn",
    "(minister OR security) AND date:2008",
    "minister NOT tag:PREL",
    "signer:A*",
]


@pytest.mark.parametrize("sort", ["relevance", "date", "-date"])
@pytest.mark.parametrize("query", SEARCHES)
def test_searches_over_columns_find_what_sql_finds(archive: Path, query: str, sort: str) -> None:
    tree = parse_query(query)
    pages = []
    for warm in (False, True):
        with open_store(archive, read_only=True) as store:
            LOADED.forget()
            if warm:
                store.warm()
            pages.append(
                [
                    store.search(tree, limit=limit, offset=offset, sort=sort)
                    for limit, offset in ((5, 0), (4, 7), (3, 10_000))
                ]
            )
    in_sql, in_columns = pages
    assert any(page.total for page in in_sql), "the query should find something"
    for expected, got in zip(in_sql, in_columns, strict=True):
        assert got.total == expected.total
        assert [h.to_dict() for h in got.hits] == [h.to_dict() for h in expected.hits]
