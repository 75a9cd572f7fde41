"""The administrator's page, ``/admin/users``, over a real app and a copy of the web archive:
who may see and use it (an administrator; other users 403, visitors to the login page and
back), what each form does to the accounts (checked in the account store), and the checks
every form of the site passes first (CSRF token, same origin)."""

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

from tests.accounts.probe import password_works, users_of
from tests.web.forms import SAME_SITE, archive_with_accounts, csrf_of, post_form

from cablescope.api import create_app
from cablescope.api.auth import AccountSettings

HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
PAGE = "/admin/users"


@pytest.fixture()
def db(archive, tmp_path) -> str:
    """A copy of the web archive with root (an administrator), alice and bob."""
    return archive_with_accounts(archive.db, tmp_path / "web.db", HASHER, "alice", "bob")


@pytest.fixture()
def app(db) -> Iterator[object]:
    application = create_app(db, accounts=AccountSettings(hasher=HASHER))
    with TestClient(application):  # the lifespan; each test's browsers share it
        yield application


def _browser(app, name: str | None = None, password: str | None = None) -> TestClient:
    browser = TestClient(app)
    if name is not None:
        page = browser.get("/login")
        token = re.search(r'name="login_token" value="([^"]+)"', page.text)
        assert token is not None
        form = {"login_token": token.group(1), "name": name}
        form["password"] = password or f"{name}-password"
        answer = browser.post("/login", data=form, headers=SAME_SITE, follow_redirects=False)
        assert answer.status_code == 303, answer.text
    return browser


def test_visitors_are_sent_to_log_in_and_back(app, db) -> None:
    visitor = _browser(app)
    for answer in (
        visitor.get(PAGE, follow_redirects=False),
        post_form(visitor, PAGE, name="sneaky", password="sneaky-password", csrf=""),
        post_form(visitor, PAGE + "/alice", op="remove", csrf=""),
    ):
        assert answer.status_code == 303
        location = urlsplit(answer.headers["location"])
        assert location.path == "/login" and parse_qs(location.query)["next"] == [PAGE]
    assert set(users_of(db, HASHER)) == {"root", "alice", "bob"}


def test_users_who_are_not_administrators_are_refused(app, db, html) -> None:
    alice = _browser(app, "alice")
    page = alice.get(PAGE)
    assert page.status_code == 403 and "administrator" in html(page.text).all_text
    assert not any(a.attrs.get("href") == PAGE for a in html(alice.get("/").text).find_all("a"))
    csrf = csrf_of(alice)
    for path, form in (
        (PAGE, {"name": "sneaky", "password": "sneaky-password"}),
        (PAGE + "/bob", {"op": "remove"}),
        (PAGE + "/bob", {"op": "password", "password": "alice-knows-it"}),
    ):
        answer = post_form(alice, path, csrf=csrf, **form)
        assert answer.status_code == 403, path
    assert set(users_of(db, HASHER)) == {"root", "alice", "bob"}
    assert password_works(db, "bob", "bob-password", HASHER)


def test_the_page_lists_every_account(app, db, html) -> None:
    root = _browser(app, "root")
    home = html(root.get("/").text)
    assert any(a.attrs.get("href") == PAGE for a in home.find_all("a"))
    answer = root.get(PAGE)
    assert answer.status_code == 200 and answer.headers["cache-control"] == "no-store"
    page = html(answer.text)
    rows = {row.attrs["data-user"]: row for row in page.find_all("tr") if "data-user" in row.attrs}
    assert {name: "yes" in row.all_text for name, row in rows.items()} == users_of(db, HASHER)
    # every account can be given a password; every one but one's own removed
    assert {name for name, row in rows.items() if row.find("form", class_="remove-form")} == {
        "alice",
        "bob",
    }
    assert all(row.find("form", class_="password-form") for row in rows.values())
    forms = list(page.find_all("form"))
    admin_forms = [f for f in forms if f.attrs.get("action", "").startswith(PAGE)]
    assert len(admin_forms) == len(rows) + (len(rows) - 1) + 1  # passwords, removals, add
    for form in admin_forms:
        csrf = form.find("input", name="csrf")
        assert csrf is not None and csrf.attrs["value"] == csrf_of(root)


