"""Reading side of every store: `cited_by` against an independent scan of the parsed
references, and versions of a cable whose text changed (a redacted copy)."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import cablescope
from cablescope.model import Cable, Reference
from cablescope.store import open_store


def _archive(shared_path, seeds_dir: Path) -> list[Cable]:
    return list(cablescope.read(seeds_dir)) + list(
        cablescope.read(shared_path("corpus", "raw-text"))
    )


def _citing(cables: list[Cable]) -> dict[str, list[str]]:
    """Referenced id → ids of the cables citing it, by scanning the parsed records."""
    found: dict[str, set[str]] = defaultdict(set)
    for cable in cables:
        for ref in cable.references:
            if cable.id and ref.value != cable.id:
                found[ref.value].add(cable.id)
    return {value: sorted(ids) for value, ids in found.items()}


def _citing_copy(source: Cable, new_id: str, cites: list[str]) -> Cable:
    """A distinct cable (new id, new text) whose references name `cites`."""
    return replace(
        source,
        id=new_id,
        raw=source.raw + f"\n{new_id}\n",
        references=[Reference(value) for value in cites],
    )


def test_cited_by_matches_a_scan_of_the_references(
    shared_path, seeds_dir: Path, new_archive
) -> None:
    cables = _archive(shared_path, seeds_dir)
    seeds = [c for c in cables if c.id in {"08LONDON3062", "09STATE65183"}]
    assert len(seeds) == 2
    extra = [
        _citing_copy(seeds[0], "08LONDON9991", ["09STATE65183"]),
        _citing_copy(seeds[1], "09STATE99992", ["09STATE65183", "08LONDON3062"]),
    ]
    everything = cables + extra
    expected = _citing(everything)
    assert expected["09STATE65183"] == ["08LONDON9991", "09STATE99992"]
    with open_store(new_archive("reading")) as store:
        store.write_batch(everything)
        for value, ids in expected.items():
            assert store.cited_by(value) == ids, value
        cited = set(expected)
        for cable in cables:
            if cable.id not in cited:
                assert store.cited_by(cable.id or "") == []
        assert store.cited_by("99NOWHERE1") == []


def test_only_default_versions_cite(seeds_dir: Path, new_archive) -> None:
    london, state = sorted(cablescope.read(seeds_dir), key=lambda c: c.id or "")
    citing = _citing_copy(london, "08LONDON9991", [state.id or ""])
    # A later text of the same cable without the reference, released later: the new default.
    later = replace(citing, raw=citing.raw + " revised", references=[], released="2011-09-01")
    with open_store(new_archive("reading")) as store:
        store.write_batch([state, citing])
        assert store.cited_by(state.id or "") == ["08LONDON9991"]
        store.write_batch([later])
        assert [v["default"] for v in store.versions("08LONDON9991")] == [False, True]
        assert store.cited_by(state.id or "") == []


def test_a_redacted_copy_becomes_a_second_version(seeds_dir: Path, new_archive) -> None:
    path = seeds_dir / "08LONDON3062.txt"
    text = path.read_text(encoding="utf-8")
    original = cablescope.parse(text, name=str(path))
    words = re.findall(r"\b[A-Za-z]{7,}\b", original.paragraphs[1].text)
    word = next(w for w in words if text.count(w) == 1)
    altered = cablescope.parse(text.replace(word, "XXXXXXXXXXXX"), name="altered.txt")
    assert altered.id == original.id and altered.redactions == original.redactions + 1
    with open_store(new_archive("reading")) as store:
        store.write_batch([original])
        store.write_batch([altered])
        store.write_batch([original, altered])  # again: nothing new
        versions = store.versions(original.id or "")
        assert [v["version"] for v in versions] == [1, 2]
        assert [v["redactions"] for v in versions] == [original.redactions, altered.redactions]
        # Same release date: the text with fewer redactions is the default.
        assert [v["default"] for v in versions] == [True, False]
        first, second = store.get(original.id or "", 1), store.get(original.id or "", 2)
        assert first is not None and second is not None
        assert word in first["body"] and word not in second["body"]
        assert store.get(original.id or "") == first
        assert store.get(original.id or "", 3) is None
