"""Graph files for Gephi, networkx and R: GraphML, GEXF 1.3 and CSV, written by hand.

Each writer streams text to a file object; XML is escaped with the standard library
(`xml.sax.saxutils`), and characters XML 1.0 cannot hold at all (control characters a
garbled cable may carry) are dropped. An attribute's type is declared from its values:
``boolean``, integer (``int`` in GraphML, ``long`` in GEXF), ``double``, else ``string``;
a node or edge without a value for an attribute simply has none.

CSV comes as two tables, ``nodes.csv`` (``id`` then the node attributes) and ``edges.csv``
(``source``, ``target``, ``kind``, then the edge attributes), which is what Gephi's import
wizard, ``networkx.from_pandas_edgelist`` and R's ``igraph::graph_from_data_frame`` take.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TextIO
from xml.sax.saxutils import escape, quoteattr

from cablescope.graph.model import Graph, Value

FORMATS = ("graphml", "gexf", "csv")
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean(text: str) -> str:
    """`text` without the characters XML 1.0 forbids."""
    return _NOT_XML.sub("", text)


def _text(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return clean(str(value))


def value_type(values: Sequence[Value]) -> str:
    """``boolean``, ``int``, ``double`` or ``string``: the narrowest that holds every value."""
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, bool) for v in present):
        return "boolean"
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return "int"
    if present and all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
        return "double"
    return "string"


def _types(graph: Graph, of: str) -> list[tuple[str, str]]:
    items = list(graph.nodes.values() if of == "node" else graph.edges.values())
    return [(name, value_type([i.get(name) for i in items])) for name in graph.attribute_names(of)]


# -- GraphML ----------------------------------------------------------------------------------
GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"


def write_graphml(graph: Graph, out: TextIO) -> None:
    """GraphML with one ``<key>`` per attribute; edges keep their ``kind`` as an attribute."""
    node_types = _types(graph, "node")
    edge_types = [("kind", "string"), *(t for t in _types(graph, "edge") if t[0] != "kind")]
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(
        f'<graphml xmlns="{GRAPHML_NS}" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f'xsi:schemaLocation="{GRAPHML_NS} {GRAPHML_NS}/1.0/graphml.xsd">\n'
    )
    keys: dict[tuple[str, str], str] = {}
    for of, types in (("node", node_types), ("edge", edge_types)):
        for name, kind in types:
            key = keys[(of, name)] = f"{of[0]}{len(keys)}"
            out.write(
                f"  <key id={quoteattr(key)} for={quoteattr(of)} "
                f"attr.name={quoteattr(clean(name))} attr.type={quoteattr(kind)}/>\n"
            )
    edgedefault = "directed" if graph.directed else "undirected"
    out.write(f"  <graph id={quoteattr(graph.name)} edgedefault={quoteattr(edgedefault)}>\n")
    for node_id, attrs in graph.nodes.items():
        out.write(f"    <node id={quoteattr(clean(node_id))}>")
        for name, _ in node_types:
            value = attrs.get(name)
            if value is not None:
                out.write(f'<data key="{keys[("node", name)]}">{escape(_text(value))}</data>')
        out.write("</node>\n")
    for n, (source, target, kind, attrs) in enumerate(graph.iter_edges()):
        out.write(
            f'    <edge id="e{n}" source={quoteattr(clean(source))} '
            f"target={quoteattr(clean(target))}>"
        )
        for name, _ in edge_types:
            value = kind if name == "kind" else attrs.get(name)
            if value is not None:
                out.write(f'<data key="{keys[("edge", name)]}">{escape(_text(value))}</data>')
        out.write("</edge>\n")
    out.write("  </graph>\n</graphml>\n")


# -- GEXF 1.3 ---------------------------------------------------------------------------------
GEXF_NS = "http://gexf.net/1.3"
_GEXF_TYPES = {"boolean": "boolean", "int": "long", "double": "double", "string": "string"}


def write_gexf(graph: Graph, out: TextIO) -> None:
    """GEXF 1.3: ``label`` and ``weight`` as GEXF's own fields, the rest as attributes."""
    node_types = [t for t in _types(graph, "node") if t[0] != "label"]
    edge_types = [("kind", "string"), *(t for t in _types(graph, "edge") if t[0] != "weight")]
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(
        f'<gexf xmlns="{GEXF_NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f'xsi:schemaLocation="{GEXF_NS} {GEXF_NS}/gexf.xsd" version="1.3">\n'
    )
    today = datetime.now(UTC).date().isoformat()
    description = clean(str(graph.meta.get("description") or f"Cablescope {graph.name} graph"))
    out.write(
        f"  <meta lastmodifieddate={quoteattr(today)}><creator>Cablescope</creator>"
        f"<description>{escape(description)}</description></meta>\n"
    )
    kind = "directed" if graph.directed else "undirected"
    out.write(f'  <graph defaultedgetype="{kind}" mode="static">\n')
    for of, types in (("node", node_types), ("edge", edge_types)):
        out.write(f'    <attributes class="{of}" mode="static">\n')
        for n, (name, vtype) in enumerate(types):
            out.write(
                f'      <attribute id="{n}" title={quoteattr(clean(name))} '
                f'type="{_GEXF_TYPES[vtype]}"/>\n'
            )
        out.write("    </attributes>\n")
    out.write("    <nodes>\n")
    for node_id, attrs in graph.nodes.items():
        label = attrs.get("label")
        label_attr = f" label={quoteattr(_text(label))}" if label is not None else ""
        out.write(f"      <node id={quoteattr(clean(node_id))}{label_attr}>")
        _attvalues(out, node_types, attrs)
        out.write("</node>\n")
    out.write("    </nodes>\n    <edges>\n")
    for n, (source, target, edge_kind, attrs) in enumerate(graph.iter_edges()):
        weight = attrs.get("weight")
        weight_attr = f' weight="{_text(weight)}"' if weight is not None else ""
        out.write(
            f'      <edge id="{n}" source={quoteattr(clean(source))} '
            f"target={quoteattr(clean(target))}{weight_attr}>"
        )
        _attvalues(out, edge_types, {**attrs, "kind": edge_kind})
        out.write("</edge>\n")
    out.write("    </edges>\n  </graph>\n</gexf>\n")


