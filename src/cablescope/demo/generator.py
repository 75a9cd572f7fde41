"""Synthetic cables for the demo, the tests and benchmarks: fictional text, real structure.

`generate(n, seed)` yields ``(relative file name, content)`` for `n` cables spread over the
five published forms the readers handle: WikiLeaks one-cable text (like the seeds), raw
header + body text (Latin-1, CRLF), cablegate HTML pages, ``cables.csv`` rows and JSON Lines.
`generate_records(n, seed)` gives what each cable is meant to parse to, so tests can hold the
parser to the generator's intent. Same seed, same bytes.

Everything is invented: people, statements and events come from the word lists below. Posts,
routing indicators and TAGS are real, because the parser's tables know them. Each cable carries
a ``CABLESCOPE SYNTHETIC`` caption right after its banner (``"synthetic": true`` in JSON), so a
generated cable can never pass for a real one.
"""

from __future__ import annotations

import csv
import io
import json
import random
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

SYNTHETIC_CAPTION = "CABLESCOPE SYNTHETIC"

#: The five published forms, in the order cables are dealt to them.
FORMATS: tuple[str, ...] = ("wikileaks", "raw", "html", "csv", "jsonl")

#: Cables per file for the forms that hold many cables a file.
ROWS_PER_FILE = 20

#: Character encoding of each form's files (raw text is Latin-1, like the real dumps).
ENCODINGS: dict[str, str] = {
    "wikileaks": "utf-8",
    "raw": "latin-1",
    "html": "utf-8",
    "csv": "utf-8",
    "jsonl": "utf-8",
}

#: Top-level folder of each form in a generated corpus.
FOLDERS: dict[str, str] = {
    "wikileaks": "wikileaks",
    "raw": "raw-text",
    "html": "cablegate",
    "csv": "cables-csv",
    "jsonl": "jsonl",
}

REDACTED = "XXXXXXXXXXXX"


# -- posts and people -----------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Post:
    """A sending post: banner name, FM name, routing indicator, WikiLeaks origin, country."""

    banner: str
    sender: str
    route: str
    origin: str
    tag: str
    country: str

    @property
    def station(self) -> str:
        """The post as it appears in an id: ``NEW DELHI`` → ``NEWDELHI``."""
        return self.banner.replace(" ", "")


def _embassy(city: str, route: str, tag: str, country: str, fm: str | None = None) -> Post:
    fm_city = fm or city
    return Post(city, f"AMEMBASSY {fm_city}", route, f"Embassy {fm_city.title()}", tag, country)


POSTS: tuple[Post, ...] = (
    _embassy("LONDON", "RUEHLO", "UK", "UNITED KINGDOM"),
    _embassy("PARIS", "RUEHFR", "FR", "FRANCE"),
    _embassy("CAIRO", "RUEHEG", "EG", "EGYPT"),
    _embassy("TOKYO", "RUEHKO", "JA", "JAPAN"),
    _embassy("BRASILIA", "RUEHBR", "BR", "BRAZIL"),
    _embassy("NAIROBI", "RUEHNR", "KE", "KENYA"),
    _embassy("MOSCOW", "RUEHMO", "RS", "RUSSIA"),
    _embassy("ANKARA", "RUEHAK", "TU", "TURKEY"),
    _embassy("BOGOTA", "RUEHBO", "CO", "COLOMBIA"),
    _embassy("MANILA", "RUEHML", "RP", "PHILIPPINES"),
    _embassy("REYKJAVIK", "RUEHRK", "IC", "ICELAND"),
    _embassy("OTTAWA", "RUEHOT", "CA", "CANADA"),
    _embassy("CANBERRA", "RUEHBY", "AS", "AUSTRALIA"),
    _embassy("ACCRA", "RUEHAR", "GH", "GHANA"),
    _embassy("SANTIAGO", "RUEHSG", "CI", "CHILE"),
    _embassy("VIENNA", "RUEHVI", "AU", "AUSTRIA"),
    _embassy("MADRID", "RUEHMD", "SP", "SPAIN"),
    _embassy("NEW DELHI", "RUEHNE", "IN", "INDIA"),
    _embassy("MEXICO", "RUEHME", "MX", "MEXICO"),
    _embassy("BUENOS AIRES", "RUEHBU", "AR", "ARGENTINA"),
    _embassy("SAN JOSE", "RUEHSJ", "CS", "COSTA RICA"),
    _embassy("THE HAGUE", "RUEHTC", "NL", "NETHERLANDS"),
    _embassy("ISLAMABAD", "RUEHIL", "PK", "PAKISTAN"),
    _embassy("KUALA LUMPUR", "RUEHKL", "MY", "MALAYSIA"),
    _embassy("DAKAR", "RUEHDK", "SG", "SENEGAL"),
    _embassy("LIMA", "RUEHPE", "PE", "PERU"),
    _embassy("ROME", "RUEHRO", "IT", "ITALY"),
    Post("SAO PAULO", "AMCONSUL SAO PAULO", "RUEHSO", "Consulate Sao Paulo", "BR", "BRAZIL"),
)

STATE = Post("STATE", "SECSTATE WASHDC", "RUEHC", "Secretary of State", "", "")

#: Washington agencies that appear as info addressees (real names, as in any header).
AGENCIES: tuple[tuple[str, str], ...] = (
    ("RUEAIIA", "CIA WASHINGTON DC"),
    ("RUEKJCS", "SECDEF WASHINGTON DC"),
    ("RHEHNSC", "NSC WASHINGTON DC"),
    ("RUCPDOC", "DEPT OF COMMERCE WASHINGTON DC"),
    ("RUEATRS", "DEPT OF TREASURY WASHINGTON DC"),
)

