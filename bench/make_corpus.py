"""Realistic corpus generator: N distinct cables recombined from the real dev cables.

    python bench/make_corpus.py 250000 /tmp/c250k                 # Cablegate size
    python bench/make_corpus.py 2500000 /tmp/c2m5 --lean --gzip   # PlusD size
    python bench/make_corpus.py 300 /tmp/c300 --seed 1 --json     # small, summary as JSON

Benchmarks need corpora the size of Cablegate (251,287 cables) and PlusD (~2.5 million);
../shared holds 3,362 real ones. Each output cable takes a real cable as its template,
keeps its format, structure, station, classification, origin and subject, and swaps in:

* a new canonical id: same station and year, a serial counted up from the highest real
  one of that station and year, so ids never collide (nor repeat a dev cable's);
* a new date in the id's year (another cable's date, moved by up to ten days), with the
  date-time group, the ``DE`` line, ``DECL:`` date and the page's links moved along;
* the recipients (``TO``/``INFO`` lines) and the TAGS of other cables;
* a body of as many paragraphs as the template has, drawn from cables of the same
  classification and renumbered; preamble and signature stay.

The banner carries the new serial, so every text differs as well as every id. Formats
come in the dev corpus' proportions (cablegate pages 99.6 %, raw text 0.4 %, cables.csv
rows 0.06 %, at least one of each from N = 100; `--mix` sets others). Pages go into tar
shards in the real tarball's layout (``cablegate-0000.tar``: ``cable/YYYY/MM/ID.html``),
raw cables into ``raw-0000.tar`` (``raw-text/ID.txt``, CRLF and cp1252 like the real
files), rows into ``cables-0000.csv``. Raw and CSV cables come half from the real files of
their format and half from cablegate cables written in that format (the dumps hold the
same cables). `cablescope.read(OUT)` reads it all: formats are recognised from content.

Full pages carry ~60 KB of site navigation like the real ones: 250k cables make 17.6 GB,
written in ~70 s on the 2-core dev machine (3,500 cables/s: its disk's write speed).
`--lean` drops the navigation (~13 KB a page, 7,500-10,000 cables/s); `--gzip` compresses
every shard (level 1 by default: ~1,500 full or ~3,200 lean pages/s, a quarter the
size). 2.5 million full pages would take 176 GB: use `--lean` (33 GB) or `--lean --gzip`
(11 GB) at PlusD size. Output is streamed and memory stays flat (~150-200 MB at any N);
the same `--seed` gives the same corpus.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import functools
import gzip
import io
import json
import queue
import random
import re
import sys
import tarfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO

import cablescope
from cablescope.ids import canonical_id, split_id, station_from_post
from cablescope.parse.formats.cablegate_html import _text as html_to_text
from cablescope.parse.formats.common import ROUTING_START, decode, normalise, split_header
from cablescope.parse.rules.banner import FULL_BANNER
from cablescope.parse.rules.references import references as find_references

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = REPO.parent / "shared" / "corpus"

HTML, RAW, CSV = "cablegate_html", "raw_text", "cables_csv"
FORMATS = (HTML, RAW, CSV)
NL_HTML = "&#x000A;"
SHARD_SIZE = 50_000
EPOCH = datetime(1970, 1, 1)

# Placeholders in template text: control characters no cable holds (templates that hold
# one are skipped).
P_POST_SERIAL = "\x00"  # the banner's "SAN JOSE 000707" (and later sections' banners)
P_TAGS = "\x01"  # the TAGS value
P_DTG = "\x02"  # "302318Z MAR 06"
P_RECIPIENTS = "\x03"  # the TO/INFO lines
P_DECL = "\x04"  # the E.O. line's declassification date
P_DE_SERIAL = "\x05"  # "0707" of "DE RUEHSJ #0707/01 0892318"
P_DE_TIME = "\x06"  # "0892318"
P_DATED = "\x07"  # "Cable dated:2009-03-31T14:44:00"
P_ID = "\x10"
P_YM_URL = "\x11"  # "2006%2F03" in the page's share links
P_YEAR = "\x12"
P_MONTH = "\x13"
P_CREATED = "\x14"
P_PAGE_SERIAL = "\x15"  # "BRASILIA 00001774" of page-break lines (post cut to ten letters)
_PLACEHOLDER_CHARS = tuple(chr(c) for c in (*range(0x00, 0x08), *range(0x10, 0x16)))


_SLOT_SPLIT = re.compile("([" + "".join(_PLACEHOLDER_CHARS) + "])")

#: Text with slots, cut once at load: (text, slot, text, slot, …, text). Filling it is one
#: join, where a str.replace per slot would scan the whole body each time.
Slotted = tuple[str, ...]


def _slotted(text: str) -> Slotted:
    return tuple(_SLOT_SPLIT.split(text))


def _fill(parts: list[str], pieces: Slotted, values: dict[str, str]) -> None:
    parts.append(pieces[0])
    for i in range(1, len(pieces), 2):
        parts.append(values[pieces[i]])
        parts.append(pieces[i + 1])


def _has_placeholder(text: str) -> bool:
    """True when `text` holds a placeholder character (13 substring scans beat a regex)."""
    return any(char in text for char in _PLACEHOLDER_CHARS)


MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_MONTH_NUMBER = {name: number for number, name in enumerate(MONTHS, start=1)}

_TABLE = "<table class='cable'>"
_HEADING = "<h3>Viewing cable "
_CELL = re.compile(r"<td>\s*(?:<a\b[^>]*>)?\s*(.*?)\s*(?:</a>)?\s*</td>", re.S)
_TAG = re.compile(r"<[^>]*>")
_ID_LINK = re.compile(r"<a href='/cable/(\d{4})/(\d\d)/([^']+)\.html'>")
_DATE_LINK = re.compile(r"/date/\d{4}-\d\d_0\.html'>[^<]*</a>")
_DTG = re.compile(r"(?<!\d)(\d\d)(\d\d)(\d\d)([A-Z]) ([A-Z][A-Za-z]{2}) (\d\d)(?!\d)")
_DE = re.compile(r"(DE[ \t]+[A-Z0-9]{4,8}[ \t]+#[ \t]?)(\d+)((?:/\d+)?[ \t]+)(\d{7})(?!\d)")
_DECL = re.compile(r"(DECL:[ \t]*)(\d{1,2})/(\d{1,2})/(\d{4}|\d\d)(?!\d)")
_DATED = re.compile(r"Cable dated:\s*\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d)?")
_STATE_SENDER = re.compile(r"FM[ \t]+(?:SECSTATE|STATE)\b")
_TAGS = re.compile(r"\bTAGS:?[ \t]*")
#: Where the banner search stops: the fields after it.
_AFTER_BANNER = re.compile(r"E\.\s?O\.|TAGS|SUBJ")
#: A line of a signature block: ``SILVERMAN``, ``BT``, ``#0707``.
_SIGNATURE_LINE = re.compile(r"[A-Z#][A-Z0-9 .,'/&#-]{1,29}")

#: A paragraph's number: after the page's ``¶`` anchor, after a plain ``¶``, or alone at a
#: line start (then accepted only as a run 1, 2, 3 …).
_ANCHOR_HTML = re.compile(r"<a id='par\d+' href='#par\d+'>¶</a>(\d{1,3})")
_ANCHOR_PLAIN = re.compile(r"¶[ \t]?(\d{1,3})(?=[.,]|[ \t]+\()")
_NUMBER_AT = r"[ \t]*(\d{1,2})(?=[.,)]?[ \t]*\(|\.[ \t]*[A-Z\"'(-]|\.[ \t]*(?:NL|$))"
_NUMBERED = {
    "html": re.compile(r"(?:(?<=&#x000A;)|^)" + _NUMBER_AT.replace("NL", NL_HTML)),
    "plain": re.compile(r"(?:(?<=\n)|^)" + _NUMBER_AT.replace("NL", "\n")),
}

LEAN_PREFIX = (
    b"<?xml version='1.0' encoding='utf-8' ?>\n"
    b"<html lang='en' xml:lang='en' xmlns='http://www.w3.org/1999/xhtml'>\n"
    b"<head>\n<title>Cable Viewer</title>\n</head>\n<body>\n<div class='main'>\n"
    b"<div class='pane big'>\n"
)


# -- templates ------------------------------------------------------------------------------


@dataclass(slots=True)
class Template:
    """One real cable cut into the parts a generated cable keeps and the slots it refills."""

    family: str  # "html" (a page's escaped text, NL_HTML newlines) or "plain"
    name: str  # where it came from (a tar member, a file, a CSV row)
    year: int
    station: str
    serial: int
    created: datetime
    origin: str
    classification: str
    nl: str = "\n"
    header: str = ""  # with P_DTG, P_DE_*, P_RECIPIENTS
    preamble: str = ""  # body before paragraph 1, with P_POST_SERIAL, P_TAGS, P_DECL, P_DATED
    paragraphs: int = 0  # how many to draw (0: the body is kept whole)
    marker: str = "number"  # how paragraph numbers are written: "html", "pilcrow", "number"
    ending: str = ""  # the signature block after the last paragraph
    post: str = ""  # the banner's post ("" when no banner was found)
    serial_width: int = 6
    dtg_zone: str = "Z"
    dtg_delta: timedelta = timedelta(0)
    de_width: int = 4
    decl: datetime | None = None
    decl_year_digits: int = 4
    recipients: str | None = None
    tags: str | None = None
    state_sender: bool = False
    references: str | None = ""  # the cables.csv column; None: read from the REF line
    # the slotted forms of header, preamble, ending and region (set by `_finish`)
    header_slots: Slotted = ()
    preamble_slots: Slotted = ()
    ending_slots: Slotted = ()
    region_slots: Slotted = ()
    # cablegate pages only: shared navigation, the page around the blocks, shared tail
    shell: int = 0
    region: str = ""
    between: str = ""
    tail: int = 0


@dataclass
class Library:
    """Templates by output format, and the pools other cables' parts are drawn from."""

    templates: dict[str, list[Template]] = field(default_factory=dict)
    real: dict[str, int] = field(default_factory=dict)  # templates[fmt][:real] are real files
    dev_counts: dict[str, int] = field(default_factory=dict)  # cables per format in ../shared
    # Pools by (family, era, kind): paragraphs by classification, recipients by whether
    # State sends, TAGS by style (page links or plain).
    paragraphs: dict[tuple[str, bool, str], list[str | Slotted]] = field(default_factory=dict)
    recipients: dict[tuple[str, bool, bool], list[str]] = field(default_factory=dict)
    tags: dict[tuple[str, bool, str], list[str]] = field(default_factory=dict)
    dates: dict[int, list[datetime]] = field(default_factory=dict)
    max_serial: dict[tuple[int, str], int] = field(default_factory=dict)
    shells: list[list[bytes | str]] = field(default_factory=list)
    tails: list[str] = field(default_factory=list)


