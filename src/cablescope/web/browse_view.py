"""The archive-wide pages' content: landing statistics and the browse lists. All of it is
counts over every cable, so it is also what `warm` computes ahead of the first visitor."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from cablescope.web import charts, links, search_view
from cablescope.web.cable_view import tag_meaning
from cablescope.web.cache import CachedReads
from cablescope.web.levels import slug_of

#: Facet values listed on a browse page at most (real archives: ~280 origins, ~3k TAGS).
BROWSE_LIMIT = 5000
#: Rows of each "top" list on the landing page.
TOP = 10

log = logging.getLogger("cablescope.web")


def _filter_href(field: str) -> Callable[[str], str | None]:
    """A value → the search for cables with that value in `field`."""

    def href(value: str) -> str | None:
        filter_term = links.term(field, value)
        return links.search_url(filter_term) if filter_term else None

    return href


def home(reads: CachedReads) -> dict[str, Any]:
    """Totals, cables per year, and the commonest levels, origins and TAGS."""
    # The same facet call as the empty search page: one computation serves both pages.
    counted = reads.facets(None, fields=search_view.FACET_FIELDS, limit=search_view.FACET_LIMIT)
    years = reads.histogram(None, interval="year")
    return {
        "counts": reads.counts(),
        "years": charts.histogram(
            years, "year", lambda bucket: links.search_url(links.with_date("", bucket))
        ),
        "levels": charts.bar_rows(
            counted.get("classification", []),
            _filter_href("class"),
            lambda level: f"lvl-{slug_of(level)}",
        ),
        "origins": charts.bar_rows(counted.get("origin", [])[:TOP], _filter_href("from")),
        "tags": charts.bar_rows(counted.get("tag", [])[:TOP], _filter_href("tag")),
        "date_template": links.with_date("", "RANGE"),
    }


def origins(reads: CachedReads) -> dict[str, Any]:
    pairs = reads.facets(None, fields=("origin",), limit=BROWSE_LIMIT)["origin"]
    rows = charts.bar_rows(sorted(pairs, key=lambda p: p[0].casefold()), _filter_href("from"))
    return {"title": "Origins", "kind": "origin", "rows": rows, "meanings": {}}


def tags(reads: CachedReads) -> dict[str, Any]:
    pairs = reads.facets(None, fields=("tag",), limit=BROWSE_LIMIT)["tag"]
    rows = charts.bar_rows(sorted(pairs), _filter_href("tag"))
    meanings = {row.label: tag_meaning(row.label) for row in rows}
    return {"title": "TAGS", "kind": "tag", "rows": rows, "meanings": meanings}


def months(reads: CachedReads) -> dict[str, Any]:
    """Cables per month as rows of twelve, newest year first."""
    by_year: dict[str, dict[str, tuple[str, int, str | None]]] = {}
    for bucket, count in reads.histogram(None, interval="month"):
        year, _, month = bucket.partition("-")
        href = links.search_url(links.with_date("", bucket)) if count else None
        by_year.setdefault(year, {})[month] = (month, count, href)
    rows = []
    for year, have in sorted(by_year.items(), reverse=True):
        twelve = [have.get(f"{m:02d}", (f"{m:02d}", 0, None)) for m in range(1, 13)]
        rows.append((year, sum(count for _, count, _ in have.values()), twelve))
    return {"rows": rows}


def warm(reads: CachedReads) -> None:
    """Compute what the archive-wide pages and the empty search show, so that their first
    visitor does not wait for counts over every cable."""
    try:
        home(reads)
        search_view.build(reads, "", "relevance", 0)
        origins(reads)
        tags(reads)
        months(reads)
    except Exception:  # a server shutting down closes the archive under us: nothing to do
        log.debug("warming the page cache stopped", exc_info=True)
    finally:
        reads.store.close()


__all__ = ["BROWSE_LIMIT", "home", "months", "origins", "tags", "warm"]
