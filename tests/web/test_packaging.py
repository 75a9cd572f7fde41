"""The UI's files ship in the package and fetch nothing from elsewhere (no CDN)."""

from __future__ import annotations

import re
import tomllib
from fnmatch import fnmatch
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PACKAGE = REPO / "src" / "cablescope"
WEB = PACKAGE / "web"


def test_templates_and_static_files_are_package_data() -> None:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    globs = config["tool"]["setuptools"]["package-data"]["cablescope"]
    files = [p for d in ("templates", "static") for p in (WEB / d).rglob("*") if p.is_file()]
    assert len(files) >= 10
    missing = [
        str(path.relative_to(PACKAGE))
        for path in files
        if not any(fnmatch(path.relative_to(PACKAGE).as_posix(), glob) for glob in globs)
    ]
    assert not missing, f"not in [tool.setuptools.package-data]: {missing}"


def test_static_assets_load_nothing_from_elsewhere() -> None:
    css = (WEB / "static" / "cablescope.css").read_text(encoding="utf-8")
    assert "@import" not in css
    assert all(not re.match(r"['\"]?\w*:|['\"]?//", u) for u in re.findall(r"url\(([^)]*)\)", css))
    js = (WEB / "static" / "cablescope.js").read_text(encoding="utf-8")
    assert not re.search(r"https?:|fetch\(|XMLHttpRequest|import\(", js)
    for template in (WEB / "templates").glob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"(?:src|href|action)=\"(?:https?:)?//", text), template.name
