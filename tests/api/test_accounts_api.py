"""Users through the API, on a copy of the seeds archive: bearer tokens (revoked: 401),
writes by token only, notes/tags/collections that answer 404 to anyone but their owner,
collections a sharee reads but cannot change, a private server; what the OpenAPI schema
says of them, and that none of their answers may be cached."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import warnings
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from argon2 import PasswordHasher

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from cablescope.accounts import open_accounts
from cablescope.api import create_app
from cablescope.api.account_routes import router as account_router
from cablescope.api.admin_routes import router as admin_router
from cablescope.api.app import API_PREFIX
from cablescope.api.auth import AccountSettings, login_url, safe_next

from .conftest import Archive

HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
LONDON, STATE = "08LONDON3062", "09STATE65183"


@pytest.fixture(scope="module")
def setup(
    seeds_archive: Archive, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, dict[str, dict[str, str]]]:
    """A copy of the seeds archive; alice, bob and carol with a token each."""
    db = tmp_path_factory.mktemp("accounts-api") / "seeds.db"
    shutil.copy(seeds_archive.path, db)
    headers = {}
    with open_accounts(db, hasher=HASHER) as accounts:
        for name in ("alice", "bob", "carol"):
            accounts.add_user(name, f"{name}-password")
            secret, _ = accounts.create_token(name)
            headers[name] = {"authorization": f"Bearer {secret}"}
    return str(db), headers


@pytest.fixture(scope="module")
def api(setup) -> Iterator[TestClient]:
    with TestClient(create_app(setup[0], accounts=AccountSettings(hasher=HASHER))) as client:
        yield client


@pytest.fixture(scope="module")
def who(setup) -> dict[str, dict[str, str]]:
    return setup[1]


def test_me_and_tokens(api, setup, who) -> None:
    assert api.get("/api/v1/me").status_code == 401
    assert api.get("/api/v1/me", headers=who["alice"]).json()["name"] == "alice"
    bad = {"authorization": "Bearer cst_not-a-real-token"}
    assert api.get("/api/v1/me", headers=bad).status_code == 401
    assert api.get(f"/api/v1/cables/{LONDON}", headers=bad).status_code == 401
    with open_accounts(setup[0], hasher=HASHER) as accounts:
        secret, token = accounts.create_token("alice", "to revoke")
        header = {"authorization": f"Bearer {secret}"}
        assert api.get("/api/v1/me", headers=header).status_code == 200
        assert accounts.revoke_token(token.id)
    assert api.get("/api/v1/me", headers=header).status_code == 401


def test_notes_crud_and_privacy(api, who) -> None:
    made = api.post(
        "/api/v1/notes",
        json={"cable_id": LONDON, "paragraph": 3, "text": "p3"},
        headers=who["alice"],
    )
    assert made.status_code == 201
    note = made.json()
    assert (note["cable_id"], note["paragraph"], note["text"]) == (LONDON, 3, "p3")
    path = f"/api/v1/notes/{note['id']}"
    assert api.get(path, headers=who["alice"]).json() == note
    for method, body in (("GET", None), ("PATCH", {"text": "bob's"}), ("DELETE", None)):
        answer = api.request(method, path, json=body, headers=who["bob"])
        assert answer.status_code == 404, method
    assert api.get(f"/api/v1/notes?cable={LONDON}", headers=who["bob"]).json() == []
    changed = api.patch(path, json={"text": "revised"}, headers=who["alice"])
    assert changed.status_code == 200 and changed.json()["text"] == "revised"
    mine = api.get(f"/api/v1/notes?cable={LONDON}", headers=who["alice"]).json()
    assert [n["id"] for n in mine] == [note["id"]]
    assert api.delete(path, headers=who["alice"]).status_code == 204
    assert api.get(path, headers=who["alice"]).status_code == 404
    no_cable = {"cable_id": "99NOWHERE1", "text": "x"}
    assert api.post("/api/v1/notes", json=no_cable, headers=who["alice"]).status_code == 404
    no_para = {"cable_id": LONDON, "paragraph": 999, "text": "x"}
    assert api.post("/api/v1/notes", json=no_para, headers=who["alice"]).status_code == 400
    empty = {"cable_id": LONDON, "text": "  "}
    assert api.post("/api/v1/notes", json=empty, headers=who["alice"]).status_code == 400


def test_writes_need_a_token_not_a_cookie(api, who) -> None:
    with TestClient(api.app) as browser:
        page = browser.get("/login")
        token = re.search(r'name="login_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
        form = {"login_token": token, "name": "alice", "password": "alice-password"}
        browser.post("/login", data=form, headers={"origin": "http://testserver"})
        assert browser.get("/api/v1/me").json()["name"] == "alice"  # reads: the session will do
        answer = browser.post("/api/v1/notes", json={"cable_id": LONDON, "text": "via cookie"})
        assert answer.status_code == 401
    notes = api.get("/api/v1/notes", headers=who["alice"]).json()
    assert all(n["text"] != "via cookie" for n in notes)
    assert api.post("/api/v1/notes", json={"cable_id": LONDON, "text": "x"}).status_code == 401


def test_tags(api, who) -> None:
    body = {"cable_id": LONDON.lower(), "tag": "follow-up"}
    made = api.post("/api/v1/me/tags", json=body, headers=who["alice"])
    assert made.status_code == 201 and made.json() == {"cable_id": LONDON, "tag": "follow-up"}
    assert api.get("/api/v1/me/tags", headers=who["bob"]).json() == []
    assert api.delete(f"/api/v1/me/tags/{LONDON}/follow-up", headers=who["bob"]).status_code == 404
    listed = api.get("/api/v1/me/tags?tag=follow-up", headers=who["alice"]).json()
    assert listed == [{"cable_id": LONDON, "tag": "follow-up"}]
    assert (
        api.delete(f"/api/v1/me/tags/{LONDON}/follow-up", headers=who["alice"]).status_code == 204
    )
    assert api.get("/api/v1/me/tags", headers=who["alice"]).json() == []


def test_collections_shared_read_only(api, who, seeds_archive: Archive) -> None:
    made = api.post("/api/v1/collections", json={"name": "Pakistan"}, headers=who["alice"])
    assert made.status_code == 201
    path = f"/api/v1/collections/{made.json()['id']}"
    for cable_id in (STATE, LONDON):
        assert api.put(f"{path}/items/{cable_id}", headers=who["alice"]).status_code == 204
    assert api.put(f"{path}/items/99NOWHERE1", headers=who["alice"]).status_code == 404
    assert api.get(path, headers=who["bob"]).status_code == 404
    assert api.put(f"{path}/shares/bob", headers=who["alice"]).status_code == 204
    assert api.put(f"{path}/shares/nobody", headers=who["alice"]).status_code == 400
    seen = api.get(path, headers=who["bob"]).json()
    assert (seen["mine"], seen["owner"], seen["items"]) == (False, "alice", [STATE, LONDON])
    writes = [
        ("PUT", f"{path}/items/{LONDON}", None),
        ("DELETE", f"{path}/items/{LONDON}", None),
        ("PUT", f"{path}/shares/carol", None),
        ("PATCH", path, {"name": "bob's now"}),
        ("DELETE", path, None),
    ]
    for method, target, body in writes:
        assert api.request(method, target, json=body, headers=who["bob"]).status_code == 403
        assert api.request(method, target, json=body, headers=who["carol"]).status_code == 404
    assert api.get(path, headers=who["carol"]).status_code == 404
    assert api.get(f"{path}/export", headers=who["carol"]).status_code == 404
    lines = api.get(f"{path}/export?format=jsonl", headers=who["bob"]).text.splitlines()
    records = [json.loads(line) for line in lines]
    assert [r["id"] for r in records] == [STATE, LONDON]
    expected = seeds_archive.current
    assert [r["subject"] for r in records] == [expected[c]["subject"] for c in (STATE, LONDON)]
    table = list(
        csv.DictReader(io.StringIO(api.get(f"{path}/export?format=csv", headers=who["bob"]).text))
    )
    assert [row["id"] for row in table] == [STATE, LONDON] and "raw" not in table[0]
    assert api.get(path, headers=who["alice"]).json()["shared_with"] == ["bob"]
    assert api.delete(path, headers=who["alice"]).status_code == 204
    assert api.get(path, headers=who["bob"]).status_code == 404


def test_a_private_server_needs_a_token(setup, who) -> None:
    app = create_app(setup[0], anonymous=False, accounts=AccountSettings(hasher=HASHER))
    with TestClient(app) as client:
        assert client.get(f"/api/v1/cables/{LONDON}").status_code == 401
        assert client.get("/api/v1/search?q=plugh").status_code == 401
        answer = client.get(f"/api/v1/cables/{LONDON}", headers=who["carol"])
        assert answer.status_code == 200 and answer.json()["id"] == LONDON


def _browser_session(api: TestClient, name: str) -> TestClient:
    browser = TestClient(api.app)
    page = browser.get("/login")
    token = re.search(r'name="login_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    form = {"login_token": token, "name": name, "password": f"{name}-password"}
    browser.post("/login", data=form, headers={"origin": "http://testserver"})
    return browser


def test_who_is_asking_comes_before_what_is_asked(api, who) -> None:
    """Anonymous (or by cookie, for a write): the 401, before the body or the parameters
    are read — nobody learns whether a note exists or what the body should look like."""
    garbage = b"\x00{not json"
    json_type = {"content-type": "application/json"}
    assert api.post("/api/v1/notes", content=garbage, headers=json_type).status_code == 401
    assert api.patch("/api/v1/notes/x", content=garbage, headers=json_type).status_code == 401
    assert api.get("/api/v1/collections/-5").status_code == 401
    browser = _browser_session(api, "carol")  # no `with`: the app's lifespan is api's
    assert browser.get("/api/v1/notes").status_code == 200
    answer = browser.post("/api/v1/notes", content=garbage, headers=json_type)
    assert answer.status_code == 401
    # with a token, the same requests meet the checks that follow
    carol = who["carol"] | json_type
    assert api.post("/api/v1/notes", content=garbage, headers=carol).status_code in (400, 422)
    assert api.get("/api/v1/collections/-5", headers=carol).status_code == 422


def _example_path(path: str) -> str:
    values = {"note_id": "1", "collection_id": "1", "cable_id": LONDON, "tag": "x", "name": "bob"}
    for key, value in values.items():
        path = path.replace("{" + key + "}", value)
    assert "{" not in path, path
    return API_PREFIX + path


def test_no_answer_is_cached(api, who) -> None:
    """Every account endpoint, whoever asks (nobody, a user, a bad token) and whatever the
    answer: no-store. The archive's own answers stay cacheable (the same for everyone)."""
    statuses = set()
    for route in account_router.routes:
        for method in route.methods:  # type: ignore[attr-defined]
            path = _example_path(route.path)  # type: ignore[attr-defined]
            for headers in (None, who["carol"], {"authorization": "Bearer cst_revoked"}):
                answer = api.request(method, path, headers=headers, json={})
                statuses.add(answer.status_code)
                assert answer.headers.get("cache-control") == "no-store", (method, path)
    assert {200, 401, 404, 422} <= statuses
    assert api.get("/api/v1/me", headers=who["carol"]).headers["cache-control"] == "no-store"
    for headers in (None, who["carol"]):
        stats = api.get("/api/v1/stats", headers=headers)
        assert stats.status_code == 200 and "cache-control" not in stats.headers


