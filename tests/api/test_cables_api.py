"""One cable: record, raw text, versions, diff, cites and cited-by, checked against the
parsed cables that went into the archive."""

from __future__ import annotations

import difflib

import pytest

from .conftest import CITING_ID, HOSTILE, HOSTILE_ID, MISSING_REF, REDACTED_WORD, Archive

LONDON = "08LONDON3062"
STATE = "09STATE65183"


def _without_raw(record: dict) -> dict:
    return {k: v for k, v in record.items() if k != "raw"}


def test_record_is_the_parsed_cable(seeds_client, seeds_archive: Archive) -> None:
    for cable_id, record in seeds_archive.current.items():
        response = seeds_client.get(f"/api/v1/cables/{cable_id}")
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["record"] == _without_raw(record)
        assert body["id"] == cable_id and body["default"] is True
        assert "raw" not in body["record"]


def test_ids_are_matched_like_the_cli(seeds_client) -> None:
    for typed in ("08london3062", " 08LONDON3062 ", "08LONDON03062"):
        body = seeds_client.get(f"/api/v1/cables/{typed}").json()
        assert body["id"] == LONDON, typed


def test_unknown_cable_is_404_json(seeds_client) -> None:
    for path in ("", "/raw", "/versions", "/diff", "/cites", "/cited-by"):
        response = seeds_client.get(f"/api/v1/cables/99NOWHERE1{path}")
        assert response.status_code == 404, path
        assert response.headers["content-type"].startswith("application/json")
        assert response.json() == {
            "error": "no cable '99NOWHERE1' in the archive",
            "id": "99NOWHERE1",
        }


def test_versions_and_picking_one(seeds_client, seeds_archive: Archive) -> None:
    london = [c for c in seeds_archive.cables if c.id == LONDON]
    assert len(london) == 2 and london[1].redactions > london[0].redactions
    body = seeds_client.get(f"/api/v1/cables/{LONDON}/versions").json()
    assert [v["version"] for v in body["versions"]] == [1, 2]
    assert [v["default"] for v in body["versions"]] == [True, False]  # fewer redactions wins
    assert [v["redactions"] for v in body["versions"]] == [c.redactions for c in london]
    second = seeds_client.get(f"/api/v1/cables/{LONDON}", params={"version": 2}).json()
    assert second["version"] == 2 and second["default"] is False and second["version_count"] == 2
    assert second["record"]["body"] == london[1].body
    assert REDACTED_WORD not in second["record"]["body"]
    missing = seeds_client.get(f"/api/v1/cables/{LONDON}", params={"version": 3})
    assert missing.status_code == 404 and "versions: 1, 2" in missing.json()["error"]


def test_raw_is_plain_text_of_the_version(seeds_client, seeds_archive: Archive) -> None:
    london = [c for c in seeds_archive.cables if c.id == LONDON]
    for number, cable in enumerate(london, start=1):
        response = seeds_client.get(f"/api/v1/cables/{LONDON}/raw", params={"version": number})
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/plain; charset=utf-8"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.text == cable.raw


def test_diff_shows_the_redaction(seeds_client, seeds_archive: Archive) -> None:
    old, new = (c for c in seeds_archive.cables if c.id == LONDON)
    body = seeds_client.get(f"/api/v1/cables/{LONDON}/diff").json()
    assert (body["from"], body["to"]) == (1, 2)
    changes = {c["field"]: (c["old"], c["new"]) for c in body["changed_fields"]}
    assert changes["redactions"] == (str(old.redactions), str(new.redactions))
    expected = list(
        difflib.unified_diff(old.body.splitlines(), new.body.splitlines(), lineterm="", n=2)
    )
    assert body["body_diff"][2:] == expected[2:]  # after the two file-name lines
    assert any(line.startswith("-") and REDACTED_WORD in line for line in body["body_diff"])
    reverse = seeds_client.get(f"/api/v1/cables/{LONDON}/diff?from=2&to=1").json()
    assert reverse["changed_fields"][0]["old"] == body["changed_fields"][0]["new"]


