"""Users in the web UI, over a real app and a copy of the web test archive: logging in
(one message for every failure), notes on a cable and on a paragraph, tags, collections
shared read-only, and the checks that keep anyone from reading or changing what is not
theirs — CSRF tokens, same-origin POSTs, sessions that expire, a private server — and
that pages made for a signed-in user are never cached, and logging in leads back to the
page the visitor was on."""

from __future__ import annotations

import json
import re
import shutil
import warnings
from collections.abc import Iterator
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from argon2 import PasswordHasher

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from tests.web.forms import SAME_SITE, Clock, csrf_of, post_form

from cablescope.accounts import SessionPolicy, open_accounts
from cablescope.api import create_app
from cablescope.api.auth import AccountSettings

HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
CABLE = "08LONDON3062"
IDLE, LIFETIME = 3600.0, 8 * 3600.0


@pytest.fixture(scope="module")
def site(archive, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Clock]]:
    """A copy of the web archive with users alice, bob and carol."""
    db = tmp_path_factory.mktemp("accounts-web") / "web.db"
    shutil.copy(archive.db, db)
    with open_accounts(db, hasher=HASHER) as accounts:
        for name in ("alice", "bob", "carol"):
            accounts.add_user(name, f"{name}-password")
    yield str(db), Clock()


def _app(site: tuple[str, Clock], anonymous: bool = True) -> TestClient:
    db, clock = site
    settings = AccountSettings(
        anonymous=anonymous,
        policy=SessionPolicy(idle=IDLE, lifetime=LIFETIME),
        clock=clock,
        hasher=HASHER,
    )
    return TestClient(create_app(db, accounts=settings))


@pytest.fixture()
def client(site) -> Iterator[TestClient]:
    with _app(site) as test_client:
        yield test_client


def _login(client: TestClient, name: str, password: str | None = None, **extra: str):
    page = client.get("/login")
    token = re.search(r'name="login_token" value="([^"]+)"', page.text)
    assert token is not None
    form = {"login_token": token.group(1), "name": name, "password": password or f"{name}-password"}
    return client.post("/login", data=form | extra, headers=SAME_SITE, follow_redirects=False)


def _notes(site, name: str) -> list:
    with open_accounts(site[0], hasher=HASHER) as accounts:
        user = accounts.user(name)
        assert user is not None
        return accounts.notes(user)


# -- logging in --------------------------------------------------------------------------------
def test_login_sets_a_strict_session_cookie(client) -> None:
    answer = _login(client, "alice", next=f"/cable/{CABLE}")
    assert answer.status_code == 303 and answer.headers["location"] == f"/cable/{CABLE}"
    cookie = next(c for c in answer.headers.get_list("set-cookie") if "cablescope_session=" in c)
    attributes = {part.strip().lower() for part in cookie.split(";")}
    assert {"httponly", "path=/", "samesite=lax"} <= attributes
    assert "Log out" in client.get("/").text


def test_login_failures_look_the_same(client, html) -> None:
    wrong = _login(client, "alice", "not-her-password")
    unknown = _login(client, "nobody", "not-her-password")
    assert wrong.status_code == unknown.status_code == 401
    messages = [html(a.text).find(class_="login-error").all_text for a in (wrong, unknown)]
    assert messages[0] == messages[1] == "Wrong user name or password."
    assert "cablescope_session" not in str(wrong.headers.get_list("set-cookie"))


