"""The archive's storage interface: one `Store` API, with SQLite as the first backend.

    >>> with open_store("cables.db") as store:
    ...     store.write_batch(cables)

`open_store` takes a plain path (SQLite) or a URL: ``sqlite:///path/to/cables.db``, or
``postgresql://user@host:5432/dbname`` (also ``postgres://``) for the PostgreSQL backend,
which implements the same `Store` with the same answers.
Everything SQL-dialect specific lives in the backend module; `records` turns a `Cable` into
plain rows that any backend can write.

Versions: every distinct text of a cable id is kept (`content_hash`, see `records`). The
*default* ("newest") version of a cable is the one released last (`released` date, e.g. the
2011 unredacted WikiLeaks texts over the 2010 redacted ones), then the one with fewer
redactions, then the one ingested last. Re-ingesting a text already stored changes nothing.
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any

from cablescope.errors import CableError
from cablescope.model import Cable

if TYPE_CHECKING:
    from cablescope.search.query import Node
    from cablescope.search.results import SearchPage
    from cablescope.store.mentions import MarkingFilter, MentionPage, MentionRow, Select
    from cablescope.store.records import VersionRows

DEFAULT_DB = "cables.db"

#: A backend's work on flattened rows that a parse worker can do (`Store.row_preparer`).
RowPreparer = Callable[[list["VersionRows"]], None]


@dataclass(slots=True)
class BatchResult:
    """What one `write_batch` changed: new versions (of which new cables) and new sources."""

    cables: int = 0
    new_versions: int = 0
    new_cables: int = 0
    new_sources: int = 0

    def add(self, other: BatchResult) -> None:
        self.cables += other.cables
        self.new_versions += other.new_versions
        self.new_cables += other.new_cables
        self.new_sources += other.new_sources


class Store(ABC):
    """A cable archive. Writes are batched; each `write_batch` is atomic (all or nothing)."""

    url: str

    def write_batch(
        self, cables: Sequence[Cable], errors: Sequence[CableError] = ()
    ) -> BatchResult:
        """Store `cables` (and files that were not cables) in one transaction; idempotent."""
        from cablescope.store.records import to_rows

        return self.write_rows([to_rows(cable) for cable in cables], errors)

    @abstractmethod
    def write_rows(
        self, rows: Sequence[VersionRows], errors: Sequence[CableError] = ()
    ) -> BatchResult:
        """`write_batch` for cables already flattened by `records.to_rows` — which parallel
        ingest does in its parse workers, so the writer only writes."""

    def finish_load(self) -> list[str]:
        """End a load: do what the backend deferred while loading (PostgreSQL: build the
        indexes a bulk load into an empty archive held back); the names of the indexes
        built, none for a backend that defers nothing. PostgreSQL's `close` calls it too."""
        return []

    def row_preparer(self) -> RowPreparer | None:
        """What this backend's writer would do to flattened rows before writing them that
        an ingest's parse workers can do instead, beside the writer (PostgreSQL: build the
        word vectors); None when there is nothing. A module-level function: it pickles."""
        return None

    @abstractmethod
    def counts(self) -> dict[str, int]:
        """Rows per table (cables, versions, paragraphs, …), for summaries and tests."""

    @abstractmethod
    def problems(self, field: str | None = None) -> Iterator[dict[str, Any]]:
        """Parser problems of every stored version, optionally of one field, in id order."""

    @abstractmethod
    def get(self, cable_id: str, version: int | None = None) -> dict[str, Any] | None:
        """The full record of a cable (its default version unless `version` is given)."""

    @abstractmethod
    def versions(self, cable_id: str) -> list[dict[str, Any]]:
        """Every version of a cable: number, hash, released, redactions, is_default."""

    @abstractmethod
    def cited_by(self, cable_id: str) -> list[str]:
        """Ids of the cables whose default version lists `cable_id` among its references."""

    @abstractmethod
    def checksum(self) -> str:
        """A digest of the stored content (not of timestamps): equal archives, equal sums."""

    @abstractmethod
    def search(
        self, query_ast: Node, *, limit: int = 20, offset: int = 0, sort: str = "relevance"
    ) -> SearchPage:
        """One page of default versions matching a parsed query (`search.parse_query`),
        sorted by ``relevance``, ``date`` or ``-date``, with the total count."""

    @abstractmethod
    def facets(
        self,
        query_ast: Node | None,
        *,
        fields: Sequence[str] | None = None,
        limit: int | None = 10,
    ) -> dict[str, list[tuple[str, int]]]:
        """Per facet (origin, classification, year, month, tag, recipient, signer; all when
        `fields` is None) the top `limit` (None: all) values among the default versions
        matching the query (every cable when None), as (value, cable count), commonest first."""

    @abstractmethod
    def histogram(self, query_ast: Node | None, *, interval: str = "year") -> list[tuple[str, int]]:
        """Matching cables per ``year`` or ``month`` bucket, oldest first, gaps as 0."""

    @abstractmethod
    def export(
        self, query_ast: Node | None, *, include_raw: bool = False, batch_size: int = 500
    ) -> Iterator[dict[str, Any]]:
        """Full records of every default version matching the query (all when None), oldest
        first, streamed `batch_size` at a time so memory stays flat at any archive size."""

    def warm(self) -> None:
        """Load what makes a long-lived reader fast (in-memory indexes), if the backend has
        any; servers call it once at start. A no-op by default."""
        return None

    def clear_caches(self) -> None:
        """Forget results remembered for recent queries (benchmarks measure cold queries)."""
        return None

    def corrections(self) -> list[dict[str, Any]]:
        """Users' entity corrections (``cablescope entity merge|split|rename``), oldest first.

        Each is the JSON object given to `add_correction` plus ``seq`` (its order) and
        ``created_at``. They are kept apart from everything ingest writes, so they survive
        re-ingest and re-extraction (`cablescope.graph.corrections` re-applies them)."""
        raise NotImplementedError(f"{type(self).__name__} does not store entity corrections")

    def add_correction(self, correction: dict[str, Any]) -> None:
        """Append one correction (a JSON-able dict, see `corrections`) in its own transaction;
        `PermissionError` on a store opened read-only."""
        raise NotImplementedError(f"{type(self).__name__} does not store entity corrections")

    # -- entity mentions (`cablescope enrich`; layout and filters in `store.mentions`) ------
    def has_mentions(self) -> bool:
        """Whether `cablescope enrich` ever stored mentions here (else readers extract on
        the fly from a capped number of cables)."""
        return False

    def mention_progress(self) -> tuple[int, int]:
        """(default versions whose mentions are stored, default versions in all)."""
        raise NotImplementedError(f"{type(self).__name__} does not store mentions")

    def pending_mentions(self, batch_size: int = 200) -> Iterator[tuple[int, dict[str, Any]]]:
        """(version id, full record) of each default version without stored mentions."""
        raise NotImplementedError(f"{type(self).__name__} does not store mentions")

    def write_mentions(self, rows: Mapping[int, Sequence[MentionRow]]) -> int:
        """Replace the mentions of each version id (rows in `store.mentions.COLUMNS` order)
        and mark it extracted, in one transaction; returns the mentions written."""
        raise NotImplementedError(f"{type(self).__name__} does not store mentions")

    def prune_mentions(self, *, everything: bool = False) -> int:
        """Forget the mentions of versions no longer the default (every one with
        `everything`, to extract again); returns the versions forgotten."""
        raise NotImplementedError(f"{type(self).__name__} does not store mentions")

    def mentions(
        self,
        entity: str | Select | Sequence[str | Select],
        *,
        marking: str | MarkingFilter | None = None,
        limit: int | None = 50,
        offset: int = 0,
        count: bool = True,
    ) -> MentionPage:
        """The stored mentions of the entity ids (or `Select`s: ids with surface-text
        filters) in default versions, by date; `marking` as `store.mentions.marking_filter`
        reads it (``S``: every SECRET paragraph; ``S/NF``: that exact marking). Without
        `count` the page's ``total`` is -1 (counting a big entity's rows costs most)."""
        raise NotImplementedError(f"{type(self).__name__} does not store mentions")

    def mention_counts(self, entity: str | Select | Sequence[str | Select]) -> dict[str, Any]:
        """``{mentions, cables, markings: [{marking, level, mentions, paragraphs}]}``."""
        raise NotImplementedError(f"{type(self).__name__} does not store mentions")

    def mention_entities(self, ids: Sequence[str]) -> dict[str, int]:
        """Stored mentions per entity id, for those of `ids` that have any."""
        raise NotImplementedError(f"{type(self).__name__} does not store mentions")

    @abstractmethod
    def close(self) -> None:
        """Flush and release the connection."""

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def open_store(
    url_or_path: str | os.PathLike[str] = DEFAULT_DB, *, read_only: bool = False
) -> Store:
    """The store at a path or URL (``sqlite:///file.db``, ``postgresql://…``).

    `read_only` opens an existing archive without ever writing to it (servers, readers):
    a missing archive is then an error instead of a new empty file (or empty database).
    A URL that went through `pathlib.Path` (``postgresql:/host/db``: a CLI option typed as a
    path collapses the double slash) is repaired."""
    target = os.fspath(url_or_path)
    for scheme in ("postgresql:", "postgres:"):
        if target.startswith(scheme + "/") and not target.startswith(scheme + "//"):
            target = scheme + "/" + target[len(scheme) :]
    if target.startswith(("postgres://", "postgresql://")):
        from cablescope.store.postgres import PostgresStore

        return PostgresStore(target, read_only=read_only)
    if target.startswith("sqlite:///"):
        target = target[len("sqlite:///") :]
    elif "://" in target:
        raise ValueError(f"unknown store URL scheme: {target.split('://', 1)[0]}")
    from cablescope.store.sqlite import SQLiteStore

    return SQLiteStore(target, read_only=read_only)


__all__ = ["DEFAULT_DB", "BatchResult", "RowPreparer", "Store", "open_store"]
