"""Entity pages, entity lists, the network view and their JSON API, through the real app
on the web tests' archive (the two seeds, generated cables and a hostile cable): the seed
actors' pages list the seeds that name them, names are escaped, and nothing is inline."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from cablescope.accounts import open_accounts
from cablescope.api.app import create_app
from cablescope.api.auth import AccountSettings
from cablescope.store import open_store

SEEDS = ("08LONDON3062", "09STATE65183")
LET = r"Lashkar|LASHKAR|\bLeT\b"
XSS_NAME = '<script>window.__xss=5</script><img src=x onerror="window.__xss=6">'


@pytest.fixture(scope="module")
def client(archive: Any) -> Iterator[TestClient]:
    with TestClient(create_app(archive.db)) as test_client:
        yield test_client


def _naming(archive: Any, pattern: str) -> set[str]:
    return {
        cid
        for cid, rec in archive.current.items()
        if any(re.search(pattern, p["text"] or "") for p in rec["paragraphs"])
    }


def _cable_links(tree: Any) -> set[str]:
    section = tree.find("ol", class_="entity-cables")
    return {a.attrs["href"].split("/cable/")[1] for a in section.find_all("a")}


@pytest.mark.parametrize(
    ("url", "pattern"),
    [
        ("/entity/org:lashkar-e-taiba", LET),
        ("/entity/Kayani", "Kayani"),
        ("/entity/Zardari", "Zardari"),
        ("/entity/ISI", r"\bISI\b"),
    ],
)
def test_seed_actor_pages(client, archive, html, url, pattern) -> None:
    response = client.get(url)
    assert response.status_code == 200, response.text[:300]
    tree = html(response.text)
    assert _cable_links(tree) == _naming(archive, pattern)
    if "lashkar" in url:
        assert set(SEEDS) <= _cable_links(tree)
    headings = {h.all_text.split(")")[0].strip("(") for h in tree.find_all("h3")}
    markings = {
        p["marking"]
        for cid in _naming(archive, pattern)
        for p in archive.current[cid]["paragraphs"]
        if re.search(pattern, p["text"] or "")
    }
    assert markings <= headings
    assert tree.find("svg", class_="histogram-svg") is not None


def test_entity_list_links_to_pages(client, html) -> None:
    tree = html(client.get("/entities?q=lashkar").text)
    links = {a.all_text: a.attrs["href"] for a in tree.find("table").find_all("a")}
    assert links["Lashkar e Taiba"].startswith("/entity/org:lashkar-e-taiba")
    assert client.get(links["Lashkar e Taiba"]).status_code == 200
    people = html(client.get("/entities?q=lashkar&kind=person").text)
    kinds = {s.all_text for s in people.find("table").find_all("span", class_="kind")}
    assert kinds == {"person"}


def test_bad_query_and_unknown_entity(client) -> None:
    assert client.get("/entities?q=(unclosed").status_code == 400
    assert client.get("/graph?q=(unclosed").status_code == 400
    assert client.get("/entity/person:plugh-xyzzy").status_code == 404
    api = client.get("/api/v1/entities/person:plugh-xyzzy")
    assert api.status_code == 404 and "error" in api.json()


def test_network_view_and_its_data(client, html) -> None:
    tree = html(client.get("/graph?q=pakistan").text)
    figure = tree.find("figure", class_="network")
    src = figure.attrs["data-src"]
    assert src.startswith("/api/v1/graph/entities?")
    assert any(
        s.attrs.get("src", "").startswith("/static/graph.js") for s in tree.find_all("script")
    )
    data = client.get(src).json()
    assert data["nodes"] and data["directed"] is False
    ids = {n["id"] for n in data["nodes"]}
    assert all(e["source"] in ids and e["target"] in ids for e in data["edges"])
    assert client.get("/static/graph.js").status_code == 200


def test_api_refs_graph_marks_cited_seed(client, archive) -> None:
    citing = [
        cid
        for cid, r in archive.current.items()
        if any(ref["value"] == SEEDS[0] for ref in r["references"])
    ]
    assert citing
    data = client.get("/api/v1/graph/refs", params={"q": f"ref:{SEEDS[0]}"}).json()
    nodes = {n["id"]: n for n in data["nodes"]}
    assert nodes[SEEDS[0]]["in_archive"] is True
    assert {(e["source"], e["target"]) for e in data["edges"] if e["target"] == SEEDS[0]} == {
        (cid, SEEDS[0]) for cid in citing
    }


def test_api_entities_and_profile(client, archive) -> None:
    listing = client.get("/api/v1/entities", params={"q": "lashkar", "kind": "org"}).json()
    assert all(e["kind"] == "ORG" for e in listing["entities"])
    let = client.get("/api/v1/entities/org:lashkar-e-taiba").json()
    assert {c["id"] for c in let["cable_list"]} == _naming(archive, LET)
    assert client.get("/api/v1/entities", params={"kind": "ship"}).status_code == 422


def _no_inline(tree: Any) -> None:
    for node in tree.find_all():
        assert node.tag != "style" and "style" not in node.attrs, node.tag
        assert not [name for name in node.attrs if name.startswith("on")], node.tag
        if node.tag == "script":
            assert node.attrs.get("src", "").startswith("/static/") and not node.raw_text.strip()
        if node.tag == "link":
            assert node.attrs["href"].startswith("/static/")


def test_renamed_entity_is_escaped(archive, tmp_path, html) -> None:
    db = tmp_path / "renamed.db"
    shutil.copy(archive.db, db)
    with open_store(db) as store:
        store.add_correction({"op": "rename", "ids": ["person:kayani"], "name": XSS_NAME})
    with TestClient(create_app(db)) as client:
        for url in ("/entity/person:kayani", "/entity/" + quote(XSS_NAME), "/entities?q=kayani"):
            response = client.get(url)
            assert response.status_code == 200, url
            assert "<script>window.__xss" not in response.text
            assert "<img src=x" not in response.text
            assert "&lt;script&gt;window.__xss=5" in response.text
            tree = html(response.text)
            _no_inline(tree)
        api = client.get("/api/v1/entities/person:kayani")
        assert api.json()["name"] == XSS_NAME and "<script>" not in api.text


@pytest.mark.parametrize("url", ["/entity/Kayani", "/entities", "/graph", "/graph?kind=refs"])
def test_no_inline_script_or_style(client, html, url) -> None:
    response = client.get(url)
    assert response.status_code == 200
    _no_inline(html(response.text))


@pytest.fixture
def writable(archive: Any, tmp_path) -> Any:
    db = tmp_path / "writable.db"
    shutil.copy(archive.db, db)
    return db


def test_web_corrections_are_off_by_default(writable, monkeypatch, html) -> None:
    monkeypatch.delenv("CABLESCOPE_WEB_CORRECTIONS", raising=False)
    with TestClient(create_app(writable)) as client:
        assert html(client.get("/entity/Kayani").text).find("form", class_="correct-form") is None
        response = client.post(
            "/entity/person:kayani/correct",
            data={"op": "rename", "name": "X"},
            headers={"origin": "http://testserver"},
        )
        assert response.status_code == 403
    with open_store(writable, read_only=True) as store:
        assert store.corrections() == []


def test_web_rename_and_merge(writable, monkeypatch, html) -> None:
    """An administrator's corrections (who may correct: tests/web/test_correct_web.py)."""
    monkeypatch.setenv("CABLESCOPE_WEB_CORRECTIONS", "1")
    same = {"origin": "http://testserver"}
    hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    with open_accounts(writable, hasher=hasher) as accounts:
        accounts.add_user("root", "root-password", admin=True)
    app = create_app(writable, accounts=AccountSettings(hasher=hasher))
    with TestClient(app, follow_redirects=False) as client:
        page = client.get("/login")
        token = re.search(r'name="login_token" value="([^"]+)"', page.text)
        assert token is not None
        login = {"login_token": token.group(1), "name": "root", "password": "root-password"}
        assert client.post("/login", data=login, headers=same).status_code == 303
        forms = list(
            html(client.get("/entity/Kayani").text).find_all("form", class_="correct-form")
        )
        assert {f.attrs["action"] for f in forms} == {"/entity/person:kayani/correct"}
        csrf = forms[0].find("input", name="csrf").attrs["value"]
        foreign = client.post(
            "/entity/person:kayani/correct",
            data={"op": "rename", "name": "X", "csrf": csrf},
            headers={"origin": "http://evil.example"},
        )
        assert foreign.status_code == 403
        assert (
            client.post(
                "/entity/person:kayani/correct", data={"op": "rename", "name": "X", "csrf": csrf}
            ).status_code
            == 403
        )
        done = client.post(
            "/entity/person:kayani/correct",
            data={"op": "rename", "name": "Ashfaq Kayani", "csrf": csrf},
            headers=same,
        )
        assert done.status_code == 303 and done.headers["location"] == "/entity/person:kayani"
        page = html(client.get("/entity/person:kayani").text)
        assert page.find("h1").all_text == "Ashfaq Kayani"
        merged = client.post(
            "/entity/Zardari/correct",
            data={"op": "merge", "other": "Gilani", "csrf": csrf},
            headers=same,
        )
        assert merged.status_code == 303
        bad = client.post(
            "/entity/Zardari/correct",
            data={"op": "merge", "other": "Plugh Xyzzy", "csrf": csrf},
            headers=same,
        )
        assert bad.status_code == 400
    with open_store(writable, read_only=True) as store:
        assert [c["op"] for c in store.corrections()] == ["rename", "merge"]
