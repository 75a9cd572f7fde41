"""The login throttle on its own, with a clock the tests move: lockout after the allowed
failures, a back-off that doubles up to its cap, failures that age out of the window, a
success that clears the account but not the address, addresses and names counted apart,
attempts under way counted, and exact counts under threads."""

from __future__ import annotations

import threading

import pytest

from cablescope.accounts.throttle import PENDING_WAIT, LoginThrottle, ThrottlePolicy

POLICY = ThrottlePolicy(attempts=5, window=900.0, first_lockout=60.0, max_lockout=900.0)
IP, OTHER_IP = "192.0.2.1", "198.51.100.7"


@pytest.fixture()
def throttle(clock) -> LoginThrottle:
    return LoginThrottle(POLICY, clock=clock)


def _fail(throttle: LoginThrottle, times: int, address: str = IP, name: str = "alice") -> None:
    for _ in range(times):
        with throttle.attempt(address, name) as attempt:
            assert attempt.allowed
            attempt.failed()


def test_locked_after_the_allowed_failures(throttle, clock) -> None:
    _fail(throttle, POLICY.attempts - 1)
    assert throttle.retry_after(IP, "alice") == 0
    _fail(throttle, 1)
    assert throttle.retry_after(IP, "alice") == POLICY.first_lockout
    with throttle.attempt(IP, "alice") as attempt:
        assert not attempt.allowed
        assert attempt.retry_after == POLICY.first_lockout
        assert attempt.retry_after_header == str(int(POLICY.first_lockout))
        attempt.failed()  # a refused attempt's outcome counts for nothing
    clock.advance(POLICY.first_lockout / 2)
    assert throttle.retry_after(IP, "alice") == POLICY.first_lockout / 2
    clock.advance(POLICY.first_lockout / 2)
    assert throttle.retry_after(IP, "alice") == 0


def test_the_back_off_doubles_up_to_its_cap(throttle, clock) -> None:
    _fail(throttle, POLICY.attempts)
    waits = []
    for _ in range(6):
        wait = throttle.retry_after(IP, "alice")
        waits.append(wait)
        clock.advance(wait)
        _fail(throttle, 1)  # one more failure right after each lockout
    waits.append(throttle.retry_after(IP, "alice"))
    first, cap = POLICY.first_lockout, POLICY.max_lockout
    expected = [min(first * 2**i, cap) for i in range(7)]
    assert waits == expected and waits[-1] == cap and waits[3] == 8 * first


def test_refused_attempts_do_not_lengthen_the_wait(throttle, clock) -> None:
    _fail(throttle, POLICY.attempts)
    for _ in range(20):
        clock.advance(1)
        with throttle.attempt(IP, "alice") as attempt:
            assert not attempt.allowed
    assert throttle.retry_after(IP, "alice") == POLICY.first_lockout - 20


def test_failures_age_out_of_the_window(throttle, clock) -> None:
    _fail(throttle, POLICY.attempts - 1)
    clock.advance(POLICY.window)
    _fail(throttle, POLICY.attempts - 1)
    assert throttle.retry_after(IP, "alice") == 0
    _fail(throttle, 1)
    assert throttle.retry_after(IP, "alice") == POLICY.first_lockout
    # a whole window after the lockout without failures: forgotten, back-off included
    clock.advance(POLICY.first_lockout + POLICY.window - 1)
    assert len(throttle) == 2
    clock.advance(1)
    assert len(throttle) == 0
    _fail(throttle, POLICY.attempts)
    assert throttle.retry_after(IP, "alice") == POLICY.first_lockout


def test_success_clears_the_account_but_not_the_address(throttle, clock) -> None:
    _fail(throttle, POLICY.attempts - 1, name="alice")
    throttle.succeeded(IP, "alice")
    _fail(throttle, POLICY.attempts - 1, address=OTHER_IP, name="alice")
    assert throttle.retry_after(OTHER_IP, "alice") == 0  # alice's count started again
    # the address still remembers its four failures: one more (as anyone) locks it
    _fail(throttle, 1, address=IP, name="bob")
    assert throttle.retry_after(IP, "carol") == POLICY.first_lockout
    assert throttle.retry_after(OTHER_IP, "bob") == 0


