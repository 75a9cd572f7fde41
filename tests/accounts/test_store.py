"""The account store on both backends: accounts, tokens and sessions; notes, tags and
collections that nobody but their owner (or, read-only, a named sharee) can read or change;
and tables that re-ingesting the archive leaves alone."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

import cablescope
from cablescope.accounts import open_accounts
from cablescope.accounts.store import TOKEN_PREFIX
from cablescope.store import open_store

LONDON, STATE = "08LONDON3062", "09STATE65183"


def _pair(accounts):
    return accounts.add_user("alice", "alice-password"), accounts.add_user("bob", "bob-password")


# -- accounts ---------------------------------------------------------------------------------
def test_users_and_passwords(accounts) -> None:
    alice = accounts.add_user("Alice", "alice-password", admin=True)
    assert alice.name == "alice" and alice.is_admin
    assert [u.name for u in accounts.users()] == ["alice"]
    with pytest.raises(ValueError, match="already"):
        accounts.add_user("ALICE", "another-password")
    with pytest.raises(ValueError, match="at least"):
        accounts.add_user("carol", "short")
    with pytest.raises(ValueError, match="user name"):
        accounts.add_user("no spaces", "long-enough-password")
    assert accounts.authenticate("alice", "alice-password") == alice
    assert accounts.authenticate("ALICE ", "alice-password") == alice
    assert accounts.authenticate("alice", "Alice-password") is None
    assert accounts.authenticate("nobody", "alice-password") is None
    stored = {row[1]: row[2] for table, row in accounts.table_rows() if table == "account_users"}
    assert stored["alice"].startswith("$argon2id$") and "alice-password" not in stored["alice"]


def test_changing_a_password_ends_sessions(accounts) -> None:
    alice, _ = _pair(accounts)
    session_id, _ = accounts.start_session(alice)
    assert accounts.set_password("alice", "a-new-password")
    assert accounts.session(session_id) is None
    assert accounts.authenticate("alice", "alice-password") is None
    assert accounts.authenticate("alice", "a-new-password") == alice
    assert not accounts.set_password("nobody", "a-new-password")


def test_removing_a_user_removes_what_they_kept(accounts) -> None:
    alice, bob = _pair(accounts)
    accounts.add_note(alice, LONDON, "mine")
    accounts.add_tag(alice, LONDON, "follow-up")
    cart = accounts.create_collection(alice, "cart")
    accounts.add_item(alice, cart.id, LONDON)
    accounts.share(alice, cart.id, "bob")
    accounts.create_token("alice")
    accounts.add_note(bob, LONDON, "bob's")
    assert accounts.remove_user("alice") and not accounts.remove_user("alice")
    alice_id = alice.id
    owner_column = {"account_notes": 1, "account_tags": 0, "account_collections": 1}
    owner_column |= {"account_tokens": 1, "account_sessions": 1, "account_shares": 1}
    rows = accounts.table_rows()
    assert {table for table, _ in rows} >= {"account_notes", "account_users"}
    for table, row in rows:
        if table in owner_column:
            assert row[owner_column[table]] != alice_id, table
    assert accounts.collections(bob) == []
    assert [n.text for n in accounts.notes(bob)] == ["bob's"]


# -- tokens and sessions -----------------------------------------------------------------------
def test_tokens_are_stored_hashed_and_revocable(accounts, clock) -> None:
    alice, bob = _pair(accounts)
    secret, token = accounts.create_token("alice", "laptop")
    other, _ = accounts.create_token("bob")
    assert secret.startswith(TOKEN_PREFIX) and secret != other
    rows = accounts.table_rows()
    assert not any(secret in str(value) for _, row in rows for value in row)
    hashes = [row[2] for table, row in rows if table == "account_tokens"]
    assert hashlib.sha256(secret.encode()).hexdigest() in hashes
    assert accounts.user_for_token(secret) == alice
    assert accounts.user_for_token(secret + "x") is None
    assert accounts.user_for_token("not-a-token") is None
    listed = accounts.tokens("alice")
    assert [(t.id, t.label, t.last_used_at) for t in listed] == [(token.id, "laptop", clock())]
    assert not accounts.revoke_token(token.id, name="bob")  # not bob's
    assert accounts.user_for_token(secret) == alice
    assert accounts.revoke_token(token.id, name="alice")
    assert accounts.user_for_token(secret) is None
    assert accounts.user_for_token(other) == bob
    with pytest.raises(ValueError, match="no user"):
        accounts.create_token("nobody")


def test_session_idle_timeout(accounts, clock) -> None:
    alice, _ = _pair(accounts)
    session_id, started = accounts.start_session(alice)
    assert session_id not in str(accounts.table_rows())
    for _ in range(3):  # activity keeps it alive past the idle limit
        clock.advance(3000)
        session = accounts.session(session_id)
        assert session is not None and session.csrf == started.csrf
    clock.advance(3601)
    assert accounts.session(session_id) is None
    clock.advance(-3601)  # deleted when found expired, not merely refused
    assert accounts.session(session_id) is None


def test_session_absolute_lifetime(accounts, clock) -> None:
    alice, _ = _pair(accounts)
    session_id, _ = accounts.start_session(alice)
    for _ in range(9):  # active every 55 minutes: never idle, but 8 h is the most
        clock.advance(55 * 60)
        alive = accounts.session(session_id) is not None
        assert alive == (clock() - 1_800_000_000.0 <= 8 * 3600)
    assert accounts.session(session_id) is None


def test_ending_a_session(accounts) -> None:
    alice, _ = _pair(accounts)
    first, one = accounts.start_session(alice)
    second, two = accounts.start_session(alice)
    assert one.csrf != two.csrf
    accounts.end_session(first)
    assert accounts.session(first) is None and accounts.session(second) is not None
    assert accounts.session("made-up") is None


# -- notes, tags, collections: nobody touches what is not theirs --------------------------------
def test_notes_are_private(accounts) -> None:
    alice, bob = _pair(accounts)
    on_cable = accounts.add_note(alice, LONDON, "  about the cable\r\nline two ")
    on_para = accounts.add_note(alice, LONDON, "about paragraph 2", paragraph=2)
    accounts.add_note(alice, STATE, "elsewhere")
    assert on_cable.text == "about the cable\nline two"
    assert [n.id for n in accounts.notes(alice, LONDON)] == [on_cable.id, on_para.id]
    assert len(accounts.notes(alice)) == 3
    assert accounts.notes(bob) == [] and accounts.notes(bob, LONDON) == []
    assert accounts.note(bob, on_para.id) is None
    assert accounts.update_note(bob, on_para.id, "hijacked") is None
    assert not accounts.delete_note(bob, on_para.id)
    assert accounts.note(alice, on_para.id) == on_para
    changed = accounts.update_note(alice, on_para.id, "revised")
    assert changed is not None and changed.text == "revised" and changed.paragraph == 2
    assert accounts.delete_note(alice, on_para.id)
    assert accounts.note(alice, on_para.id) is None
    for bad in ("", "   ", "bell\x07"):
        with pytest.raises(ValueError):
            accounts.add_note(alice, LONDON, bad)


def test_tags_are_per_user(accounts) -> None:
    alice, bob = _pair(accounts)
    assert accounts.add_tag(alice, LONDON, " follow-up ") == "follow-up"
    accounts.add_tag(alice, LONDON, "follow-up")  # again: no change
    accounts.add_tag(alice, STATE, "follow-up")
    accounts.add_tag(bob, LONDON, "mine")
    assert accounts.tags(alice) == [(LONDON, "follow-up"), (STATE, "follow-up")]
    assert accounts.tags(alice, LONDON) == [(LONDON, "follow-up")]
    assert accounts.tags(bob) == [(LONDON, "mine")]
    assert not accounts.remove_tag(bob, LONDON, "follow-up")
    assert accounts.remove_tag(alice, LONDON, "follow-up")
    assert accounts.tags(alice, tag="follow-up") == [(STATE, "follow-up")]


def test_collections_shared_read_only(accounts) -> None:
    alice, bob = _pair(accounts)
    carol = accounts.add_user("carol", "carol-password")
    cart = accounts.create_collection(alice, "Pakistan", "cables to reread")
    assert accounts.add_item(alice, cart.id, STATE) and accounts.add_item(alice, cart.id, LONDON)
    assert accounts.collection(bob, cart.id) is None
    assert accounts.collections(bob) == []
    assert accounts.share(alice, cart.id, "Bob")
    seen = accounts.collection(bob, cart.id)
    assert seen is not None and not seen.mine and seen.owner == "alice"
    assert seen.items == [STATE, LONDON]
    assert seen.to_dict()["shared_with"] == []  # who else sees it is the owner's business
    assert [c.id for c in accounts.collections(bob)] == [cart.id]
    # the sharee changes nothing; a stranger sees nothing
    assert not accounts.add_item(bob, cart.id, "09FAKE1")
    assert not accounts.remove_item(bob, cart.id, STATE)
    assert not accounts.share(bob, cart.id, "carol")
    assert not accounts.unshare(bob, cart.id, "bob")
    assert not accounts.update_collection(bob, cart.id, name="mine now")
    assert not accounts.delete_collection(bob, cart.id)
    assert accounts.collection(carol, cart.id) is None
    owned = accounts.collection(alice, cart.id)
    assert owned is not None and owned.mine and owned.items == [STATE, LONDON]
    assert owned.name == "Pakistan" and owned.shared_with == ["bob"]
    with pytest.raises(ValueError, match="no user"):
        accounts.share(alice, cart.id, "nobody")
    with pytest.raises(ValueError):
        accounts.share(alice, cart.id, "alice")
    assert accounts.update_collection(alice, cart.id, name="Renamed", description="")
    assert accounts.remove_item(alice, cart.id, STATE)
    assert accounts.unshare(alice, cart.id, "bob")
    assert accounts.collection(bob, cart.id) is None
    after = accounts.collection(alice, cart.id)
    assert after is not None and after.name == "Renamed" and after.items == [LONDON]
    assert accounts.delete_collection(alice, cart.id)
    assert accounts.collections(alice) == []


@pytest.mark.parametrize("new_archive", ["sqlite", "postgresql"], indirect=True)
def test_reingest_leaves_accounts_alone(new_archive, fast_hasher, seeds_dir: Path) -> None:
    location = new_archive()
    with open_accounts(location, hasher=fast_hasher) as accounts:
        alice = accounts.add_user("alice", "alice-password")
        accounts.add_note(alice, LONDON, "keep me", paragraph=1)
        before = accounts.table_rows()
    with open_store(location) as store:
        counts = store.counts()
        store.write_batch(list(cablescope.read(seeds_dir)))
        assert store.counts() == counts
    with open_accounts(location, hasher=fast_hasher) as accounts:
        assert accounts.table_rows() == before
        assert [n.text for n in accounts.notes(alice)] == ["keep me"]


def test_no_archive_no_accounts(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        open_accounts(tmp_path / "missing.db")
    assert not (tmp_path / "missing.db").exists()