# Word lists stay packed, several to a line: they are data, not code.
# fmt: off
FIRST_NAMES: tuple[str, ...] = (
    "Arlen", "Maren", "Tobias", "Ilse", "Corwin", "Delphine", "Rafferty", "Sunniva", "Odell",
    "Perrin", "Linnea", "Bastian", "Marisol", "Evander", "Quinta", "Anouk", "Caspian",
    "Rosalind", "Thaddeus", "Wren", "Ignatius", "Soraya", "Lysander", "Oona",
)

#: Invented surnames: none belongs to a person in the real corpus.
SURNAMES: tuple[str, ...] = (
    "Veldrane", "Quenthorpe", "Morcastle", "Brannoway", "Ilvesdal", "Tarkwell", "Feldane",
    "Oduvaro", "Kestrelby", "Marchlowe", "Pendarrow", "Soskilde", "Varnholt", "Abernique",
    "Castellmoor", "Drummavel", "Eskerridge", "Galloweth", "Hollistane", "Juniveld",
    "Lorrimond", "Nettlecombe", "Ostrevant", "Quillmarsh", "Rathbourne", "Tessendorf",
)

OFFICIAL_TITLES: tuple[str, ...] = (
    "Deputy Minister of Coastal Affairs", "Vice Minister for Planning", "Port Authority Director",
    "Senior Advisor to the Prime Minister", "Director General for Water Resources",
    "Fisheries Commissioner", "Deputy Speaker", "Central Bank Deputy Governor",
    "Opposition spokesman", "Provincial Governor",
)

US_ACTORS: tuple[str, ...] = (
    "the Ambassador", "Poloff", "Econoff", "the DCM", "PolCouns", "EconCouns", "Pol/Econ Chief",
)

OLD_US_ACTORS: tuple[str, ...] = ("EMBOFF", "AMBASSADOR", "DCM", "POLCOUNS", "ECONCOUNS")

BODIES: tuple[str, ...] = (
    "Ministry of Coastal Affairs", "National Ports Authority", "Electoral Review Commission",
    "Interministerial Water Council", "Fisheries Licensing Board", "Customs Modernization Office",
    "Rural Roads Directorate", "Civil Aviation Safety Office", "National Seed Bank",
    "Parliamentary Budget Committee", "Northern Grid Company", "Tariff Review Panel",
)

ACTIONS: tuple[str, ...] = (
    "publish the revised licensing rules", "reopen talks on the fisheries accord",
    "delay the tender for the northern port", "submit the draft budget to parliament",
    "lift the temporary export quota", "name a new chair of the commission",
    "extend the pilot program to three more provinces", "sign the memorandum on river data",
    "postpone the municipal by-elections", "review the grain storage contracts",
)

CONCERNS: tuple[str, ...] = (
    "the timetable was unrealistic", "provincial officials had not been consulted",
    "donor funding remained uncertain", "the opposition would contest the result",
    "the draft law left key terms undefined", "local media had overstated the dispute",
    "two coalition partners had not yet agreed", "the cost estimates had doubled",
)

TIMEFRAMES: tuple[str, ...] = (
    "the end of the month", "the next cabinet meeting", "the spring session", "year's end",
    "the planned donor conference", "the summer recess",
)

QUOTES: tuple[str, ...] = (
    "a step in the right direction", "premature at best", "days, not weeks, away",
    "entirely a matter for the cabinet", "the least bad option",
)

HEADINGS: tuple[str, ...] = (
    "Ministry Outlines Timetable", "Funding Questions Remain", "Opposition Reaction",
    "Next Steps", "Provincial Views", "Donor Coordination", "A Cautious Welcome",
    "Background", "Regional Angle", "Press Coverage",
)

SUBJECT_TOPICS: tuple[str, ...] = (
    "PORT TENDER", "FISHERIES ACCORD", "WATER DATA SHARING", "GRAIN STORAGE CONTRACTS",
    "EXPORT QUOTA", "BUDGET DEBATE", "ELECTORAL COMMISSION CHAIR", "RURAL ROADS PROGRAM",
    "AVIATION SAFETY REVIEW", "TARIFF REVIEW",
)

SUBJECT_TAGS: tuple[str, ...] = (
    "PREL", "PGOV", "ECON", "EFIS", "ETRD", "EAID", "SENV", "PHUM", "MARR", "PINR", "KDEM",
    "ELAB", "EAGR", "ENRG", "EWWT", "EAIR",
)

OFFICES: tuple[str, ...] = ("EUR/WE", "WHA/EPSC", "AF/E", "EAP/MTS", "SCA/FO", "NEA/ELA", "EB/TPP")

CAPTIONS_OLD: tuple[str, ...] = ("LIMDIS", "EXDIS")

# fmt: on

#: Precedence letter of the date-time group → the word used on TO/INFO lines.
PRECEDENCE_WORDS: dict[str, str] = {
    "Z": "FLASH",
    "O": "IMMEDIATE",
    "P": "PRIORITY",
    "R": "ROUTINE",
}

MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")

#: Classification → (spaced banner, plain banner, transmission line, marking letter, caption).
LEVELS: dict[str, tuple[str, str, str, str, str | None]] = {
    "UNCLASSIFIED": ("UNCLAS", "UNCLAS", "ZNR UUUUU ZZH", "U", None),
    "UNCLASSIFIED//FOR OFFICIAL USE ONLY": (
        "UNCLAS",
        "UNCLAS",
        "ZNR UUUUU ZZH",
        "SBU",
        "SENSITIVE",
    ),
    "CONFIDENTIAL": ("C O N F I D E N T I A L", "CONFIDENTIAL", "ZNY CCCCC ZZH", "C", None),
    "CONFIDENTIAL//NOFORN": (
        "C O N F I D E N T I A L",
        "CONFIDENTIAL",
        "ZNY CCCCC ZZH",
        "C",
        "NOFORN",
    ),
    "SECRET": ("S E C R E T", "SECRET", "ZNY SSSSS ZZH", "S", None),
    "SECRET//NOFORN": ("S E C R E T", "SECRET", "ZNY SSSSS ZZH", "S", "NOFORN"),
}