def test_addresses_and_names_are_counted_apart(throttle) -> None:
    # one address guessing at many accounts: the address is locked, for every name
    _fail(throttle, 1, address=IP, name="alice")
    for name in ("bob", "carol", "dave", "erin"):
        _fail(throttle, 1, address=IP, name=name)
    assert throttle.retry_after(IP, "someone-new") == POLICY.first_lockout
    assert throttle.retry_after(OTHER_IP, "alice") == 0
    # many addresses guessing at one account: the account is locked, from everywhere
    for n in range(POLICY.attempts):
        _fail(throttle, 1, address=f"203.0.113.{n}", name="Frank ")
    assert throttle.retry_after("203.0.113.99", "frank") == POLICY.first_lockout
    assert throttle.retry_after("203.0.113.99", "grace") == 0


def test_attempts_under_way_count(throttle) -> None:
    """While the attempts being checked could still reach the limit, no further password
    is checked: however many threads the server runs, at most `attempts` per lockout."""
    _fail(throttle, POLICY.attempts - 2)
    first = throttle.begin(IP, "alice")
    second = throttle.begin(IP, "alice")
    assert first.allowed and second.allowed
    third = throttle.begin(IP, "alice")
    assert not third.allowed and third.retry_after == PENDING_WAIT
    first.failed()
    assert not throttle.begin(IP, "alice").allowed
    second.succeeded()  # clears alice; the address keeps its failures
    assert throttle.retry_after(IP, "alice") == 0
    # the address is one failure short of the limit and nothing is under way: allowed
    fourth = throttle.begin(IP, "alice")
    assert fourth.allowed
    fourth.failed()
    assert throttle.retry_after(IP, "bob") == POLICY.first_lockout


def test_an_attempt_that_ends_in_an_error_counts_nothing(throttle) -> None:
    with pytest.raises(RuntimeError), throttle.attempt(IP, "alice") as attempt:
        assert attempt.allowed
        raise RuntimeError("the account store is down")
    assert len(throttle) == 0
    _fail(throttle, POLICY.attempts - 1)
    assert throttle.retry_after(IP, "alice") == 0


def test_counts_are_exact_under_threads(clock) -> None:
    threads, each = 8, 50
    policy = ThrottlePolicy(attempts=threads * each + 1, window=900.0)
    throttle = LoginThrottle(policy, clock=clock)
    start = threading.Barrier(threads)

    def guess(n: int) -> None:
        start.wait()
        for i in range(each):
            throttle.failed(f"10.0.0.{n}", "victim")
            throttle.failed("10.9.9.9", f"user{n}-{i}")

    workers = [threading.Thread(target=guess, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert throttle.retry_after("10.1.1.1", "victim") == 0  # one short of the limit
    assert throttle.retry_after("10.9.9.9", "anyone") == 0
    throttle.failed("10.1.1.1", "victim")
    assert throttle.retry_after("10.1.1.1", "victim") == policy.first_lockout
    assert throttle.retry_after("10.9.9.9", "anyone") == 0
    throttle.failed("10.9.9.9", "someone")
    assert throttle.retry_after("10.9.9.9", "anyone") == policy.first_lockout


def test_memory_is_bounded(clock) -> None:
    throttle = LoginThrottle(POLICY, clock=clock, max_keys=50)
    for n in range(500):
        throttle.failed(f"10.0.{n // 250}.{n % 250}", f"name-{n}")
        clock.advance(0.01)
    assert len(throttle) <= 50
    for n in range(POLICY.attempts):  # long names are cut, and still counted
        _fail(throttle, 1, address=f"192.0.2.{n}", name="x" * 10_000)
    assert throttle.retry_after(OTHER_IP, "x" * 200) == POLICY.first_lockout
    assert len(throttle) <= 50


@pytest.mark.parametrize(
    "options",
    [{"attempts": 0}, {"window": 0}, {"first_lockout": -1}, {"max_lockout": 0}],
)
def test_policies_that_make_no_sense_are_refused(options) -> None:
    with pytest.raises(ValueError):
        ThrottlePolicy(**options)
