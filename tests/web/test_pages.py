"""The web pages through the real app (TestClient over a real SQLite archive): every page
type, counts checked against the parsed records, 404s, escaping and the no-inline rule."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from cablescope.api.app import create_app
from cablescope.data import routing_indicators
from cablescope.model import CLASSIFICATION_ORDER
from cablescope.web import install

XSS_ID = "09MOSCOW123"
CITED_SEED = "08LONDON3062"
SCRIPT_TEXT = "<script>window.__xss=1</script>"
IMG_TEXT = '<img src=x onerror="window.__xss=2">'


@pytest.fixture(scope="module")
def client(archive: Any) -> Iterator[TestClient]:
    app = create_app(archive.db)
    install(app)  # a no-op when create_app already installed the UI
    with TestClient(app) as test_client:
        yield test_client


def page(client: TestClient, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code, response.text[:500])
    assert response.headers["content-type"].startswith("text/html")
    return response.text


def query_of(href: str) -> str:
    return parse_qs(urlsplit(href).query).get("q", [""])[0]


def total_of(tree: Any) -> int:
    """The number of matching cables the search page states ("1–20 of 45 cables")."""
    heading = tree.find("h2", id="results-h").all_text
    if heading.startswith("No cables"):
        return 0
    return int(re.search(r"of ([\d,]+) cable", heading).group(1).replace(",", ""))


def facet_rows(tree: Any, facet: str) -> dict[str, tuple[int, str]]:
    """value → (count, href) of one facet of the sidebar."""
    rows = {}
    for link in tree.find_all("a", data_facet=facet):
        item = next(li for li in tree.find_all("li") if link in li.children)
        count = item.find("span", class_="count").all_text
        rows[link.attrs["data-value"]] = (int(count.replace(",", "")), link.attrs["href"])
    return rows


# -- every page type --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/", "Cables by year"),
        ("/search", "Refine"),
        ("/search?q=plugh", "plugh"),
        (f"/cable/{CITED_SEED}", "LYALL GRANT AND BOUCHER"),
        (f"/cable/{XSS_ID}/diff", "What changed"),
        ("/browse/origins", "Embassy London"),
        ("/browse/tags", "PREL"),
        ("/browse/months", "Cables by month"),
    ],
)
def test_every_page_type_answers(client: TestClient, html: Any, url: str, expected: str) -> None:
    tree = html(page(client, url))
    assert expected.casefold() in tree.all_text.casefold()
    assert tree.find("main", id="content") is not None
    assert tree.find("a", class_="skip-link").attrs["href"] == "#content"


def test_landing_counts_cables_by_year_and_classification(
    client: TestClient, html: Any, archive: Any
) -> None:
    tree = html(page(client, "/"))
    current = archive.current.values()
    stats = {d.find("dt").all_text: d.find("dd").all_text for d in tree.find("dl").children}
    assert stats["Cables"] == f"{len(archive.current):,}"
    bars = {
        g.attrs["data-bucket"]: g.find("title").all_text
        for g in tree.find_all("g", class_="bucket")
    }
    by_year = Counter(r["date"][:4] for r in current if r.get("date"))
    assert {y: n for y, n in by_year.items()} == {
        y: int(t.split(": ")[1].split()[0].replace(",", ""))
        for y, t in bars.items()
        if y in by_year
    }
    assert all(t.endswith(": 0 cables") for y, t in bars.items() if y not in by_year)
    by_level = Counter(r["classification"] for r in current)
    shown = {
        li.find("a").all_text: int(li.find("span", class_="bar-count").all_text)
        for li in tree.find("ul", aria_label="Cables by classification").children
    }
    assert shown == dict(by_level)


# -- search ---------------------------------------------------------------------------------
def test_facet_counts_are_the_records_counts(client: TestClient, html: Any, archive: Any) -> None:
    tree = html(page(client, "/search"))
    current = list(archive.current.values())
    assert total_of(tree) == len(current)
    tags = Counter(tag for r in current for tag in set(r["tags"]))
    shown = facet_rows(tree, "tag")
    assert len(shown) == min(10, len(tags))
    assert {tag: count for tag, (count, _) in shown.items()} == {t: tags[t] for t in shown}
    assert min(count for count, _ in shown.values()) >= sorted(tags.values())[-len(shown)]
    origins = Counter(r["origin"] for r in current)
    assert {o: c for o, (c, _) in facet_rows(tree, "origin").items()} == {
        o: origins[o] for o in facet_rows(tree, "origin")
    }
    signers = Counter(s for r in current for s in set(r["signers"]))
    assert {s: c for s, (c, _) in facet_rows(tree, "signer").items()} == {
        s: signers[s] for s in facet_rows(tree, "signer")
    }


@pytest.mark.parametrize("facet", ["tag", "origin", "classification", "recipient", "signer"])
def test_following_a_facet_narrows_to_its_count(client: TestClient, html: Any, facet: str) -> None:
    rows = facet_rows(html(page(client, "/search?q=review")), facet)
    assert rows, f"no {facet} facet values"
    value, (count, href) = next(iter(rows.items()))
    narrowed = html(page(client, href))
    assert total_of(narrowed) == count
    assert query_of(href).startswith("review ")
    again = facet_rows(narrowed, facet)[value]  # now active: its link removes the filter
    assert query_of(again[1]) == "review"


def test_facet_added_to_an_or_query_keeps_its_meaning(client: TestClient, html: Any) -> None:
    rows = facet_rows(html(page(client, "/search?q=plugh OR quuxly")), "tag")
    _, (count, href) = next(iter(rows.items()))
    assert query_of(href).startswith("(plugh OR quuxly) tag:")
    assert total_of(html(page(client, href))) == count


def test_snippets_mark_matches_and_escape_the_rest(client: TestClient) -> None:
    text = page(client, "/search?q=plugh")
    assert "<mark>plugh</mark>" in text
    assert SCRIPT_TEXT not in text and IMG_TEXT not in text
    assert "&lt;script&gt;window.__xss=" in text


def test_bad_query_shows_the_message_and_a_caret(client: TestClient, html: Any) -> None:
    query = "iran (nuclear"
    tree = html(page(client, "/search?q=iran%20(nuclear", status=400))
    box = tree.find("div", class_="query-error")
    assert "missing ')'" in box.all_text
    caret = box.find("pre", class_="caret").raw_text.split("\n")
    assert caret == [query, " " * query.index("(") + "^"]
    assert "Traceback" not in tree.all_text


def test_paging_walks_every_hit_once_in_date_order(
    client: TestClient, html: Any, archive: Any
) -> None:
    seen: list[str] = []
    dates: list[str] = []
    url: str | None = "/search?sort=-date"
    while url:
        tree = html(page(client, url))
        hits = list(tree.find_all("li", class_="hit"))
        assert 0 < len(hits) <= 20
        seen += [hit.find("span", class_="cable-id").all_text for hit in hits]
        dates += [hit.find("time").attrs["datetime"] for hit in hits if hit.find("time")]
        following = tree.find("a", rel="next")
        url = following.attrs["href"] if following else None
    assert sorted(seen) == sorted(archive.current)
    assert dates == sorted(dates, reverse=True)


def test_a_page_past_the_end_says_so(client: TestClient, html: Any, archive: Any) -> None:
    tree = html(page(client, "/search?offset=9980"))
    assert tree.find("ol", class_="hits") is None
    heading = tree.find("h2", id="results-h").all_text
    assert heading == f"Past the last of {len(archive.current)} cables"
    last_page = (len(archive.current) - 1) // 20 * 20
    assert tree.find("a", rel="prev").attrs["href"] == f"/search?offset={last_page}"


def test_oldest_first(client: TestClient, html: Any) -> None:
    tree = html(page(client, "/search?sort=date"))
    dates = [t.attrs["datetime"] for t in tree.find("ol", class_="hits").find_all("time")]
    assert dates == sorted(dates) and len(dates) == 20


def test_histogram_bars_link_to_their_counts(client: TestClient, html: Any) -> None:
    tree = html(page(client, "/search?q=review"))
    total = total_of(tree)
    links = list(tree.find_all("a", class_="bar-link"))
    counts = [int(a.attrs["aria-label"].split(": ")[1].split()[0]) for a in links]
    assert sum(counts) == total  # every matching cable in the sample is dated
    busiest = links[counts.index(max(counts))]
    assert total_of(html(page(client, busiest.attrs["href"]))) == max(counts)
    svg = tree.find("svg", class_="histogram-svg")
    assert svg.attrs["data-template"] == "review date:RANGE"


def test_search_state_is_all_in_the_url(client: TestClient, html: Any) -> None:
    tree = html(page(client, "/search?q=review&sort=date&offset=20"))
    assert tree.find("input", id="q").attrs["value"] == "review"
    assert tree.find("option", selected="").attrs["value"] == "date"
    current = tree.find("span", aria_current="page")
    assert current.all_text == "2"


# -- cable page -----------------------------------------------------------------------------
def test_cable_header_is_decoded(client: TestClient, html: Any, archive: Any) -> None:
    tree = html(page(client, f"/cable/{XSS_ID}"))
    fields = {
        d.find("dt").all_text: d.find("dd").all_text
        for d in tree.find("dl", class_="fields").children
    }
    assert fields["Date-time group"].startswith("141200Z FEB 09 = 2009-02-14 12:00 UTC")
    assert fields["Classification"] == "SECRET"
    rows = list(tree.find("table", class_="addressees").find("tbody").children)
    record = archive.current[XSS_ID]
    assert len(rows) == len(record["to"]) + len(record["info"])
    for row, recipient in zip(rows, record["to"] + record["info"], strict=True):
        cells = [td.all_text for td in row.children]
        station = routing_indicators().get(recipient["route"])
        assert cells[2] == recipient["route"]
        if station and station != recipient["name"]:
            assert cells[3] == station
    assert [b.all_text for b in tree.find_all("p", class_="banner")] == ["SECRET", "SECRET"]


def test_tags_have_meanings_and_search_links(client: TestClient, html: Any) -> None:
    tree = html(page(client, f"/cable/{XSS_ID}"))
    items = list(tree.find("ul", class_="tag-list").children)
    assert [li.find("a").all_text for li in items] == ["PREL", "PTER", "RS"]
    for li in items:
        tag = li.find("a").all_text
        assert query_of(li.find("a").attrs["href"]) == f"tag:{tag}"
        assert li.find("span", class_="meaning").all_text
    assert "country or region" in items[2].all_text  # RS is a country code


def test_references_link_both_ways(client: TestClient, html: Any, archive: Any) -> None:
    citing = html(page(client, f"/cable/{XSS_ID}"))
    assert [a.attrs["href"] for a in citing.find_all("a", class_="ref-link")] == [
        f"/cable/{CITED_SEED}"
    ]
    cited = html(page(client, f"/cable/{CITED_SEED}"))
    expected = sorted(
        cable_id
        for cable_id, record in archive.current.items()
        if any(ref["value"] == CITED_SEED for ref in record["references"])
    )
    assert [a.all_text for a in cited.find_all("a", class_="cited-link")] == expected
    assert XSS_ID in expected


def _levels(record: dict[str, Any]) -> list[str]:
    """Each paragraph's level, worked out here from the marking fields."""
    result = []
    for paragraph in record["paragraphs"]:
        level = paragraph["classification"] or record["classification"]
        result.append(level + "//NOFORN" if paragraph["noforn"] else level)
    return result


