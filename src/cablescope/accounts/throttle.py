"""Failed sign-ins, counted per client address and per account name, so that nobody can
guess passwords at the speed of the server.

A key (an address, or a name) with `ThrottlePolicy.attempts` failures within the last
`window` seconds is locked: for `first_lockout` seconds after the failure that reached the
limit, then after each further failure twice as long as the time before, never longer than
`max_lockout`. While either of an attempt's keys is locked the attempt is refused before its
password is even checked (no Argon2 cost); refused attempts do not count, so a user who
keeps retrying does not lengthen their own wait. A key forgets everything (its back-off
too) once a whole `window` has passed with neither a failure nor a lockout. Logging in
clears the name's key but not the address's: one's own account must not reset the count of
guesses made at others' from the same address.

Names are counted whether or not such a user exists, so a lockout says nothing about which
accounts there are. Attempts under way count too: when the ones being checked could reach
the limit, another waits for their outcome (`Attempt.retry_after` of a second) — however
many threads the server runs, no more passwords are checked than the policy allows.
The state lives in the process (a restart forgets it) and is bounded by `max_keys`.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from cablescope.accounts.store import Clock

#: Longest key kept for a name (user names have at most 64 characters).
MAX_NAME_KEY = 128
#: What the caller is told to wait while attempts under way decide a key's fate (seconds).
PENDING_WAIT = 1.0


@dataclass(frozen=True, slots=True)
class ThrottlePolicy:
    """How many failures (`attempts`) within `window` seconds lock a key, and for how long:
    `first_lockout` seconds, doubling with each further failure up to `max_lockout`."""

    attempts: int = 5
    window: float = 15 * 60.0
    first_lockout: float = 60.0
    max_lockout: float = 15 * 60.0

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError("at least one attempt must be allowed")
        if min(self.window, self.first_lockout, self.max_lockout) <= 0:
            raise ValueError("the window and lockouts must be positive")

    def lockout(self, strikes: int) -> float:
        """Seconds locked after the `strikes`-th failure at or past the limit (1, 2, …)."""
        return min(self.first_lockout * 2.0 ** min(strikes - 1, 60), self.max_lockout)


@dataclass(slots=True)
class _Key:
    failures: deque[float] = field(default_factory=deque)
    strikes: int = 0
    until: float = -math.inf  # the end of the lockout
    last: float = -math.inf  # the last failure
    pending: int = 0


@dataclass(slots=True)
class Attempt:
    """One sign-in attempt: `allowed` to check the password, or else to be answered
    "try again in `retry_after` seconds". Report the outcome with `succeeded`/`failed`."""

    throttle: LoginThrottle
    keys: tuple[tuple[str, str], ...]
    retry_after: float
    done: bool = False

    @property
    def allowed(self) -> bool:
        return self.retry_after <= 0

    @property
    def retry_after_header(self) -> str:
        """`retry_after` as an HTTP ``Retry-After`` value: whole seconds, at least 1."""
        return str(max(1, math.ceil(self.retry_after)))

    def failed(self) -> None:
        self._finish(ok=False)

    def succeeded(self) -> None:
        self._finish(ok=True)

    def _finish(self, ok: bool | None) -> None:
        if self.allowed and not self.done:
            self.done = True
            self.throttle._finish(self.keys, ok)


class LoginThrottle:
    """Failed sign-ins of this process, per address and per name; thread-safe (one lock
    around a few dictionary operations, never held while a password is checked)."""

    def __init__(
        self,
        policy: ThrottlePolicy | None = None,
        *,
        clock: Clock | None = None,
        max_keys: int = 100_000,
    ) -> None:
        self.policy = policy or ThrottlePolicy()
        self.clock: Clock = clock or time.monotonic
        self.max_keys = max_keys
        self._keys: dict[tuple[str, str], _Key] = {}
        self._lock = threading.Lock()

    @staticmethod
    def keys_of(address: str, name: str) -> tuple[tuple[str, str], ...]:
        return (("address", address), ("name", name.strip().lower()[:MAX_NAME_KEY]))

    @contextmanager
    def attempt(self, address: str, name: str) -> Iterator[Attempt]:
        """An attempt from `address` to sign in as `name`. Unless it is refused, its slot is
        held until `succeeded` or `failed` is called, or the block ends (an error: the
        outcome is unknown, so nothing is counted)."""
        attempt = self.begin(address, name)
        try:
            yield attempt
        finally:
            attempt._finish(None)

    def begin(self, address: str, name: str) -> Attempt:
        """Like `attempt`, for callers that report the outcome themselves (they must)."""
        keys = self.keys_of(address, name)
        with self._lock:
            now = self.clock()
            wait = max(self._wait(key, now) for key in keys)
            if wait <= 0:
                for key in keys:
                    self._record(key).pending += 1
        return Attempt(self, keys, wait)

    def retry_after(self, address: str, name: str) -> float:
        """Seconds before an attempt from `address` as `name` would be allowed (0: now)."""
        with self._lock:
            now = self.clock()
            return max(self._wait(key, now) for key in self.keys_of(address, name))

    def failed(self, address: str, name: str) -> None:
        """Count one failure of both keys (the outcome of an attempt not made by `begin`)."""
        with self._lock:
            self._settle(self.keys_of(address, name), False, held=False)

    def succeeded(self, address: str, name: str) -> None:
        """A successful sign-in: the name's key is cleared, the address's kept."""
        with self._lock:
            self._settle(self.keys_of(address, name), True, held=False)

    def __len__(self) -> int:
        """Keys remembered (for tests and bounds): those forgotten by now not counted."""
        with self._lock:
            now = self.clock()
            for key in list(self._keys):
                self._fresh(key, now)
            return len(self._keys)

    # -- inside the lock -------------------------------------------------------------------------
    def _wait(self, key: tuple[str, str], now: float) -> float:
        record = self._fresh(key, now)
        if record is None:
            return 0.0
        if record.until > now:
            return record.until - now
        in_reach = record.strikes or len(record.failures) + record.pending >= self.policy.attempts
        return PENDING_WAIT if record.pending and in_reach else 0.0

    def _fresh(self, key: tuple[str, str], now: float) -> _Key | None:
        """The key's record with failures older than the window dropped; None (and the
        record forgotten) after a whole window without failure or lockout."""
        record = self._keys.get(key)
        if record is None:
            return None
        horizon = now - self.policy.window
        while record.failures and record.failures[0] <= horizon:
            record.failures.popleft()
        if not record.pending and max(record.last, record.until) <= horizon:
            del self._keys[key]
            return None
        return record

    def _record(self, key: tuple[str, str]) -> _Key:
        record = self._keys.get(key)
        if record is None:
            if len(self._keys) >= self.max_keys:
                self._evict(self.clock())
            record = self._keys[key] = _Key()
        return record

    def _evict(self, now: float) -> None:
        """Make room: forget what has expired, then (an address or name flood) the tenth of
        the keys that failed longest ago, so the sweep is rare — never a key with an
        attempt under way."""
        for key in list(self._keys):
            self._fresh(key, now)
        excess = len(self._keys) - self.max_keys + max(1, self.max_keys // 10)
        if len(self._keys) >= self.max_keys and excess > 0:
            idle = [k for k, r in self._keys.items() if not r.pending]
            idle.sort(key=lambda k: self._keys[k].last)
            for key in idle[:excess]:
                del self._keys[key]

    def _finish(self, keys: tuple[tuple[str, str], ...], ok: bool | None) -> None:
        with self._lock:
            self._settle(keys, ok, held=True)

    def _settle(self, keys: tuple[tuple[str, str], ...], ok: bool | None, held: bool) -> None:
        """Record an outcome (None: unknown) for each key; `held`: the attempt held a slot."""
        now = self.clock()
        for key in keys:
            record = self._keys.get(key) if held else self._record(key)
            if record is None:  # evicted meanwhile
                continue
            if held:
                record.pending = max(0, record.pending - 1)
            if ok is None:
                pass
            elif ok and key[0] == "name":
                record.failures.clear()
                record.strikes, record.until, record.last = 0, -math.inf, -math.inf
            elif not ok:
                record.failures.append(now)
                record.last = now
                if record.strikes or len(record.failures) >= self.policy.attempts:
                    record.strikes += 1
                    record.until = now + self.policy.lockout(record.strikes)
            self._fresh(key, now)


__all__ = ["Attempt", "LoginThrottle", "ThrottlePolicy"]
