"""Administrators through the API, on a copy of the seeds archive: who may list, add and
remove accounts and set their passwords (an administrator, by token; reads by session too),
who is refused and how (nobody 401, other users 403, before the request is even read), what
each change does to the accounts (checked in the account store, not through the API), what
the OpenAPI schema says of the routes, and that no API route checks a password (the web
login form, which the throttle guards, is the only one)."""

from __future__ import annotations

import re
import shutil
import warnings
from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from tests.accounts.probe import password_works, users_of

from cablescope.accounts import open_accounts
from cablescope.api import create_app
from cablescope.api.admin_routes import NOT_ADMIN
from cablescope.api.admin_routes import router as admin_router
from cablescope.api.app import API_PREFIX
from cablescope.api.auth import AccountSettings

from .conftest import Archive

HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
USERS = API_PREFIX + "/admin/users"
SAME_SITE = {"origin": "http://testserver"}


@pytest.fixture()
def db(seeds_archive: Archive, tmp_path) -> str:
    """A copy of the seeds archive: root (an administrator) and alice, a token each."""
    path = tmp_path / "seeds.db"
    shutil.copy(seeds_archive.path, path)
    return str(path)


@pytest.fixture()
def api(db) -> Iterator[TestClient]:
    with TestClient(create_app(db, accounts=AccountSettings(hasher=HASHER))) as client:
        yield client


@pytest.fixture()
def who(db) -> dict[str, dict[str, str]]:
    headers = {}
    with open_accounts(db, hasher=HASHER) as accounts:
        for name, admin in (("root", True), ("alice", False)):
            accounts.add_user(name, f"{name}-password", admin=admin)
            secret, _ = accounts.create_token(name)
            headers[name] = {"authorization": f"Bearer {secret}"}
    return headers




def _session(api: TestClient, name: str) -> TestClient:
    browser = TestClient(api.app)  # no `with`: the app's lifespan is api's
    page = browser.get("/login")
    token = re.search(r'name="login_token" value="([^"]+)"', page.text)
    assert token is not None
    form = {"login_token": token.group(1), "name": name, "password": f"{name}-password"}
    assert browser.post("/login", data=form, headers=SAME_SITE).status_code == 200
    return browser


#: Each operation once, with a body that would be accepted from an administrator.
OPERATIONS = [
    ("GET", USERS, None),
    ("POST", USERS, {"name": "newbie", "password": "newbie-password"}),
    ("PUT", USERS + "/alice/password", {"password": "fresh-password"}),
    ("DELETE", USERS + "/alice", None),
]


@pytest.mark.parametrize(("method", "path", "body"), OPERATIONS)
def test_who_may_do_what(api, db, who, method, path, body) -> None:
    before = users_of(db, HASHER)
    anonymous = api.request(method, path, json=body)
    assert anonymous.status_code == 401 and "error" in anonymous.json()
    user = api.request(method, path, json=body, headers=who["alice"])
    assert user.status_code == 403 and user.json() == {"error": NOT_ADMIN}
    alice_session = _session(api, "alice").request(method, path, json=body)
    assert alice_session.status_code == (403 if method == "GET" else 401)
    root_session = _session(api, "root").request(method, path, json=body)
    assert root_session.status_code == (200 if method == "GET" else 401)  # changes: token only
    for refused in (anonymous, user, alice_session, root_session):
        assert refused.headers["cache-control"] == "no-store"
    assert users_of(db, HASHER) == before and password_works(db, "alice", "alice-password", HASHER)
    done = api.request(method, path, json=body, headers=who["root"])
    assert done.status_code == {"GET": 200, "POST": 201, "PUT": 204, "DELETE": 204}[method]
    assert done.headers["cache-control"] == "no-store"


def test_who_is_asking_comes_before_what_is_asked(api, who) -> None:
    garbage = {"content": b"\x00{not json", "headers": {"content-type": "application/json"}}
    for headers, status in ((None, 401), (who["alice"], 403)):
        extra = headers or {}
        assert api.post(USERS, content=garbage["content"],
                        headers=garbage["headers"] | extra).status_code == status  # fmt: skip
        assert api.delete(USERS + "/" + "x" * 500, headers=extra).status_code == status
    answer = api.post(USERS, content=garbage["content"], headers=garbage["headers"] | who["root"])
    assert answer.status_code == 422


