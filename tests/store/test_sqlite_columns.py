"""In-memory facet columns (`sqlite_columns`) answer exactly what the SQL facets answer, and
are never served stale: an ingest after loading them sends readers back to SQL until reloaded."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.store.facet_queries import FACET_QUERIES

import cablescope
from cablescope.demo.generator import write_corpus
from cablescope.search.query import parse_query
from cablescope.store import open_store, sqlite_search
from cablescope.store.sqlite import SQLiteStore
from cablescope.store.sqlite_columns import LOADED
from cablescope.store.sqlite_facets import FACET_FIELDS

QUERIES = FACET_QUERIES


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
    "minister",
    "security OR iran",
    '"prime minister"',
    "secur*",
    "minister NOT security",
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
    "para:S",
    "para:s//nf",
    "para:C*",
    "para:U minister",
    "para:C budget OR water",
    "(para:S OR tag:PREL) date:2008",
    "para:C* NOT tag:PREL",
]


#: (RANK_ALL_LIMIT, RANK_SUBJECT_LIMIT, RANK_PARAGRAPH_LIMIT): as shipped; broad queries
#: tiered, subject tier by bm25; tiered, subject tier newest first, para: by date.
RANKINGS = [None, (3, 10_000, 10_000), (3, 2, 2)]


@pytest.mark.parametrize(
    ("sort", "ranking"), [("date", None), ("-date", None)] + [("relevance", r) for r in RANKINGS]
)
@pytest.mark.parametrize("query", SEARCHES)
def test_searches_over_columns_find_what_sql_finds(
    archive: Path, query: str, sort: str, ranking: tuple[int, int] | None, monkeypatch
) -> None:
    if ranking is not None:
        monkeypatch.setattr(sqlite_search, "RANK_ALL_LIMIT", ranking[0])
        monkeypatch.setattr(sqlite_search, "RANK_SUBJECT_LIMIT", ranking[1])
        monkeypatch.setattr(sqlite_search, "RANK_PARAGRAPH_LIMIT", ranking[2])
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


@pytest.mark.parametrize("warm", [False, True])
@pytest.mark.parametrize("subject_limit", [10_000, 2])
def test_a_broad_query_ranks_subject_matches_first(
    archive: Path, warm: bool, subject_limit: int, monkeypatch
) -> None:
    """Tiered relevance: every hit whose subject has the word comes before every other, and
    paging through the tiers neither repeats nor skips a cable."""
    monkeypatch.setattr(sqlite_search, "RANK_ALL_LIMIT", 3)
    monkeypatch.setattr(sqlite_search, "RANK_SUBJECT_LIMIT", subject_limit)
    tree = parse_query("budget OR water")
    with open_store(archive, read_only=True) as store:
        LOADED.forget()
        if warm:
            store.warm()
        whole = store.search(tree, limit=10_000, sort="relevance")
        pages = [store.search(tree, limit=7, offset=at, sort="relevance") for at in range(0, 80, 7)]
    ids = [hit.id for hit in whole.hits]
    assert len(ids) == whole.total == len(set(ids)) > 20
    in_subject = [
        bool({"budget", "water"} & set((hit.subject or "").lower().split())) for hit in whole.hits
    ]
    assert any(in_subject) and not all(in_subject)
    assert in_subject == sorted(in_subject, reverse=True)  # True (subject) first
    assert [hit.id for page in pages for hit in page.hits] == ids[:84]
