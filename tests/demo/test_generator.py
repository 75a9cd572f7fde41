"""The synthetic corpus: deterministic, the size asked for, all five forms, and parseable
back to what the generator meant (its `generate_records`)."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from pathlib import Path

import pytest

import cablescope
from cablescope.demo.generator import (
    FORMATS,
    SYNTHETIC_CAPTION,
    encoding_for,
    generate,
    generate_records,
    write_corpus,
)

N = 40
SEED = 3


def _cables_in(name: str, content: str) -> int:
    """How many cables one generated file holds, counted from its text."""
    if name.endswith(".csv"):
        return len(list(csv.reader(io.StringIO(content), escapechar="\\")))
    if name.endswith(".jsonl"):
        return len(content.splitlines())
    return 1


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("synthetic")
    write_corpus(root, N, seed=SEED)
    return root


@pytest.fixture(scope="module")
def parsed(corpus: Path) -> tuple[dict[str, cablescope.Cable], list[Exception]]:
    errors: list[Exception] = []
    cables = list(cablescope.read(corpus, on_error=errors.append))
    by_id = {c.id: c for c in cables if c.id}
    assert len(cables) == N, f"read {len(cables)} cables, {len(by_id)} with ids; errors {errors}"
    return by_id, errors


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    assert list(generate(25, seed=11)) == list(generate(25, seed=11))
    first = write_corpus(tmp_path / "a", 25, seed=11)
    second = write_corpus(tmp_path / "b", 25, seed=11)
    assert [p.relative_to(tmp_path / "a") for p in first] == [
        p.relative_to(tmp_path / "b") for p in second
    ]
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]


def test_another_seed_another_corpus() -> None:
    assert dict(generate(10, seed=1)) != dict(generate(10, seed=2))


@pytest.mark.parametrize("n", [1, 5, 23, 61])
def test_n_is_honoured(n: int) -> None:
    files = list(generate(n, seed=0))
    assert sum(_cables_in(name, content) for name, content in files) == n
    records = generate_records(n, seed=0)
    assert len(records) == n
    assert len({r["id"] for r in records}) == n, "ids must be unique"


def test_all_five_formats_present() -> None:
    records = generate_records(10)
    assert {r["format"] for r in records} == set(FORMATS)
    names = [name for name, _ in generate(10)]
    assert {name.split("/", 1)[0] for name in names} == {
        "wikileaks",
        "raw-text",
        "cablegate",
        "cables-csv",
        "jsonl",
    }
    assert {r["file"] for r in records} == set(names)


def test_every_cable_is_marked_synthetic() -> None:
    for name, content in generate(30, seed=5):
        if name.endswith(".jsonl"):
            assert all(json.loads(line)["synthetic"] is True for line in content.splitlines())
        expected = _cables_in(name, content)
        assert content.count(SYNTHETIC_CAPTION) >= expected, name


def test_dates_span_the_corpus_years_and_forms_vary() -> None:
    records = generate_records(300, seed=0)
    years = [int(r["date"][:4]) for r in records]
    assert min(years) < 1990 and max(years) >= 2009
    assert all(1966 <= y <= 2010 for y in years)
    classes = Counter(r["classification"] for r in records)
    assert len(classes) == 6
    assert len({r["precedence"]["action"] for r in records}) >= 3
    assert any(r["transmission_id"] for r in records) and any(
        not r["transmission_id"] for r in records
    )
    marked = [p for r in records for p in r["paragraphs"] if p["marking"]]
    unmarked = [p for r in records for p in r["paragraphs"] if not p["marking"]]
    assert marked and unmarked
    assert any(r["sections"] and r["sections"] > 1 for r in records)
    assert any(r["references"] for r in records) and any(r["redactions"] for r in records)


def test_raw_text_is_latin1_with_crlf(tmp_path: Path) -> None:
    written = write_corpus(tmp_path, 20, seed=2)
    raw = [p for p in written if p.parent.name == "raw-text"]
    assert raw
    for path in raw:
        data = path.read_bytes()
        assert encoding_for(path.relative_to(tmp_path).as_posix()) == "latin-1"
        assert b"\r\n" in data and data.count(b"\n") == data.count(b"\r\n")
        assert b"\xc2\xb6" not in data  # not UTF-8
    assert any(b"\xb6" in p.read_bytes() for p in raw)


def test_csv_is_eight_columns_without_header_and_backslash_escapes() -> None:
    files = [(n, c) for n, c in generate(60, seed=4) if n.endswith(".csv")]
    assert files
    for _, content in files:
        rows = list(csv.reader(io.StringIO(content), escapechar="\\"))
        assert all(len(row) == 8 for row in rows)
        assert rows[0][0].isdigit()  # no header row
        assert all(re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2}", row[1]) for row in rows)
        assert all("\n" in row[7] for row in rows)  # bodies keep their newlines
        quoted = [row[7] for row in rows if '"' in row[7]]
        assert quoted and all(q.replace('"', '\\"') in content for q in quoted[:3])


def test_html_pages_have_metadata_table_and_two_pre_blocks() -> None:
    pages = [(n, c) for n, c in generate(20, seed=6) if n.endswith(".html")]
    assert pages
    for name, page in pages:
        assert "<table class='cable'>" in page
        pres = re.findall(r"<pre>(.*?)</pre>", page, re.S)
        assert len(pres) == 2
        assert all("\n" not in pre and "&#x000A;" in pre for pre in pres)
        assert re.search(r"cable/\d{4}/\d{2}/\w+\.html$", name)


def test_jsonl_bodies_are_flattened() -> None:
    lines = [
        json.loads(line)
        for name, content in generate(30, seed=8)
        if name.endswith(".jsonl")
        for line in content.splitlines()
    ]
    assert lines
    for record in lines:
        assert {"origin", "date", "classification", "body"} <= set(record)
        assert "\n" not in record["body"]


# -- end to end: what the parser makes of it ------------------------------------------------
Parsed = tuple[dict[str, cablescope.Cable], list[Exception]]


def _lost_in_flattening(record: dict) -> bool:
    """An unmarked telegram in flattened JSON: nothing shows where ``1.`` began a line, so
    where the subject ends and the paragraphs begin cannot be recovered."""
    return record["format"] == "jsonl" and not any(p["marking"] for p in record["paragraphs"])


def _mismatches(parsed: Parsed, keys: tuple[str, ...], *, structural: bool = False) -> list[tuple]:
    """(id, format, key, parsed, intended) for every intended value the parse missed."""
    by_id, _ = parsed
    wrong: list[tuple] = []
    for record in generate_records(N, seed=SEED):
        if structural and _lost_in_flattening(record):
            continue
        cable = by_id.get(record["id"])
        if cable is None:
            wrong.append((record["id"], record["format"], "id", None, record["id"]))
            continue
        wrong += [
            (record["id"], record["format"], key, getattr(cable, key), record[key])
            for key in keys
            if getattr(cable, key) != record[key]
        ]
    return wrong


def test_every_file_parses_to_the_intended_id_date_classification(parsed: Parsed) -> None:
    _, errors = parsed
    assert errors == []
    assert _mismatches(parsed, ("date", "classification", "synthetic")) == []


def test_subject_and_tags_parse_as_intended(parsed: Parsed) -> None:
    assert _mismatches(parsed, ("tags",)) == []
    assert _mismatches(parsed, ("subject",), structural=True) == []


def test_origin_and_sections_parse_as_intended(parsed: Parsed) -> None:
    assert _mismatches(parsed, ("origin", "sections")) == []


def test_routing_header_parses_as_intended(parsed: Parsed) -> None:
    by_id, _ = parsed
    wrong = []
    for record in generate_records(N, seed=SEED):
        cable = by_id.get(record["id"])
        if cable is None:
            continue
        got = {
            "dtg": cable.dtg,
            "transmission_id": cable.transmission_id,
            "precedence": cable.precedence.to_dict(),
            "sender": {"route": cable.sender.route, "name": cable.sender.name}
            if cable.sender
            else None,
            "to": [(r.route, r.name, r.precedence, r.mcn) for r in cable.to],
            "info": [(r.route, r.name, r.precedence, r.mcn) for r in cable.info],
        }
        want = {key: record[key] for key in ("dtg", "transmission_id", "precedence", "sender")}
        for key in ("to", "info"):
            want[key] = [(r["route"], r["name"], r["precedence"], r["mcn"]) for r in record[key]]
        wrong += [
            (record["id"], record["format"], k, got[k], want[k]) for k in got if got[k] != want[k]
        ]
    assert wrong == []


def test_preamble_fields_parse_as_intended(parsed: Parsed) -> None:
    assert _mismatches(parsed, ("declassify_on", "captions", "signers", "redactions")) == []
    by_id, _ = parsed
    wrong = []
    for record in generate_records(N, seed=SEED):
        cable = by_id.get(record["id"])
        if cable is None:
            continue
        names = cable.classified_by.names if cable.classified_by else []
        refs = [r.value for r in cable.references if r.kind == "CABLE"]
        if names != record["classified_by"] or refs != record["references"]:
            wrong.append((record["id"], record["format"], names, refs))
    assert wrong == []


def test_paragraph_numbers_and_markings_parse_as_intended(parsed: Parsed) -> None:
    by_id, _ = parsed
    wrong = []
    for record in generate_records(N, seed=SEED):
        cable = by_id.get(record["id"])
        if cable is None:
            continue
        if _lost_in_flattening(record):
            continue
        got = [(p.number, p.classification, p.noforn) for p in cable.paragraphs]
        want = [(p["number"], p["classification"], p["noforn"]) for p in record["paragraphs"]]
        if got != want:
            wrong.append((record["id"], record["format"], got, want))
    assert wrong == []


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_large_corpora_round_trip(tmp_path: Path, seed: int) -> None:
    """300 cables a seed reach the rarer shapes (banners glued to a letter, flattened
    unmarked telegrams) that the 40-cable corpus above may not."""
    write_corpus(tmp_path, 300, seed=seed)
    intended = {record["id"]: record for record in generate_records(300, seed=seed)}
    keys = ("origin", "date", "classification", "sections", "subject", "tags", "signers", "dtg")
    wrong = []
    for cable in cablescope.read(tmp_path):
        record, got = intended[cable.id], cable.to_dict()
        wrong += [(cable.id, record["format"], k, record[k], got[k])
                  for k in keys if got[k] != record[k]]
    assert not wrong, wrong[:5]