def test_list_add_set_password_remove(api, db, who) -> None:
    root = who["root"]
    listed = api.get(USERS, headers=root).json()
    assert [(u["name"], u["admin"]) for u in listed] == sorted(users_of(db, HASHER).items())
    made = api.post(USERS, json={"name": " Carol ", "password": "carol-password"}, headers=root)
    assert made.status_code == 201 and (made.json()["name"], made.json()["admin"]) == (
        "carol",
        False,
    )
    boss = api.post(USERS, json={"name": "boss", "password": "boss-password", "admin": True},
                    headers=root)  # fmt: skip
    assert boss.status_code == 201 and users_of(db, HASHER)["boss"] is True
    assert password_works(db, "carol", "carol-password", HASHER)
    taken = api.post(USERS, json={"name": "CAROL", "password": "other-password"}, headers=root)
    assert taken.status_code == 409 and "already" in taken.json()["error"]
    bad_name = api.post(USERS, json={"name": "no spaces", "password": "x-password"}, headers=root)
    assert bad_name.status_code == 400
    short = api.post(USERS, json={"name": "dora", "password": "short"}, headers=root)
    assert short.status_code == 422 and "dora" not in users_of(db, HASHER)

    carol_token = None
    with open_accounts(db, hasher=HASHER) as accounts:
        carol_token, _ = accounts.create_token("carol")
    carol_browser = _session(api, "carol")
    assert carol_browser.get(API_PREFIX + "/me").status_code == 200
    changed = api.put(USERS + "/carol/password", json={"password": "new-carol-pw"}, headers=root)
    assert changed.status_code == 204
    assert password_works(db, "carol", "new-carol-pw", HASHER)
    assert not password_works(db, "carol", "carol-password", HASHER)
    assert carol_browser.get(API_PREFIX + "/me").status_code == 401  # her sessions ended
    carol = {"authorization": f"Bearer {carol_token}"}
    assert api.get(API_PREFIX + "/me", headers=carol).status_code == 200  # tokens stay
    missing = api.put(USERS + "/nobody/password", json={"password": "whatever-pw"}, headers=root)
    assert missing.status_code == 404

    assert api.delete(USERS + "/carol", headers=root).status_code == 204
    assert "carol" not in users_of(db, HASHER)
    assert api.get(API_PREFIX + "/me", headers=carol).status_code == 401
    assert api.delete(USERS + "/carol", headers=root).status_code == 404
    itself = api.delete(USERS + "/ROOT", headers=root)
    assert itself.status_code == 400 and "root" in users_of(db, HASHER)
    # another administrator may remove this one
    with open_accounts(db, hasher=HASHER) as accounts:
        boss_token, _ = accounts.create_token("boss")
    boss_header = {"authorization": f"Bearer {boss_token}"}
    assert api.delete(USERS + "/root", headers=boss_header).status_code == 204
    assert api.get(USERS, headers=root).status_code == 401  # root's token went with root


def test_the_schema_documents_the_admin_routes(api) -> None:
    schema = api.get(API_PREFIX + "/openapi.json").json()
    routes = {
        (method, API_PREFIX + route.path)  # type: ignore[attr-defined]
        for route in admin_router.routes
        for method in route.methods  # type: ignore[attr-defined]
    }
    assert len(routes) == 4 and {m for m, _ in routes} == {m for m, _, _ in OPERATIONS}
    assert {p for _, p in routes} == {USERS, USERS + "/{name}", USERS + "/{name}/password"}
    for method, path in routes:
        spec = schema["paths"][path][method.lower()]
        allowed = {name for requirement in spec["security"] for name in requirement}
        assert allowed == ({"token", "session"} if method == "GET" else {"token"}), path
        for status in ("401", "403"):
            body = spec["responses"][status]["content"]["application/json"]["schema"]
            assert body["$ref"].endswith("/ErrorBody"), (method, path, status)
        assert spec["tags"] == ["admin"]
    post = schema["paths"][USERS]["post"]["responses"]
    assert {"201", "400", "409", "422"} <= set(post)


def test_no_api_route_checks_a_password(api) -> None:
    """The throttle guards every place a password is checked: in the API there is none (a
    password only goes in, to the administrator's routes, which check a token instead). A
    route taking a password to sign in would have to be throttled like the login form."""
    schema = api.get(API_PREFIX + "/openapi.json").json()
    components = schema["components"]["schemas"]

    def fields(spec: dict) -> set[str]:
        body = spec.get("requestBody", {}).get("content", {}).get("application/json", {})
        ref = body.get("schema", {}).get("$ref", "")
        properties = components.get(ref.rsplit("/", 1)[-1], {}).get("properties", {})
        parameters = {p["name"] for p in spec.get("parameters", [])}
        return set(properties) | parameters

    with_password = {
        (method.upper(), path)
        for path, methods in schema["paths"].items()
        for method, spec in methods.items()
        if any("password" in name.lower() for name in fields(spec))
    }
    assert with_password == {("POST", USERS), ("PUT", USERS + "/{name}/password")}
