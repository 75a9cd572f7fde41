"""Shared fixtures: where ../shared is, and the rule that CI must have it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CABLESCOPE_SHARED", REPO.parent / "shared"))


def require_shared(*parts: str) -> Path:
    """A path under ../shared; skips the test when absent, fails it under CI."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but {path} is missing: CI runs with ../shared beside the repo")
        pytest.skip(f"{path} not present (../shared is optional outside CI)")
    return path


@pytest.fixture(scope="session")
def shared_path():
    """`shared_path("corpus", "seeds")`: a path under ../shared (skip if absent, fail under CI)."""
    return require_shared


@pytest.fixture(scope="session")
def shared() -> Path:
    return require_shared()


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """The two seed cables as shipped in the package (always present)."""
    return REPO / "src" / "cablescope" / "demo" / "seeds"
