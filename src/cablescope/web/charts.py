"""Chart geometry for server-rendered SVG: the page needs no chart library, no inline style
(the CSP forbids it) and no script to show a chart. Bars are sized with SVG presentation
attributes and coloured by CSS class; each bar is a link, so a chart is also navigation."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

#: Width of one bucket in the histogram's viewBox units, and its plot height.
BUCKET_WIDTH = 10
PLOT_HEIGHT = 100
#: Empty buckets draw nothing; any non-empty one is at least this tall, to stay visible.
MIN_BAR = 1.5


@dataclass(frozen=True, slots=True)
class Column:
    """One bucket of a histogram: its geometry in viewBox units and where it links."""

    index: int
    bucket: str
    count: int
    x: float
    y: float
    width: float
    height: float
    href: str | None


@dataclass(frozen=True, slots=True)
class Histogram:
    interval: str
    columns: list[Column]
    width: int
    height: int
    peak: int
    total: int

    @property
    def first(self) -> str:
        return self.columns[0].bucket if self.columns else ""

    @property
    def last(self) -> str:
        return self.columns[-1].bucket if self.columns else ""


def histogram(
    buckets: Sequence[tuple[str, int]], interval: str, href: Callable[[str], str | None]
) -> Histogram:
    """Columns for `buckets` (oldest first, gaps as 0), scaled to the tallest one."""
    peak = max((count for _, count in buckets), default=0)
    columns: list[Column] = []
    for index, (bucket, count) in enumerate(buckets):
        height = 0.0 if not count else max(MIN_BAR, PLOT_HEIGHT * count / peak)
        columns.append(
            Column(
                index=index,
                bucket=bucket,
                count=count,
                x=index * BUCKET_WIDTH + 1,
                y=round(PLOT_HEIGHT - height, 2),
                width=BUCKET_WIDTH - 2,
                height=round(height, 2),
                href=href(bucket) if count else None,
            )
        )
    total = sum(count for _, count in buckets)
    return Histogram(
        interval, columns, max(1, len(columns)) * BUCKET_WIDTH, PLOT_HEIGHT, peak, total
    )


@dataclass(frozen=True, slots=True)
class Row:
    """One labelled horizontal bar: `percent` of the longest bar, 0 to 100."""

    label: str
    count: int
    percent: float
    href: str | None
    css: str = ""


def bar_rows(
    pairs: Sequence[tuple[str, int]],
    href: Callable[[str], str | None],
    css: Callable[[str], str] | None = None,
) -> list[Row]:
    """Rows for (label, count) pairs, bar lengths relative to the largest count."""
    peak = max((count for _, count in pairs), default=0)
    return [
        Row(
            label=label,
            count=count,
            percent=round(100 * count / peak, 2) if peak else 0.0,
            href=href(label),
            css=css(label) if css else "",
        )
        for label, count in pairs
    ]


def pick_interval(year_buckets: Sequence[tuple[str, int]], *, min_years: int = 4) -> str:
    """``year`` for a spread over many years; ``month`` when the matches fit in a few."""
    dated = [bucket for bucket, count in year_buckets if count]
    if not dated:
        return "year"
    span = int(dated[-1]) - int(dated[0]) + 1 if all(b.isdigit() for b in dated) else min_years
    return "month" if span < min_years else "year"


__all__ = ["Column", "Histogram", "Row", "bar_rows", "histogram", "pick_interval"]