def test_add_set_password_and_remove(app, db, html) -> None:
    root = _browser(app, "root")
    csrf = csrf_of(root, PAGE)
    added = post_form(root, PAGE, csrf=csrf, name="Carol", password="carol-password", admin="on")
    assert added.status_code == 303
    assert users_of(db, HASHER).get("carol") is True
    assert password_works(db, "carol", "carol-password", HASHER)
    shown = html(root.get(added.headers["location"]).text)
    assert shown.find(class_="done-message").all_text == "Added carol."  # type: ignore[union-attr]
    plain = post_form(root, PAGE, csrf=csrf, name="dave", password="dave-password")
    assert plain.status_code == 303 and users_of(db, HASHER)["dave"] is False
    for form in (
        {"name": "carol", "password": "another-password"},  # taken
        {"name": "no spaces", "password": "valid-password"},
        {"name": "erin", "password": "short"},
    ):
        answer = post_form(root, PAGE, csrf=csrf, **form)
        assert answer.status_code == 400, form
    assert "erin" not in users_of(db, HASHER)

    bob = _browser(app, "bob")
    assert bob.get("/me/notes", follow_redirects=False).status_code == 200
    changed = post_form(root, PAGE + "/bob", csrf=csrf, op="password", password="new-bob-password")
    assert changed.status_code == 303
    assert not password_works(db, "bob", "bob-password", HASHER)
    assert password_works(db, "bob", "new-bob-password", HASHER)
    assert bob.get("/me/notes", follow_redirects=False).status_code == 303  # session ended
    _browser(app, "bob", "new-bob-password")
    short = post_form(root, PAGE + "/bob", csrf=csrf, op="password", password="short")
    assert short.status_code == 400 and password_works(db, "bob", "new-bob-password", HASHER)

    assert post_form(root, PAGE + "/alice", csrf=csrf, op="remove").status_code == 303
    assert "alice" not in users_of(db, HASHER)
    assert post_form(root, PAGE + "/alice", csrf=csrf, op="remove").status_code == 404
    assert post_form(root, PAGE + "/nobody", csrf=csrf, op="password",
                 password="whatever-password").status_code == 404  # fmt: skip
    itself = post_form(root, PAGE + "/root", csrf=csrf, op="remove")
    assert itself.status_code == 400 and "root" in users_of(db, HASHER)
    assert post_form(root, PAGE + "/bob", csrf=csrf, op="rename").status_code == 400


@pytest.mark.parametrize("token", [None, "", "wrong"])
def test_forms_without_the_right_token_are_refused(app, db, token) -> None:
    root = _browser(app, "root")
    csrf = {} if token is None else {"csrf": token}
    for path, form in (
        (PAGE, {"name": "forged", "password": "forged-password"}),
        (PAGE + "/alice", {"op": "remove"}),
        (PAGE + "/bob", {"op": "password", "password": "forged-password"}),
    ):
        assert post_form(root, path, **csrf, **form).status_code == 403, path
    assert set(users_of(db, HASHER)) == {"root", "alice", "bob"}
    assert password_works(db, "bob", "bob-password", HASHER)


def test_forms_from_another_site_are_refused(app, db) -> None:
    root = _browser(app, "root")
    form = {"csrf": csrf_of(root), "op": "remove"}
    foreign = {"origin": "https://evil.example"}
    answer = root.post(PAGE + "/alice", data=form, headers=foreign, follow_redirects=False)
    assert answer.status_code == 403 and "alice" in users_of(db, HASHER)
    another_session = _browser(app, "root")  # a token of another session of the same user
    answer = post_form(another_session, PAGE + "/alice", csrf=csrf_of(root), op="remove")
    assert answer.status_code == 403 and "alice" in users_of(db, HASHER)
