"""GraphML, GEXF and CSV files parse back (xml.etree, csv, networkx) with the graph's
nodes, edges and attribute values, hostile text included."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

import pytest

from cablescope.graph import build
from cablescope.graph.formats import (
    write_edges_csv,
    write_gexf,
    write_graphml,
    write_nodes_csv,
)
from cablescope.graph.model import Graph
from cablescope.store import open_store

GML = "{http://graphml.graphdrawing.org/xmlns}"
GEXF = "{http://gexf.net/1.3}"
HOSTILE = 'A & B <script>alert("x")</script>\x0c\x00 “quoted”'


def _sample() -> Graph:
    graph = Graph("sample", directed=True)
    graph.node("a", label=HOSTILE, cables=3, share=0.5, missing=False)
    graph.node("b&<c>", label="B", cables=1, missing=True)
    graph.edge("a", "b&<c>", "cites").update(weight=2, note=HOSTILE)
    graph.edge("b&<c>", "a", "cites").update(weight=1)
    return graph


def _text(graph: Graph, writer) -> str:
    out = io.StringIO()
    writer(graph, out)
    return out.getvalue()


def test_graphml_parses_with_types_and_escapes() -> None:
    root = ET.fromstring(_text(_sample(), write_graphml))
    keys = {k.get("attr.name"): (k.get("id"), k.get("attr.type")) for k in root.iter(f"{GML}key")}
    assert keys["cables"][1] == "int" and keys["share"][1] == "double"
    assert keys["missing"][1] == "boolean" and keys["label"][1] == "string"
    nodes = {n.get("id"): n for n in root.iter(f"{GML}node")}
    assert set(nodes) == {"a", "b&<c>"}
    label = next(d.text for d in nodes["a"] if d.get("key") == keys["label"][0])
    assert label == 'A & B <script>alert("x")</script> “quoted”'  # control characters dropped
    assert len(list(root.iter(f"{GML}edge"))) == 2


def test_gexf_parses_with_attributes() -> None:
    root = ET.fromstring(_text(_sample(), write_gexf))
    assert root.get("version") == "1.3"
    graph = root.find(f"{GEXF}graph")
    assert graph.get("defaultedgetype") == "directed"
    titles = {
        a.get("id"): a.get("title")
        for a in graph.find(f"{GEXF}attributes[@class='node']").iter(f"{GEXF}attribute")
    }
    nodes = list(graph.iter(f"{GEXF}node"))
    assert [n.get("id") for n in nodes] == ["a", "b&<c>"]
    values = {titles[v.get("for")]: v.get("value") for v in nodes[0].iter(f"{GEXF}attvalue")}
    assert values == {"cables": "3", "share": "0.5", "missing": "false"}
    assert nodes[0].get("label").startswith("A & B <script>")
    edges = list(graph.iter(f"{GEXF}edge"))
    assert [e.get("weight") for e in edges] == ["2", "1"]


def test_csv_tables() -> None:
    graph = _sample()
    nodes = list(csv.DictReader(io.StringIO(_text(graph, write_nodes_csv))))
    edges = list(csv.DictReader(io.StringIO(_text(graph, write_edges_csv))))
    assert [n["id"] for n in nodes] == ["a", "b&<c>"]
    assert nodes[1]["missing"] == "true" and nodes[1]["share"] == ""
    assert [(e["source"], e["target"], e["kind"], e["weight"]) for e in edges] == [
        ("a", "b&<c>", "cites", "2"),
        ("b&<c>", "a", "cites", "1"),
    ]


@pytest.mark.parametrize("kind", ["refs", "posts", "entities"])
def test_networkx_reads_what_we_write(seeds, tmp_path, kind) -> None:
    nx = pytest.importorskip("networkx")
    with open_store(seeds.db, read_only=True) as store:
        graph = build(store, kind)
    assert graph.nodes
    for suffix, writer, reader in (
        ("graphml", write_graphml, nx.read_graphml),
        ("gexf", write_gexf, nx.read_gexf),
    ):
        path = tmp_path / f"{kind}.{suffix}"
        path.write_text(_text(graph, writer), encoding="utf-8")
        loaded = reader(path)
        assert loaded.number_of_nodes() == len(graph.nodes), suffix
        assert loaded.number_of_edges() == len(graph.edges), suffix
        assert loaded.is_directed() == graph.directed
        node, attrs = next(iter(graph.nodes.items()))
        for name, value in attrs.items():
            if value is None or (name == "label" and suffix == "gexf"):
                continue
            got = loaded.nodes[node][name]
            assert got == value or float(got) == float(value), (suffix, name)


@pytest.mark.corpus
def test_dev_corpus_files_have_every_node_and_edge(dev) -> None:
    with open_store(dev.db, read_only=True) as store:
        graph = build(store, "posts")
    for writer, ns, node_tag, edge_tag in (
        (write_graphml, GML, "node", "edge"),
        (write_gexf, GEXF, "node", "edge"),
    ):
        root = ET.fromstring(_text(graph, writer))
        assert len(list(root.iter(f"{ns}{node_tag}"))) == len(graph.nodes)
        assert len(list(root.iter(f"{ns}{edge_tag}"))) == len(graph.edges)