@pytest.mark.parametrize("cleared", ["UNCLASSIFIED", "CONFIDENTIAL", "SECRET", "SECRET//NOFORN"])
def test_clearance_withholds_paragraphs_above_it(
    client: TestClient, html: Any, archive: Any, cleared: str
) -> None:
    tree = html(page(client, f"/cable/{XSS_ID}?cleared={cleared}"))
    paragraphs = list(tree.find("div", class_="paragraphs").children)
    levels = _levels(archive.current[XSS_ID])
    assert len(paragraphs) == len(levels) == 4
    limit = CLASSIFICATION_ORDER.index(cleared)
    for para, level in zip(paragraphs, levels, strict=True):
        hidden = CLASSIFICATION_ORDER.index(level) > limit
        body = para.find("div", class_="para-body")
        note = para.find("p", class_="withheld")
        assert ("hidden" in body.attrs) == hidden, (cleared, level)
        assert ("hidden" in note.attrs) != hidden
        assert note.all_text.endswith(f"[withheld: {level}]")
    count = sum(CLASSIFICATION_ORDER.index(level) > limit for level in levels)
    assert tree.find("span", data_withheld_count="").all_text == str(count)
    assert "hidden" in tree.find("details", class_="full-text").attrs  # no unfiltered text


def test_the_whole_body_is_there_unless_a_clearance_is_chosen(
    client: TestClient, html: Any, archive: Any
) -> None:
    tree = html(page(client, f"/cable/{CITED_SEED}"))
    full = tree.find("details", class_="full-text")
    assert "hidden" not in full.attrs
    body = archive.current[CITED_SEED]["body"]
    assert full.find("pre").all_text == " ".join(body.split())
    assert full.find("pre").all_text.endswith("TUTTLE")  # the sign-off, outside any paragraph
    redacted, _ = _version_numbers(archive)
    hostile = html(page(client, f"/cable/{XSS_ID}?version={redacted}"))
    marks = hostile.find("details", class_="full-text").find_all("span", class_="redaction")
    assert [m.all_text for m in marks] == ["XXXXXXXXXXXX"]