#: Portion marking → classification level word (the record's paragraph classification).
MARKING_LEVEL = {
    "U": "UNCLASSIFIED",
    "SBU": "SENSITIVE BUT UNCLASSIFIED",
    "C": "CONFIDENTIAL",
    "S": "SECRET",
}


# -- the draft: one cable's structure before it is written in a format ----------------------
@dataclass(slots=True)
class Para:
    """A numbered paragraph: its words, marking, optional heading and bullets."""

    number: int
    text: str
    marking: str | None = None
    heading: str | None = None
    bullets: list[str] = field(default_factory=list)
    page_breaks: list[tuple[int, int]] = field(default_factory=list)  # (word index, page)


@dataclass(slots=True)
class Draft:
    """Everything about one synthetic cable: what it says and what it should parse to."""

    index: int
    format: str
    post: Post
    year: int
    when: datetime
    serial: int
    classification: str
    style: str  # "telegram" (old, caps, unmarked), "caps" (1990s, marked), "modern"
    precedence: str  # "O", "P R", …
    transmission_id: str | None
    relay: list[str]
    to: list[tuple[str | None, str, str | None, str | None]]
    info: list[tuple[str | None, str, str | None, str | None]]
    sections: int | None
    captions: list[str]
    office_line: str | None
    eo_line: str | None
    declassify_on: str | None
    tags: list[str]
    tag_separator: str
    subject: str
    references: list[tuple[str, str]]  # (as written, canonical id)
    classified_by: str | None
    classified_names: list[str]
    paragraphs: list[Para]
    summary: str | None
    comment: str | None
    signer: str
    released: datetime | None
    file: str = ""

    @property
    def id(self) -> str:
        return f"{self.year % 100:02d}{self.post.station}{self.serial}"

    @property
    def date(self) -> str:
        return self.when.date().isoformat()

    @property
    def banner_serial(self) -> str:
        if self.style == "telegram":
            return str(self.serial)
        return f"{self.serial:06d}"

    def banner(self, spaced: bool) -> str:
        spaced_word, plain_word, *_ = LEVELS[self.classification]
        if self.style == "telegram" and self.classification == "UNCLASSIFIED":
            word = "UNCLASSIFIED"
        else:
            word = spaced_word if spaced else plain_word
        section = f"SECTION 01 OF {self.sections:02d} " if self.sections else ""
        return f"{word} {section}{self.post.banner} {self.banner_serial} "

    def page_break(self, number: int) -> str:
        """The line a page (section) break leaves in the text: ``LONDON 00003062  002 OF 002``."""
        return f"{self.post.banner} {self.serial:08d}  {number:03d} OF {self.sections:03d}"

    @property
    def dtg(self) -> str:
        """``O 081651Z DEC 08``."""
        return f"{self.precedence} {self.when:%d%H%M}Z {MONTHS[self.when.month - 1]} {self.when:%y}"

    def header_lines(self) -> list[str]:
        lines: list[str] = []
        if self.transmission_id:
            lines.append(self.transmission_id)
            double = self.precedence[0] * 2
            lines.append(" ".join([double, *self.relay]) if self.relay else f"{double} RUEHWEB")
            section = "/01" if self.sections else ""
            julian = self.when.timetuple().tm_yday
            lines.append(
                f"DE {self.post.route} #{self.serial % 10000:04d}{section} "
                f"{julian:03d}{self.when.hour:02d}{self.when.minute:02d}"
            )
            lines.append(LEVELS[self.classification][2])
        lines.append(self.dtg)
        lines.append(f"FM {self.post.sender}")
        for label, block in (("TO", self.to), ("INFO", self.info)):
            for i, (route, name, precedence, mcn) in enumerate(block):
                parts = [f"{route}/{name}" if route else name]
                if precedence and precedence != "ROUTINE":
                    parts.append(precedence)
                if mcn:
                    parts.append(mcn)
                text = " ".join(parts)
                lines.append(f"{label} {text}" if i == 0 else text)
        return lines

    @property
    def has_header(self) -> bool:
        """False for the JSON Lines records that drop the routing header (every other one)."""
        return self.format != "jsonl" or self.index % 2 == 0

    def record(self) -> dict[str, Any]:
        """What the parser is meant to find in this cable (a subset of `Cable.to_dict()`).

        Fields that only the routing header states are empty where the header was dropped.
        """
        record = self._record()
        if not self.has_header:
            record.update(
                dtg=None,
                transmission_id=None,
                sender=None,
                to=[],
                info=[],
                precedence={"action": None, "info": None},
            )
        return record

    def _record(self) -> dict[str, Any]:
        action, _, info = self.precedence.partition(" ")

        def people(block: list[tuple[str | None, str, str | None, str | None]]) -> list[dict]:
            return [
                {"route": r, "name": n, "precedence": p if p != "ROUTINE" else None, "mcn": m}
                for r, n, p, m in block
            ]

        return {
            "id": self.id,
            "format": self.format,
            "file": self.file,
            "origin": self.post.origin,
            "date": self.date,
            "released": self.released.date().isoformat() if self.released else None,
            "dtg": self.when.strftime("%Y-%m-%dT%H:%M:00Z"),
            "classification": self.classification,
            "transmission_id": self.transmission_id,
            "precedence": {
                "action": PRECEDENCE_WORDS[action],
                "info": PRECEDENCE_WORDS[info] if info else None,
            },
            "sender": {
                "route": self.post.route if self.transmission_id else None,
                "name": self.post.sender,
            },
            "to": people(self.to),
            "info": people(self.info),
            "sections": self.sections,
            "captions": list(self.captions),
            "subject": self.subject,
            "tags": list(self.tags),
            "references": [canonical for _, canonical in self.references],
            "classified_by": self.classified_names,
            "declassify_on": self.declassify_on,
            "paragraphs": [
                {
                    "number": p.number,
                    "marking": p.marking,
                    "classification": MARKING_LEVEL.get((p.marking or "").split("/")[0]),
                    "noforn": (p.marking or "").endswith("/NF"),
                    "heading": p.heading,
                }
                for p in self.paragraphs
            ],
            "summary": self.summary,
            "comments": [self.comment] if self.comment else [],
            "signers": [self.signer],
            "redactions": sum(_count_redactions(p) for p in self.paragraphs),
            "synthetic": True,
        }


