"""Users through the API, on a copy of the seeds archive: bearer tokens (revoked: 401),
writes by token only, notes/tags/collections that answer 404 to anyone but their owner,
collections a sharee reads but cannot change, and a private server."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import warnings
from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from cablescope.accounts import open_accounts
from cablescope.api import create_app
from cablescope.api.auth import AccountSettings

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
