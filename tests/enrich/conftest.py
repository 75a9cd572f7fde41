"""Fixtures for the entity tests: the two seed cables as records, and a record builder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import cablescope


@pytest.fixture(scope="session")
def seed_records(seeds_dir: Path) -> dict[str, dict[str, Any]]:
    return {c.id: c.to_dict() for c in cablescope.read([str(seeds_dir)])}


def record(*paragraphs: str, subject: str | None = None, **extra: Any) -> dict[str, Any]:
    """A minimal stored record: numbered paragraphs marked (C), plus any other fields."""
    paras = [
        {"number": n, "marking": "C", "classification": "CONFIDENTIAL", "text": text}
        for n, text in enumerate(paragraphs, 1)
    ]
    return {"id": extra.pop("id", "09TEST1"), "subject": subject, "paragraphs": paras, **extra}
