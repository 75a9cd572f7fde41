"""The signers rule: the surname(s) that close a cable (``TUTTLE``, ``CLINTON``).

A cable ends with its signature: a line with the sender's surname, sometimes glued to the
last sentence (``BEIRUT MINIMIZE CONSIDERED.  EAGLETON``), often followed by noise that is
not text: a classification line, NNNN, a NARA page header or ``Declassified/Released``
footer, ``NOTE: NOT PASSED …``, a "Visit our classified website" line, HTML remnants. We
walk up from the end over that trailer and read the names on the first line left.

`find_signature` also says where the text proper ends (before the signature, before a
"Visit London's Classified Website" line glued in front of it, and before the trailer),
so the paragraphs rule can end the last paragraph there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from cablescope.parse.state import ParseState

#: Lines after the signature that are not text (matched against the stripped line).
_TRAILER_LINE_RE = re.compile(
    r"""
    [\s"'.,;:>\\=_*#/|~+`()\[\]-]*
    | (?:</?[A-Za-z]+[^>]*>\s*)+
    | (?:UNCLAS(?:SIFIED)?|CONFIDENTIAL|SECRET|TOP\ SECRET|LIMITED\ OFFICIAL\ USE
         |SENSITIVE\ BUT\ UNCLASSIFIED)
      (?:[\s/,-]*(?:NOFORN|NF|SIPDIS|EXDIS|NODIS|LIMDIS|FOUO|ORCON|PROPIN|REL\b[A-Z ,/]*))*\W*
    | NNNN.* | End\s+Cable\s+Text | [Xx]{5,} | BT | =+\s*CABLE\s+ENDS\s*=+
    | \#+\s*END.* | //\s*END\s*//
    | Declassified/Released\b.* | Review\s+\d{1,2}\s+[A-Za-z]{3}\s+\d{4}
    | NOTE\b.*\bNOT\s+PASSED\b.* | NOTE\s+BY\s+[A-Z/ ]+:.*
    | PAGE\s+\d{1,3}\b.*
    | [A-Z][A-Z.'\-]*(?:\ [A-Z][A-Z.'\-]*){0,3}\s+\d{8}\s+\d{3}(?:\.\d)?\s+OF\s+\d{3}.*
    | \d{4}[A-Z]{3,}\d{3,}\b.* | \d{1,3} | "?\s*Classification:.*
    | "?Visit\b.*\b[Ww]eb\s*[Ss]ite\b.*
    | \S*(?:https?://|www\.|\.gov\b|\.cfm\b)\S*
    | (?:[A-Z]\ ){3,}[A-Z]\b.*
    """,
    re.X,
)
#: A line that opens a numbered paragraph is text, whatever else it looks like.
_PARAGRAPH_LINE_RE = re.compile(r"\s*(?:¶\s*)?\d{1,3}\.")
_NUMBER_ONLY_RE = re.compile(r"\s*(?:¶\s*)?\d{1,3}\.\s*(?:\([^()\n]*\)\s*)?")

_PARTICLES = r"(?:van|von|de|del|der|den|da|di|du|la|le|ter)"
_TOKEN = rf"(?:(?:Mc|Mac|O'|O’|D'|D’)?[A-Z][A-Za-z'’\-]*[A-Za-z]|[A-Z]\.|{_PARTICLES})"
_NAME = rf"{_TOKEN}(?:[ \t]+{_TOKEN}){{0,2}}"
#: A line that is nothing but names: ``TUTTLE..``, ``van Voorst``, ``CROCKER/PETRAEUS``.
_NAMES_LINE_RE = re.compile(rf"[ \t]*(?P<names>{_NAME}(?:[ \t]*/[ \t]*{_NAME})*)[\s.,#\\*\"]*")
#: A surname glued to the end of the last sentence: ``… CONSIDERED.  EAGLETON``.
_INLINE_NAME_RE = re.compile(
    r"(?P<pre>\S)(?P<gap>[ \t]*)(?P<name>(?:Mc|Mac|O'|O’)?[A-Z][A-Za-z'’\-]*[A-Za-z])[ \t.#\\*\"]*$"
)
_UPPER_PARTICLE_RE = re.compile(r"(?:VAN|VON|DE|DEL|DER|DEN|DA|DI|DU|LA|LE|TER|ST\.?)[ \t]+$")
#: "Visit London's Classified Website: …" right before the signature is boilerplate.
_VISIT_RE = re.compile(r"\"?Visit\b[^\n]{0,60}?\bWeb\s*site\b[^\n]*\s*$", re.I)

#: Words that end a cable but are no surname.
_STOP_WORDS = frozenset({
    "END", "TEXT", "COMMENT", "COMMENTS", "SUMMARY", "NOTE", "BT", "NNNN", "SIPDIS", "NOFORN",
    "EXDIS", "NODIS", "LIMDIS", "MINIMIZE", "CONSIDERED", "REGARDS", "THANKS", "UNCLASSIFIED",
    "UNCLAS", "CONFIDENTIAL", "SECRET", "CLASSIFIED", "DECLASSIFIED", "RELEASED", "THE", "AND",
    "OR", "OF", "TO", "FOR", "ACTION", "INFO", "REF", "REFTEL", "REFTELS", "PARA", "BEGIN",
    "TAGS", "SUBJECT", "SIGNED", "DRAFTED", "CLEARED", "APPROVED", "SINCERELY", "CABLE", "ENDS",
    "MESSAGE", "BY", "STATE"
})
#: Capitalised words that start sentences; after a full stop they are no signature.
_COMMON_WORDS = frozenset({
    "A", "An", "The", "This", "That", "These", "Those", "It", "Its", "In", "On", "At", "As",
    "By", "For", "From", "Of", "To", "With", "We", "He", "She", "They", "I", "You", "Our",
    "His", "Her", "Their", "There", "Here", "Post", "Embassy", "Mission", "Department", "See",
    "Please", "Thanks", "Regards", "Comment", "Summary", "End", "Note", "Begin", "Text", "Ref",
    "Reftel", "Para", "Paragraph", "If", "But", "And", "Or", "So", "Also", "All", "No", "Not",
    "Yes", "Mr", "Ms", "Mrs", "Dr", "What", "When", "Where", "Who", "Why", "How", "Such",
    "Other", "Some", "Any", "Each", "Both", "New", "More", "Most", "Many"
})


_REDACTED_RE = re.compile(r"[Xx]{3,}")
_PARTICLE_RE = re.compile(_PARTICLES)
#: What may stand right before a glued surname besides a full stop.
_INLINE_LEAD_RE = re.compile(
    r"(?:cfm|html?|/|[Xx]{4,}|\*{3,}|\bEND\s+(?:OF\s+)?(?:COMMENT|TEXT|SUMMARY)S?|\bOF\s+\d{3}"
    r"|(?:https?://|www\.)\S*(?:[ ]\S+)?)$",
    re.I,
)


@dataclass(slots=True)
class Signature:
    """Where the text proper ends and the names that sign it, as written."""

    text_end: int
    names: list[str] = field(default_factory=list)


def _is_name_tokens(names: str) -> bool:
    """Real surname tokens: no stop word, one casing style, not a lone initial."""
    tokens = names.replace("/", " ").split()
    if not tokens or any(t.upper().strip(".") in _STOP_WORDS for t in tokens):
        return False
    if not any(len(t.strip(".'’")) >= 3 for t in tokens) or any(
        _REDACTED_RE.fullmatch(t) for t in tokens
    ):
        return False
    cased = [t for t in tokens if not _PARTICLE_RE.fullmatch(t)]
    if not cased:
        return False
    if all(t.isupper() for t in cased):
        return True
    # Title case ("Clinton", "van Voorst"): at most three words a name, no common word last.
    return all(not t.isupper() or len(t) <= 2 for t in cased) and all(
        len(n.split()) <= 3 and n.split()[-1] not in _COMMON_WORDS for n in names.split("/")
    )


def _split_names(names: str) -> list[str]:
    return [" ".join(n.split()).strip(".,#\\*") for n in names.split("/") if n.strip()]


def _line_bounds(text: str, end: int, floor: int) -> tuple[int, int]:
    """(start, end) of the line that ends at `end` (exclusive), not before `floor`."""
    start = text.rfind("\n", floor, end) + 1
    return max(start, floor), end


def find_signature(text: str, start: int = 0) -> Signature:
    """Read the signature at the end of `text[start:]`; never raises."""
    end = len(text)
    while end > start and text[end - 1] in " \t\r\n":
        end -= 1
    # Walk up over the trailer (at most 60 lines of it).
    for _ in range(60):
        if end <= start:
            return Signature(start)
        line_start, line_end = _line_bounds(text, end, start)
        line = text[line_start:line_end].strip()
        if line and (_PARAGRAPH_LINE_RE.match(line) or not _TRAILER_LINE_RE.fullmatch(line)):
            break
        end = line_start - 1 if line_start > start else start
        while end > start and text[end - 1] in " \t\r\n":
            end -= 1
    else:
        return Signature(end)
    line_start, line_end = _line_bounds(text, end, start)
    line = text[line_start:line_end]
    names: list[str] = []
    sig_start = end
    whole = _NAMES_LINE_RE.fullmatch(line)
    if whole and _is_name_tokens(whole.group("names")):
        names = _split_names(whole.group("names"))
        sig_start = line_start
        sig_start, names = _more_signers(text, start, sig_start, names)
    else:
        inline = _INLINE_NAME_RE.search(line, max(0, len(line) - 80))
        if inline and _inline_ok(inline, line):
            sig_start = line_start + inline.start("name")
            particle = _UPPER_PARTICLE_RE.search(
                line, max(0, inline.start("name") - 12), inline.start("name")
            )
            if particle and inline.group("name").isupper():
                sig_start = line_start + particle.start()
            names = _split_names(text[sig_start:line_end])
    if not names:
        return Signature(end)
    text_end = sig_start
    low = max(start, sig_start - 300)
    found = text.find("isit", low, sig_start)
    if found < 0:
        found = text.find("ISIT", low, sig_start)
    visit = _VISIT_RE.search(text, max(low, found - 2), sig_start) if found > 0 else None
    if visit:
        prefix = text[text.rfind("\n", start, visit.start()) + 1 : visit.start()]
        if not _NUMBER_ONLY_RE.fullmatch(prefix):  # not a paragraph of its own
            text_end = visit.start()
    return Signature(text_end, _unique(names))


def _unique(names: list[str]) -> list[str]:
    """Names once each, in order (``FRISBIE`` signed twice is one signer)."""
    return [name for index, name in enumerate(names) if name and name not in names[:index]]


def _inline_ok(match: re.Match[str], line: str) -> bool:
    """A glued surname counts after a full stop (or a URL), in capitals or a rare word."""
    name = match.group("name")
    if not _is_name_tokens(name):
        return False
    before = line[: match.start("name")].rstrip()
    if not before or _NUMBER_ONLY_RE.fullmatch(before):
        return False  # "5. (U) Fifth." is a paragraph, not a signature
    if not match.group("gap"):
        # Glued without a space ("… in the Gulf.HENZEL"): only a capital surname after a stop.
        return (match.group("pre") == "." and name.isupper() and len(name) >= 4
                and not before.isupper())
    after_stop = match.group("pre") in ".!?)\"'’" or _INLINE_LEAD_RE.search(before) is not None
    if not after_stop:
        return False
    if name.isupper():
        return True
    return " " not in name and name not in _COMMON_WORDS


def _more_signers(text: str, start: int, sig_start: int, names: list[str]) -> tuple[int, list[str]]:
    """Up to two more one-word name lines right above (joint signatures)."""
    for _ in range(2):
        if sig_start <= start + 1:
            break
        prev_start, prev_end = _line_bounds(text, sig_start - 1, start)
        prev = text[prev_start:prev_end].strip(" \t\r.")
        if not prev or " " in prev or not _NAMES_LINE_RE.fullmatch(prev):
            break
        if not _is_name_tokens(prev) or prev.isupper() != names[0].isupper():
            break
        # The line above the extra signer must close the text, or it is the text's last word.
        above_start, above_end = _line_bounds(text, max(prev_start - 1, start), start)
        above = text[above_start:above_end].rstrip()
        if prev_start > start and above and above[-1] not in ".!?:\"')":
            break
        names = [prev, *names]
        sig_start = prev_start
    return sig_start, names


def canonical_signer(name: str) -> str:
    """Upper case, straight apostrophe, single spaces, no trailing punctuation."""
    return " ".join(name.replace("’", "'").upper().split()).strip(".,#\\*")


def signers(text: str, canonicalize: bool = True) -> list[str]:
    """The surnames that sign `text`; upper-cased and normalised unless told not to."""
    if not text:
        return []
    names = find_signature(text).names
    return _unique([canonical_signer(name) for name in names]) if canonicalize else names


def apply(state: ParseState) -> None:
    """Set `Cable.signers`; make sure the last paragraph does not end with the signature."""
    signature = state.scratch.get("signature")
    computed_here = not isinstance(signature, Signature)
    if computed_here:
        signature = find_signature(state.body, state.preamble_end)
        state.scratch["signature"] = signature
    state.scratch["signers_written"] = list(signature.names)
    canonical = _unique([canonical_signer(name) for name in signature.names])
    state.cable.signers = canonical
    # The paragraphs rule ends the last paragraph before the signature when it ran with
    # it; otherwise drop a last line that is just the signature.
    if computed_here and state.cable.paragraphs and signature.names:
        last = state.cable.paragraphs[-1]
        head, _, tail = last.text.rstrip().rpartition("\n")
        if head and canonical_signer(tail) in canonical:
            last.text = head.rstrip()