def _count_redactions(para: Para) -> int:
    return para.text.count(REDACTED) + sum(b.count(REDACTED) for b in para.bullets)


# -- drawing a draft ------------------------------------------------------------------------
def _pick_year(rng: random.Random) -> int:
    roll = rng.random()
    if roll < 0.12:
        return rng.randint(1966, 1989)
    if roll < 0.22:
        return rng.randint(1990, 2002)
    return rng.randint(2003, 2010)


def _pick_when(rng: random.Random, year: int) -> datetime:
    start = date(year, 1, 1)
    end = date(2010, 2, 26) if year == 2010 else date(year, 12, 31)
    day = start + timedelta(days=rng.randint(0, (end - start).days))
    return datetime(day.year, day.month, day.day, rng.randint(0, 23), rng.randint(0, 59))


def _pick_classification(rng: random.Random, style: str) -> str:
    if style == "modern":
        return rng.choices(list(LEVELS), weights=[14, 17, 40, 6, 13, 10])[0]
    return rng.choices(["UNCLASSIFIED", "CONFIDENTIAL", "SECRET"], weights=[3, 5, 2])[0]


def _person(rng: random.Random) -> tuple[str, str]:
    return rng.choice(FIRST_NAMES), rng.choice(SURNAMES)


def _sentence(rng: random.Random, style: str, redact: bool) -> str:
    first, last = _person(rng)
    official = f"{rng.choice(OFFICIAL_TITLES)} {first} {last}"
    body = rng.choice(BODIES)
    action = rng.choice(ACTIONS)
    concern = rng.choice(CONCERNS)
    when = rng.choice(TIMEFRAMES)
    us = rng.choice(OLD_US_ACTORS if style != "modern" else US_ACTORS)
    source = REDACTED if redact else official
    templates = (
        f"{official} told {us} that the {body} would {action} before {when}.",
        f"According to {official}, the {body} has not yet decided whether to {action}.",
        f"{us.capitalize() if us[0].islower() else us} urged the {body} to {action}, noting "
        f"that {concern}.",
        f"The {body} expects to {action} by {when}, {official} said.",
        f"{official} acknowledged that {concern}, but argued that the {body} could still {action}.",
        f"{source} said privately that {concern}.",
        f"Contacts at the {body} described the mood as cautious; several said {concern}.",
        f'{official} called the plan to {action} "{rng.choice(QUOTES)}."',
    )
    sentence = rng.choice(templates)
    if style == "modern":
        return sentence
    sentence = sentence.upper().replace("'", "")
    if rng.random() < 0.3:  # telegraphese: a negation repeated so garbling cannot flip it
        sentence = sentence.replace(" NOT ", " RPT NOT ", 1)
    return sentence


def _paragraph_text(rng: random.Random, style: str, sentences: int, redact_rate: float) -> str:
    return "  ".join(
        _sentence(rng, style, redact=rng.random() < redact_rate) for _ in range(sentences)
    )


def _subject(rng: random.Random, post: Post, addressee: Post) -> str:
    country = (addressee if post is STATE else post).country
    topic = rng.choice(SUBJECT_TOPICS)
    last = rng.choice(SURNAMES).upper()
    forms = (
        f"{country}: {rng.choice(BODIES).upper()} SIGNALS DELAY ON {topic}",
        f"{country}: {last} ON {topic} AND THE COMING SESSION",
        f"{topic}: {country} WEIGHS OPTIONS",
        f"{country}: NEW QUESTIONS OVER {topic}",
        f"DEMARCHE REQUEST: {topic} IN {country}",
    )
    return rng.choice(forms)


def _recipients(
    rng: random.Random, post: Post, precedence: str, routed: bool
) -> tuple[list, list, Post]:
    """TO and INFO blocks; for STATE cables the first addressee is the post concerned."""
    action, _, info_letter = precedence.partition(" ")
    to_word = PRECEDENCE_WORDS[action]
    info_word = PRECEDENCE_WORDS[info_letter or action]

    def mcn() -> str | None:
        return f"{rng.randint(1, 9999):04d}" if routed and rng.random() < 0.8 else None

    others = [p for p in POSTS if p is not post]
    if post is STATE:
        addressees = rng.sample(others, rng.randint(1, 3))
        main = addressees[0]
        to = [(p.route if routed else None, p.sender, to_word, None) for p in addressees]
    else:
        main = rng.choice(others)
        # Old telegrams often number the TO line too: ``TO SECSTATE WASHDC 7561``.
        old_mcn = str(rng.randint(1000, 9999)) if rng.random() < 0.5 else None
        to_mcn = mcn() if routed else old_mcn
        to = [("RUEHC" if routed else None, "SECSTATE WASHDC", to_word, to_mcn)]
    info = []
    for p in rng.sample(others, rng.randint(0, 4)):
        if p is main and post is STATE:
            continue
        info.append((p.route if routed else None, p.sender, info_word, mcn()))
    if routed and rng.random() < 0.5:
        for route, name in rng.sample(AGENCIES, rng.randint(1, 2)):
            info.append((route, name, info_word, None))
    return to, info, main


