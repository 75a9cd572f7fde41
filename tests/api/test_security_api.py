"""The server's security promises: headers on every kind of response, JSON for every error,
no CDN-loaded docs page, read-only, and loopback servers answer only loopback names."""

from __future__ import annotations

import hashlib

import pytest

from cablescope.api import create_app
from cablescope.api.security import LOOPBACK_HOSTS

from .conftest import Archive, TestClient

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
EXPECTED_HEADERS = {
    "content-security-policy": POLICY,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}


def _assert_headers(response) -> None:
    for name, value in EXPECTED_HEADERS.items():
        assert response.headers.get(name) == value, (response.url, name)


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/api/v1/stats", 200),
        ("GET", "/api/v1/openapi.json", 200),
        ("GET", "/api/v1/cables/08LONDON3062/raw", 200),
        ("GET", "/api/v1/export?q=pakistan", 200),
        ("GET", "/api/v1/search?q=(", 400),
        ("GET", "/api/v1/cables/NOPE", 404),
        ("GET", "/api/v1/no-such-endpoint", 404),
        ("POST", "/api/v1/search?q=a", 405),
        ("GET", "/api/v1/search?q=a&limit=0", 422),
        ("GET", "/", None),
    ],
)
def test_every_response_carries_the_headers(seeds_client, method, path, status) -> None:
    response = seeds_client.request(method, path)
    if status is not None:
        assert response.status_code == status
    _assert_headers(response)
    if path.startswith("/api/") and status and status >= 400:
        assert response.headers["content-type"].startswith("application/json")
        assert isinstance(response.json()["error"], str)


def test_an_unexpected_error_is_a_json_500_with_headers(seeds_archive: Archive) -> None:
    app = create_app(seeds_archive.path)

    @app.get("/api/v1/boom")
    def boom() -> None:
        raise RuntimeError("secret detail")

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/api/v1/boom")
    assert response.status_code == 500
    assert response.json() == {"error": "internal server error"}
    _assert_headers(response)


def test_no_docs_page_from_a_cdn(seeds_client) -> None:
    for path in ("/api/v1/docs", "/docs", "/redoc", "/api/v1/redoc"):
        assert seeds_client.get(path).status_code == 404, path


def test_read_only(seeds_client, seeds_archive: Archive) -> None:
    before = hashlib.sha256(seeds_archive.path.read_bytes()).hexdigest()
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        for path in ("/api/v1/cables/08LONDON3062", "/api/v1/search?q=a", "/api/v1/export"):
            assert seeds_client.request(method, path).status_code == 405, (method, path)
    seeds_client.get("/api/v1/export")
    seeds_client.get("/api/v1/search", params={"q": "pakistan"})
    assert hashlib.sha256(seeds_archive.path.read_bytes()).hexdigest() == before
    paths = seeds_client.get("/api/v1/openapi.json").json()["paths"]
    archive = {m for ops in paths.values() for m, spec in ops.items() if not spec.get("security")}
    assert archive == {"get"}  # only users' own notes and collections can be written
    written = {m for ops in paths.values() for m, spec in ops.items() if m != "get"}
    assert written and all(
        spec.get("security") for ops in paths.values() for m, spec in ops.items() if m != "get"
    )


def test_loopback_server_refuses_other_host_names(seeds_archive: Archive) -> None:
    app = create_app(seeds_archive.path, allowed_hosts=LOOPBACK_HOSTS)
    with TestClient(app, base_url="http://127.0.0.1:8000") as client:
        assert client.get("/api/v1/stats").status_code == 200
        assert client.get("/api/v1/stats", headers={"host": "localhost:8000"}).status_code == 200
        refused = client.get("/api/v1/stats", headers={"host": "rebound.example:8000"})
        assert refused.status_code == 400 and refused.json()["error"]
        _assert_headers(refused)


def test_openapi_documents_every_endpoint(seeds_client) -> None:
    schema = seeds_client.get("/api/v1/openapi.json").json()
    assert set(schema["paths"]) >= {
        "/api/v1/search",
        "/api/v1/facets",
        "/api/v1/histogram",
        "/api/v1/stats",
        "/api/v1/tags",
        "/api/v1/origins",
        "/api/v1/export",
        "/api/v1/cables/{cable_id}",
        "/api/v1/cables/{cable_id}/raw",
        "/api/v1/cables/{cable_id}/versions",
        "/api/v1/cables/{cable_id}/diff",
        "/api/v1/cables/{cable_id}/cites",
        "/api/v1/cables/{cable_id}/cited-by",
    }
    limit = next(
        p for p in schema["paths"]["/api/v1/search"]["get"]["parameters"] if p["name"] == "limit"
    )
    assert (limit["schema"]["minimum"], limit["schema"]["maximum"]) == (1, 100)
    bad = schema["paths"]["/api/v1/search"]["get"]["responses"]["400"]
    assert bad["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorBody")