def _full_year(yy: int) -> int:
    return 1900 + yy if yy >= 66 else 2000 + yy


def _parse_created(text: str) -> datetime | None:
    for pattern in ("%Y-%m-%d %H:%M", "%m/%d/%Y %H:%M", "%Y-%m-%d"):
        try:
            return datetime.strptime(text.strip(), pattern)
        except ValueError:
            continue
    return None


def _dtg_datetime(match: re.Match[str], year: int) -> datetime | None:
    day, hour, minute, _zone, month, yy = match.groups()
    number = _MONTH_NUMBER.get(month.upper())
    full = 1900 + int(yy) if int(yy) >= 50 else 2000 + int(yy)
    if number is None or abs(full - year) > 1:
        return None
    try:
        return datetime(full, number, int(day), int(hour), int(minute))
    except ValueError:
        return None


def _split_ending(rest: str, nl: str) -> tuple[str, str]:
    """(last paragraph, signature block): short capitalised lines at the end."""
    lines = rest.split(nl)
    cut, signed = len(lines), 0
    while cut > 1 and signed < 4:
        line = lines[cut - 1].strip()
        if line and not _SIGNATURE_LINE.fullmatch(line):
            break
        signed += bool(line)
        cut -= 1
    if not signed:
        return rest, ""
    return nl.join(lines[:cut]), nl + nl.join(lines[cut:])


