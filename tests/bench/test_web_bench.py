"""`bench/web.py`'s load test runs a real server: with the "page" mix it waits for the
server's warm-up notice, then every request is a search page's three API calls."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import cablescope
from cablescope.store import open_store

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "web.py"


def _script() -> ModuleType:
    name = "bench_web"
    if name not in sys.modules:
        sys.path.insert(0, str(SCRIPT.parent))  # it imports bench/search.py
        spec = importlib.util.spec_from_file_location(name, SCRIPT)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def test_page_mix_waits_for_the_warm_server_and_counts_every_call(
    tmp_path: Path, seeds_dir: Path
) -> None:
    db = tmp_path / "seeds.db"
    with open_store(db) as store:
        store.write_batch(list(cablescope.read(seeds_dir)))
    result = _script().load(str(db), seconds=1.5, clients=2, mix="page", warm_timeout=120)
    assert result["mix"] == "page"
    assert result["warm_s"] is not None and result["warm_s"] >= 0
    assert result["requests"] > 0 and result["errors"] == 0
    assert sum(q["n"] for q in result["queries"].values()) == result["requests"]
    assert result["p95_ms"] >= result["p50_ms"] > 0
