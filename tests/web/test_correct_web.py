"""Who may correct entities from the web UI (``CABLESCOPE_WEB_CORRECTIONS=1``), over a real
app and a copy of the web archive: visitors are sent to log in, users who are not
administrators get 403, an administrator's form needs the session's CSRF token; only an
administrator sees the forms, and each correction they store names them (read back from
the archive's own `Store.corrections`)."""

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

from tests.web.forms import SAME_SITE, archive_with_accounts, csrf_of, post_form

from cablescope.api import create_app
from cablescope.api.auth import AccountSettings
from cablescope.store import open_store

HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
ENTITY = "/entity/person:kayani"
ACTION = ENTITY + "/correct"
RENAME = {"op": "rename", "name": "Ashfaq Parvez Kayani"}


@pytest.fixture()
def db(archive, tmp_path) -> str:
    """A copy of the web archive with root (an administrator) and alice."""
    return archive_with_accounts(archive.db, tmp_path / "web.db", HASHER, "alice")


@pytest.fixture()
def app(db, monkeypatch) -> Iterator[object]:
    monkeypatch.setenv("CABLESCOPE_WEB_CORRECTIONS", "1")
    application = create_app(db, accounts=AccountSettings(hasher=HASHER))
    with TestClient(application):
        yield application


def _browser(app, name: str | None = None) -> TestClient:
    browser = TestClient(app)
    if name is not None:
        token = re.search(r'name="login_token" value="([^"]+)"', browser.get("/login").text)
        assert token is not None
        form = {"login_token": token.group(1), "name": name, "password": f"{name}-password"}
        answer = browser.post("/login", data=form, headers=SAME_SITE, follow_redirects=False)
        assert answer.status_code == 303, answer.text
    return browser


def _stored(db: str) -> list[dict]:
    with open_store(db, read_only=True) as store:
        return store.corrections()


def _forms(browser: TestClient, html) -> list:
    page = browser.get(ENTITY)
    assert page.status_code == 200
    return list(html(page.text).find_all("form", class_="correct-form"))


def test_visitors_are_sent_to_log_in_and_back_to_the_entity(app, db, html) -> None:
    visitor = _browser(app)
    assert _forms(visitor, html) == []
    answer = post_form(visitor, ACTION, csrf="", **RENAME)
    assert answer.status_code == 303
    location = urlsplit(answer.headers["location"])
    assert location.path == "/login" and parse_qs(location.query)["next"] == [ENTITY]
    assert _stored(db) == []


def test_users_who_are_not_administrators_are_refused(app, db, html) -> None:
    alice = _browser(app, "alice")
    assert _forms(alice, html) == []
    answer = post_form(alice, ACTION, csrf=csrf_of(alice), **RENAME)
    assert answer.status_code == 403 and "administrator" in html(answer.text).all_text
    assert _stored(db) == []


@pytest.mark.parametrize("token", [None, "", "not-the-token"])
def test_an_administrator_needs_the_sessions_token(app, db, token) -> None:
    root = _browser(app, "root")
    form = dict(RENAME) if token is None else RENAME | {"csrf": token}
    assert post_form(root, ACTION, **form).status_code == 403
    assert _stored(db) == []


def test_an_administrators_form_from_another_site_is_refused(app, db) -> None:
    root = _browser(app, "root")
    answer = root.post(
        ACTION,
        data=RENAME | {"csrf": csrf_of(root)},
        headers={"origin": "http://evil.example"},
        follow_redirects=False,
    )
    assert answer.status_code == 403
    assert _stored(db) == []


def test_an_administrators_correction_is_stored_with_their_name(app, db, html) -> None:
    root = _browser(app, "root")
    forms = _forms(root, html)
    assert forms and {f.attrs["action"] for f in forms} == {ACTION}
    csrf = csrf_of(root)
    assert {f.find("input", name="csrf").attrs["value"] for f in forms} == {csrf}
    answer = post_form(root, ACTION, csrf=csrf, **RENAME)
    assert answer.status_code == 303 and answer.headers["location"] == ENTITY
    stored = _stored(db)
    assert [(c["op"], c["ids"], c["name"], c["by"]) for c in stored] == [
        ("rename", ["person:kayani"], RENAME["name"], "root")
    ]
    assert "csrf" not in stored[0]
    page = html(root.get(ENTITY).text)
    assert page.find("h1").all_text == RENAME["name"]
    notes = [li.all_text for li in page.find_all("li") if li.all_text.startswith("Corrected by")]
    assert notes == [f"Corrected by root: rename person:kayani → {RENAME['name']!r}"]


def test_off_by_default_even_for_an_administrator(db, monkeypatch, html) -> None:
    monkeypatch.delenv("CABLESCOPE_WEB_CORRECTIONS", raising=False)
    with TestClient(create_app(db, accounts=AccountSettings(hasher=HASHER))) as started:
        root = _browser(started.app, "root")
        assert _forms(root, html) == []
        assert post_form(root, ACTION, csrf=csrf_of(root), **RENAME).status_code == 403
    assert _stored(db) == []