def test_diff_of_a_single_version_or_a_missing_one(seeds_client) -> None:
    single = seeds_client.get(f"/api/v1/cables/{STATE}/diff")
    assert single.status_code == 409 and "only one version" in single.json()["error"]
    missing = seeds_client.get(f"/api/v1/cables/{LONDON}/diff", params={"from": 7})
    assert missing.status_code == 404


def test_cites_marks_what_the_archive_holds(seeds_client) -> None:
    body = seeds_client.get(f"/api/v1/cables/{CITING_ID}/cites").json()
    assert body["total"] == 2
    assert [(r["value"], r["in_archive"]) for r in body["references"]] == [
        (STATE, True),
        (MISSING_REF, False),
    ]
    page = seeds_client.get(f"/api/v1/cables/{CITING_ID}/cites?limit=1&offset=1").json()
    assert [r["value"] for r in page["references"]] == [MISSING_REF] and page["prev"]


def test_cited_by(seeds_client) -> None:
    body = seeds_client.get(f"/api/v1/cables/{STATE}/cited-by").json()
    assert body["cited_by"] == [CITING_ID] and body["total"] == 1


def test_cites_and_cited_by_agree_on_the_dev_corpus(dev_client, dev_archive: Archive) -> None:
    current = dev_archive.current
    citing: dict[str, set[str]] = {}
    for cable_id, record in current.items():
        for ref in record["references"]:
            if ref["value"] in current and ref["value"] != cable_id:
                citing.setdefault(ref["value"], set()).add(cable_id)
    assert len(citing) > 20
    most = max(citing, key=lambda i: len(citing[i]))
    body = dev_client.get(f"/api/v1/cables/{most}/cited-by", params={"limit": 100}).json()
    assert body["total"] == len(citing[most]) and set(body["cited_by"]) == citing[most]
    source = sorted(citing[most])[0]
    cites = dev_client.get(f"/api/v1/cables/{source}/cites", params={"limit": 100}).json()
    refs = current[source]["references"]
    assert [r["value"] for r in cites["references"]] == [r["value"] for r in refs][:100]
    for ref in cites["references"]:
        assert ref["in_archive"] == (ref["value"] in current)


def test_duplicate_id_in_the_dev_corpus_has_two_versions(dev_client, dev_archive) -> None:
    texts = [c for c in dev_archive.cables if c.id == "08SAOPAULO335"]
    assert len(texts) == 2
    body = dev_client.get("/api/v1/cables/08saopaulo335/versions").json()
    assert len(body["versions"]) == 2 and sum(v["default"] for v in body["versions"]) == 1
    diff = dev_client.get("/api/v1/cables/08SAOPAULO335/diff").json()
    changed = {c["field"] for c in diff["changed_fields"]}
    old, new = texts  # versions are numbered in ingest order
    assert ("summary" in changed) == (old.summary != new.summary)
    refs = [[r.value for r in c.references] for c in texts]
    assert ("references" in changed) == (refs[0] != refs[1])
    assert ("subject" in changed) == (old.subject != new.subject)
    assert bool(diff["body_diff"]) == (old.body != new.body)


@pytest.mark.parametrize("path", ["", "/cites"])
def test_markup_stays_escaped_json(seeds_client, path) -> None:
    response = seeds_client.get(f"/api/v1/cables/{HOSTILE_ID}{path}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert b"<" not in response.content and b">" not in response.content
    if not path:
        record = response.json()["record"]
        assert HOSTILE in record["subject"] and HOSTILE in record["paragraphs"][0]["text"]


def test_raw_markup_is_served_as_inert_text(seeds_client) -> None:
    response = seeds_client.get(f"/api/v1/cables/{HOSTILE_ID}/raw")
    assert HOSTILE in response.text
    assert response.headers["content-type"].startswith("text/plain")
    assert "script-src 'self'" in response.headers["content-security-policy"]