def _paragraph_starts(body: str, family: str) -> tuple[list[re.Match[str]], str]:
    """The paragraph numbers (their matches) and how they are written."""
    anchor = _ANCHOR_HTML if family == "html" else _ANCHOR_PLAIN
    found = list(anchor.finditer(body))
    if found:
        return found, "html" if family == "html" else "pilcrow"
    run: list[re.Match[str]] = []
    for match in _NUMBERED[family].finditer(body):
        if int(match.group(1)) == len(run) + 1:
            run.append(match)
    return (run if len(run) >= 2 else []), "number"


def _compile_header(tpl: Template, header: str) -> None:
    """Slots for the DTG, the DE line and the recipients; is the sender State?"""
    found = _DTG.search(header)
    when = _dtg_datetime(found, tpl.year) if found else None
    if found and when is not None:
        delta = when - tpl.created
        tpl.dtg_delta = delta if abs(delta) <= timedelta(days=2) else timedelta(0)
        tpl.dtg_zone = found.group(4)
        header = header[: found.start()] + P_DTG + header[found.end() :]
    de = _DE.search(header)
    if de:
        tpl.de_width = len(de.group(2))
        slots = de.group(1) + P_DE_SERIAL + de.group(3) + P_DE_TIME
        header = header[: de.start()] + slots + header[de.end() :]
    tpl.state_sender = _STATE_SENDER.search(header) is not None
    to_at = header.find(tpl.nl + "TO ")
    if to_at >= 0 and header.rfind("FM ", 0, to_at) >= 0:
        to_at += len(tpl.nl)
        tpl.recipients = header[to_at:]
        header = header[:to_at] + P_RECIPIENTS
    tpl.header = header


def _compile_body(tpl: Template, body: str) -> list[str]:
    """Slots in the preamble; returns the paragraphs without their numbers."""
    fields = _AFTER_BANNER.search(body, 0, 1500)
    banner = FULL_BANNER.search(body, 0, fields.start() if fields else min(len(body), 1500))
    if banner is not None:
        tpl.post = " ".join(banner.group("post").split())
        tpl.serial_width = len(banner.group("serial"))
        body = body.replace(body[banner.start("post") : banner.end("serial")], P_POST_SERIAL)
        page_serial = f"{tpl.post[:10].rstrip()} {int(banner.group('serial')):08d}"
        body = body.replace(page_serial, P_PAGE_SERIAL)
    starts, tpl.marker = _paragraph_starts(body, tpl.family)
    rests: list[str] = []
    if starts:
        preamble = body[: starts[0].start()]
        ends = [match.start() for match in starts[1:]] + [len(body)]
        rests = [body[match.end() : end] for match, end in zip(starts, ends, strict=True)]
        rests[-1], tpl.ending = _split_ending(rests[-1], tpl.nl)
    else:
        preamble = body
    tpl.paragraphs = len(rests)
    tags = _TAGS.search(preamble)
    if tags:
        end = preamble.find(tpl.nl, tags.end())
        end = len(preamble) if end < 0 else end
        if preamble[tags.end() : end].strip():
            tpl.tags = preamble[tags.end() : end]
            preamble = preamble[: tags.end()] + P_TAGS + preamble[end:]
    decl = _DECL.search(preamble)
    if decl:
        month, day, year = int(decl.group(2)), int(decl.group(3)), decl.group(4)
        try:
            full = int(year) if len(year) == 4 else 1900 + int(year) + 100 * (int(year) < 50)
            tpl.decl = datetime(full, month, day)
        except ValueError:
            pass
        else:
            tpl.decl_year_digits = len(year)
            preamble = preamble[: decl.start()] + decl.group(1) + P_DECL + preamble[decl.end() :]
    tpl.preamble = _DATED.sub(P_DATED, preamble, count=1)
    return rests


def _old(year: int) -> bool:
    """The era of a cable: the few before 2000 are all-capital telegrams of another style,
    so they draw their parts from each other when they can."""
    return year < 2000


def _tag_style(tags: str) -> str:
    return "link" if "href='/tag/" in tags else "plain"


def _pool(lib: Library, tpl: Template, rests: list[str]) -> None:
    """Offer a template's parts to the other cables; note its serial."""
    era = _old(tpl.year)
    paragraphs = lib.paragraphs.setdefault((tpl.family, era, tpl.classification), [])
    paragraphs.extend(_slotted(rest) if _has_placeholder(rest) else rest for rest in rests)
    if tpl.recipients:
        key = (tpl.family, era, tpl.state_sender)
        lib.recipients.setdefault(key, []).append(tpl.recipients)
    if tpl.tags:
        lib.tags.setdefault((tpl.family, era, _tag_style(tpl.tags)), []).append(tpl.tags)
    lib.dates.setdefault(tpl.year, []).append(tpl.created)
    _note_serial(lib, tpl)


def _finish(tpl: Template) -> Template:
    """Cut the template's texts at their slots, once."""
    tpl.header_slots = _slotted(tpl.header)
    tpl.preamble_slots = _slotted(tpl.preamble)
    tpl.ending_slots = _slotted(tpl.ending)
    tpl.region_slots = _slotted(tpl.region)
    return tpl


def _note_serial(lib: Library, tpl: Template) -> None:
    key = (tpl.year, tpl.station)
    lib.max_serial[key] = max(lib.max_serial.get(key, 0), tpl.serial)