def test_paragraphs_are_coloured_with_a_legend(client: TestClient, html: Any) -> None:
    tree = html(page(client, f"/cable/{XSS_ID}"))
    classes = [p.classes[1] for p in tree.find("div", class_="paragraphs").children]
    assert classes == ["lvl-u", "lvl-c", "lvl-s", "lvl-snf"]
    legend = tree.find("ul", class_="legend").all_text
    for word in ("UNCLASSIFIED", "CONFIDENTIAL", "SECRET (S)", "SECRET//NOFORN"):
        assert word in legend


def _version_numbers(archive: Any) -> tuple[int, int]:
    """(redacted, unredacted) version numbers of the hostile cable: the store numbers the
    texts of a cable in the order they were read."""
    texts = [r for r in archive.records if r["id"] == XSS_ID]
    redacted = next(i for i, r in enumerate(texts, start=1) if r["redactions"])
    return redacted, 3 - redacted


def test_redactions_are_visible(client: TestClient, html: Any, archive: Any) -> None:
    redacted, unredacted = _version_numbers(archive)
    tree = html(page(client, f"/cable/{XSS_ID}?version={redacted}"))
    para = tree.find("div", id="p3")
    assert [s.all_text for s in para.find_all("span", class_="redaction")] == ["XXXXXXXXXXXX"]
    clean = html(page(client, f"/cable/{XSS_ID}?version={unredacted}")).find("div", id="p3")
    assert clean.find("span", class_="redaction") is None
    assert "Ivor Plenkov" in clean.all_text


