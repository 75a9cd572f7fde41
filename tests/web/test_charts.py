"""Chart geometry for the server-rendered SVG."""

from __future__ import annotations

from cablescope.web.charts import MIN_BAR, PLOT_HEIGHT, bar_rows, histogram, pick_interval


def test_histogram_scales_to_the_peak_and_links_non_empty_buckets() -> None:
    chart = histogram([("2001", 4), ("2002", 0), ("2003", 1000)], "year", lambda b: f"/x/{b}")
    tall, empty, peak = chart.columns
    assert peak.height == PLOT_HEIGHT and peak.y == 0
    assert empty.height == 0 and empty.href is None
    assert tall.height == MIN_BAR and tall.href == "/x/2001"  # 0.4 units would vanish
    assert [c.x for c in chart.columns] == [1, 11, 21]
    assert (chart.first, chart.last, chart.total, chart.peak) == ("2001", "2003", 1004, 1000)


def test_empty_histogram() -> None:
    chart = histogram([], "year", lambda b: None)
    assert chart.columns == [] and chart.first == "" and chart.width > 0


def test_bar_rows_are_relative_to_the_largest() -> None:
    rows = bar_rows([("A", 50), ("B", 25)], lambda v: None, lambda v: f"lvl-{v.lower()}")
    assert [(r.percent, r.css) for r in rows] == [(100.0, "lvl-a"), (50.0, "lvl-b")]


def test_interval_by_spread() -> None:
    assert pick_interval([("2007", 0), ("2008", 3), ("2009", 1)]) == "month"
    assert pick_interval([("2001", 1), ("2002", 0), ("2003", 0), ("2004", 2)]) == "year"
    assert pick_interval([]) == "year"
