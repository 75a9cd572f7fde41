"""All 3,347 real cablegate pages: none raises, metadata is carried over exactly, and the
preamble fields are found on nearly all of them.

The expected metadata is read here with the standard library's HTML parser, independently
of the fast reader under test.
"""

from __future__ import annotations

import re
import tarfile
from collections import Counter
from html.parser import HTMLParser
from typing import Any

import pytest

import cablescope

COVERAGE_FLOOR = 0.97


class _MetadataTable(HTMLParser):
    """Collects the cells of ``<table class='cable'>``'s second row."""

    def __init__(self) -> None:
        super().__init__()
        self.in_table = False
        self.in_cell = False
        self.cells: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table" and ("class", "cable") in attrs:
            self.in_table = True
        elif tag == "td" and self.in_table:
            self.in_cell = True
            self.cells.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "td":
            self.in_cell = False
        elif tag == "table":
            self.in_table = False

    def handle_data(self, data: str) -> None:
        if self.in_cell:
            self.cells[-1] += data


_HEADING = re.compile(r"<h3>Viewing cable [^,<]*,([^<]*)</h3>")
_SUBJECT_MARK = re.compile(r"\bS?UBJ(?:ECT)?\b", re.IGNORECASE)


def _has_subject(page: str) -> bool:
    """Whether the page states a subject anywhere: its heading or a SUBJ line in the cable."""
    heading = _HEADING.search(page)
    if heading and heading.group(1).strip():
        return True
    return bool(_SUBJECT_MARK.search(page, page.find("<code><pre>")))


def _expected(page: str) -> dict[str, str]:
    table = _MetadataTable()
    start = page.index("<table class='cable'>")
    table.feed(page[start : page.index("</table>", start) + 8])
    # a sixth cell ("Appears in these articles") follows on some pages
    ref_id, created, _released, classification, origin = (c.strip() for c in table.cells[:5])
    return {"id": ref_id, "date": created[:10], "classification": classification,
            "origin": origin, "has_subject": _has_subject(page)}


@pytest.fixture(scope="module")
def parsed(shared_path) -> list[tuple[str, dict[str, str], dict[str, Any]]]:
    tarball = shared_path("corpus", "cablegate-html-dev.tar.gz")
    out = []
    with tarfile.open(tarball, "r:gz") as archive:
        for member in archive:
            if not member.isfile() or not member.name.endswith(".html"):
                continue
            page = archive.extractfile(member).read().decode("utf-8")
            cable = cablescope.parse(page, name=member.name)  # must never raise
            out.append((member.name, _expected(page), cable.to_dict()))
    return out


def test_every_page_parsed(parsed) -> None:
    assert len(parsed) == 3347


@pytest.mark.parametrize("key", ["published_id", "date", "classification", "origin"])
def test_metadata_equals_page_table(parsed, key: str) -> None:
    """`published_id` is the id as WikiLeaks wrote it; `id` is its canonical form."""
    exp_key = "id" if key == "published_id" else key
    wrong = [(name, exp[exp_key], rec[key]) for name, exp, rec in parsed
             if exp[exp_key] != rec[key]]
    assert not wrong, f"{len(wrong)} pages differ on {key}, e.g. {wrong[:5]}"


def test_canonical_id_differs_only_for_malformed_ids(parsed) -> None:
    """A well-formed id is kept as published; only a malformed one is changed."""
    changed = {rec["published_id"]: rec["id"] for _, _, rec in parsed
               if rec["id"] != rec["published_id"]}
    assert len(changed) < 20, changed
    for published, canonical in changed.items():
        assert published[:2] == canonical[:2] and published[-3:] == canonical[-3:], changed


def test_tags_coverage(parsed) -> None:
    missing = [name for name, _, rec in parsed if not rec["tags"]]
    coverage = 1 - len(missing) / len(parsed)
    assert coverage >= COVERAGE_FLOOR, f"TAGS found on {coverage:.1%}; missing e.g. {missing[:10]}"


def test_subject_coverage(parsed) -> None:
    """Subject found on >= 97 % of the pages that state one (about 3 % state none at all:
    no SUBJECT line and an empty page heading)."""
    stated = [(name, rec) for name, exp, rec in parsed if exp["has_subject"]]
    missing = [name for name, rec in stated if not rec["subject"]]
    coverage = 1 - len(missing) / len(stated)
    overall = sum(1 for _, _, rec in parsed if rec["subject"]) / len(parsed)
    print(f"\nsubject: {coverage:.2%} of {len(stated)} pages that state one; "
          f"{overall:.2%} of all {len(parsed)} pages")
    assert len(stated) > 0.95 * len(parsed)
    assert coverage >= COVERAGE_FLOOR, f"subject found on {coverage:.1%}; missing {missing[:10]}"


def test_problems_are_located_and_reported(parsed) -> None:
    counts: Counter[tuple[str, str]] = Counter()
    for _name, _, rec in parsed:
        for problem in rec["problems"]:
            assert problem["field"] and problem["message"]
            assert "internal error" not in problem["message"], (_name, problem)
            counts[(problem["field"], problem["message"][:60])] += 1
    print("\ncommonest problems over the 3,347 pages:")
    for (field, message), n in counts.most_common(15):
        print(f"{n:6d}  {field}: {message}")
