"""Argon2id hashing: salted, verifiable across parameter changes, never raising on a wrong
or damaged hash."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from cablescope.accounts import passwords


def test_hash_and_verify(fast_hasher: PasswordHasher) -> None:
    one = passwords.hash_password("correct horse", fast_hasher)
    two = passwords.hash_password("correct horse", fast_hasher)
    assert one != two and one.startswith("$argon2id$")
    assert passwords.verify_password(one, "correct horse", fast_hasher)
    assert not passwords.verify_password(one, "correct horse ", fast_hasher)
    assert not passwords.verify_password("not a hash", "correct horse", fast_hasher)
    # a hash made with other parameters still verifies, and asks to be redone
    stronger = PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1)
    assert passwords.verify_password(one, "correct horse", stronger)
    assert passwords.needs_rehash(one, stronger) and not passwords.needs_rehash(one, fast_hasher)
    assert passwords.needs_rehash("damaged", fast_hasher)


def test_password_rules() -> None:
    passwords.check_password("x" * passwords.MIN_LENGTH)
    for bad in ("", "x" * (passwords.MIN_LENGTH - 1), "x" * 2_000):
        with pytest.raises(ValueError):
            passwords.check_password(bad)