def _page_template(page: str, name: str, lib: Library, shells: dict[str, int]) -> Template | None:
    """A cablegate page → Template; its navigation and tail are shared with other pages."""
    table_at = page.rfind(_TABLE)
    heading = page.rfind(_HEADING, 0, table_at)
    table_end = page.find("</table>", table_at)
    header_open = page.find("<pre>", table_end)
    header_close = page.find("</pre>", header_open)
    body_open = page.find("<pre>", header_close)
    body_close = page.find("</pre>", body_open)
    if min(table_at, heading, table_end, header_open, header_close, body_open, body_close) < 0:
        return None
    link = _ID_LINK.search(page, table_at, table_end)
    cells = [_TAG.sub("", cell).strip() for cell in _CELL.findall(page, table_at, table_end)]
    if link is None or len(cells) < 5 or _has_placeholder(page):
        return None
    link_year, link_month, published = link.groups()
    parts = split_id(canonical_id(published))
    created = _parse_created(cells[1])
    if parts is None or created is None:
        return None
    yy, station, serial = parts
    tpl = Template(
        family="html",
        name=name,
        year=created.year if created.year % 100 == int(yy) else _full_year(int(yy)),
        station=station,
        serial=int(serial),
        created=created,
        origin=cells[4],
        classification=cells[3].upper(),
        nl=NL_HTML,
    )
    # The navigation names the cable only in its share links, at its end.
    cut = max(0, heading - 4000)
    cut = cut if published not in page[:cut] else 0
    end = page[cut:heading].replace(published, P_ID)
    end = end.replace(f"{link_year}%2F{link_month}", P_YM_URL)
    shell = _intern(shells, lib.shells, page[:cut] + end)
    if shell is None:
        return None
    tpl.shell = shell
    region = page[heading : header_open + 5].replace(published, P_ID)
    region = region.replace(f"/cable/{link_year}/{link_month}/", f"/cable/{P_YEAR}/{P_MONTH}/")
    tpl.region = _DATE_LINK.sub(
        f"/date/{P_YEAR}-{P_MONTH}_0.html'>{P_CREATED}</a>", region, count=1
    )
    tpl.between = page[header_close : body_open + 5]
    tail = page[body_close:]
    if tail not in lib.tails:
        lib.tails.append(tail)
    tpl.tail = lib.tails.index(tail)
    _compile_header(tpl, page[header_open + 5 : header_close])
    _pool(lib, tpl, _compile_body(tpl, page[body_open + 5 : body_close]))
    return tpl


def _intern(seen: dict[str, int], shells: list[list[bytes | str]], prefix: str) -> int | None:
    """Pages share their navigation: each distinct one is kept once, pre-encoded."""
    if prefix not in seen:
        pieces = re.split(f"([{P_ID}{P_YM_URL}])", prefix)
        if any(_has_placeholder(piece) for piece in pieces[::2]):
            return None
        seen[prefix] = len(shells)
        shells.append([p if i % 2 else p.encode("utf-8") for i, p in enumerate(pieces)])
    return seen[prefix]


Compiled = tuple[Template, list[str]]


def _plain_template(name: str, header: str, body: str, meta: dict[str, Any]) -> Compiled | None:
    """Plain header and body → (Template, its paragraphs); None without a banner."""
    if _has_placeholder(header) or _has_placeholder(body) or "partial extract" in header:
        return None
    tpl = Template(family="plain", name=name, **meta)
    _compile_header(tpl, header)
    rests = _compile_body(tpl, body)
    return (tpl, rests) if tpl.post else None


def _page_as_plain(page: str, html_tpl: Template) -> Compiled | None:
    """A cablegate page as the cables.csv dump (or a raw file) would hold it."""
    header_open = page.find("<pre>", page.rfind("</table>"))
    header_close = page.find("</pre>", header_open)
    body_open = page.find("<pre>", header_close)
    body_close = page.find("</pre>", body_open)
    header = normalise(html_to_text(page[header_open + 5 : header_close])).strip()
    body = normalise(html_to_text(page[body_open + 5 : body_close])).strip()
    if not header or not body:
        return None
    meta = {
        key: getattr(html_tpl, key)
        for key in ("year", "station", "serial", "created", "origin", "classification")
    }
    meta["references"] = None  # read when first needed: scanning every page costs a second
    return _plain_template(html_tpl.name, header, body, meta)


def _raw_templates(folder: Path) -> list[Compiled]:
    """The real raw cables; the parser decides their id (DTG year, banner post)."""
    out: list[Compiled] = []
    for path in sorted(folder.glob("*.txt")) if folder.is_dir() else []:
        text = normalise(decode(path.read_bytes()))
        cable = cablescope.parse(text, name=str(path))
        parts = split_id(cable.id or "")
        if parts is None or not cable.dtg:
            continue
        created = datetime.fromisoformat(cable.dtg[:16])
        h_start, h_end, b_start = split_header(text, 0)
        meta = {
            "year": created.year,
            "station": parts[1],
            "serial": int(parts[2]),
            "created": created,
            "origin": cable.origin or "",
            "classification": cable.classification or "",
        }
        compiled = _plain_template(str(path), text[h_start:h_end], text[b_start:], meta)
        if compiled is not None and P_DTG in compiled[0].header:
            out.append(compiled)
    return out


def _csv_templates(folder: Path) -> list[Compiled]:
    """The real cables.csv rows."""
    out: list[Compiled] = []
    for path in sorted(folder.glob("*.csv")) if folder.is_dir() else []:
        with open(path, encoding="utf-8", newline="") as stream:
            rows = csv.reader(stream, escapechar="\\", doublequote=False, strict=False)
            for number, row in enumerate(rows, start=1):
                if len(row) != 8:
                    continue
                _, created_text, ident, origin, classification, refs, header, body = row
                parts = split_id(canonical_id(ident))
                created = _parse_created(created_text)
                if parts is None or created is None:
                    continue
                meta = {
                    "year": created.year,
                    "station": parts[1],
                    "serial": int(parts[2]),
                    "created": created,
                    "origin": origin.strip(),
                    "classification": classification.strip().upper(),
                    "references": refs,
                }
                compiled = _plain_template(f"{path}#{number}", header, body, meta)
                if compiled is not None:
                    out.append(compiled)
    return out


