"""Words inside marked paragraphs (``para:S word``) on both backends, where the text is not
plain ASCII: accented words fold (``Sécurité`` is found as ``securite``) and curly quotes
or apostrophes separate words. PostgreSQL narrows the paragraphs on the server by substring
before checking their words, so these are the cases where a narrowing could lose a match."""

from __future__ import annotations

import pytest

import cablescope
from cablescope.search.query import parse_query
from cablescope.store import open_store

TEXT = """S E C R E T SECTION 01 OF 01 PARIS 000123

SIPDIS

E.O. 12958: DECL: 01/01/2019
TAGS: PREL, FR
SUBJECT: WORDS IN MARKED PARAGRAPHS

1. (S) The minister spoke of the Sécurité Nationale and of the budget.

2. (S) The ministers’ aides said the “finance” office would review it.

3. (C) The finance minister was absent; the budget waits.

SMITH
"""

#: (query, cables found, the paragraph shown)
CASES = [
    ("para:S securite", 1, 1),
    ("para:S SÉCURITÉ nationale", 1, 1),
    ("para:S aides", 1, 2),
    ('para:S "finance office"', 1, 2),
    ("para:S ministers", 1, 2),
    ("para:C finance", 1, 3),
    ("para:C securite", 0, None),
    ("para:S absent", 0, None),
    ('para:S "aides finance"', 0, None),
    ("para:C budget waits", 1, 3),
    ("para:S budget", 1, 1),
]


@pytest.fixture()
def archive(new_archive):
    where = new_archive("paragraph-words")
    with open_store(where) as store:
        store.write_batch([cablescope.parse(TEXT, name="paris.txt")])
    return where


def test_words_in_marked_paragraphs_beyond_ascii(archive) -> None:
    with open_store(archive, read_only=True) as store:
        for query, found, paragraph in CASES:
            page = store.search(parse_query(query), limit=5)
            assert page.total == found, query
            assert [hit.paragraph for hit in page.hits] == ([paragraph] if found else []), query
