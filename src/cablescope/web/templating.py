"""The Jinja environment (autoescape always on) and the page renderer.

Static files are linked as ``/static/NAME?v=HASH``: the hash of the file's content, so a
browser may cache them for good and still sees a new version the moment it changes.
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from starlette.responses import HTMLResponse

from cablescope.web import links
from cablescope.web.levels import slug_of
from cablescope.web.text import highlight, redacted


@cache
def static_version(name: str) -> str:
    """A short content hash of a static file, for cache busting."""
    content = resources.files("cablescope.web").joinpath("static", name).read_bytes()
    return hashlib.sha256(content).hexdigest()[:12]


def static_url(name: str) -> str:
    return f"/static/{name}?v={static_version(name)}"


def _number(value: int | None) -> str:
    return "" if value is None else f"{value:,}"


@cache
def environment() -> Environment:
    """One environment per process; templates compile once."""
    env = Environment(
        loader=PackageLoader("cablescope.web", "templates"),
        autoescape=True,  # every template, whatever its name: cable text is untrusted
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(highlight=highlight, redacted=redacted, number=_number, level=slug_of)
    env.globals.update(
        static=static_url,
        search_url=links.search_url,
        cable_url=links.cable_url,
        term=links.term,
    )
    return env


def render(template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """The page `template` filled with `context`, as an HTML response."""
    html = environment().get_template(template).render(**context)
    return HTMLResponse(html, status_code=status_code)


__all__ = ["environment", "render", "static_url"]