@functools.cache
def load_library(shared: Path) -> Library:
    """Read the dev cables under `shared` (../shared/corpus) into templates and pools.

    Cached: a second run in the same process (tests) reuses the templates.
    """
    lib = Library()
    pages: list[Template] = []
    derived: list[Compiled] = []
    shells: dict[str, int] = {}
    seen = 0
    tarball = shared / "cablegate-html-dev.tar.gz"
    with tarfile.open(tarball, "r|gz") as archive:
        for member in archive:
            stream = archive.extractfile(member) if member.isfile() else None
            if stream is None or not member.name.endswith(".html"):
                continue
            page = decode(stream.read())
            seen += 1
            tpl = _page_template(page, f"{tarball.name}:{member.name}", lib, shells)
            if tpl is None:
                continue
            if tpl.post:  # only a banner's serial makes every generated text distinct
                pages.append(tpl)
            plain = _page_as_plain(page, tpl)
            if plain is not None:
                derived.append(plain)
    raw = _raw_templates(shared / "raw-text")
    rows = _csv_templates(shared / "cables-csv")
    for tpl, rests in raw + rows + derived:
        _pool(lib, tpl, rests)
    # As a raw file, a page's cable gets the id the parser reads: station from the banner.
    raw_derived = []
    for tpl, _ in derived:
        station = station_from_post(tpl.post)
        if station and P_DTG in tpl.header and tpl.recipients and ROUTING_START.match(tpl.header):
            raw_derived.append(_finish(dataclasses.replace(tpl, station=station)))
            _note_serial(lib, raw_derived[-1])
    lib.templates = {
        HTML: [_finish(tpl) for tpl in pages],
        RAW: [_finish(tpl) for tpl, _ in raw] + raw_derived,
        CSV: [_finish(tpl) for tpl, _ in rows + derived],
    }
    lib.real = {HTML: len(pages), RAW: len(raw), CSV: len(rows)}
    lib.dev_counts = {
        HTML: seen,
        RAW: len(list((shared / "raw-text").glob("*.txt"))),
        CSV: len(rows),
    }
    for dates in lib.dates.values():
        dates.sort()
    return lib


# -- one cable ------------------------------------------------------------------------------


def _marker(kind: str, number: int) -> str:
    if kind == "html":
        return f"<a id='par{number}' href='#par{number}'>¶</a>{number}"
    return f"¶{number}" if kind == "pilcrow" else str(number)


#: Paragraph numbers as each kind writes them, 1 to 199 ([0] unused).
_MARKERS = {kind: [_marker(kind, n) for n in range(200)] for kind in ("html", "pilcrow", "number")}