def test_versions_and_diff(client: TestClient, html: Any, archive: Any) -> None:
    redacted, unredacted = _version_numbers(archive)
    tree = html(page(client, f"/cable/{XSS_ID}"))
    links = [a.attrs["href"] for a in tree.find("section", id="versions").find_all("a")]
    assert f"/cable/{XSS_ID}?version={redacted}" in links
    assert f"/cable/{XSS_ID}/diff?from=1&to=2" in links
    diff = html(page(client, f"/cable/{XSS_ID}/diff?from={redacted}&to={unredacted}"))
    lines = diff.find("pre", class_="diff")
    removed = [s.all_text for s in lines.find_all("span", class_="del")]
    added = [s.all_text for s in lines.find_all("span", class_="add")]
    assert removed == ["-3. (S) Secret paragraph naming XXXXXXXXXXXX about the plugh review."]
    assert added == ["+3. (S) Secret paragraph naming Ivor Plenkov about the plugh review."]
    changes = {
        row.find("th").all_text: [td.all_text for td in row.find_all("td")]
        for row in diff.find("table", class_="changes").find("tbody").children
    }
    assert changes["redactions"] == ["1", "0"]


def test_raw_text_is_plain_text(client: TestClient, archive: Any) -> None:
    redacted, _ = _version_numbers(archive)
    response = client.get(f"/cable/{XSS_ID}/raw?version={redacted}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert SCRIPT_TEXT in response.text and "XXXXXXXXXXXX" in response.text


@pytest.mark.parametrize(
    "url",
    [
        "/cable/NOSUCH123",
        f"/cable/{XSS_ID}?version=9",
        "/cable/NOSUCH123/raw",
        "/cable/NOSUCH123/diff",
        f"/cable/{XSS_ID}/diff?from=1&to=7",
        "/no/such/page",
    ],
)
def test_missing_things_are_html_404s(client: TestClient, html: Any, url: str) -> None:
    tree = html(page(client, url, status=404))
    assert tree.find("h1").all_text == "Not found"


def test_ids_are_found_in_any_case(client: TestClient, html: Any) -> None:
    tree = html(page(client, f"/cable/{CITED_SEED.lower()}"))
    assert tree.find("span", class_="id").all_text == CITED_SEED


# -- browse ---------------------------------------------------------------------------------
def test_browse_pages_count_like_the_records(client: TestClient, html: Any, archive: Any) -> None:
    current = list(archive.current.values())
    for url, counted in (
        ("/browse/origins", Counter(r["origin"] for r in current)),
        ("/browse/tags", Counter(t for r in current for t in set(r["tags"]))),
    ):
        rows = html(page(client, url)).find("ul", class_="bar-list").children
        shown = {
            li.find("a").all_text: int(li.find("span", class_="bar-count").all_text) for li in rows
        }
        assert shown == dict(counted), url
    months = html(page(client, "/browse/months"))
    cells = [
        int(a.all_text)
        for a in months.find("table", class_="months").find_all("a")
        if a.attrs.get("aria-label")
    ]
    assert sum(cells) == sum(1 for r in current if r.get("date"))


# -- security -------------------------------------------------------------------------------
XSS_PAGES = [
    f"/cable/{XSS_ID}",
    f"/cable/{XSS_ID}?version=1",
    f"/cable/{XSS_ID}/diff",
    "/search?q=quuxly",
    "/search?q=plugh",
    "/search?q=%3Cscript%3Ewindow.__xss%3D1%3C%2Fscript%3E",
    "/search?q=%22%3Cimg",
]


@pytest.mark.parametrize("url", XSS_PAGES)
def test_hostile_text_is_escaped(client: TestClient, html: Any, url: str) -> None:
    text = client.get(url).text
    assert "<script>window" not in text
    assert "<img" not in text
    tree = html(text)
    assert not [s for s in tree.find_all("script") if "src" not in s.attrs]
    assert all(img.attrs.get("src") != "x" for img in tree.find_all("img"))


def test_hostile_subject_reads_as_text(client: TestClient, html: Any) -> None:
    tree = html(page(client, f"/cable/{XSS_ID}"))
    assert tree.find("h1").all_text == " ".join(f"QUUXLY {SCRIPT_TEXT} AND {IMG_TEXT}".split())
    para = tree.find("div", id="p2").find("p", class_="para-text").all_text
    assert "<script>window.__xss=3</script> and <img src=x onerror=" in para


ALL_PAGES = [
    "/",
    "/search",
    "/search?q=review",
    "/search?q=iran%20(",
    f"/cable/{CITED_SEED}",
    f"/cable/{XSS_ID}",
    f"/cable/{XSS_ID}?cleared=CONFIDENTIAL",
    f"/cable/{XSS_ID}/diff",
    "/browse/origins",
    "/browse/tags",
    "/browse/months",
    "/cable/NOSUCH123",
    "/no/such/page",
]


def _no_inline(element: Any, where: str) -> None:
    for node in element.find_all():
        assert node.tag != "style", where
        assert "style" not in node.attrs, (where, node.tag)
        handlers = [name for name in node.attrs if name.startswith("on")]
        assert not handlers, (where, node.tag, handlers)
        for name in ("href", "src", "action"):
            assert not node.attrs.get(name, "").strip().lower().startswith("javascript:"), where
        if node.tag == "script":
            assert node.attrs.get("src", "").startswith("/static/"), where
            assert not node.raw_text.strip(), where
        if node.tag in ("link", "img", "iframe", "source", "object", "embed"):
            url = node.attrs.get("href") or node.attrs.get("src") or ""
            assert url.startswith("/static/"), (where, node.tag, url)  # nothing from elsewhere


@pytest.mark.parametrize("url", ALL_PAGES)
def test_no_inline_script_or_style(client: TestClient, html: Any, url: str) -> None:
    response = client.get(url)
    _no_inline(html(response.text), url)
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_assets_are_served_from_the_package(client: TestClient, html: Any) -> None:
    tree = html(page(client, "/"))
    urls = [s.attrs["src"] for s in tree.find_all("script")]
    urls += [link.attrs["href"] for link in tree.find_all("link")]
    assert len(urls) == 3
    for url in urls:
        assert re.fullmatch(r"/static/[\w.]+\?v=[0-9a-f]{12}", url), url
        response = client.get(url)
        assert response.status_code == 200 and response.content
