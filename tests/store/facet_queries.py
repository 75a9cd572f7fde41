"""Queries whose facets and histograms the in-memory columns must count as SQL does, on
either backend (`test_sqlite_columns`, `test_postgres_columns`)."""

FACET_QUERIES = [
    None,
    "",
    "iran",
    '"prime minister"',
    "tag:PREL",
    "class>=CONFIDENTIAL",
    "date:2008..2009",
    "from:London OR to:Islamabad",
    "para:S",
    "para:C budget",
    "(para:S OR tag:PREL) NOT para:U",
    "NOT tag:PREL",
    "no-such-word-anywhere",
]
