"""The `show` command (being written)."""

from __future__ import annotations

from cablescope.cli import app  # noqa: F401  (commands register on the shared app)
