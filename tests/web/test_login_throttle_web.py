"""The login form under password guessing, over a real app on a copy of the web archive and
a clock the tests move: after the allowed failures the form answers 429 with Retry-After
and a message, refuses even the right password without checking it (the hasher counts its
checks), and lets the user in once the lockout is over; addresses and names are counted
apart, and an unknown name is locked exactly like a real one."""

from __future__ import annotations

import re
import shutil
import warnings
from collections.abc import Iterator
from typing import Any

import pytest
from argon2 import PasswordHasher

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from tests.web.forms import SAME_SITE, Clock

from cablescope.accounts import open_accounts
from cablescope.accounts.throttle import ThrottlePolicy
from cablescope.api import create_app
from cablescope.api.auth import AccountSettings
from cablescope.web.account_routes import LOGIN_FAILED, LOGIN_THROTTLED

POLICY = ThrottlePolicy(attempts=3, window=600.0, first_lockout=120.0, max_lockout=600.0)


class CountingHasher(PasswordHasher):
    """A cheap Argon2 hasher that counts the passwords it checks."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=1024, parallelism=1)
        self.checks = 0

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        self.checks += 1
        return super().verify(hash, password)


@pytest.fixture(scope="module")
def site(archive, tmp_path_factory: pytest.TempPathFactory) -> str:
    db = tmp_path_factory.mktemp("throttle-web") / "web.db"
    shutil.copy(archive.db, db)
    with open_accounts(db, hasher=CountingHasher()) as accounts:
        for name in ("alice", "bob"):
            accounts.add_user(name, f"{name}-password")
    return str(db)


@pytest.fixture()
def server(site) -> Iterator[tuple[Any, Clock, CountingHasher]]:
    """A fresh app (a fresh throttle), its clock and its hasher; `server[0](address)` is a
    client coming from that address."""
    clock, hasher = Clock(), CountingHasher()
    settings = AccountSettings(clock=clock, hasher=hasher, throttle=POLICY)
    app = create_app(site, accounts=settings)

    def client(address: str = "192.0.2.1") -> TestClient:
        return TestClient(app, client=(address, 40000))  # no `with`: the lifespan is below

    with TestClient(app):
        yield client, clock, hasher


def _login(client: TestClient, name: str, password: str) -> Any:
    page = client.get("/login")
    token = re.search(r'name="login_token" value="([^"]+)"', page.text)
    assert token is not None
    form = {"login_token": token.group(1), "name": name, "password": password}
    return client.post("/login", data=form, headers=SAME_SITE, follow_redirects=False)


def _message(answer: Any, html) -> str:
    found = html(answer.text).find(class_="login-error")
    assert found is not None
    return found.all_text


def test_locked_out_even_with_the_right_password_then_let_in(server, html) -> None:
    client, clock, hasher = server
    browser = client()
    for _ in range(POLICY.attempts):
        answer = _login(browser, "alice", "not-her-password")
        assert answer.status_code == 401 and _message(answer, html) == LOGIN_FAILED
    assert hasher.checks == POLICY.attempts
    refused = _login(browser, "alice", "alice-password")
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == str(int(POLICY.first_lockout))
    message = _message(refused, html)
    assert message.startswith(LOGIN_THROTTLED) and "2 minutes" in message
    assert html(refused.text).find("form", class_="login-form") is not None  # can retry later
    assert "cablescope_session" not in str(refused.headers.get_list("set-cookie"))
    assert refused.headers["cache-control"] == "no-store"
    assert hasher.checks == POLICY.attempts  # the password was never checked
    clock.now += POLICY.first_lockout / 2
    halfway = _login(browser, "alice", "alice-password")
    assert halfway.status_code == 429
    assert halfway.headers["retry-after"] == str(int(POLICY.first_lockout / 2))
    assert hasher.checks == POLICY.attempts
    clock.now += POLICY.first_lockout / 2
    welcome = _login(browser, "alice", "alice-password")
    assert welcome.status_code == 303 and hasher.checks == POLICY.attempts + 1
    assert browser.get("/me/notes", follow_redirects=False).status_code == 200


def test_the_lockout_doubles_with_each_further_failure(server) -> None:
    client, clock, _ = server
    browser = client()
    for _ in range(POLICY.attempts):
        _login(browser, "bob", "wrong-password")
    waits = []
    for _ in range(3):
        wait = int(_login(browser, "bob", "wrong-password").headers["retry-after"])
        waits.append(wait)
        clock.now += wait
        assert _login(browser, "bob", "wrong-password").status_code == 401
    first = int(POLICY.first_lockout)
    assert waits == [first, 2 * first, 4 * first]


def test_one_address_guessing_at_many_accounts_is_locked(server) -> None:
    client, _, hasher = server
    guesser, colleague = client("203.0.113.5"), client("203.0.113.6")
    for name in ("alice", "bob", "nobody")[: POLICY.attempts]:
        assert _login(guesser, name, "guess-password").status_code == 401
    for name in ("alice", "someone-else"):
        assert _login(guesser, name, f"{name}-password").status_code == 429
    checks = hasher.checks
    # the accounts themselves were guessed at once each: from elsewhere they open
    assert _login(colleague, "alice", "alice-password").status_code == 303
    assert hasher.checks == checks + 1


def test_many_addresses_guessing_at_one_account_lock_it(server) -> None:
    client, _, _ = server
    for n in range(POLICY.attempts):
        assert _login(client(f"198.51.100.{n}"), "bob", "guess-password").status_code == 401
    elsewhere = client("198.51.100.200")
    assert _login(elsewhere, "bob", "bob-password").status_code == 429
    assert _login(elsewhere, "alice", "alice-password").status_code == 303


def test_unknown_names_are_locked_like_real_ones(server, html) -> None:
    """A lockout must not tell which accounts exist."""
    client, _, _ = server
    answers = {}
    for name in ("alice", "no-such-user"):
        for n in range(POLICY.attempts):
            _login(client(f"192.0.2.{n + 10}"), name, "guess-password")
        answers[name] = _login(client("192.0.2.99"), name, "guess-password")
    real, unknown = answers["alice"], answers["no-such-user"]
    assert real.status_code == unknown.status_code == 429
    assert real.headers["retry-after"] == unknown.headers["retry-after"]
    assert _message(real, html) == _message(unknown, html)


def test_logging_in_clears_the_account(server) -> None:
    client, _, _ = server
    for n in range(POLICY.attempts - 1):
        _login(client(f"192.0.2.{n + 20}"), "alice", "guess-password")
    assert _login(client("192.0.2.30"), "alice", "alice-password").status_code == 303
    for n in range(POLICY.attempts - 1):  # a fresh count: still short of the limit
        _login(client(f"192.0.2.{n + 40}"), "alice", "guess-password")
    assert _login(client("192.0.2.50"), "alice", "alice-password").status_code == 303


def test_forged_forms_are_refused_before_they_count(server) -> None:
    """A POST without the login form's own token is refused without counting, so another
    site cannot lock a user out through their browser."""
    client, _, hasher = server
    browser = client()
    browser.get("/login")
    form = {"login_token": "forged", "name": "alice", "password": "x" * 8}
    for _ in range(POLICY.attempts + 2):
        assert browser.post("/login", data=form, headers=SAME_SITE).status_code == 403
    assert hasher.checks == 0
    assert _login(browser, "alice", "alice-password").status_code == 303
