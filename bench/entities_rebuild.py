"""Time to rebuild entity resolution after a user's merge, over N cables of an archive.

    python bench/entities_rebuild.py --db /tmp/c250k.db --limit 5000
    python bench/entities_rebuild.py --db cables.db --limit 1000 --merge person:a person:b --json

Reads the first N cables (oldest first; or those matching --query) through the public
`Store` API, extracts their mentions, resolves them, then measures what a merge costs:

* ``apply``: the corrections laid on the machine's entities already in memory (what a
  long-running reader does after a user merges);
* ``rebuild``: resolution from the extracted mentions again, plus the corrections (what
  every listing, page or graph does once the cached clustering is gone);
* ``extract``: extraction itself (cables/s), for scale: a full re-extraction costs that.

The merge is kept in memory (the archive is opened read-only); it goes through the same
stored-dict form (`graph.corrections`) as ``cablescope entity merge``. By default the two
biggest person entities are merged.
"""

from __future__ import annotations

import argparse
import json
import time

from cablescope.enrich import apply_corrections, resolve
from cablescope.graph import corrections as fixes
from cablescope.graph.corpus import collect, entities_of
from cablescope.search import parse_query
from cablescope.store import open_store


def _timed(fn):
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


def run(db: str, limit: int, query: str | None, merge: list[str] | None) -> dict:
    with open_store(db, read_only=True) as store:
        tree = parse_query(query) if query else None
        records, read_s = _timed(lambda: list(_first(store.export(tree), limit)))
    collected, extract_s = _timed(lambda: collect(iter(records), cache=None))
    machine, resolve_s = _timed(lambda: resolve(collected.refs))
    by_id = {e.id: e for e in machine}
    if merge:
        chosen = [by_id[i] for i in merge]
    else:
        chosen = sorted((e for e in machine if e.kind == "PERSON"), key=lambda e: -len(e.mentions))
        chosen = chosen[:2]
    stored = fixes.merge(chosen)
    corrected, apply_s = _timed(lambda: apply_corrections(machine, fixes.from_dicts([stored])))
    rebuilt, rebuild_s = _timed(lambda: entities_of(collected, [stored]))
    merged = next(e for e in rebuilt if e.id == chosen[0].id)
    assert len(merged.mentions) == sum(len(e.mentions) for e in chosen)
    assert len(corrected) == len(machine) - 1 == len(rebuilt)
    cables = collected.read
    return {
        "db": db,
        "query": query,
        "cables": cables,
        "mentions": len(collected.refs),
        "entities": len(machine),
        "merged": [e.id for e in chosen],
        "read_s": round(read_s, 3),
        "extract_s": round(extract_s, 3),
        "extract_cables_per_s": round(cables / extract_s, 1) if extract_s else None,
        "resolve_s": round(resolve_s, 3),
        "apply_s": round(apply_s, 4),
        "rebuild_s": round(rebuild_s, 3),
    }


def _first(records, n):
    for count, record in enumerate(records):
        if count >= n:
            break
        yield record


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="cables.db", help="archive file or URL (read-only)")
    parser.add_argument("--limit", type=int, default=2000, help="cables read, oldest first")
    parser.add_argument("--query", default=None, help="only cables matching this query")
    parser.add_argument("--merge", nargs=2, metavar="ID", help="the two entity ids to merge")
    parser.add_argument("--json", action="store_true", help="one JSON object")
    args = parser.parse_args()
    result = run(args.db, args.limit, args.query, args.merge)
    if args.json:
        print(json.dumps(result))
        return
    print(
        f"{result['cables']:,} cables, {result['mentions']:,} mentions, "
        f"{result['entities']:,} entities (read {result['read_s']} s)"
    )
    print(f"extract  {result['extract_s']:>8} s  ({result['extract_cables_per_s']} cables/s)")
    print(f"resolve  {result['resolve_s']:>8} s  (the machine's clustering)")
    print(f"merge    {' + '.join(result['merged'])}")
    print(f"apply    {result['apply_s']:>8} s  (corrections on the clustering in memory)")
    print(f"rebuild  {result['rebuild_s']:>8} s  (resolution again, then the corrections)")


if __name__ == "__main__":
    main()
