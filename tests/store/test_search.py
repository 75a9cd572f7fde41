"""Search over real archives on every backend, checked against answers computed here by
scanning the parsed records in Python (never against lists copied from the code under test)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cablescope
from cablescope.ingest import ingest
from cablescope.model import CLASSIFICATION_ORDER, Cable, Paragraph
from cablescope.search import QuerySyntaxError, parse_query
from cablescope.store import Store, open_store

_WORD = re.compile(r"[^\W_]+")
ALL = 100_000


def _words(text: str | None) -> list[str]:
    return [w.lower() for w in _WORD.findall(text or "")]


def _cable_words(cable: Cable) -> list[str]:
    return _words(cable.subject) + _words(cable.body)


def _has_phrase(words: list[str], phrase: list[str]) -> bool:
    n = len(phrase)
    return any(words[i : i + n] == phrase for i in range(len(words) - n + 1))


def _whole_words(name: str | None, value: str) -> bool:
    """`value`'s words, in a row, among `name`'s (words as full-text search cuts them)."""
    words = " ".join(_WORD.findall(value.upper()))
    return f" {words} " in f" {' '.join(_WORD.findall((name or '').upper()))} "


def _marking(paragraph: Paragraph) -> str:
    return (paragraph.marking or "").upper().replace("//", "/")


class Archive:
    """A store over one corpus, and its cables with a single text (whose default version is
    therefore unambiguous), for computing expected answers."""

    def __init__(self, store: Store, cables: list[Cable]) -> None:
        self.store = store
        counts = Counter(c.id for c in cables)
        self.ambiguous = {cid for cid, n in counts.items() if n > 1}
        self.cables = [c for c in cables if c.id not in self.ambiguous]
        assert self.cables

    def ids(self, query: str, **options: object) -> set[str]:
        page = self.store.search(parse_query(query), limit=ALL, **options)  # type: ignore[arg-type]
        assert page.total == len(page.hits)
        return {hit.id for hit in page.hits} - self.ambiguous

    def expect(self, predicate: Callable[[Cable], bool]) -> set[str]:
        return {c.id for c in self.cables if predicate(c) and c.id}


@pytest.fixture(scope="module")
def dev(shared_path, new_archive) -> Iterator[Archive]:
    tarball = shared_path("corpus", "cablegate-html-dev.tar.gz")
    cables = list(cablescope.read(tarball))
    with open_store(new_archive("dev")) as store:
        ingest([tarball], store, batch_size=1000)
        yield Archive(store, cables)


@pytest.mark.corpus
def test_word_and_tag(dev: Archive) -> None:
    expected = dev.expect(lambda c: "nuclear" in _cable_words(c) and "PREL" in c.tags)
    assert len(expected) > 20
    assert dev.ids("nuclear tag:PREL") == expected
    assert dev.ids("NUCLEAR AND tag:prel") == expected


@pytest.mark.corpus
def test_phrase_prefix_or_not(dev: Archive) -> None:
    phrase = dev.expect(lambda c: _has_phrase(_cable_words(c), ["nuclear", "program"]))
    assert phrase and dev.ids('"nuclear program"') == phrase
    prefix = dev.expect(lambda c: any(w.startswith("sanction") for w in _cable_words(c)))
    assert prefix > dev.ids("sanctions") and dev.ids("sanction*") == prefix
    iran = dev.expect(lambda c: "iran" in _cable_words(c))
    nuclear = dev.expect(lambda c: "nuclear" in _cable_words(c))
    syria = dev.expect(lambda c: "syria" in _cable_words(c))
    assert dev.ids("iran NOT nuclear") == iran - nuclear
    assert dev.ids("iran OR syria") == iran | syria
    assert dev.ids("(iran OR syria) NOT nuclear") == (iran | syria) - nuclear
    everything = dev.expect(lambda c: True)
    assert dev.ids("NOT iran") == everything - iran


@pytest.mark.corpus
def test_text_or_filter_and_negated_filters(dev: Archive) -> None:
    iran = dev.expect(lambda c: "iran" in _cable_words(c))
    pgov = dev.expect(lambda c: "PGOV" in c.tags)
    assert dev.ids("iran OR tag:PGOV") == iran | pgov
    assert dev.ids("iran NOT tag:PGOV") == iran - pgov
    assert dev.ids("tag:PGOV NOT iran") == pgov - iran


@pytest.mark.corpus
def test_dates_and_classes(dev: Archive) -> None:
    in_range = dev.expect(lambda c: "2008-01-01" <= (c.date or "") <= "2009-06-30")
    assert in_range and dev.ids("date:2008-01..2009-06") == in_range
    since = dev.expect(lambda c: (c.date or "") >= "2009-11-01")
    assert since and dev.ids("date:2009-11..") == since
    rank = {level: i for i, level in enumerate(CLASSIFICATION_ORDER)}
    confidential = rank["CONFIDENTIAL"]
    high = dev.expect(lambda c: rank.get(c.classification or "", -1) >= confidential)
    assert high and dev.ids("class>=CONFIDENTIAL") == high
    secret = dev.expect(lambda c: c.classification == "SECRET")
    assert secret and dev.ids("class:SECRET") == dev.ids("class:s") == secret
    both = dev.expect(lambda c: c.classification == "SECRET" and (c.date or "").startswith("2009"))
    assert dev.ids("class:SECRET date:2009") == both


@pytest.mark.corpus
def test_ref_signer_caption_from_to(dev: Archive) -> None:
    cited = Counter(r.value for c in dev.cables for r in c.references if r.kind == "CABLE")
    target, _ = cited.most_common(1)[0]
    expected = dev.expect(lambda c: any(r.value == target for r in c.references))
    assert len(expected) >= 2 and dev.ids(f"ref:{target}") == expected
    signer, _ = Counter(s for c in dev.cables for s in c.signers).most_common(1)[0]
    assert dev.ids(f'signer:"{signer}"') == dev.expect(
        lambda c: signer.upper() in (s.upper() for s in c.signers)
    )
    assert dev.ids("caption:noforn") == dev.expect(lambda c: "NOFORN" in c.captions)
    london = dev.expect(
        lambda c: (
            _whole_words(c.origin, "London")
            or _whole_words(c.sender.name if c.sender else None, "London")
        )
    )
    assert london and dev.ids("from:London") == london
    washdc = dev.expect(
        lambda c: any(
            _whole_words(r.name, "SECSTATE WASHDC") or _whole_words(r.station, "SECSTATE WASHDC")
            for r in [*c.to, *c.info]
        )
    )
    assert washdc and dev.ids('to:"secstate washdc"') == washdc


@pytest.mark.corpus
def test_para_marking_and_best_paragraph(dev: Archive) -> None:
    expected = dev.expect(lambda c: any(_marking(p) == "S" for p in c.paragraphs))
    assert expected and dev.ids("para:S") == expected
    by_id = {c.id: c for c in dev.cables}
    within = {
        c.id: {p.number for p in c.paragraphs if _marking(p) == "S" and "iran" in _words(p.text)}
        for c in dev.cables
    }
    within = {cid: numbers for cid, numbers in within.items() if numbers}
    page = dev.store.search(parse_query("para:S iran"), limit=ALL)
    hits = {hit.id: hit for hit in page.hits if hit.id not in dev.ambiguous}
    assert set(hits) == set(within)
    for cable_id, hit in hits.items():
        assert hit.paragraph in within[cable_id]
        assert hit.marking is not None and hit.marking.upper().replace("//", "/") == "S"
        assert hit.snippet and "«" in hit.snippet
        assert by_id[cable_id].id == cable_id


@pytest.mark.corpus
def test_hits_carry_snippet_paragraph_and_score(dev: Archive) -> None:
    page = dev.store.search(parse_query("sanctions"), limit=25)
    assert page.total == len(dev.expect(lambda c: "sanctions" in _cable_words(c)))
    by_id = {c.id: c for c in dev.cables}
    scores = [hit.score for hit in page.hits]
    assert all(s is not None for s in scores)
    assert scores == sorted(scores, reverse=True)  # type: ignore[type-var]
    for hit in page.hits:
        assert hit.snippet is not None
        marked = re.findall(r"«([^»]*)»", hit.snippet)
        assert marked and all(m.lower() == "sanctions" for m in marked)
        cable = by_id.get(hit.id)
        if cable is None:
            continue
        assert (hit.date, hit.origin, hit.classification, hit.subject) == (
            cable.date,
            cable.origin,
            cable.classification,
            cable.subject,
        )
        if hit.paragraph is not None:
            paragraph = next(p for p in cable.paragraphs if p.number == hit.paragraph)
            assert "sanctions" in _words(paragraph.text)
            assert hit.marking == paragraph.marking


@pytest.mark.corpus
def test_sorting_and_paging(dev: Archive) -> None:
    query = parse_query("embassy tag:PREL")
    full = dev.store.search(query, limit=ALL, sort="date")
    dates = [hit.date for hit in full.hits if hit.date]
    assert dates == sorted(dates)
    newest = dev.store.search(query, limit=ALL, sort="-date")
    assert [h.date for h in newest.hits if h.date] == sorted(dates, reverse=True)
    pages = [
        dev.store.search(query, limit=7, offset=start, sort="date") for start in range(0, 35, 7)
    ]
    assert [h.id for p in pages for h in p.hits] == [h.id for h in full.hits[:35]]
    assert all(p.total == full.total for p in pages)
    with pytest.raises(ValueError, match="unknown sort"):
        dev.store.search(query, sort="sideways")


# -- small archives -------------------------------------------------------------------------
def test_seed_paragraph_hits(seeds: tuple[Store, list[Cable]]) -> None:
    store, cables = seeds
    expected = {
        (c.id, p.number, p.marking)
        for c in cables
        for p in c.paragraphs
        if "boucher" in _words(p.text)
    }
    page = store.search(parse_query("Boucher"))
    assert page.total == len({cid for cid, _, _ in expected}) > 0
    assert {(h.id, h.paragraph, h.marking) for h in page.hits} <= expected


def test_only_default_versions_are_searched(seeds_dir: Path, new_archive) -> None:
    original = cablescope.parse((seeds_dir / "08LONDON3062.txt").read_text("utf-8"))
    added = "99. Zanzibarite shipments were discussed."
    older = replace(
        original,
        raw=original.raw + "\n" + added + "\n",
        body=original.body + "\n" + added,
        paragraphs=[*original.paragraphs, Paragraph(number=99, text=added)],
        released="2010-11-28",
    )
    newer = replace(original, released="2011-08-30")
    with open_store(new_archive("versions")) as store:
        store.write_batch([older])
        assert store.search(parse_query("zanzibarite")).total == 1
        store.write_batch([newer])
        assert store.search(parse_query("zanzibarite")).total == 0
        assert store.search(parse_query("zanzibarite OR tag:PREL")).total == 1


def test_raw_text_directory(shared_path, new_archive) -> None:
    cables = list(cablescope.read(shared_path("corpus", "raw-text")))
    with open_store(new_archive("raw")) as store:
        store.write_batch(cables)
        archive = Archive(store, cables)
        word, _ = Counter(w for c in archive.cables for w in set(_cable_words(c))).most_common(40)[
            -1
        ]
        assert archive.ids(word) == archive.expect(lambda c: word in _cable_words(c))
        years = {(c.date or "")[:4] for c in archive.cables if c.date}
        year = sorted(years)[len(years) // 2]
        assert archive.ids(f"date:{year}") == archive.expect(
            lambda c: (c.date or "").startswith(year)
        )


HOSTILE = [
    "'; DROP TABLE versions; --",
    'tag:"PREL\' OR 1=1 --"',
    "NEAR(a b) col:x ^start",
    '"a"" OR ""b"',
    "x* AND y*",
    "from:%",
    "signer:_",
    "- -- ---",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_are_just_text(seeds: tuple[Store, list[Cable]], query: str) -> None:
    store, cables = seeds
    before = store.counts()
    try:
        tree = parse_query(query)
    except QuerySyntaxError:
        return
    page = store.search(tree)
    assert page.total <= len(cables)
    assert store.counts() == before
    assert store.search(parse_query("from:%")).total == 0


_PIECES = st.sampled_from(
    [
        *'ab () "*-.^:',
        " AND ",
        " OR ",
        " NOT ",
        "NEAR",
        "tag:PREL ",
        "para:S ",
        "para:C* ",
        "date:2008.. ",
        "class>=C ",
        "from:London ",
        "to:x* ",
        "london",
        "boucher",
        "'",
        ";",
        "%",
        "_",
    ]
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(_PIECES, max_size=10).map("".join))
def test_every_parsed_query_runs(seeds: tuple[Store, list[Cable]], query: str) -> None:
    store, cables = seeds
    try:
        tree = parse_query(query)
    except QuerySyntaxError:
        return
    page = store.search(tree, limit=5)
    assert 0 <= page.total <= len(cables)
