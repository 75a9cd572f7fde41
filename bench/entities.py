"""Entity extraction benchmark: accuracy on hand-annotated telegrams, and throughput.

    python bench/entities.py                      # P/R/F1 on ../shared/corpus/aad-ner-train
    python bench/entities.py --json               # the same, machine-readable
    python bench/entities.py --throughput --db /tmp/c250k.db --limit 20000

The gold set is History Lab's 150 annotated 1970s telegrams: an entity list
(``N. NAME  TYPE.SUBTYPE``), a ``@@@`` line, then the text with ``[[mention || N]]`` marks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_GOLD = REPO.parent / "shared" / "corpus" / "aad-ner-train"

# --------------------------------------------------------------------------------------
# Gold format
# --------------------------------------------------------------------------------------

_ENTITY_LINE = re.compile(
    r"^\s*(\d+)\s*[.)]?\s+(.*?\S)\s+(PER|ORG|GPE|LOC|FAC|VEH|WEA)(?:\.([A-Z]+))?\s*$"
)
_MARK = re.compile(r"\[\[|\|\||\]\]")
_CLOSE = re.compile(r"\|\|(?:\s*\|\|)?\s*(\d+)?\s*(?:\]\]?)?")


@dataclass(slots=True)
class GoldEntity:
    number: int
    name: str
    type: str
    subtype: str | None


@dataclass(slots=True)
class GoldMention:
    start: int
    end: int
    text: str
    entity: int | None
    type: str | None = None
    subtype: str | None = None
    named: bool = False


@dataclass(slots=True)
class GoldDoc:
    name: str
    text: str
    entities: dict[int, GoldEntity] = field(default_factory=dict)
    mentions: list[GoldMention] = field(default_factory=list)


def _split_header(raw: str) -> tuple[list[str], str]:
    """Entity lines and marked text; copes with a missing ``@@@`` separator."""
    if "@@@" in raw:
        head, _, text = raw.partition("@@@")
        return head.splitlines(), text
    lines = raw.splitlines(keepends=True)
    cut = 0
    for i, line in enumerate(lines):
        if line.strip() and not _ENTITY_LINE.match(line):
            cut = i
            break
    return [line.rstrip("\n") for line in lines[:cut]], "".join(lines[cut:])


def strip_marks(marked: str) -> tuple[str, list[tuple[int, int, int | None]]]:
    """Plain text and ``(start, end, entity)`` spans of a marked text.

    Nested marks (``[[[[OPEC ||2 ]] MEMBERS || 10]]``) use a stack; a closer with one
    bracket (``[[TEHRAN || 3]``) or none, and a doubled ``|| ||4``, are accepted.
    """
    out: list[str] = []
    length = 0
    stack: list[int] = []
    spans: list[tuple[int, int, int | None]] = []
    pos = 0
    for m in _MARK.finditer(marked):
        if m.start() < pos:
            continue
        chunk = marked[pos : m.start()]
        out.append(chunk)
        length += len(chunk)
        token = m.group()
        if token == "[[":
            stack.append(length)
            pos = m.end()
        elif token == "||":
            close = _CLOSE.match(marked, m.start())
            assert close is not None
            pos = close.end()
            if stack:
                number = int(close.group(1)) if close.group(1) else None
                spans.append((stack.pop(), length, number))
        else:
            pos = m.end()
            if stack:
                spans.append((stack.pop(), length, None))
            else:
                out.append(token)
                length += len(token)
    out.append(marked[pos:])
    return "".join(out), spans


def parse_gold(raw: str, name: str = "") -> GoldDoc:
    """One annotated telegram: entities, plain text, mentions with trimmed spans."""
    raw = raw.lstrip("\ufeff").replace("\r\n", "\n")
    head, marked = _split_header(raw)
    doc = GoldDoc(name=name, text="")
    for line in head:
        m = _ENTITY_LINE.match(line.lstrip("\ufeff"))
        if m:
            number = int(m.group(1))
            doc.entities[number] = GoldEntity(
                number, " ".join(m.group(2).split()), m.group(3), m.group(4)
            )
    doc.text, spans = strip_marks(marked)
    for start, end, number in sorted(spans):
        while start < end and doc.text[start].isspace():
            start += 1
        while end > start and doc.text[end - 1].isspace():
            end -= 1
        if start == end:
            continue
        entity = doc.entities.get(number) if number is not None else None
        mention = GoldMention(start, end, doc.text[start:end], number)
        if entity is not None:
            mention.type, mention.subtype = entity.type, entity.subtype
        doc.mentions.append(mention)
    for mention in doc.mentions:
        inner = [
            m
            for m in doc.mentions
            if m is not mention and mention.start <= m.start and m.end <= mention.end
        ]
        entity = doc.entities.get(mention.entity) if mention.entity is not None else None
        mention.named = is_named(mention, entity, inner)
    return doc


def load_gold(folder: Path) -> list[GoldDoc]:
    """Every ``*.txt`` of the gold folder, sorted by name."""
    return [
        parse_gold(path.read_text(encoding="utf-8-sig", errors="replace"), path.stem)
        for path in sorted(folder.glob("*.txt"))
    ]


#: Pronouns and pro-forms: mentions of nothing but these are not named mentions.
PRONOUNS = frozenset(
    [
        "I",
        "ME",
        "MY",
        "MINE",
        "MYSELF",
        "WE",
        "US",
        "OUR",
        "OURS",
        "OURSELVES",
        "YOU",
        "YOUR",
        "YOURS",
        "YOURSELF",
        "YOURSELVES",
        "HE",
        "HIM",
        "HIS",
        "HIMSELF",
        "SHE",
        "HER",
        "HERS",
        "HERSELF",
        "IT",
        "ITS",
        "ITSELF",
        "THEY",
        "THEM",
        "THEIR",
        "THEIRS",
        "THEMSELVES",
        "ONE",
        "WHO",
        "WHOM",
        "WHOSE",
        "WHICH",
        "THAT",
        "THIS",
        "THESE",
        "THOSE",
        "HERE",
        "THERE",
        "BOTH",
        "EACH",
        "ALL",
        "OTHER",
        "OTHERS",
        "SELF",
    ]
)

#: Words that make a nominal, not a name: determiners and quantifiers, common nouns of
#: office, government and groups, titles used alone, and the cable staff abbreviations
#: (EMBOFF, DCM, CODEL). A mention all of whose words are here or pronouns is generic.
GENERIC = frozenset(
    [
        "THE",
        "A",
        "AN",
        "OF",
        "AND",
        "OR",
        "FOR",
        "TO",
        "IN",
        "ON",
        "AT",
        "BY",
        "WITH",
        "FROM",
        "ANY",
        "SOME",
        "SEVERAL",
        "MANY",
        "MOST",
        "ANOTHER",
        "SUCH",
        "SAME",
        "NEW",
        "OLD",
        "FORMER",
        "PRESENT",
        "CURRENT",
        "ENTIRE",
        "WHOLE",
        "TWO",
        "THREE",
        "FOUR",
        "FIVE",
        "SIX",
        "FIRST",
        "SECOND",
        "THIRD",
        "BOTH",
        "EACH",
        "EVERY",
        "ALL",
        "OTHER",
        "OTHERS",
        "NO",
        "NOT",
        "LATTER",
        "ABOVE",
        "FOLLOWING",
        "CERTAIN",
        "VARIOUS",
        "GOVERNMENT",
        "GOVERNMENTS",
        "GOVT",
        "STATE",
        "STATES",
        "COUNTRY",
        "COUNTRIES",
        "NATION",
        "NATIONS",
        "NATIONAL",
        "EMBASSY",
        "EMBASSIES",
        "CONSULATE",
        "MISSION",
        "MISSIONS",
        "POST",
        "DEPARTMENT",
        "DEPT",
        "DEPTS",
        "MINISTRY",
        "MINISTRIES",
        "OFFICE",
        "OFFICES",
        "AGENCY",
        "AGENCIES",
        "BUREAU",
        "COMMITTEE",
        "COMMITTEES",
        "COMMISSION",
        "COUNCIL",
        "ASSEMBLY",
        "SECRETARIAT",
        "CABINET",
        "PARLIAMENT",
        "PARLIAMENTARY",
        "CONGRESSIONAL",
        "LEGISLATURE",
        "COURT",
        "COURTS",
        "ARMY",
        "MILITARY",
        "NAVY",
        "POLICE",
        "FORCES",
        "FORCE",
        "TROOPS",
        "PARTY",
        "PARTIES",
        "REGIME",
        "ADMINISTRATION",
        "AUTHORITIES",
        "AUTHORITY",
        "OFFICIALS",
        "OFFICIAL",
        "DELEGATION",
        "DELEGATIONS",
        "DEL",
        "DELS",
        "DELEGATE",
        "DELEGATES",
        "REPRESENTATIVE",
        "REPRESENTATIVES",
        "REP",
        "REPS",
        "SIDE",
        "SIDES",
        "GROUP",
        "GROUPS",
        "MEMBERS",
        "MEMBER",
        "LEADERS",
        "LEADER",
        "LEADERSHIP",
        "PEOPLE",
        "PEOPLES",
        "PUBLIC",
        "PRESS",
        "MEDIA",
        "WORKERS",
        "EMPLOYEES",
        "STAFF",
        "COMPANY",
        "COMPANIES",
        "FIRM",
        "FIRMS",
        "CORPORATION",
        "BANK",
        "FACTORY",
        "PLANT",
        "UNION",
        "UNIONS",
        "ORGANIZATION",
        "ORGANIZATIONS",
        "ASSOCIATION",
        "INDUSTRY",
        "INDUSTRIES",
        "CAPITAL",
        "CITY",
        "REGION",
        "AREA",
        "AREAS",
        "PROVINCE",
        "BORDER",
        "WEST",
        "EAST",
        "NORTH",
        "SOUTH",
        "WESTERN",
        "EASTERN",
        "NORTHERN",
        "SOUTHERN",
        "CENTRAL",
        "FOREIGN",
        "DOMESTIC",
        "PRESIDENT",
        "PRESIDENTIAL",
        "PRESIDENCY",
        "VICE",
        "PRIME",
        "MINISTER",
        "MINISTERS",
        "SECRETARY",
        "SECRETARIES",
        "DEPUTY",
        "ASSISTANT",
        "UNDER",
        "GENERAL",
        "CHIEF",
        "HEAD",
        "DIRECTOR",
        "CHAIRMAN",
        "CHAIR",
        "COMMANDER",
        "SPOKESMAN",
        "AMBASSADOR",
        "AMBASSADORS",
        "AMB",
        "CHARGE",
        "COUNSELOR",
        "COUNSELLOR",
        "CONSUL",
        "ATTACHE",
        "OFFICER",
        "OFFICERS",
        "ADVISER",
        "ADVISOR",
        "ADVISERS",
        "AIDE",
        "AIDES",
        "EXPERT",
        "EXPERTS",
        "TEAM",
        "KING",
        "QUEEN",
        "PRINCE",
        "SHAH",
        "EMIR",
        "SENATOR",
        "SENATORS",
        "CONGRESSMAN",
        "CONGRESSMEN",
        "JUDGE",
        "JUSTICE",
        "MAYOR",
        "GOVERNOR",
        "MR",
        "MRS",
        "MS",
        "DR",
        "EMBOFF",
        "EMBOFFS",
        "CONOFF",
        "CONOFFS",
        "POLOFF",
        "ECONOFF",
        "DCM",
        "CODEL",
        "CODELS",
        "STAFFDEL",
        "USDEL",
        "UKDEL",
        "FORMIN",
        "FONMIN",
        "FORNMIN",
        "PERMREP",
        "PRIMIN",
        "DEPSEC",
        "SECSTATE",
        "SECGEN",
        "SYG",
        "HOSTAGE",
        "HOSTAGES",
        "COMMUNIST",
        "COMMUNISTS",
        "SOCIALIST",
        "SOCIALISTS",
        "SOCIALISM",
        "EMIGRANT",
        "EMIGRANTS",
        "REFUGEES",
        "ACCUSED",
        "OPPOSITION",
        "POLITICIANS",
        "CLERGY",
        "STUDENTS",
        "FARMERS",
        "PRODUCERS",
        "IMPORTERS",
        "EXPORTERS",
        "CONSUMERS",
        "COMITE",
    ]
)


def _tokens(text: str) -> list[str]:
    text = re.sub(r"['’]\s?[Ss]\b|['’]$", "", text.strip())
    text = re.sub(r"\b([A-Za-z])\.\s?(?=[A-Za-z]\b)", r"\1", text)
    return re.findall(r"[A-Z0-9]+", text.upper().replace(".", "").replace("'", "").replace("’", ""))


def _is_us(entity: GoldEntity | None) -> bool:
    if entity is None:
        return False
    name = " " + " ".join(_tokens(entity.name)) + " "
    return any(k in name for k in (" UNITED STATES ", " US ", " USA ", " USG ", " AMERICA"))


def is_named(mention: GoldMention, entity: GoldEntity | None, inner: list[GoldMention]) -> bool:
    """Is a gold mention a *named* mention of a person, organisation or GPE?

    It must be of type PER, ORG or GPE and hold at least one word that is neither a
    pronoun nor a generic word (`GENERIC`), outside any mention nested in it: "OPEC
    MEMBERS" around a nested "OPEC" is a nominal whose name is the nested mention.
    "US" is the country when the entity is the United States, else the pronoun.
    """
    if mention.type not in {"PER", "ORG", "GPE"}:
        return False
    text = mention.text
    for sub in sorted(inner, key=lambda m: -m.start):
        a, b = sub.start - mention.start, sub.end - mention.start
        text = text[:a] + " " * (b - a) + text[b:]
    words = [w for w in _tokens(text) if not w.isdigit()]
    proper = [w for w in words if w not in GENERIC and w not in PRONOUNS]
    if not proper and [w for w in words if w not in GENERIC] == ["US"] and _is_us(entity):
        return True
    return bool(proper)


# --------------------------------------------------------------------------------------
# Casing table (data/casing.txt), built from the mixed-case cables of the dev corpus
# --------------------------------------------------------------------------------------

_WORD = re.compile(r"[A-Za-z][A-Za-z']*[A-Za-z]|[A-Za-z]")


def casing_counts(records) -> dict[str, list[int]]:
    """``word → [lower, Capitalised, UPPER]`` counts over mixed-case paragraphs.

    Sentence-initial words are skipped: their capital says nothing. All-caps cables are
    skipped whole (their case says nothing either).
    """
    counts: dict[str, list[int]] = {}
    for record in records:
        texts = [p.get("text") or "" for p in record.get("paragraphs") or []]
        letters = [c for t in texts for c in t if c.isalpha()]
        if not letters or sum(c.islower() for c in letters) < 0.3 * len(letters):
            continue
        for text in texts:
            for m in _WORD.finditer(text):
                word = m.group()
                before = text[max(0, m.start() - 3) : m.start()].rstrip()
                if word[0].isupper() and (not before or before[-1] in '.!?:;"(-\n*'):
                    continue
                row = counts.setdefault(word.lower(), [0, 0, 0])
                if word.islower():
                    row[0] += 1
                elif word.isupper() and len(word) > 1:
                    row[2] += 1
                elif word[0].isupper():
                    row[1] += 1
    return counts


def write_casing(counts: dict[str, list[int]], out: Path, min_count: int = 3) -> int:
    """One line a word: ``word<TAB>d[A]`` with d = round(9 × share written lower case)."""
    lines = [
        "# word<TAB>d[A]: d = 0..9, the share (x9) of the word's mid-sentence uses in lower",
        "# case in mixed-case cables; A = mostly written ALL CAPS there (an acronym).",
        "# Built by `python bench/entities.py --build-casing` from the Cablegate dev corpus.",
    ]
    for word in sorted(counts):
        low, cap, up = counts[word]
        total = low + cap + up
        if total < min_count or not word.isascii():
            continue
        code = str(round(9 * low / total))
        if up > low + cap:
            code += "A"
        lines.append(f"{word}\t{code}")
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines) - 3


# --------------------------------------------------------------------------------------
# Running the extractor on a gold telegram
# --------------------------------------------------------------------------------------

_BLOCK = re.compile(r"\S.*?(?=\n[ \t]*\n|\Z)", re.S)
_NUMBER = re.compile(r"(\d{1,2})\.\s+")
_SIGNER = re.compile(r"[A-Z][A-Za-z'-]+(?:[ \t]+[A-Z][A-Za-z'-]+){0,2}")


def gold_record(doc: GoldDoc) -> tuple[dict, dict[tuple[str, int | None], int]]:
    """The telegram as a stored record would hold it, and where each field starts in it.

    Blank lines separate paragraphs; a leading ``N.`` is the paragraph number; a last
    paragraph of one to three capitalised words is the signature; the ``*** Current
    Classification ***`` lines the archive appends are metadata, not text.
    """
    blocks = [(m.start(), m.group()) for m in _BLOCK.finditer(doc.text)]
    blocks = [(s, b) for s, b in blocks if not b.lstrip().startswith("***")]
    offsets: dict[tuple[str, int | None], int] = {}
    paragraphs = []
    signers = []
    if blocks and _SIGNER.fullmatch(blocks[-1][1].strip()):
        start, text = blocks.pop()
        signers = [text.strip()]
        offsets[("signature", None)] = start + (len(text) - len(text.lstrip()))
    for start, text in blocks:
        number = None
        m = _NUMBER.match(text)
        if m:
            number = int(m.group(1))
            start, text = start + m.end(), text[m.end() :]
        offsets[("text", len(paragraphs))] = start
        paragraphs.append({"number": number, "marking": None, "text": text})
    station = re.sub(r"^\d{4}|\d+$", "", doc.name)
    record = {
        "id": doc.name,
        "origin": station,
        "paragraphs": paragraphs,
        "signers": signers,
        "tags": [],
        "subject": None,
    }
    return record, offsets


def predict_rules(doc: GoldDoc) -> list[tuple[int, int, str]]:
    """``(start, end, gold type)`` of every mention the rules find, in document offsets."""
    from cablescope.enrich import extract

    record, offsets = gold_record(doc)
    out = []
    for m in extract(record):
        base = offsets.get((m.field, m.index if m.field == "text" else None))
        if base is None:
            continue
        kind = gold_type(m.kind, m.subtype)
        if kind:
            out.append((base + m.start, base + m.end, kind))
    return out


def gold_type(kind: str, subtype: str | None) -> str | None:
    """Our kind as the gold's type: governments are GPE and regions LOC, as in ACE."""
    if kind == "PERSON":
        return "PER"
    if kind == "ORG":
        return "GPE" if subtype == "government" else "ORG"
    if kind == "PLACE":
        return "LOC" if subtype == "region" else "GPE"
    return None


# --------------------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------------------

TYPES = ("PER", "ORG", "GPE")
_TRIM_HEAD = re.compile(r"^(?:THE|A|AN)\s+", re.I)
_TRIM_TAIL = re.compile(r"(?:\s*['’]\s?S|['’])?[\s.,;:]*$", re.I)


def trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """A span without a leading article nor a trailing possessive: what exact match compares."""
    piece = text[start:end]
    head = _TRIM_HEAD.match(piece)
    if head and head.end() < len(piece):
        start += head.end()
        piece = piece[head.end() :]
    tail = _TRIM_TAIL.search(piece)
    if tail and tail.start() > 0:
        end = start + tail.start()
    return start, end


@dataclass
class Tally:
    gold: int = 0
    pred: int = 0
    exact: int = 0
    relaxed: int = 0

    def prf(self, mode: str) -> tuple[float, float, float]:
        tp = self.exact if mode == "exact" else self.relaxed
        p = tp / self.pred if self.pred else 0.0
        r = tp / self.gold if self.gold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f


def score_doc(
    doc: GoldDoc,
    predicted: list[tuple[int, int, str]],
    tallies: dict[str, Tally],
    errors: list | None = None,
) -> None:
    """Add one document's counts to `tallies` (per type; see `main` for the rules)."""
    text = doc.text
    scored = [m for m in doc.mentions if m.named]
    ignored = [m for m in doc.mentions if not m.named]
    gold_t = [(trimmed(text, m.start, m.end), m.type) for m in scored]
    pred = [(trimmed(text, s, e), t) for s, e, t in predicted if t in TYPES]
    for _, t in gold_t:
        tallies[t].gold += 1
    for mode in ("exact", "relaxed"):
        used_g: set[int] = set()
        used_p: set[int] = set()
        pairs = []
        for pi, ((ps, pe), pt) in enumerate(pred):
            for gi, ((gs, ge), gt) in enumerate(gold_t):
                if pt != gt:
                    continue
                if mode == "exact" and (ps, pe) == (gs, ge):
                    pairs.append((pe - ps, pi, gi))
                elif mode == "relaxed" and ps < ge and gs < pe:
                    pairs.append((min(pe, ge) - max(ps, gs), pi, gi))
        for _, pi, gi in sorted(pairs, reverse=True):
            if pi in used_p or gi in used_g:
                continue
            used_p.add(pi)
            used_g.add(gi)
            if mode == "exact":
                tallies[pred[pi][1]].exact += 1
            else:
                tallies[pred[pi][1]].relaxed += 1
        if mode == "relaxed":
            for pi, ((ps, pe), pt) in enumerate(pred):
                if pi in used_p:
                    tallies[pt].pred += 1
                    continue
                hits_scored = any(ps < ge and gs < pe for (gs, ge), _ in gold_t)
                hits_ignored = any(ps < m.end and m.start < pe for m in ignored)
                if hits_ignored and not hits_scored:
                    continue  # a pronoun, nominal, LOC or untyped gold mention: no call
                tallies[pt].pred += 1
                if errors is not None:
                    errors.append(("FP", pt, text[ps:pe], doc.name))
            if errors is not None:
                for gi, ((gs, ge), gt) in enumerate(gold_t):
                    if gi not in used_g:
                        errors.append(("FN", gt, text[gs:ge], doc.name))


def evaluate(docs: list[GoldDoc], predict, errors: list | None = None) -> dict[str, Tally]:
    tallies = {t: Tally() for t in TYPES}
    for doc in docs:
        score_doc(doc, predict(doc), tallies, errors)
    total = Tally()
    for t in TYPES:
        for name in ("gold", "pred", "exact", "relaxed"):
            setattr(total, name, getattr(total, name) + getattr(tallies[t], name))
    tallies["ALL"] = total
    return tallies


def error_classes(doc: GoldDoc, predicted: list[tuple[int, int, str]]) -> list[tuple]:
    """Why each exact-match error happened: ``(class, type, predicted, gold, doc, context)``.

    ``boundary``: a prediction overlaps a gold mention of its type with other ends;
    ``type``: it overlaps a gold mention of another type only (``PER->ORG`` = said PER);
    ``spurious``: it overlaps no scored gold mention (nor an unscored one: those cost
    nothing); ``missed``: a gold mention that no prediction overlaps.
    """
    text = doc.text
    gold = [(trimmed(text, m.start, m.end), m.type) for m in doc.mentions if m.named]
    ignored = [m for m in doc.mentions if not m.named]
    pred = [(trimmed(text, s, e), t) for s, e, t in predicted if t in TYPES]
    gold_set, pred_set = set(gold), set(pred)

    def context(s: int, e: int) -> str:
        return " ".join(f"{text[max(0, s - 30) : s]}[{text[s:e]}]{text[e : e + 30]}".split())

    out = []
    for (s, e), t in pred:
        if ((s, e), t) in gold_set:
            continue
        over = [(g, gt) for g, gt in gold if g[0] < e and s < g[1]]
        same = [g for g, gt in over if gt == t]
        if same:
            g = same[0]
            out.append(("boundary", t, text[s:e], text[g[0] : g[1]], doc.name, context(s, e)))
        elif over:
            (g0, g1), gt = over[0]
            out.append(("type", f"{t}->{gt}", text[s:e], text[g0:g1], doc.name, context(s, e)))
        elif not any(s < m.end and m.start < e for m in ignored):
            out.append(("spurious", t, text[s:e], "", doc.name, context(s, e)))
    for (s, e), t in gold:
        if ((s, e), t) in pred_set or any(p[0] < e and s < p[1] for p, _ in pred):
            continue
        out.append(("missed", t, "", text[s:e], doc.name, context(s, e)))
    return out


def print_analysis(errors: list[tuple], top: int) -> None:
    """Counts per error class and type, then the commonest cases of each."""
    from collections import Counter

    counts = Counter((e[0], e[1]) for e in errors)
    print("error classes (exact match):")
    for (cls, t), n in sorted(counts.items(), key=lambda kv: -kv[1]):
        print(f"  {cls:9} {t:8} {n:5}")
    for cls, t in sorted(counts, key=lambda k: -counts[k]):
        cases = Counter((e[2], e[3]) for e in errors if (e[0], e[1]) == (cls, t))
        shown = ", ".join(f"{p or '-'!r}/{g or '-'!r}×{n}" for (p, g), n in cases.most_common(top))
        print(f"{cls} {t}: {shown}")


def report(tallies: dict[str, Tally]) -> dict[str, dict[str, float | int]]:
    out: dict[str, dict[str, float | int]] = {}
    for t, tally in tallies.items():
        row: dict[str, float | int] = {"gold": tally.gold, "pred": tally.pred}
        for mode in ("exact", "relaxed"):
            p, r, f = tally.prf(mode)
            row.update(
                {f"{mode}_p": round(p, 4), f"{mode}_r": round(r, 4), f"{mode}_f1": round(f, 4)}
            )
        out[t] = row
    return out


def print_table(title: str, rows: dict[str, dict[str, float | int]]) -> None:
    print(title)
    print(
        f"{'type':5} {'gold':>5} {'pred':>5} | {'exact P':>7} {'R':>6} {'F1':>6} |"
        f" {'relax P':>7} {'R':>6} {'F1':>6}"
    )
    for t, row in rows.items():
        print(
            f"{t:5} {row['gold']:>5} {row['pred']:>5} | {row['exact_p']:>7.3f}"
            f" {row['exact_r']:>6.3f} {row['exact_f1']:>6.3f} | {row['relaxed_p']:>7.3f}"
            f" {row['relaxed_r']:>6.3f} {row['relaxed_f1']:>6.3f}"
        )


# --------------------------------------------------------------------------------------
# The CRF for ALL CAPS text: training, k-fold cross-validation
# --------------------------------------------------------------------------------------


def training_sequences(doc: GoldDoc) -> list[tuple[list[list[str]], list[str]]]:
    """(features, BIO labels) of each field of a gold telegram, after the rules ran."""
    from cablescope.enrich import prepare
    from cablescope.enrich.model import features
    from cablescope.enrich.persons import propagate

    record, offsets = gold_record(doc)
    spans = _label_spans(doc)
    out = []
    states = prepare(record)
    for state in states:
        propagate(state)  # the model tags after the cable's first pass: train on the same
    for state in states:
        base = offsets.get((state.field, state.index if state.field == "text" else None))
        if base is None or not len(state):
            continue
        labels = ["O"] * len(state)
        for t in range(len(state)):
            s, e = base + state.starts[t], base + state.ends[t]
            for gs, ge, gt in spans:
                if gs <= s and e <= ge:
                    first = all(not (gs <= base + state.starts[u] < ge) for u in range(t))
                    before = t == 0 or not (gs <= base + state.starts[t - 1] < ge)
                    labels[t] = ("B-" if before or first else "I-") + gt
                    break
        out.append((features(state), labels))
    return out


def _label_spans(doc: GoldDoc) -> list[tuple[int, int, str]]:
    """Non-overlapping gold spans to learn: named PER/ORG/GPE and LOC, longest first."""
    cands = [m for m in doc.mentions if m.named or (m.type == "LOC" and _tokens(m.text))]
    cands.sort(key=lambda m: -(m.end - m.start))
    chosen: list[tuple[int, int, str]] = []
    for m in cands:
        if m.type is None:
            continue
        if all(m.end <= s or e <= m.start for s, e, _ in chosen):
            chosen.append((m.start, m.end, m.type))
    return chosen


def train_crf(docs: list[GoldDoc], out: Path, c1: float = 0.2, c2: float = 0.01) -> None:
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    for doc in docs:
        for feats, labels in training_sequences(doc):
            trainer.append(feats, labels)
    trainer.set_params(
        {
            "c1": c1,
            "c2": c2,
            "max_iterations": 150,
            "feature.possible_transitions": True,
            "feature.minfreq": 2,
        }
    )
    trainer.train(str(out))


def cross_validate(
    docs: list[GoldDoc],
    k: int = 5,
    errors: list | None = None,
    classes: list | None = None,
    **params,
) -> dict[str, Tally]:
    """Rules + CRF, each fold's CRF trained on the other folds' documents only; `classes`
    collects `error_classes` of every document."""
    import tempfile

    import pycrfsuite

    from cablescope.enrich import model

    tallies = {t: Tally() for t in TYPES}
    with tempfile.TemporaryDirectory() as tmp:
        for fold in range(k):
            train = [d for n, d in enumerate(docs) if n % k != fold]
            test = [d for n, d in enumerate(docs) if n % k == fold]
            path = Path(tmp) / f"fold{fold}.crfsuite"
            train_crf(train, path, **params)
            tagger = pycrfsuite.Tagger()
            tagger.open(str(path))
            model.use(tagger)
            try:
                for doc in test:
                    predicted = predict_rules(doc)
                    score_doc(doc, predicted, tallies, errors)
                    if classes is not None:
                        classes.extend(error_classes(doc, predicted))
            finally:
                model.use(None)
    total = Tally()
    for t in TYPES:
        for name in ("gold", "pred", "exact", "relaxed"):
            setattr(total, name, getattr(total, name) + getattr(tallies[t], name))
    tallies["ALL"] = total
    return tallies


# --------------------------------------------------------------------------------------
# Throughput
# --------------------------------------------------------------------------------------


def load_records(
    db: Path | None, corpus: Path | None, limit: int, query: str | None = None
) -> list[dict]:
    """Records to time: from an archive (``--db``, optionally a search ``--query``; export
    goes oldest first) or a cable corpus (``--corpus``)."""
    records: list[dict] = []
    if db is not None:
        from cablescope.search.query import parse_query
        from cablescope.store import open_store

        store = open_store(db, read_only=True)
        for record in store.export(parse_query(query) if query else None):
            record.pop("raw", None)
            records.append(record)
            if len(records) >= limit:
                break
    else:
        import cablescope

        for cable in cablescope.read([str(corpus)]):
            records.append(cable.to_dict())
            if len(records) >= limit:
                break
    return records


def throughput(records: list[dict], resolve: bool = False) -> dict[str, float]:
    """Cables/s of `extract` over records already in memory, one process, one core."""
    import time

    from cablescope.enrich import extract, mention_refs
    from cablescope.enrich import resolve as resolve_refs

    for record in records[:50]:
        extract(record)  # warm the gazetteers
    start = time.perf_counter()
    mentions = 0
    refs = []
    for record in records:
        found = extract(record)
        mentions += len(found)
        if resolve:
            refs.extend(mention_refs(record, found))
    elapsed = time.perf_counter() - start
    out = {
        "cables": len(records),
        "seconds": round(elapsed, 3),
        "cables_per_s": round(len(records) / elapsed, 1) if elapsed else 0.0,
        "mentions_per_cable": round(mentions / max(len(records), 1), 1),
    }
    if resolve:
        start = time.perf_counter()
        entities = resolve_refs(refs)
        out["resolve_seconds"] = round(time.perf_counter() - start, 3)
        out["entities"] = len(entities)
    return out


# --------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    import argparse
    import json
    import sys

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--gold", type=Path, default=DEFAULT_GOLD, help="annotated telegrams folder")
    ap.add_argument("--folds", type=int, default=5, help="k of the CRF's k-fold CV (default 5)")
    ap.add_argument("--no-model", action="store_true", help="rules only, skip the CRF rows")
    ap.add_argument("--json", action="store_true", help="print JSON instead of tables")
    ap.add_argument("--errors", type=int, default=0, help="print the N commonest FP and FN")
    ap.add_argument(
        "--analysis",
        type=int,
        default=0,
        metavar="N",
        help="print exact-match error classes (boundary, type, spurious, missed) of the\n"
        "rules+CRF run (rules alone with --no-model), with the N commonest of each",
    )
    ap.add_argument(
        "--train-model",
        type=Path,
        metavar="OUT",
        help="train the CRF on every gold telegram and write it to OUT",
    )
    ap.add_argument(
        "--build-casing",
        type=Path,
        metavar="OUT",
        help="rebuild the casing table from --corpus into OUT",
    )
    ap.add_argument("--throughput", action="store_true", help="time extraction instead")
    ap.add_argument("--db", type=Path, help="archive to read records from (--throughput)")
    ap.add_argument(
        "--corpus",
        type=Path,
        default=REPO.parent / "shared" / "corpus" / "cablegate-html-dev.tar.gz",
    )
    ap.add_argument("--limit", type=int, default=20000, help="records to time (--throughput)")
    ap.add_argument("--query", help="search query selecting the --db records to time")
    ap.add_argument("--resolve", action="store_true", help="also time resolution (--throughput)")
    args = ap.parse_args(argv)

    if args.build_casing:
        records = load_records(None, args.corpus, 10**9)
        print(write_casing(casing_counts(records), args.build_casing), "words")
        return 0
    if args.throughput:
        records = load_records(args.db, None if args.db else args.corpus, args.limit, args.query)
        result = throughput(records, args.resolve)
        print(
            json.dumps(result)
            if args.json
            else f"{result['cables']} cables in {result['seconds']} s: "
            f"{result['cables_per_s']} cables/s, {result['mentions_per_cable']} mentions/cable"
            + (
                f"; resolve {result['resolve_seconds']} s, {result['entities']} entities"
                if args.resolve
                else ""
            )
        )
        return 0
    docs = load_gold(args.gold)
    if args.train_model:
        train_crf(docs, args.train_model)
        print(f"wrote {args.train_model} ({args.train_model.stat().st_size} bytes)")
        return 0
    from cablescope.enrich import model

    errors: list = []
    classes: list = []
    model.ENABLED = False
    results = {"rules": report(evaluate(docs, predict_rules, errors))}
    if args.analysis and args.no_model:
        for doc in docs:
            classes.extend(error_classes(doc, predict_rules(doc)))
    model.ENABLED = True
    if not args.no_model:
        try:
            results[f"rules+crf ({args.folds}-fold CV)"] = report(
                cross_validate(
                    docs,
                    args.folds,
                    errors if args.errors else None,
                    classes if args.analysis else None,
                )
            )
        except ImportError:
            print("python-crfsuite is not installed: rules only", file=sys.stderr)
    if args.json:
        print(json.dumps({"documents": len(docs), "results": results}, indent=2))
    else:
        print(f"{len(docs)} annotated telegrams, named PER/ORG/GPE mentions\n")
        for title, rows in results.items():
            print_table(title, rows)
            print()
    if args.analysis:
        print_analysis(classes, args.analysis)
    if args.errors:
        from collections import Counter

        counts = Counter(errors)
        for kind in ("FP", "FN"):
            for t in TYPES:
                top = [f"{e[2]!r}×{n}" for e, n in counts.most_common() if e[:2] == (kind, t)]
                print(kind, t, ", ".join(top[: args.errors]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
