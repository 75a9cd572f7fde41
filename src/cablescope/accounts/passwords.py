"""Password hashing with Argon2id (argon2-cffi): a stored hash names its own parameters, so
hashes made with other settings (a cheaper hasher in tests, stronger defaults later) still
verify, and `needs_rehash` says when a login should store a fresh one."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

#: argon2-cffi's defaults (RFC 9106's low-memory profile: 64 MiB, 3 passes).
DEFAULT_HASHER = PasswordHasher()
MIN_LENGTH = 8
MAX_LENGTH = 1_024


def check_password(password: str) -> None:
    """Raise ValueError for a password too short or too long to accept."""
    if len(password) < MIN_LENGTH:
        raise ValueError(f"a password needs at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise ValueError(f"a password has at most {MAX_LENGTH} characters")


def hash_password(password: str, hasher: PasswordHasher = DEFAULT_HASHER) -> str:
    """The encoded Argon2id hash of `password` (salted: two calls never give the same)."""
    return hasher.hash(password)


def verify_password(stored: str, password: str, hasher: PasswordHasher = DEFAULT_HASHER) -> bool:
    """Whether `password` matches the `stored` hash; False for a damaged hash too."""
    try:
        return hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str, hasher: PasswordHasher = DEFAULT_HASHER) -> bool:
    try:
        return hasher.check_needs_rehash(stored)
    except InvalidHashError:
        return True


__all__ = [
    "DEFAULT_HASHER",
    "MIN_LENGTH",
    "check_password",
    "hash_password",
    "needs_rehash",
    "verify_password",
]