class Generator:
    """Draws templates and parts; hands out ids that never repeat."""

    def __init__(self, lib: Library, seed: int) -> None:
        self.lib = lib
        self.rng = random.Random(seed)
        self.next_serial: dict[tuple[int, str], int] = {}
        self._pools: dict[tuple[str, bool, str], list[str | Slotted]] = {}
        self._unreadable: set[str] = set()  # raw templates whose id the parser misreads

    def cable(self, fmt: str) -> tuple[Template, str, datetime, str, str]:
        """(template, id, created, header, body) of a new cable in format `fmt`.

        A raw cable has no metadata: the parser derives its id from the text. Each one is
        parsed here, and a template whose text does not yield the id it was given (an odd
        header, say) is dropped for another; about 2 ms a raw cable.
        """
        for _ in range(1000):
            tpl = self.template(fmt)
            if fmt == RAW and tpl.name in self._unreadable:
                continue
            created = self.new_date(tpl)
            cable_id, serial = self.new_id(tpl)
            header, body = self.texts(tpl, serial, created)
            if fmt == RAW and cablescope.parse(render_raw(header, body)).id != cable_id:
                self._unreadable.add(tpl.name)
                continue
            return tpl, cable_id, created, header, body
        raise RuntimeError(f"no usable template for {fmt}")

    def template(self, fmt: str) -> Template:
        """A template for `fmt`; for raw and CSV half the draws go to the real files."""
        templates, real = self.lib.templates[fmt], self.lib.real[fmt]
        if fmt == HTML or len(templates) == real or (real and self.rng.random() < 0.5):
            return templates[self.rng.randrange(real or len(templates))]
        return templates[self.rng.randrange(real, len(templates))]

    def new_id(self, tpl: Template) -> tuple[str, int]:
        key = (tpl.year, tpl.station)
        serial = self.next_serial.get(key) or self.lib.max_serial.get(key, 0) + 1
        self.next_serial[key] = serial + 1
        return f"{tpl.year % 100:02d}{tpl.station}{serial}", serial

    def new_date(self, tpl: Template) -> datetime:
        """Another cable's date of the template's year, moved by up to ten days.

        Kept inside the year (and inside the real dates of that year: Cablegate stops in
        February 2010) with room for the DTG, which may be two days off.
        """
        dates = self.lib.dates.get(tpl.year) or [tpl.created]
        rng = self.rng
        when = dates[rng.randrange(len(dates))] + timedelta(minutes=rng.randint(-14400, 14400))
        low = max(dates[0], datetime(tpl.year, 1, 3))
        high = min(max(dates[-1], low), datetime(tpl.year, 12, 29, 23, 59))
        return min(max(when, low), high)

    def _paragraph_pool(self, tpl: Template) -> list[str | Slotted]:
        """Paragraphs of the same family, era and classification, else of the same level,
        else of the era (if it has a few), else of the same level in any era."""
        family, era, level = tpl.family, _old(tpl.year), tpl.classification.split("//")[0]
        key = (family, era, tpl.classification)
        pool = self._pools.get(key)
        if pool is None:
            pools = self.lib.paragraphs.items()
            choices = (
                (200, lambda e, c: e == era and c == tpl.classification),
                (200, lambda e, c: e == era and c.split("//")[0] == level),
                (30, lambda e, c: e == era),
                (200, lambda e, c: c.split("//")[0] == level),
                (1, lambda e, c: True),
            )
            for least, fits in choices:
                pool = [p for (f, e, c), ps in pools if f == family and fits(e, c) for p in ps]
                if len(pool) >= least:
                    break
            self._pools[key] = pool
        return pool

    def _donor(
        self, pools: dict[tuple[str, bool, Any], list[str]], tpl: Template, kind: Any, default: str
    ) -> str:
        """Another cable's part of this kind: of the same era when there is one."""
        donors = pools.get((tpl.family, _old(tpl.year), kind)) or pools.get(
            (tpl.family, not _old(tpl.year), kind)
        )
        return self._pick(donors, default)

    def _pick(self, items: list[str] | None, default: str) -> str:
        return items[self.rng.randrange(len(items))] if items else default

    def texts(self, tpl: Template, serial: int, created: datetime) -> tuple[str, str]:
        """The new header and body, in the template's family."""
        lib, rng = self.lib, self.rng
        dtg = created + tpl.dtg_delta
        hhmm = f"{dtg.hour:02d}{dtg.minute:02d}"  # strftime is slower
        month = MONTHS[dtg.month - 1]
        values = {
            P_DTG: f"{dtg.day:02d}{hhmm}{tpl.dtg_zone} {month} {dtg.year % 100:02d}",
            P_DE_SERIAL: f"{serial % 10**tpl.de_width:0{tpl.de_width}d}",
            P_DE_TIME: f"{dtg.timetuple().tm_yday:03d}{hhmm}",
            P_POST_SERIAL: f"{tpl.post} {serial:0{tpl.serial_width}d}",
            P_PAGE_SERIAL: f"{tpl.post[:10].rstrip()} {serial:08d}",
            P_DATED: f"Cable dated:{dtg.date().isoformat()}T{dtg.hour:02d}:{dtg.minute:02d}:00",
        }
        if tpl.recipients is not None:
            recipients = self._donor(lib.recipients, tpl, tpl.state_sender, tpl.recipients)
            values[P_RECIPIENTS] = recipients
        if tpl.tags is not None:
            values[P_TAGS] = self._donor(lib.tags, tpl, _tag_style(tpl.tags), tpl.tags)
        if tpl.decl is not None:
            decl = tpl.decl + (created - tpl.created)
            year = decl.year if tpl.decl_year_digits == 4 else f"{decl.year % 100:02d}"
            values[P_DECL] = f"{decl.month:02d}/{decl.day:02d}/{year}"
        parts: list[str] = []
        _fill(parts, tpl.header_slots, values)
        header = "".join(parts)
        parts.clear()
        _fill(parts, tpl.preamble_slots, values)
        if tpl.paragraphs:
            pool, draw = self._paragraph_pool(tpl), rng.random
            size, markers = len(pool), _MARKERS[tpl.marker]
            for number in range(1, tpl.paragraphs + 1):
                parts.append(markers[number] if number < 200 else _marker(tpl.marker, number))
                paragraph = pool[int(draw() * size)]
                if isinstance(paragraph, str):
                    parts.append(paragraph)
                else:
                    _fill(parts, paragraph, values)
            _fill(parts, tpl.ending_slots, values)
        return header, "".join(parts)


def render_page(
    lib: Library,
    tpl: Template,
    cable_id: str,
    created: datetime,
    header: str,
    body: str,
    lean: bool,
) -> list[bytes]:
    """The cablegate page (in pieces), navigation, links and table moved to the new cable."""
    year, month = str(created.year), f"{created.month:02d}"
    if lean:
        pieces = [LEAN_PREFIX]
    else:
        values = {P_ID: cable_id.encode(), P_YM_URL: f"{year}%2F{month}".encode()}
        pieces = [p if isinstance(p, bytes) else values[p] for p in lib.shells[tpl.shell]]
    stamp = f"{year}-{month}-{created.day:02d} {created.hour:02d}:{created.minute:02d}"
    parts: list[str] = []
    _fill(parts, tpl.region_slots, {P_ID: cable_id, P_YEAR: year, P_MONTH: month, P_CREATED: stamp})
    parts += (header, tpl.between, body, lib.tails[tpl.tail])
    pieces.append("".join(parts).encode())
    return pieces


def render_raw(header: str, body: str) -> bytes:
    """A raw cable file as the real ones are: CRLF line ends, cp1252."""
    text = (header + "\n" + body + "\n") if header else body + "\n"
    return text.replace("\n", "\r\n").encode("cp1252", errors="replace")


def _references(tpl: Template, body: str) -> str:
    """The CSV dump's references column: the real row's, or the ids of the REF block."""
    if tpl.references is not None:
        return tpl.references
    refs = find_references(body[:3000], tpl.year)
    return "|".join(ref.value for ref in refs if ref.kind == "CABLE")


def csv_row(
    number: int, tpl: Template, cable_id: str, created: datetime, header: str, body: str
) -> list[str]:
    """A row of the dump: number, ``M/D/YYYY H:MM``, id, origin, class, refs, header, body."""
    created_text = f"{created.month}/{created.day}/{created.year} {created.hour}:{created:%M}"
    return [
        str(number),
        created_text,
        cable_id,
        tpl.origin,
        tpl.classification,
        _references(tpl, body),
        header,
        body,
    ]


# -- output ---------------------------------------------------------------------------------