def _draw_paragraphs(
    rng: random.Random, style: str, classification: str, post: Post, year: int
) -> tuple[list[Para], str | None, str | None]:
    """Numbered paragraphs with markings no higher than the cable's, and the summary and
    comment texts when the first / last paragraph is one."""
    count = rng.randint(3, 6) if style == "telegram" else rng.randint(3, 11)
    redact_rate = 0.15 if style == "modern" and year >= 2005 else 0.0
    marking_letter, level_caption = LEVELS[classification][3], LEVELS[classification][4]
    classified = not classification.startswith("UNCLASSIFIED")
    lower = {"S": ["S", "C", "U"], "C": ["C", "U"], "SBU": ["SBU", "U"], "U": ["U"]}
    paragraphs: list[Para] = []
    summary = comment = None
    unused_headings = rng.sample(HEADINGS, len(HEADINGS))
    for number in range(1, count + 1):
        text = _paragraph_text(rng, style, rng.randint(2, 6), redact_rate)
        marking = None
        if style != "telegram":
            marking = rng.choice(lower[marking_letter]) if number > 1 else marking_letter
            if level_caption == "NOFORN" and marking in ("S", "C") and rng.random() < 0.6:
                marking += "/NF"
            elif classified and marking == "C" and rng.random() < 0.15:
                marking += f"/REL {post.country.title() if post is not STATE else 'UK'}"
        heading = None
        if style == "modern" and number > 1 and rng.random() < 0.35 and unused_headings:
            heading = unused_headings.pop()
        para = Para(number, text, marking, heading)
        if style != "telegram" and rng.random() < 0.15:
            para.bullets = [_sentence(rng, style, False) for _ in range(rng.randint(2, 4))]
        paragraphs.append(para)
    if count >= 4 and rng.random() < 0.7:
        inner = _paragraph_text(rng, style, rng.randint(2, 4), redact_rate)
        modern = style == "modern"
        opener, closer = ("Summary:", "End summary.") if modern else ("SUMMARY:", "END SUMMARY.")
        paragraphs[0].text = f"{opener} {inner}  {closer}"
        summary = inner
    if count >= 5 and style == "modern" and rng.random() < 0.6:
        inner = _paragraph_text(rng, style, 2, 0.0)
        paragraphs[-1].text = f"Comment: {inner}  End comment."
        paragraphs[-1].heading = None
        paragraphs[-1].bullets = []
        comment = inner
    return paragraphs, summary, comment