def test_login_refuses_forged_forms(client) -> None:
    client.get("/login")
    form = {"login_token": "guessed", "name": "alice", "password": "alice-password"}
    assert client.post("/login", data=form, headers=SAME_SITE).status_code == 403
    page = client.get("/login")
    token = re.search(r'name="login_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    form["login_token"] = token
    foreign = {"origin": "https://evil.example"}
    assert client.post("/login", data=form, headers=foreign).status_code == 403
    assert _login(client, "alice", next="https://evil.example/").headers["location"] == "/"


def test_logout_ends_the_session(client) -> None:
    _login(client, "alice")
    session = client.cookies.get("cablescope_session")
    assert post_form(client, "/logout", csrf=csrf_of(client)).status_code == 303
    client.cookies.set("cablescope_session", session)  # the old cookie, replayed
    assert client.get("/me/notes", follow_redirects=False).status_code == 303


# -- notes, tags and collections through the pages -----------------------------------------------
def test_note_on_a_paragraph_shows_beside_it(client, site, html) -> None:
    _login(client, "alice")
    text = "Check <script>alert(1)</script> against REF A"
    token = csrf_of(client)
    answer = post_form(client, f"/cable/{CABLE}/notes", csrf=token, text=text, paragraph="2")
    assert answer.status_code == 303 and answer.headers["location"].endswith("#p2")
    page = html(client.get(f"/cable/{CABLE}").text)
    para = page.find(id="p2")
    assert para is not None and text in para.find(class_="user-notes").all_text
    assert all(script.attrs.get("src") for script in page.find_all("script"))
    assert [n.text for n in _notes(site, "alice") if n.paragraph == 2][-1] == text
    assert post_form(client, f"/cable/{CABLE}/notes", csrf=csrf_of(client), text="x",
                 paragraph="999").status_code == 400  # fmt: skip


def test_nobody_else_reads_or_changes_them(site) -> None:
    with _app(site) as alice, _app(site) as bob:
        _login(alice, "alice")
        _login(bob, "bob")
        post_form(alice, f"/cable/{CABLE}/notes", csrf=csrf_of(alice), text="alice only")
        post_form(alice, f"/cable/{CABLE}/tags", csrf=csrf_of(alice), op="add", tag="secret-tag")
        note = next(n for n in _notes(site, "alice") if n.text == "alice only")
        assert "alice only" not in bob.get(f"/cable/{CABLE}").text
        assert "secret-tag" not in bob.get(f"/cable/{CABLE}").text
        assert "alice only" not in bob.get("/me/notes").text
        bob_csrf = csrf_of(bob)
        for op in ("update", "delete"):
            answer = post_form(bob, f"/notes/{note.id}", csrf=bob_csrf, op=op, text="bob was here")
            assert answer.status_code == 404
        assert any(n.text == "alice only" for n in _notes(site, "alice"))
        # alice's token does not work in bob's session either
        answer = post_form(bob, f"/notes/{note.id}", csrf=csrf_of(alice), op="delete")
        assert answer.status_code == 403
        assert any(n.id == note.id for n in _notes(site, "alice"))


def test_collections_shared_read_only(site, html) -> None:
    with _app(site) as alice, _app(site) as bob, _app(site) as carol:
        for client, name in ((alice, "alice"), (bob, "bob"), (carol, "carol")):
            _login(client, name)
        answer = post_form(alice, f"/cable/{CABLE}/collect", csrf=csrf_of(alice), new="To reread")
        assert answer.status_code == 303
        link = re.search(r'href="/collections/(\d+)">To reread<', alice.get("/me/collections").text)
        assert link is not None
        path = f"/collections/{link.group(1)}"
        assert bob.get(path).status_code == 404
        shared_with_bob = post_form(alice, path, csrf=csrf_of(alice), op="share", user="bob")
        assert shared_with_bob.status_code == 303
        shared = bob.get(path)
        assert shared.status_code == 200 and CABLE in shared.text
        assert html(shared.text).find("form", class_="share-form") is None
        assert "To reread" in bob.get("/me/collections").text
        assert carol.get(path).status_code == 404
        for op in ("remove", "delete", "share", "rename"):
            token = csrf_of(bob)
            answer = post_form(bob, path, csrf=token, op=op, cable=CABLE, user="carol", name="x")
            assert answer.status_code == 404
        assert CABLE in alice.get(path).text and carol.get(path).status_code == 404
        exported = bob.get(f"{path}/export?format=jsonl")
        assert exported.status_code == 200
        assert [json.loads(line)["id"] for line in exported.text.splitlines()] == [CABLE]
        assert carol.get(f"{path}/export?format=csv").status_code == 404


# -- CSRF, anonymous visitors, expiry, private server ------------------------------------------
@pytest.mark.parametrize("token", [None, "", "wrong"])
def test_posts_without_the_right_token_are_refused(client, site, token) -> None:
    _login(client, "alice")
    before = len(_notes(site, "alice"))
    form = {"text": "forged"} | ({} if token is None else {"csrf": token})
    answer = client.post(f"/cable/{CABLE}/notes", data=form, headers=SAME_SITE)
    assert answer.status_code == 403
    assert len(_notes(site, "alice")) == before


def test_posts_from_another_site_are_refused(client, site) -> None:
    _login(client, "alice")
    before = len(_notes(site, "alice"))
    form = {"text": "cross-site", "csrf": csrf_of(client)}
    foreign = {"origin": "https://evil.example"}
    assert client.post(f"/cable/{CABLE}/notes", data=form, headers=foreign).status_code == 403
    assert len(_notes(site, "alice")) == before


def test_anonymous_visitors_read_but_write_nothing(client, site) -> None:
    assert client.get(f"/cable/{CABLE}").status_code == 200
    assert "my-notes" not in client.get(f"/cable/{CABLE}").text
    before = len(_notes(site, "alice"))
    answer = post_form(client, f"/cable/{CABLE}/notes", text="anonymous", csrf="")
    assert answer.status_code == 303 and answer.headers["location"].startswith("/login")
    assert client.get("/me/notes", follow_redirects=False).status_code == 303
    assert len(_notes(site, "alice")) == before


def test_sessions_expire_when_idle_and_at_the_latest(site) -> None:
    clock = site[1]
    with _app(site) as client:
        _login(client, "alice")
        for _ in range(3):  # used: stays alive
            clock.now += IDLE - 60
            assert client.get("/me/notes", follow_redirects=False).status_code == 200
        clock.now += IDLE + 1
        assert client.get("/me/notes", follow_redirects=False).status_code == 303
        _login(client, "alice")
        start = clock.now
        while clock.now - start < LIFETIME - IDLE:
            clock.now += IDLE - 60
            assert client.get("/me/notes", follow_redirects=False).status_code == 200
        clock.now += IDLE - 60  # never idle, but past the lifetime
        assert clock.now - start > LIFETIME
        assert client.get("/me/notes", follow_redirects=False).status_code == 303


def test_a_private_server_admits_only_users(site) -> None:
    with _app(site, anonymous=False) as client:
        for path in ("/", f"/cable/{CABLE}", "/search?q=x"):
            answer = client.get(path, follow_redirects=False)
            assert answer.status_code == 303 and answer.headers["location"].startswith("/login")
        assert client.get("/api/v1/search").status_code == 401
        assert client.get("/login").status_code == 200
        assert client.get("/static/cablescope.css").status_code == 200
        _login(client, "carol")
        assert client.get(f"/cable/{CABLE}").status_code == 200


# -- the header's "Log in" link ------------------------------------------------------------------
def _login_link(client: TestClient, html, path: str) -> str:
    page = html(client.get(path).text)
    links = [a for a in page.find_all("a") if a.all_text == "Log in"]
    assert len(links) == 1, path
    return links[0].attrs["href"]


def _next_of(href: str) -> str | None:
    parts = urlsplit(href)
    assert parts.path == "/login" and not parts.netloc
    return parse_qs(parts.query).get("next", [None])[0]


@pytest.mark.parametrize(
    "path",
    [f"/cable/{CABLE}", "/search?q=pakistan+OR+%22nuclear%20weapons%22&sort=date", "/browse/tags"],
)
def test_the_log_in_link_leads_back_to_the_page(client, html, path) -> None:
    href = _login_link(client, html, path)
    assert _next_of(href) == path
    form = html(client.get(href).text).find("form", class_="login-form")
    assert form is not None
    hidden = form.find("input", name="next")
    assert hidden is not None and hidden.attrs["value"] == path
    # the login page's own link keeps the way back instead of leading to itself
    assert _next_of(_login_link(client, html, href)) == path
    answer = _login(client, "alice", next=path)
    assert answer.status_code == 303 and answer.headers["location"] == path
    assert "Log in" not in [a.all_text for a in html(client.get(path).text).find_all("a")]


@pytest.mark.parametrize(
    "target", ["//evil.example/x", "https://evil.example/", "/\\evil.example", "/\t/evil.example"]
)
def test_the_way_back_stays_on_this_site(client, html, target) -> None:
    login = "/login?next=" + quote(target, safe="")
    assert _next_of(_login_link(client, html, login)) is None  # home: no `next` at all
    hidden = html(client.get(login).text).find("input", name="next")
    assert hidden is not None and hidden.attrs["value"] == "/"
    assert _login(client, "alice", next=target).headers["location"] == "/"


def test_the_home_page_link_needs_no_way_back(client, html) -> None:
    assert _login_link(client, html, "/") == "/login"


# -- nothing made for a signed-in user is cached -------------------------------------------------
def test_pages_with_a_session_are_not_cached(client, html) -> None:
    pages = ["/", f"/cable/{CABLE}", "/search?q=pakistan", "/browse/tags", "/no-such-page"]
    for path in pages:  # anonymous: the same for everyone, a cache may keep them
        assert "no-store" not in client.get(path).headers.get("cache-control", ""), path
    assert client.get("/login").headers.get("cache-control") == "no-store"  # its own token
    _login(client, "carol")
    post_form(client, f"/cable/{CABLE}/notes", csrf=csrf_of(client), text="a note only carol sees")
    for path in [*pages, "/me/notes", "/me/collections", "/api/v1/search?q=pakistan"]:
        answer = client.get(path)
        assert answer.headers.get("cache-control") == "no-store", path
    assert "a note only carol sees" in client.get(f"/cable/{CABLE}").text
    css = html(client.get("/").text).find("link", rel="stylesheet")
    assert css is not None
    static = client.get(css.attrs["href"])  # the same for everyone: cacheable
    assert static.status_code == 200 and "no-store" not in static.headers.get("cache-control", "")


# -- a real browser ------------------------------------------------------------------------------
def test_browser_login_and_paragraph_note(archive, chromium_launch, serve, tmp_path) -> None:
    """Chromium logs in from a cable page on a live server, comes back to it, notes
    paragraph 2 and sees the note after reload (forms, cookies, CSP and the same-origin
    check as a browser meets them)."""
    from playwright.sync_api import sync_playwright

    db = tmp_path / "browser.db"
    shutil.copy(archive.db, db)
    with open_accounts(db, hasher=HASHER) as accounts:
        accounts.add_user("dora", "dora-password")
    text = "Browser note on paragraph two"
    with serve(db) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(**chromium_launch)
        try:
            page = browser.new_page()
            page.goto(f"{url}/cable/{CABLE}")
            page.click("text=Log in")
            page.fill("#login-name", "dora")
            page.fill("#login-password", "dora-password")
            page.click(".login-form button[type=submit]")
            page.wait_for_url(f"{url}/cable/{CABLE}")  # back where the link was clicked
            page.select_option("#note-paragraph", "2")
            page.fill("#note-text", text)
            page.click(".note-form button[type=submit]")
            page.wait_for_url(f"{url}/cable/{CABLE}#p2")
            page.reload()
            assert text in page.locator("#p2 .user-notes").inner_text()
        finally:
            browser.close()


def test_a_form_posted_after_the_session_expired_leads_back_to_its_page(site) -> None:
    """The form's own address answers only POST: after logging in again the user lands on
    the page the form was on, never on a 405."""
    clock = site[1]
    with _app(site) as client:
        _login(client, "alice")
        csrf = csrf_of(client, f"/cable/{CABLE}")
        clock.now += IDLE + 1
        for action, page in (
            (f"/cable/{CABLE}/notes", f"/cable/{CABLE}"),
            ("/notes/1", "/me/notes"),
        ):
            answer = client.post(
                action,
                data={"csrf": csrf, "text": "late"},
                headers=SAME_SITE,
                follow_redirects=False,
            )
            assert answer.status_code == 303
            back = parse_qs(urlsplit(answer.headers["location"]).query)["next"]
            assert back == [page]
            _login(client, "alice")
            assert client.get(page).status_code == 200
            csrf = csrf_of(client, f"/cable/{CABLE}")
            clock.now += IDLE + 1