class _Sink:
    """A file written by a background thread: disk waits and gzip overlap generation.

    Writes are gathered into 4 MB chunks; the queue holds a few, so memory stays flat.
    """

    CHUNK = 1 << 22

    def __init__(self, path: Path, gzip_level: int) -> None:
        self._raw = open(path, "wb")  # noqa: SIM115 - closed in close()
        self._file: BinaryIO = (
            gzip.GzipFile(
                filename="", mode="wb", fileobj=self._raw, compresslevel=gzip_level, mtime=0
            )
            if gzip_level
            else self._raw
        )
        self._queue: queue.Queue[bytes | None] = queue.Queue(maxsize=4)
        self._pending: list[bytes] = []
        self._size = 0
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._drain, daemon=True)
        self._thread.start()

    def _drain(self) -> None:
        while (chunk := self._queue.get()) is not None:
            if self._error is None:
                try:
                    self._file.write(chunk)
                except BaseException as exc:  # reported by the next write or close
                    self._error = exc

    def write(self, data: bytes) -> None:
        self._pending.append(data)
        self._size += len(data)
        if self._size >= self.CHUNK:
            self._flush()

    def _flush(self) -> None:
        if self._error is not None:
            raise self._error
        if self._pending:
            self._queue.put(b"".join(self._pending))
            self._pending, self._size = [], 0

    def close(self) -> None:
        self._flush()
        self._queue.put(None)
        self._thread.join()
        if self._file is not self._raw:
            self._file.close()
        self._raw.close()
        if self._error is not None:
            raise self._error


class _Shards:
    """Numbered output files of at most `size` cables each: ``stem-0000.ext``."""

    def __init__(self, out: Path, stem: str, ext: str, size: int, gzip_level: int) -> None:
        self.out, self.stem, self.ext, self.size, self.gzip_level = out, stem, ext, size, gzip_level
        self.files: list[Path] = []
        self.count = 0
        self._sink: _Sink | None = None

    def _open(self) -> _Sink:
        if self._sink is None or self.count % self.size == 0:
            self.close()
            suffix = self.ext + (".gz" if self.gzip_level else "")
            path = self.out / f"{self.stem}-{len(self.files):04d}{suffix}"
            self.files.append(path)
            self._sink = _Sink(path, self.gzip_level)
            self._started()
        return self._sink

    def _started(self) -> None:
        pass

    def _ending(self) -> bytes:
        return b""

    def close(self) -> None:
        if self._sink is not None:
            self._sink.write(self._ending())
            self._sink.close()
            self._sink = None


def _tar_header(name: str, size: int, mtime: float, kind: bytes, mode: int) -> bytes:
    """A GNU tar header as `tarfile` writes it (root/root), built directly: 5x faster."""
    encoded = name.encode("utf-8")
    if len(encoded) > 100:  # a GNU long name: leave it to tarfile
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.type, info.mode = size, int(mtime), kind, mode
        info.uname = info.gname = "root"
        return info.tobuf(tarfile.GNU_FORMAT, "utf-8", "surrogateescape")
    block = bytearray(tarfile.BLOCKSIZE)
    block[0 : len(encoded)] = encoded
    block[100:148] = b"%07o\0%07o\0%07o\0%011o\0%011o\0" % (mode, 0, 0, size, int(mtime))
    block[148:156] = b"        "
    block[156:157] = kind
    block[257:265] = tarfile.GNU_MAGIC
    block[265:269] = block[297:301] = b"root"
    block[148:155] = b"%06o\0" % sum(block)
    return bytes(block)


class TarShards(_Shards):
    """Tar archives (GNU format, like the real tarball), members written one by one."""

    def _started(self) -> None:
        self._dirs: set[str] = set()
        self._offset = 0

    def _put(self, data: bytes) -> None:
        assert self._sink is not None
        self._sink.write(data)
        self._offset += len(data)

    def add(self, name: str, pieces: list[bytes], mtime: float) -> None:
        """One member: its folders first (once per shard, like the real tarball), then it."""
        self._open()
        folder = name.rfind("/")
        for end in range(name.find("/") + 1, folder + 2):
            if name[end - 1] == "/" and name[:end] not in self._dirs:
                self._dirs.add(name[:end])
                self._put(_tar_header(name[:end], 0, mtime, tarfile.DIRTYPE, 0o755))
        size = sum(len(piece) for piece in pieces)
        self._put(_tar_header(name, size, mtime, tarfile.REGTYPE, 0o644))
        for piece in pieces:
            self._put(piece)
        self._put(b"\0" * (-size % tarfile.BLOCKSIZE))
        self.count += 1

    def _ending(self) -> bytes:
        end = self._offset + 2 * tarfile.BLOCKSIZE
        return b"\0" * (2 * tarfile.BLOCKSIZE + (-end % tarfile.RECORDSIZE))


class CsvShards(_Shards):
    """cables.csv-style files: every field quoted, backslash escapes, no header row."""

    def add(self, row: list[str]) -> None:
        sink = self._open()
        buffer = io.StringIO()
        csv.writer(
            buffer, quoting=csv.QUOTE_ALL, escapechar="\\", doublequote=False, lineterminator="\n"
        ).writerow(row)
        sink.write(buffer.getvalue().encode("utf-8"))
        self.count += 1


# -- the run --------------------------------------------------------------------------------


def split_counts(n: int, weights: dict[str, float]) -> dict[str, int]:
    """N split by weight (largest remainder); from N = 100 every weighted format gets one."""
    total = sum(weights.values())
    exact = {fmt: n * weights.get(fmt, 0) / total for fmt in FORMATS}
    counts = {fmt: int(value) for fmt, value in exact.items()}
    by_remainder = sorted(FORMATS, key=lambda fmt: counts[fmt] - exact[fmt])
    for fmt in by_remainder[: n - sum(counts.values())]:
        counts[fmt] += 1
    for fmt in FORMATS:
        if n >= 100 and weights.get(fmt, 0) > 0 and counts[fmt] == 0:
            counts[max(counts, key=lambda f: counts[f])] -= 1
            counts[fmt] = 1
    return counts