def _attvalues(out: TextIO, types: list[tuple[str, str]], attrs: dict[str, Value]) -> None:
    values = [(n, attrs.get(name)) for n, (name, _) in enumerate(types)]
    present = [(n, v) for n, v in values if v is not None]
    if not present:
        return
    out.write("<attvalues>")
    for n, value in present:
        out.write(f'<attvalue for="{n}" value={quoteattr(_text(value))}/>')
    out.write("</attvalues>")


# -- CSV --------------------------------------------------------------------------------------
def _cell(value: Value) -> str:
    return "" if value is None else _text(value)


def write_nodes_csv(graph: Graph, out: TextIO) -> None:
    """``id`` and every node attribute, one row per node."""
    names = graph.attribute_names("node")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", *names])
    for node_id, attrs in graph.nodes.items():
        writer.writerow([node_id, *(_cell(attrs.get(n)) for n in names)])


def write_edges_csv(graph: Graph, out: TextIO) -> None:
    """``source``, ``target``, ``kind`` and every edge attribute, one row per edge."""
    names = [n for n in graph.attribute_names("edge") if n != "kind"]
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["source", "target", "kind", *names])
    for source, target, kind, attrs in graph.iter_edges():
        writer.writerow([source, target, kind, *(_cell(attrs.get(n)) for n in names)])


def write(graph: Graph, fmt: str, out: TextIO) -> None:
    """One file of `graph` in `fmt` (``csv`` here means the edges table)."""
    if fmt == "graphml":
        write_graphml(graph, out)
    elif fmt == "gexf":
        write_gexf(graph, out)
    elif fmt == "csv":
        write_edges_csv(graph, out)
    else:
        raise ValueError(f"unknown graph format {fmt!r}: choose one of {', '.join(FORMATS)}")


__all__ = [
    "FORMATS",
    "clean",
    "value_type",
    "write",
    "write_edges_csv",
    "write_gexf",
    "write_graphml",
    "write_nodes_csv",
]
