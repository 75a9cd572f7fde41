"""What the cable page shows, worked out from a stored record: decoded header, TAGS with
their meaning, references in both directions, paragraphs with their level and whether the
chosen clearance withholds them. The template only lays this out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cablescope import data
from cablescope.commands.show import TAG_KIND_MEANINGS, station_of
from cablescope.model import CLASSIFICATION_ORDER, MARKING_LEVELS
from cablescope.parse.rules.tags import tag_kind
from cablescope.store import Store
from cablescope.web import links
from cablescope.web.levels import canonical_level, paragraph_level, rank_of, slug_of, withheld

_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
#: Short portion marking of each level, for the legend.
_MARKS = {level: mark for mark, level in MARKING_LEVELS.items()} | {
    "UNCLASSIFIED//FOR OFFICIAL USE ONLY": "U//FOUO",
    "CONFIDENTIAL//NOFORN": "C//NF",
    "SECRET//NOFORN": "S//NF",
}


@dataclass(slots=True)
class Address:
    role: str
    name: str
    route: str | None
    station: str | None
    precedence: str | None
    mcn: str | None
    excluded: list[str]
    href: str | None


@dataclass(slots=True)
class Tag:
    tag: str
    kind: str
    meaning: str
    href: str | None


@dataclass(slots=True)
class Ref:
    bullet: str | None
    value: str
    kind: str
    title: str | None
    href: str | None  # the cited cable's page, when the archive holds it
    search_href: str | None  # every cable citing the same reference


@dataclass(slots=True)
class Paragraph:
    anchor: str
    number: int | None
    marking: str | None
    heading: str | None
    text: str
    level: str | None
    slug: str
    rank: int | None
    withheld: bool


@dataclass(slots=True)
class LegendEntry:
    level: str
    mark: str
    slug: str
    paragraphs: int


@dataclass(slots=True)
class CableView:
    record: dict[str, Any]
    level: str | None
    slug: str
    dtg_utc: str | None
    dtg_iso: str | None
    dtg_telegram: str | None
    precedence: list[tuple[str, str]]
    sender: Address | None
    addresses: list[Address]
    tags: list[Tag]
    refs: list[Ref]
    cited_by: list[str]
    paragraphs: list[Paragraph]
    legend: list[LegendEntry]
    versions: list[dict[str, Any]]
    version: int | None
    default_version: int | None
    cleared: str | None
    clearances: list[tuple[str, str]] = field(default_factory=list)
    withheld_count: int = 0


def _dtg(value: str | None) -> tuple[str | None, str | None, str | None]:
    """(``2008-12-08 16:51 UTC``, the ISO instant, ``081651Z DEC 08``) from the stored DTG."""
    if not value:
        return None, None, None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)
    except ValueError:
        return value, None, None
    telegram = f"{when:%d%H%M}Z {_MONTHS[when.month - 1]} {when:%y}"
    return f"{when:%Y-%m-%d %H:%M} UTC", when.strftime("%Y-%m-%dT%H:%M:%SZ"), telegram


def _address(role: str, recipient: dict[str, Any]) -> Address:
    name = recipient.get("name") or ""
    station = station_of(recipient)
    return Address(
        role=role,
        name=name,
        route=recipient.get("route"),
        station=station if station and station != name else None,
        precedence=recipient.get("precedence"),
        mcn=recipient.get("mcn"),
        excluded=list(recipient.get("excluded") or []),
        href=links.search_url(t) if role != "FM" and (t := links.term("to", name)) else None,
    )


def tag_meaning(tag: str) -> tuple[str, str]:
    """(kind, meaning): the tag's own meaning where the data tables have one, else its kind's."""
    kind = tag_kind(tag)
    meanings = getattr(data, "tag_meanings", None)  # a table the data package may grow
    own = meanings().get(tag.upper()) if callable(meanings) else None
    return kind, own or TAG_KIND_MEANINGS.get(kind, "")


def _tags(record: dict[str, Any]) -> list[Tag]:
    result = []
    for tag in record.get("tags") or []:
        kind, meaning = tag_meaning(tag)
        filter_term = links.term("tag", tag)
        href = links.search_url(filter_term) if filter_term else None
        result.append(Tag(tag, kind, meaning, href))
    return result


def _refs(store: Store, record: dict[str, Any]) -> list[Ref]:
    result = []
    for ref in record.get("references") or []:
        value = ref.get("value") or ""
        kind = ref.get("kind") or "CABLE"
        cable = kind == "CABLE" and value and store.versions(value)
        filter_term = links.term("ref", value) if kind == "CABLE" else None
        result.append(
            Ref(
                bullet=ref.get("bullet"),
                value=value,
                kind=kind,
                title=ref.get("title"),
                href=links.cable_url(value) if cable else None,
                search_href=links.search_url(filter_term) if filter_term else None,
            )
        )
    return result


def _paragraphs(
    record: dict[str, Any], cable_level: str | None, cleared_rank: int | None
) -> list[Paragraph]:
    result = []
    for i, paragraph in enumerate(record.get("paragraphs") or [], start=1):
        level = paragraph_level(paragraph, cable_level)
        number = paragraph.get("number")
        result.append(
            Paragraph(
                anchor=f"p{number}" if number is not None else f"u{i}",
                number=number,
                marking=paragraph.get("marking"),
                heading=paragraph.get("heading"),
                text=paragraph.get("text") or "",
                level=level,
                slug=slug_of(level),
                rank=rank_of(level),
                withheld=withheld(level, cleared_rank),
            )
        )
    return result


def _legend(paragraphs: list[Paragraph]) -> list[LegendEntry]:
    counts: dict[str, int] = {}
    for paragraph in paragraphs:
        key = paragraph.level or "UNMARKED"
        counts[key] = counts.get(key, 0) + 1

    def order(level: str) -> int:
        rank = rank_of(level)
        return len(CLASSIFICATION_ORDER) if rank is None else rank

    return [
        LegendEntry(level, _MARKS.get(level, "?"), slug_of(level), n)
        for level, n in sorted(counts.items(), key=lambda item: order(item[0]))
    ]


def build(
    store: Store,
    record: dict[str, Any],
    versions: list[dict[str, Any]],
    version: int | None,
    cleared: str | None,
) -> CableView:
    """Everything the cable template needs for `record` (version `version` of its cable)."""
    level = canonical_level(record.get("classification")) or record.get("classification")
    cleared_level = canonical_level(cleared)
    cleared_rank = rank_of(cleared_level)
    utc, iso, telegram = _dtg(record.get("dtg"))
    precedence = [
        (label, value)
        for label, value in (
            ("Action", (record.get("precedence") or {}).get("action")),
            ("Info", (record.get("precedence") or {}).get("info")),
        )
        if value
    ]
    addresses = [_address("TO", r) for r in record.get("to") or []]
    addresses += [_address("INFO", r) for r in record.get("info") or []]
    paragraphs = _paragraphs(record, level, cleared_rank)
    default_version = next((v["version"] for v in versions if v.get("default")), None)
    return CableView(
        record=record,
        level=level,
        slug=slug_of(level),
        dtg_utc=utc,
        dtg_iso=iso,
        dtg_telegram=telegram,
        precedence=precedence,
        sender=_address("FM", record["sender"]) if record.get("sender") else None,
        addresses=addresses,
        tags=_tags(record),
        refs=_refs(store, record),
        cited_by=store.cited_by(record["id"]),
        paragraphs=paragraphs,
        legend=_legend(paragraphs),
        versions=versions,
        version=version if version is not None else default_version,
        default_version=default_version,
        cleared=cleared_level,
        clearances=[(lvl, slug_of(lvl)) for lvl in CLASSIFICATION_ORDER],
        withheld_count=sum(p.withheld for p in paragraphs),
    )


__all__ = ["CableView", "build", "tag_meaning"]