def schedule(counts: dict[str, int]) -> Iterator[str]:
    """The formats in an even interleave with exactly `counts` of each."""
    total = sum(counts.values())
    done = dict.fromkeys(counts, 0)
    for i in range(1, total + 1):
        fmt = max(counts, key=lambda f: counts[f] * i - done[f] * total)
        done[fmt] += 1
        yield fmt


def parse_mix(text: str) -> dict[str, float]:
    """``html=0.9,raw=0.05,csv=0.05`` → weights by format name."""
    names = {"html": HTML, "raw": RAW, "csv": CSV, **{fmt: fmt for fmt in FORMATS}}
    weights: dict[str, float] = {}
    for item in text.split(","):
        key, _, value = item.partition("=")
        if key.strip() not in names:
            raise argparse.ArgumentTypeError(f"unknown format {key.strip()!r} in --mix")
        weights[names[key.strip()]] = float(value)
    return weights


def generate(
    n: int,
    out: Path,
    *,
    shared: Path = DEFAULT_SHARED,
    seed: int = 0,
    gzip_level: int = 0,
    lean: bool = False,
    shard_size: int = SHARD_SIZE,
    mix: dict[str, float] | None = None,
    progress: bool = True,
    on_cable: Callable[[str, str, Template], object] | None = None,
) -> dict[str, Any]:
    """Write N cables into `out` and return the summary.

    `on_cable(format, id, template)` hears of each cable written (tests check it against
    its template).
    """
    started = time.perf_counter()
    lib = load_library(shared.resolve())
    loaded = time.perf_counter()
    counts = split_counts(n, mix or {fmt: float(c) for fmt, c in lib.dev_counts.items()})
    out.mkdir(parents=True, exist_ok=True)
    pages = TarShards(out, "cablegate", ".tar", shard_size, gzip_level)
    raws = TarShards(out, "raw", ".tar", shard_size, gzip_level)
    rows = CsvShards(out, "cables", ".csv", shard_size, gzip_level)
    gen = Generator(lib, seed)
    written = dict.fromkeys(FORMATS, 0)
    last_report = loaded
    try:
        for i, fmt in enumerate(schedule(counts), start=1):
            tpl, cable_id, created, header, body = gen.cable(fmt)
            mtime = max(0, (created - EPOCH).total_seconds())  # a tar header holds no sign
            if fmt == HTML:
                path = f"cable/{created:%Y}/{created:%m}/{cable_id}.html"
                pages.add(path, render_page(lib, tpl, cable_id, created, header, body, lean), mtime)
            elif fmt == RAW:
                raws.add(f"raw-text/{cable_id}.txt", [render_raw(header, body)], mtime)
            else:
                rows.add(csv_row(rows.count + 1, tpl, cable_id, created, header, body))
            written[fmt] += 1
            if on_cable is not None:
                on_cable(fmt, cable_id, tpl)
            if progress and i % 1000 == 0 and time.perf_counter() - last_report >= 1:
                last_report = time.perf_counter()
                rate = i / (last_report - loaded)
                print(
                    f"\r{i:,} / {n:,} cables  {rate:,.0f}/s  ETA {(n - i) / rate:,.0f} s  ",
                    end="",
                    file=sys.stderr,
                    flush=True,
                )
    finally:
        for shards in (pages, raws, rows):
            shards.close()
    seconds = time.perf_counter() - loaded
    if progress:
        print(file=sys.stderr)
    files = pages.files + raws.files + rows.files
    return {
        "out": str(out),
        "cables": sum(written.values()),
        "formats": written,
        "files": [path.name for path in files],
        "bytes": sum(path.stat().st_size for path in files),
        "load_seconds": round(loaded - started, 2),
        "seconds": round(seconds, 2),
        "cables_per_s": round(sum(written.values()) / seconds, 1) if seconds else None,
        "seed": seed,
        "lean": lean,
        "gzip_level": gzip_level,
    }


def _existing_output(out: Path) -> list[Path]:
    patterns = ("cablegate-*.tar*", "raw-*.tar*", "cables-*.csv*")
    return sorted(p for pattern in patterns for p in out.glob(pattern)) if out.is_dir() else []


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("n", type=int, help="how many cables")
    parser.add_argument("out", type=Path, help="output folder")
    parser.add_argument(
        "--shared",
        type=Path,
        default=DEFAULT_SHARED,
        help="the real dev corpus (default: ../shared/corpus)",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--gzip", action="store_true", help="write .tar.gz / .csv.gz shards")
    parser.add_argument("--gzip-level", type=int, default=1)
    parser.add_argument("--lean", action="store_true", help="pages without site navigation")
    parser.add_argument("--shard-size", type=int, default=SHARD_SIZE, help="cables per file")
    parser.add_argument("--mix", type=parse_mix, help="e.g. html=0.9,raw=0.05,csv=0.05")
    parser.add_argument(
        "--overwrite", action="store_true", help="delete this script's files already in OUT first"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress line")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    args = parser.parse_args(argv)
    old = _existing_output(args.out)
    if old and not args.overwrite:
        parser.error(f"{args.out} already holds {len(old)} generated files (use --overwrite)")
    for path in old:
        path.unlink()
    summary = generate(
        args.n,
        args.out,
        shared=args.shared,
        seed=args.seed,
        gzip_level=args.gzip_level if args.gzip else 0,
        lean=args.lean,
        shard_size=args.shard_size,
        mix=args.mix,
        progress=not args.quiet,
    )
    if args.json:
        print(json.dumps(summary, indent=2))
        return
    formats = ", ".join(f"{count:,} {fmt}" for fmt, count in summary["formats"].items())
    print(
        f"{summary['cables']:,} cables ({formats}) in {len(summary['files'])} files, "
        f"{summary['bytes'] / 1e9:.2f} GB, in {summary['seconds']} s = "
        f"{summary['cables_per_s']:,} cables/s (+ {summary['load_seconds']} s loading the "
        f"templates) → {summary['out']}"
    )


if __name__ == "__main__":
    main()
