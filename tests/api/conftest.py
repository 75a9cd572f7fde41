"""Archives the API tests read, built once per session: the seeds plus a few cables made
here for the cases the seeds lack (a second version, a citing cable, hostile markup), and
the real dev corpus. Expected answers come from the parsed cables (`cablescope.read`), never
from the store the API reads."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import pytest

import cablescope
from cablescope.model import Cable

with warnings.catch_warnings():  # Starlette's note about httpx2: not ours to act on here
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from cablescope.api import create_app
from cablescope.store import open_store

#: A word of the 08LONDON3062 seed that the second version redacts.
REDACTED_WORD = "Kayani"
#: The hostile cable's id and the markup its subject and a paragraph carry.
HOSTILE_ID = "09STATE99901"
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'
#: What the hostile cable's subject starts with: a formula, were it a spreadsheet cell.
FORMULA = "=1+2"
#: A cable made here that cites the 09STATE65183 seed (and a cable not in the archive).
CITING_ID = "09STATE99902"
MISSING_REF = "07PARIS1234"


@dataclass
class Archive:
    """An archive file and what went into it: `cables` in ingest order; `current` the
    version each id shows by default, by the rule `cablescope.store` documents: released
    last, then fewer redactions, then ingested last."""

    path: Path
    cables: list[Cable]

    @cached_property
    def current(self) -> dict[str, dict[str, Any]]:
        best: dict[str, tuple[tuple[str, int, int], Cable]] = {}
        for order, cable in enumerate(self.cables):
            if not cable.id:
                continue
            key = (cable.released or "", -cable.redactions, order)
            if cable.id not in best or key > best[cable.id][0]:
                best[cable.id] = (key, cable)
        return {cable_id: c.to_dict(include_raw=True) for cable_id, (_, c) in best.items()}


def _write(path: Path, cables: list[Cable], batch: int = 500) -> None:
    with open_store(path) as store:
        for start in range(0, len(cables), batch):
            store.write_batch(cables[start : start + batch])


def _made_cables(seeds_dir: Path) -> list[Cable]:
    """The second version of 08LONDON3062, the hostile cable and the citing cable."""
    london = (seeds_dir / "08LONDON3062.txt").read_text(encoding="utf-8")
    state = (seeds_dir / "09STATE65183.txt").read_text(encoding="utf-8")
    redacted = cablescope.parse(london.replace(REDACTED_WORD, "XXXXXXXXXXXX"), name="redacted")
    hostile_text = (
        state.replace("09STATE65183", HOSTILE_ID)
        .replace("STATE 065183", "STATE 099901")
        .replace("USG CONCERNED ABOUT POSSIBLE LASHKAR E-TAIBA", f"{FORMULA} {HOSTILE}")
        .replace("This is an action request.", f"This is an action request. {HOSTILE}")
    )
    hostile = cablescope.parse(hostile_text, name="hostile")
    citing_text = (
        state.replace("09STATE65183", CITING_ID)
        .replace("STATE 065183", "STATE 099902")
        .replace(
            "TAGS: PGOV PK",
            f"TAGS: PGOV PK\n\nREF: A. 09 STATE 65183 B. {MISSING_REF}",
        )
    )
    citing = cablescope.parse(citing_text, name="citing")
    return [redacted, hostile, citing]


@pytest.fixture(scope="session")
def seeds_archive(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Archive:
    cables = list(cablescope.read(seeds_dir)) + _made_cables(seeds_dir)
    path = tmp_path_factory.mktemp("api-seeds") / "seeds.db"
    _write(path, cables)
    return Archive(path, cables)


@pytest.fixture(scope="session")
def dev_archive(shared_path, tmp_path_factory: pytest.TempPathFactory) -> Archive:
    cables = list(cablescope.read(shared_path("corpus", "cablegate-html-dev.tar.gz")))
    path = tmp_path_factory.mktemp("api-dev") / "dev.db"
    _write(path, cables)
    return Archive(path, cables)


def _client(archive: Archive) -> Iterator[TestClient]:
    with TestClient(create_app(archive.path)) as client:
        yield client


@pytest.fixture(scope="session")
def seeds_client(seeds_archive: Archive) -> Iterator[TestClient]:
    yield from _client(seeds_archive)


@pytest.fixture(scope="session")
def dev_client(dev_archive: Archive) -> Iterator[TestClient]:
    yield from _client(dev_archive)