def test_the_schema_documents_the_account_endpoints(api) -> None:
    schema = api.get("/api/v1/openapi.json").json()
    schemes = schema["components"]["securitySchemes"]
    assert schemes["token"] == schemes["token"] | {"type": "http", "scheme": "bearer"}
    assert (schemes["session"]["in"], schemes["session"]["name"]) == (
        "cookie",
        "cablescope_session",
    )
    operations = {
        (method.upper(), path): spec
        for path, methods in schema["paths"].items()
        for method, spec in methods.items()
        if spec.get("security")
    }
    expected = {
        (method, API_PREFIX + route.path)  # type: ignore[attr-defined]
        for route in (*account_router.routes, *admin_router.routes)
        for method in route.methods  # type: ignore[attr-defined]
    }
    assert set(operations) == expected and len(expected) >= 23
    for (method, path), spec in operations.items():
        allowed = {name for requirement in spec["security"] for name in requirement}
        assert allowed == ({"token", "session"} if method == "GET" else {"token"}), path
        for status in ("401", *(["422"] if "{" in path or method in ("POST", "PATCH") else [])):
            body = spec["responses"][status]["content"]["application/json"]["schema"]
            assert body["$ref"].endswith("/ErrorBody"), (method, path, status)
    changes = [spec for (m, p), spec in operations.items() if "/collections/{" in p and m != "GET"]
    assert changes and all("403" in spec["responses"] for spec in changes)
    assert "403" not in operations[("PATCH", "/api/v1/notes/{note_id}")]["responses"]
    note = operations[("GET", "/api/v1/notes/{note_id}")]["responses"]["200"]
    ref = note["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    fields = schema["components"]["schemas"][ref]["properties"]
    assert set(fields) == {"id", "cable_id", "paragraph", "text", "created_at", "updated_at"}


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/cable/08LONDON3062", "/cable/08LONDON3062"),
        ("/search?q=a%20b&sort=date", "/search?q=a%20b&sort=date"),
        ("/", "/"),
        (None, "/"),
        ("", "/"),
        ("cable/x", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("https://evil.example/", "/"),
        ("/\t/evil.example", "/"),
        ("/x\r\nSet-Cookie: a=b", "/"),
    ],
)
def test_only_paths_of_this_site_are_a_way_back(target, expected) -> None:
    assert safe_next(target) == expected
    url = urlsplit(login_url(target))
    assert url.path == "/login" and not url.netloc
    assert parse_qs(url.query).get("next", ["/"]) == [expected]


def test_the_login_page_leads_on_not_back_to_itself() -> None:
    assert login_url("/login?next=%2Fcable%2F08LONDON3062") == "/login?next=%2Fcable%2F08LONDON3062"
    assert login_url("/login?next=%2F%2Fevil.example") == "/login"
    assert login_url("/login") == "/login"
