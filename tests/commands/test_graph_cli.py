"""`cablescope graph` end to end: each format parses back with the nodes and edges counted
here from the parsed records; a cited cable the archive lacks is a node marked missing."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

import cablescope
from cablescope.cli import app
from cablescope.ids import station_from_post
from cablescope.store import open_store

GML = "{http://graphml.graphdrawing.org/xmlns}"
GEXF = "{http://gexf.net/1.3}"
CITING = "09ROME777"
MISSING = "07PARIS1234"
#: A made-up cable citing the London seed and a cable no archive here holds.
CITING_TEXT = """VZCZCXYZ0002
RR RUEHWEB
DE RUEHRO #0777 0451200
ZNY CCCCC ZZH
R 141200Z FEB 09
FM AMEMBASSY ROME
TO RUEHC/SECSTATE WASHDC 0001
INFO RUEHLO/AMEMBASSY LONDON 0002
C O N F I D E N T I A L ROME 000777

CABLESCOPE SYNTHETIC

E.O. 12958: DECL: 02/14/2019
TAGS: PREL IT
SUBJECT: PLUGH CONSULTATIONS

REF: A. 08 LONDON 3062 B. 07 PARIS 1234

Classified By: Test Officer Zed Quill for reasons 1.4(b) and (d).

1. (C) Quuxly paragraph about the plugh consultations.

QUILL
"""


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> tuple[Path, dict]:
    root = tmp_path_factory.mktemp("graph-cli")
    (root / "rome.txt").write_text(CITING_TEXT, encoding="utf-8")
    cables = list(cablescope.read([seeds_dir, root / "rome.txt"]))
    db = root / "a.db"
    with open_store(db) as store:
        store.write_batch(cables)
    return db, {c.id: c.to_dict() for c in cables}


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["graph", *args])
    return result.exit_code, result.stdout, result.stderr


def _post_pairs(records: dict) -> set[tuple[str, str]]:
    pairs = set()
    for cid, rec in records.items():
        origin = re.match(r"^\d{2}([A-Z]+)\d+$", cid).group(1)
        for party in rec["to"] + rec["info"]:
            pairs.add((origin, station_from_post(party["name"])))
    return pairs


def test_refs_graphml_marks_the_missing_cable(archive, tmp_path) -> None:
    db, records = archive
    out = tmp_path / "refs.graphml"
    code, _, err = _run("refs", "--db", str(db), "--out", str(out))
    assert code == 0, err
    root = ET.parse(out).getroot()
    keys = {k.get("attr.name"): k.get("id") for k in root.iter(f"{GML}key")}
    nodes = {n.get("id"): {d.get("key"): d.text for d in n} for n in root.iter(f"{GML}node")}
    assert set(nodes) == set(records) | {MISSING}
    assert nodes[MISSING][keys["in_archive"]] == "false"
    assert nodes["08LONDON3062"][keys["in_archive"]] == "true"
    edges = {(e.get("source"), e.get("target")) for e in root.iter(f"{GML}edge")}
    assert edges == {(CITING, "08LONDON3062"), (CITING, MISSING)}
    assert "1 cited cables not in the archive" in err


def test_posts_gexf_and_csv(archive, tmp_path) -> None:
    db, records = archive
    expected = _post_pairs(records)
    out = tmp_path / "posts.gexf"
    code, _, err = _run("posts", "--db", str(db), "--format", "gexf", "--out", str(out))
    assert code == 0, err
    root = ET.parse(out).getroot()
    assert {(e.get("source"), e.get("target")) for e in root.iter(f"{GEXF}edge")} == expected
    code, stdout, _ = _run("posts", "--db", str(db), "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(stdout)))
    assert {(r["source"], r["target"]) for r in rows} == expected
    folder = tmp_path / "posts-csv"
    code, _, _ = _run("posts", "--db", str(db), "--format", "csv", "--out", str(folder))
    assert code == 0
    nodes = list(csv.DictReader((folder / "nodes.csv").open(encoding="utf-8")))
    assert {n["id"] for n in nodes} == {p for pair in expected for p in pair}
    assert len(list(csv.DictReader((folder / "edges.csv").open(encoding="utf-8")))) == len(expected)


def test_entities_with_a_query(archive) -> None:
    db, records = archive
    code, stdout, err = _run("entities", "lashkar", "--db", str(db), "--top", "10")
    assert code == 0, err
    root = ET.fromstring(stdout)
    labels = {
        d.text
        for n in root.iter(f"{GML}node")
        for d in n
        if d.get("key") == "n0"  # the first node key is the label
    }
    assert "Lashkar e Taiba" in labels and len(labels) == 10
    lashkar = [cid for cid, r in records.items() if "lashkar" in r["body"].lower()]
    assert f"from {len(lashkar)} cables" in err


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["cliques"], 2),
        (["refs", "--format", "dot"], 2),
        (["refs", "(unclosed"], 2),
    ],
)
def test_usage_errors(archive, args, code) -> None:
    db, _ = archive
    assert _run(*args, "--db", str(db))[0] == code


def test_missing_archive(tmp_path) -> None:
    code, _, err = _run("refs", "--db", str(tmp_path / "none.db"))
    assert code == 1 and "no archive" in err


@pytest.mark.corpus
def test_dev_corpus_posts(tmp_path, shared_path) -> None:
    cables = list(cablescope.read([shared_path("corpus", "cablegate-html-dev.tar.gz")]))
    db = tmp_path / "dev.db"
    with open_store(db) as store:
        store.write_batch(cables)
    records = {c.id: c.to_dict() for c in cables}  # two texts of one id share their addressees
    expected = {pair for pair in _post_pairs_loose(records) if pair[1]}
    code, stdout, err = _run("posts", "--db", str(db), "--format", "graphml")
    assert code == 0, err
    root = ET.fromstring(stdout)
    assert {(e.get("source"), e.get("target")) for e in root.iter(f"{GML}edge")} == expected


def _post_pairs_loose(records: dict) -> set[tuple[str, str]]:
    pairs = set()
    for cid, rec in records.items():
        shape = re.match(r"^\d{2}([A-Z]+)\d+$", cid)
        origin = shape.group(1) if shape else station_from_post(rec["origin"] or "")
        for party in rec["to"] + rec["info"]:
            pairs.add((origin, station_from_post(party["name"] or party.get("station") or "")))
    return pairs