def _place_page_breaks(rng: random.Random, paragraphs: list[Para], style: str) -> int | None:
    """Long cables span sections: put the page-break lines inside paragraphs, as the
    transmission did, and return the number of sections (None when unsectioned)."""
    words = sum(len(p.text.split()) for p in paragraphs)
    sections = None
    if style != "telegram" and words > 600:
        sections = 2 if words < 1000 else 3
    elif rng.random() < 0.08:
        sections = 1
    if not sections or sections == 1:
        return sections
    candidates = [i for i, p in enumerate(paragraphs) if len(p.text.split()) > 30 and not p.bullets]
    chosen: set[tuple[int, int]] = set()
    for k in range(1, sections):
        if not candidates:
            break
        i = candidates[min(len(candidates) - 1, k * len(candidates) // sections)]
        chosen.add((i, rng.randint(8, len(paragraphs[i].text.split()) - 8)))
    # Pages are numbered in reading order: paragraph, then word.
    for page, (i, position) in enumerate(sorted(chosen), start=2):
        paragraphs[i].page_breaks.append((position, page))
    return len(chosen) + 1 if chosen else None


def _draw_tags(rng: random.Random, post: Post, main: Post, style: str) -> tuple[list[str], str]:
    """Subject TAGS, then the country concerned (and sometimes another); the separator."""
    tags = [rng.choice(SUBJECT_TAGS) for _ in range(rng.randint(2, 5))]
    tags = [*dict.fromkeys(tags), main.tag if post is STATE else post.tag]
    if rng.random() < 0.3:
        tags.append(rng.choice(POSTS).tag)
    separator = ", " if style == "telegram" and rng.random() < 0.5 else " "
    return list(dict.fromkeys(tags)), separator


def _draw_references(
    rng: random.Random, post: Post, main: Post, year: int
) -> list[tuple[str, str]]:
    """REF entries as written (``LONDON 2961``) and as canonical ids (``08LONDON2961``)."""
    references: list[tuple[str, str]] = []
    if rng.random() >= 0.4:
        return references
    for _ in range(rng.randint(1, 3)):
        ref_post = (
            rng.choice([post, STATE, main]) if post is not STATE else rng.choice([STATE, main])
        )
        ref_serial = rng.randint(100, 199999) if ref_post is STATE else rng.randint(10, 4999)
        canonical = f"{year % 100:02d}{ref_post.station}{ref_serial}"
        if canonical not in {c for _, c in references}:
            references.append((f"{ref_post.banner} {ref_serial}", canonical))
    return references


def _draw_classified_by(
    rng: random.Random, year: int, classified: bool
) -> tuple[str | None, list[str]]:
    """The Classified By line (classified cables since 1995) and the name it gives."""
    if not classified or year < 1995:
        return None, []
    first, last = _person(rng)
    section = "1.4" if year >= 2003 else "1.5"
    title = rng.choice(["PolMinCouns", "Ambassador", "DCM", "PolCouns", "EconCouns"])
    forms = (
        f"Classified By: {title} {first} {last}, reasons {section} (b/d). ",
        f"Classified By: {title} {first} {last} for reasons {section}(b) and (d). ",
        f"Classified By: {title} {first} {last}; Reasons: {section} (b, d) ",
    )
    return rng.choice(forms), [f"{first} {last}"]


def _draft(index: int, seed: int, fmt: str) -> Draft:
    """Cable `index` of corpus `seed`: drawn from its own RNG, so it does not depend on n."""
    rng = random.Random(f"cablescope-demo:{seed}:{index}")
    post = STATE if rng.random() < 0.15 else rng.choice(POSTS)
    year = _pick_year(rng)
    when = _pick_when(rng, year)
    style = "telegram" if year < 1990 else "caps" if year < 2003 else "modern"
    classification = _pick_classification(rng, style)
    level_caption = LEVELS[classification][4]
    classified = not classification.startswith("UNCLASSIFIED")
    serial = rng.randint(100, 199999) if post is STATE else rng.randint(12, 4999)

    precedence = rng.choices(["O", "P", "R", "O P", "P R", "Z"], weights=[30, 30, 25, 8, 6, 1])[0]
    routed = style == "modern" and rng.random() < 0.8
    transmission_id = None
    relay: list[str] = []
    to, info, main = _recipients(rng, post, precedence, routed)
    if routed:
        kind = rng.choice(["XRO", "XYZ"])
        transmission_id = f"VZCZC{kind}{rng.randint(1, 9999):04d}"
        if kind == "XRO":
            relay = sorted({r for r, *_ in info if r and r.startswith("RUEH")})[:6]

    paragraphs, summary, comment = _draw_paragraphs(rng, style, classification, post, year)
    sections = _place_page_breaks(rng, paragraphs, style)

    captions: list[str] = []
    if style == "modern":
        captions.append("SIPDIS")
    if level_caption:
        captions.append(level_caption)
    if style != "modern" and classified and rng.random() < 0.2:
        captions.append(rng.choice(CAPTIONS_OLD))
    office_line = None
    if style == "modern" and rng.random() < 0.4:
        office_line = f"DEPT FOR {rng.choice(OFFICES)}"
    eo_line, declassify_on = _eo(when, classified, year)
    tags, tag_separator = _draw_tags(rng, post, main, style)
    subject = _subject(rng, post, main)
    references = _draw_references(rng, post, main, year)
    classified_by, classified_names = _draw_classified_by(rng, year, classified)
    signer = rng.choice(SURNAMES).upper()
    released = None
    if fmt == "html":
        released = datetime(2010, 11, 28, 18, 6) + timedelta(minutes=rng.randint(0, 60 * 24 * 270))

    return Draft(
        index=index,
        format=fmt,
        post=post,
        year=year,
        when=when,
        serial=serial,
        classification=classification,
        style=style,
        precedence=precedence,
        transmission_id=transmission_id,
        relay=relay,
        to=to,
        info=info,
        sections=sections,
        captions=captions,
        office_line=office_line,
        eo_line=eo_line,
        declassify_on=declassify_on,
        tags=tags,
        tag_separator=tag_separator,
        subject=subject,
        references=references,
        classified_by=classified_by,
        classified_names=classified_names,
        paragraphs=paragraphs,
        summary=summary,
        comment=comment,
        signer=signer,
        released=released,
    )


def _eo(when: datetime, classified: bool, year: int) -> tuple[str | None, str | None]:
    """The E.O. line of the cable's era and the declassification value it means."""
    if year < 1972:
        return None, None
    if not classified:
        order = (
            "11652"
            if year < 1978
            else "12065"
            if year < 1982
            else "12356"
            if year < 1995
            else "12958"
        )
        return f"E.O. {order}: N/A ", None
    if year < 1978:
        return "E.O. 11652: GDS ", "GDS"
    if year < 1982:
        return "E.O. 12065: GDS ", "GDS"
    if year < 1995:
        return "E.O. 12356: DECL: OADR ", "OADR"
    decl = date(when.year + 10, when.month, min(when.day, 28))
    if when.year == 2010:
        return f"E.O. 13526: DECL: {decl:%Y/%m/%d} ", decl.isoformat()
    return f"E.O. 12958: DECL: {decl.month:02d}/{decl.day:02d}/{decl.year} ", decl.isoformat()


# -- writing a draft out --------------------------------------------------------------------
PAGE_BREAK = "\x00PAGE\x00"


def _para_words(para: Para) -> list[str]:
    words = para.text.split(" ")
    # Page breaks go before the chosen word; done from the end so indices hold.
    for position, page in sorted(para.page_breaks, reverse=True):
        words.insert(min(position, len(words)), f"{PAGE_BREAK}{page}")
    return words


def _paragraph_lead(draft: Draft, para: Para, pilcrow: str) -> str:
    marking = f"({para.marking}) " if para.marking else ""
    return f"{pilcrow}{para.number}. {marking}"


def _preamble(draft: Draft, spaced_banner: bool) -> list[str]:
    """The body from the banner to the first paragraph, one entry per line."""
    lines = [draft.banner(spaced_banner), " ", f"{SYNTHETIC_CAPTION} ", " "]
    for caption in draft.captions:
        lines += [f"{caption} ", " "]
    if draft.office_line:
        lines += [f"{draft.office_line} ", " "]
    if draft.eo_line:
        lines.append(draft.eo_line)
    lines.append("TAGS: " + draft.tag_separator.join(draft.tags))
    subject_lines = textwrap.wrap(draft.subject, width=52, break_long_words=False)
    lines.append(f"SUBJECT: {subject_lines[0]} ")
    lines += [f"{line} " for line in subject_lines[1:]]
    lines.append(" ")
    if draft.references:
        if len(draft.references) == 1:
            lines.append(f"REF: {draft.references[0][0]} ")
        else:
            lettered = [
                f"{'ABCDEFG'[i]}. {written}" for i, (written, _) in enumerate(draft.references)
            ]
            if draft.index % 2:  # one a line, indented under the first
                lines.append(f"REF: {lettered[0]} ")
                lines += [f"     {entry} " for entry in lettered[1:]]
            else:
                lines.append("REF: " + " ".join(lettered) + " ")
        lines.append(" ")
    if draft.classified_by:
        lines += [draft.classified_by, " "]
    return lines


def _flowing_body(draft: Draft) -> list[str]:
    """The WikiLeaks one-cable text: each paragraph on one line, as the seeds have it."""
    lines = _preamble(draft, spaced_banner=True)
    for para in draft.paragraphs:
        if para.heading:
            rule = "-" * len(para.heading)
            if para.number % 4 == 0:  # the seeds sometimes glue a heading to its rule
                lines += [f"{para.heading} {rule}  ", " "]
            else:
                lines += [f"{para.heading} ", f"{rule}  ", " "]
        words = [
            f"  {draft.page_break(int(w[len(PAGE_BREAK) :]))}  " if w.startswith(PAGE_BREAK) else w
            for w in _para_words(para)
        ]
        lines.append(
            _paragraph_lead(draft, para, "¶") + " ".join(words).replace("   ", "  ") + "  "
        )
        lines += [f"-- {bullet}  " for bullet in para.bullets]
        lines.append(" ")
    lines += [" ", draft.signer]
    return lines


def _wrapped_body(draft: Draft, width: int = 62) -> list[str]:
    """Hard-wrapped telegram text (raw, HTML, CSV): lines end in a space, blanks are ' '."""
    lines = _preamble(draft, spaced_banner=draft.format not in ("raw",))
    pilcrow = "" if draft.style == "telegram" and draft.format != "html" else "¶"
    for para in draft.paragraphs:
        if para.heading:
            lines += [f"{para.heading} ", "-" * len(para.heading) + " ", " "]
        chunks: list[list[str]] = [[]]
        breaks: list[int] = []
        for word in _para_words(para):
            if word.startswith(PAGE_BREAK):
                breaks.append(int(word[len(PAGE_BREAK) :]))
                chunks.append([])
            else:
                chunks[-1].append(word)
        lead = _paragraph_lead(draft, para, pilcrow)
        for i, chunk in enumerate(chunks):
            text = (lead if i == 0 else "") + " ".join(chunk)
            lines += [
                f"{line} " for line in textwrap.wrap(text, width=width, break_on_hyphens=False)
            ]
            if i < len(breaks):
                lines += [" ", draft.page_break(breaks[i]) + " ", " ", " "]
        for bullet in para.bullets:
            lines += [f"{line} " for line in textwrap.wrap(f"-- {bullet}", width=width)]
        lines.append(" ")
    lines.append(draft.signer)
    return lines


def _wikileaks_text(draft: Draft) -> str:
    """5-line metadata block, routing header, banner glued to the last header line."""
    when = draft.when
    offset = "+0200" if 4 <= when.month <= 10 else "+0100"
    stamp = f"{when:%a %b %d} 00:00:00 {offset} {when.year}"
    subject_first = textwrap.wrap(draft.subject, width=52, break_long_words=False)[0]
    meta = [draft.id, subject_first, stamp, draft.classification, draft.post.origin]
    header = draft.header_lines()
    body = _flowing_body(draft)
    header[-1] = header[-1] + body[0]  # the INFO line runs straight into the banner
    return "\n".join(meta + header + body[1:]) + "\n"


def _raw_text(draft: Draft) -> str:
    body = _wrapped_body(draft)
    if draft.style == "modern" and draft.index % 3 == 0:
        # Some dumps write apostrophes as commas (``GOP,s``).
        body = [line.replace("'", ",") for line in body]
    return "\r\n".join(["", *draft.header_lines(), *body]) + "\r\n"


def _html_page(draft: Draft) -> str:
    when = draft.when
    released = draft.released or when
    nl = "&#x000A;"
    header = nl.join(draft.header_lines())
    body_lines = []
    for line in _wrapped_body(draft):
        if line.startswith("TAGS: "):
            tags = " ".join(f"<a href='/tag/{t}_0.html'>{t}</a>" for t in draft.tags)
            line = f"TAGS: {tags}"
        elif line.startswith("¶") and line[1:2].isdigit():
            number = line[1:].split(".", 1)[0]
            line = f"<a id='par{number}' href='#par{number}'>¶</a>{line[1:]}"
        body_lines.append(line)
    body = nl.join(body_lines)
    level = list(LEVELS).index(draft.classification)
    level_title = draft.classification.lower()
    return f"""<?xml version='1.0' encoding='utf-8' ?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html lang='en' xml:lang='en' xmlns='http://www.w3.org/1999/xhtml'>
<head>
<title>Cable Viewer</title>
</head>
<body>
<div class='main'>
<div class='pane small'>
<p>{SYNTHETIC_CAPTION}: a generated page in the layout of cablegate.wikileaks.org</p>
</div>
<div class='pane big'>
<h3>Viewing cable {draft.id}, {draft.subject}</h3>
<table class='cable'>
<tr>
<th>Reference ID</th>
<th>Created</th>
<th>Released</th>
<th>Classification</th>
<th>Origin</th>
</tr>
<tr>
<td>
<a href='/cable/{when:%Y/%m}/{draft.id}.html'>{draft.id}</a>
</td>
<td>
<a href='/date/{when:%Y-%m}_0.html'>{when:%Y-%m-%d %H:%M}</a>
</td>
<td>
<a href='/reldate/{released:%Y-%m-%d}_0.html'>{released:%Y-%m-%d %H:%M}</a>
</td>
<td>
<a href='/classification/{level}_0.html' title='{level_title}'>{draft.classification}</a>
</td>
<td>
<a href='/origin/{draft.post.route}_0.html'>{draft.post.origin}</a>
</td>
</tr>
</table>
<code><pre>{header}</pre></code>
<code><pre>{body}</pre></code>
</div>
</div>
</body>
</html>
"""


def _csv_row(draft: Draft) -> list[str]:
    w = draft.when
    stamp = f"{w.month}/{w.day}/{w.year} {w.hour}:{w.minute:02d}"
    header = "\n".join(draft.header_lines()) + "\n"
    body = "\n".join(_wrapped_body(draft)) + "\n"
    refs = "|".join(sorted(c for _, c in draft.references))
    return [
        str(draft.index + 1),
        stamp,
        draft.id,
        draft.post.origin,
        draft.classification,
        refs,
        header,
        body,
    ]


def _flatten(lines: list[str]) -> str:
    return " ".join(line.strip() for line in lines if line.strip())


def _jsonl_record(draft: Draft) -> dict[str, Any]:
    """A JSON Lines export: metadata keys and the text with its newlines flattened.

    Half the records carry the routing header (flattened too) under ``header``; the others
    drop it, as exports that kept only the text do.
    """
    record: dict[str, Any] = {
        "origin": draft.post.origin,
        "date": f"{draft.when:%Y-%m-%d %H:%M}",
        "classification": draft.classification,
    }
    if draft.has_header:
        record["header"] = _flatten(draft.header_lines())
    record["body"] = _flatten(_wrapped_body(draft))
    record["synthetic"] = True
    return record


def _csv_text(rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(
        out, quoting=csv.QUOTE_ALL, escapechar="\\", doublequote=False, lineterminator="\n"
    )
    writer.writerows(rows)
    return out.getvalue()


# -- public API -----------------------------------------------------------------------------
def _drafts(n: int, seed: int) -> list[Draft]:
    """The `n` drafts with unique ids and their file names."""
    drafts: list[Draft] = []
    used: set[str] = set()
    for index in range(n):
        draft = _draft(index, seed, FORMATS[index % len(FORMATS)])
        while draft.id in used:
            draft.serial += 1
        used.add(draft.id)
        drafts.append(draft)
    for fmt in ("csv", "jsonl"):
        group = [d for d in drafts if d.format == fmt]
        for k, draft in enumerate(group):
            ext = "csv" if fmt == "csv" else "jsonl"
            draft.file = f"{FOLDERS[fmt]}/cables-{k // ROWS_PER_FILE + 1:03d}.{ext}"
    for draft in drafts:
        if draft.format == "wikileaks":
            draft.file = f"{FOLDERS['wikileaks']}/{draft.id}.txt"
        elif draft.format == "raw":
            draft.file = f"{FOLDERS['raw']}/{draft.id}.txt"
        elif draft.format == "html":
            draft.file = f"{FOLDERS['html']}/cable/{draft.when:%Y/%m}/{draft.id}.html"
    return drafts


def generate(n: int, seed: int = 0) -> Iterator[tuple[str, str]]:
    """``(relative file name, content)`` for `n` synthetic cables; deterministic in `seed`.

    CSV and JSON Lines files hold up to `ROWS_PER_FILE` cables each; the other forms one
    cable a file. Write raw-text files in Latin-1 (`encoding_for`), the rest in UTF-8.
    """
    drafts = _drafts(n, seed)
    grouped: dict[str, list[Draft]] = {}
    for draft in drafts:
        if draft.format == "wikileaks":
            yield draft.file, _wikileaks_text(draft)
        elif draft.format == "raw":
            yield draft.file, _raw_text(draft)
        elif draft.format == "html":
            yield draft.file, _html_page(draft)
        else:
            grouped.setdefault(draft.file, []).append(draft)
    for name, group in grouped.items():
        if name.endswith(".csv"):
            yield name, _csv_text([_csv_row(d) for d in group])
        else:
            yield (
                name,
                "".join(json.dumps(_jsonl_record(d), ensure_ascii=False) + "\n" for d in group),
            )


def generate_records(n: int, seed: int = 0) -> list[dict[str, Any]]:
    """What each of `generate(n, seed)`'s cables is meant to parse to, in the same order."""
    return [draft.record() for draft in _drafts(n, seed)]


def encoding_for(name: str) -> str:
    """The encoding a generated file is written in, from its folder."""
    folder = name.split("/", 1)[0]
    for fmt, path in FOLDERS.items():
        if path == folder:
            return ENCODINGS[fmt]
    return "utf-8"


def write_corpus(out_dir: str | Path, n: int, seed: int = 0) -> list[Path]:
    """Write `generate(n, seed)` under `out_dir` (created if needed); returns the files."""
    root = Path(out_dir)
    written: list[Path] = []
    for name, content in generate(n, seed):
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode(encoding_for(name)))
        written.append(path)
    return written


__all__ = [
    "FORMATS",
    "SYNTHETIC_CAPTION",
    "encoding_for",
    "generate",
    "generate_records",
    "write_corpus",
]
