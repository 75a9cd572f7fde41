"""The way back after logging in, over a real app on a copy of the web archive: a form posted
to a private server after its session ended leads, once logged in again, to the page the
form was on (its own address answers only POST), and a failed or throttled login keeps
where the visitor was going (still only a path of this site)."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from argon2 import PasswordHasher

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from tests.web.forms import SAME_SITE, Clock, archive_with_accounts, csrf_of

from cablescope.accounts import SessionPolicy
from cablescope.accounts.throttle import ThrottlePolicy
from cablescope.api import create_app
from cablescope.api.auth import AccountSettings

HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
CABLE = "08LONDON3062"
IDLE = 3600.0
THROTTLE = ThrottlePolicy(attempts=2, window=600.0, first_lockout=120.0, max_lockout=600.0)


@pytest.fixture(scope="module")
def db(archive, tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("login-next") / "web.db"
    return archive_with_accounts(archive.db, path, HASHER, "alice")


@pytest.fixture()
def private(db) -> Iterator[tuple[TestClient, Clock]]:
    clock = Clock()
    settings = AccountSettings(
        anonymous=False,
        policy=SessionPolicy(idle=IDLE, lifetime=8 * IDLE),
        clock=clock,
        hasher=HASHER,
        throttle=THROTTLE,
    )
    with TestClient(create_app(db, accounts=settings)) as client:
        yield client, clock


def _login(client: TestClient, name: str, password: str | None = None, **extra: str):
    token = re.search(r'name="login_token" value="([^"]+)"', client.get("/login").text)
    assert token is not None
    form = {"login_token": token.group(1), "name": name, "password": password or f"{name}-password"}
    return client.post("/login", data=form | extra, headers=SAME_SITE, follow_redirects=False)


def _next_of(location: str) -> list[str]:
    parts = urlsplit(location)
    assert parts.path == "/login" and not parts.netloc
    return parse_qs(parts.query).get("next", [])


@pytest.mark.parametrize(
    ("user", "action", "form", "page"),
    [
        ("alice", f"/cable/{CABLE}/notes", {"text": "late"}, f"/cable/{CABLE}"),
        ("alice", "/notes/1", {"op": "delete"}, "/me/notes"),
        ("root", "/admin/users/alice", {"op": "remove"}, "/admin/users"),
        ("root", "/entity/person:kayani/correct", {"op": "rename", "name": "X"}, None),
    ],
)
def test_a_form_posted_after_the_session_ended_leads_back_to_its_page(
    private, user, action, form, page
) -> None:
    client, clock = private
    page = page or action.removesuffix("/correct")
    _login(client, user)
    csrf = csrf_of(client)
    clock.now += IDLE + 1  # the session has ended: the private server turns the POST away
    answer = client.post(
        action, data=form | {"csrf": csrf}, headers=SAME_SITE, follow_redirects=False
    )
    assert answer.status_code == 303
    back = _next_of(answer.headers["location"])
    assert back == [page] and back != [action]
    again = _login(client, user, next=back[0])
    assert again.status_code == 303 and again.headers["location"] == page
    assert client.get(page, follow_redirects=False).status_code == 200


def test_a_failed_login_keeps_the_way_back(private, html) -> None:
    client, _ = private
    target = f"/cable/{CABLE}?view=raw"
    failed = _login(client, "alice", "wrong-password", next=target)
    assert failed.status_code == 401
    hidden = html(failed.text).find("form", class_="login-form").find("input", name="next")
    assert hidden is not None and hidden.attrs["value"] == target
    token = html(failed.text).find("input", name="login_token").attrs["value"]
    form = {"login_token": token, "name": "alice", "password": "alice-password", "next": target}
    answer = client.post("/login", data=form, headers=SAME_SITE, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == target


def test_a_throttled_login_keeps_the_way_back(private, html) -> None:
    client, _ = private
    target = "/me/notes"
    for _ in range(THROTTLE.attempts):
        assert _login(client, "alice", "wrong-password", next=target).status_code == 401
    throttled = _login(client, "alice", next=target)
    assert throttled.status_code == 429
    assert html(throttled.text).find("input", name="next").attrs["value"] == target


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil"])
def test_a_failed_login_keeps_no_way_off_the_site(private, html, target) -> None:
    client, _ = private
    failed = _login(client, "alice", "wrong-password", next=target)
    assert failed.status_code == 401
    assert html(failed.text).find("input", name="next").attrs["value"] == "/"
