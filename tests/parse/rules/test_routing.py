"""The routing-header rule: addressees, sender, date-time group, precedence and `apply`.

Expected values come from the gold files and seeds in ../shared, from facts read by hand
off real raw-text headers, and from small headers written here for one form each.
"""

from __future__ import annotations

import html
import json
import re
import tarfile
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cablescope.model import Precedence, Recipient
from cablescope.parse.rules import routing
from cablescope.parse.rules.routing import (
    apply,
    dtg,
    info_recipients,
    precedence,
    read_header,
    recipients,
    sender,
)
from cablescope.parse.state import Document, ParseState

RECIPIENT_KEYS = ("route", "name", "precedence", "mcn", "excluded")


def _as_dicts(found: list[Recipient], keys: tuple[str, ...] = RECIPIENT_KEYS) -> list[dict]:
    return [{key: getattr(r, key) for key in keys} for r in found]


def _state(header: str = "", body: str = "") -> ParseState:
    state = ParseState(Document(format="test", header=header, body=body))
    apply(state)
    return state


def _one(line: str) -> Recipient:
    """The single TO addressee of a one-line header."""
    found = recipients(f"TO {line}")
    assert len(found) == 1, found
    return found[0]


# -- gold and seeds ---------------------------------------------------------------------


@pytest.mark.parametrize("field", ["recipients", "info_recipients"])
def test_gold_records_all_pass(shared_path, field: str) -> None:
    func = recipients if field == "recipients" else info_recipients
    path = shared_path("gold", "cablemap-dev", f"{field}.jsonl")
    records = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line]
    assert records
    failures = []
    for record in records:
        expected = record["expected"]
        keys = tuple(expected[0]) if expected else ("route", "name")
        actual = _as_dicts(func(record["input"]), keys)
        if actual != expected:
            failures.append((record["input"], expected, actual))
    assert failures == []


@pytest.fixture(scope="module")
def seed_gold(shared_path) -> dict:
    return json.loads(shared_path("gold", "seeds.json").read_text("utf-8"))


@pytest.mark.parametrize("seed_id", ["08LONDON3062", "09STATE65183"])
def test_seed_routing_fields(seeds_dir, seed_gold, seed_id: str) -> None:
    text = (seeds_dir / f"{seed_id}.txt").read_text("utf-8")
    gold = seed_gold[seed_id]
    assert dtg(text) == gold["dtg"]
    expected_precedence = {"info": None, **gold["precedence"]}
    assert precedence(text).to_dict() == expected_precedence
    found_sender = sender(text)
    assert found_sender is not None
    assert {"route": found_sender.route, "name": found_sender.name} == gold["sender"]
    keys = ("route", "name", "precedence", "mcn")
    assert _as_dicts(recipients(text), keys) == gold["to"]
    assert _as_dicts(info_recipients(text), keys) == gold["info"]


@pytest.mark.parametrize("seed_id", ["08LONDON3062", "09STATE65183"])
def test_seed_apply_as_header_and_inside_body(seeds_dir, seed_gold, seed_id: str) -> None:
    text = (seeds_dir / f"{seed_id}.txt").read_text("utf-8")
    gold = seed_gold[seed_id]
    start = re.search(r"^(?:VZCZC|O P )", text, re.MULTILINE)
    assert start is not None
    for state in (_state(header=text[start.start():]), _state(body=text[start.start():])):
        cable = state.cable
        assert cable.dtg == gold["dtg"]
        assert cable.transmission_id == gold["transmission_id"]
        assert cable.precedence.action == gold["precedence"]["action"]
        assert [r.name for r in cable.to] == [r["name"] for r in gold["to"]]
        assert [r.mcn for r in cable.info] == [r["mcn"] for r in gold["info"]]
        assert cable.problems == []


def test_london_seed_de_line_goes_to_scratch(seeds_dir) -> None:
    text = (seeds_dir / "08LONDON3062.txt").read_text("utf-8")
    state = _state(header=text)
    assert state.scratch["routing"] == {
        "route": "RUEHLO", "serial": "3062", "section": "01", "julian": "3431651",
        "handling": "ZNY", "transmission_class": "SSSSS",
    }


# -- real raw-text headers (CRLF, Latin-1) ----------------------------------------------


def _raw(shared_path, name: str) -> str:
    return shared_path("corpus", "raw-text", name).read_bytes().decode("latin-1")


def test_raw_new_delhi_header(shared_path) -> None:
    text = _raw(shared_path, "06NEWDELHI5138.txt")
    found = read_header(text)
    assert found.transmission_id == "VZCZCXRO7384"
    assert found.dtg == "2006-07-21T10:10:00Z"
    assert found.precedence == Precedence("IMMEDIATE", None)
    assert found.transmission["route"] == "RUEHNE" and found.transmission["serial"] == "5138"
    assert _as_dicts(found.to, ("route", "name", "precedence", "mcn")) == [
        {"route": "RUEHC", "name": "SECSTATE WASHDC", "precedence": "IMMEDIATE", "mcn": "6831"}
    ]
    assert len(found.info) == 23
    assert (found.info[0].route, found.info[0].name, found.info[0].mcn) == (
        "RUEHBJ", "AMEMBASSY BEIJING", "3090")
    assert (found.info[-1].route, found.info[-1].name) == ("RUEKJCS", "JOINT STAFF WASHDC")
    assert found.problems == []


def test_raw_header_with_trailing_zdk_and_office_suffix(shared_path) -> None:
    assert dtg(_raw(shared_path, "06NEWDELHI5239.txt")) == "2006-07-26T08:58:00Z"
    info = info_recipients(_raw(shared_path, "07BOGOTA1232.txt"))
    assert info[-1].name == "SECDEF WASHDC//USDP ADMIN/CHAIRS//"
    assert [r.route for r in info].count("RUEKJCS") == 2


def test_raw_header_without_routes_after_distribution_block(shared_path) -> None:
    found = read_header(_raw(shared_path, "09USEUBRUSSELS1177.txt"))
    assert found.transmission_id is None and found.transmission == {}
    assert found.dtg == "2009-08-25T15:50:00Z"
    assert found.sender_name == "USEU BRUSSELS"
    assert [r.name for r in found.to] == [
        "SECSTATE WASHDC", "US CUSTOMS AND BORDER PROTECTION WASHINGTON DC"]
    assert found.info == []  # the INFO LOG-00 … block lists offices, not addressees


def test_raw_header_inside_body(shared_path) -> None:
    text = _raw(shared_path, "07KINGSTON382.txt").replace("\r\n", "\n")
    cable = _state(body=text).cable
    assert cable.dtg == "2007-03-19T15:58:00Z"
    assert cable.sender is not None and cable.sender.route == "RUEHKG"
    assert _as_dicts(cable.to, ("route", "name", "precedence", "mcn")) == [
        {"route": None, "name": "SECSTATE WASHDC", "precedence": "PRIORITY", "mcn": "4496"}
    ]


@pytest.mark.corpus
def test_cablegate_pages_dtg_sender_and_addressees(shared_path) -> None:
    """Every HTML page whose header has a DTG-shaped line gets its DTG read."""
    tarball = shared_path("corpus", "cablegate-html-dev.tar.gz")
    first_pre = re.compile(r"<pre[^>]*>(.*?)</pre>", re.DOTALL)
    dtg_shaped = re.compile(r"^\s*(?:[A-Z]\s+){0,2}\d{6}[A-Z]\s+[A-Za-z]{3}\s+\d\d", re.MULTILINE)
    pages = with_dtg = read_dtg = with_fm = read_fm = with_to = read_to = 0
    with tarfile.open(tarball) as tar:
        for member in tar:
            if not member.name.endswith(".html"):
                continue
            page = tar.extractfile(member).read().decode("utf-8")  # type: ignore[union-attr]
            match = first_pre.search(page)
            header = html.unescape(match.group(1)) if match else ""
            found = read_header(header)
            pages += 1
            if dtg_shaped.search(header):
                with_dtg += 1
                read_dtg += found.dtg is not None
            if re.search(r"^FM ", header, re.MULTILINE):
                with_fm += 1
                read_fm += found.sender_name is not None
            if re.search(r"^TO ", header, re.MULTILINE):
                with_to += 1
                read_to += bool(found.to)
    assert pages == 3347
    assert with_dtg > 3000 and read_dtg == with_dtg
    assert read_fm == with_fm
    assert read_to >= 0.995 * with_to


# -- addressee line forms ---------------------------------------------------------------


def test_route_name_precedence_and_mcn() -> None:
    found = _one("RUEHC/SECSTATE WASHDC IMMEDIATE 0617")
    assert (found.route, found.name, found.precedence, found.mcn) == (
        "RUEHC", "SECSTATE WASHDC", "IMMEDIATE", "0617")
    assert found.excluded == []


def test_name_without_route() -> None:
    found = _one("AMEMBASSY ISLAMABAD IMMEDIATE")
    assert (found.route, found.name, found.precedence, found.mcn) == (
        None, "AMEMBASSY ISLAMABAD", "IMMEDIATE", None)


def test_no_precedence_with_and_without_mcn() -> None:
    found = info_recipients("INFO RUEHTH/AMEMBASSY ATHENS 0121\nRUEUITH/DET 1 39LG ANKARA TU")
    assert [(r.route, r.name, r.precedence, r.mcn) for r in found] == [
        ("RUEHTH", "AMEMBASSY ATHENS", None, "0121"),
        ("RUEUITH", "DET 1 39LG ANKARA TU", None, None),
    ]


@pytest.mark.parametrize("word", ["FLASH", "IMMEDIATE", "PRIORITY", "ROUTINE", "NIACT IMMEDIATE"])
def test_precedence_words(word: str) -> None:
    found = _one(f"AMEMBASSY KUWAIT {word} 4708")
    assert (found.name, found.precedence, found.mcn) == ("AMEMBASSY KUWAIT", word, "4708")


def test_mcn_variants() -> None:
    assert _one("RUEHLO/AMEMBASSY LONDON 8778 PRIORITY").mcn == "8778"
    assert _one("RUEHMN/AMEMBASSY MONTEVIDEO PRIORITY 738").mcn == "738"
    glued = _one("RUEHUNV/USMISSION UNVIE VIENNA0162")
    assert (glued.name, glued.mcn) == ("USMISSION UNVIE VIENNA", "0162")
    ranged = _one("ZEN/AMEMBASSY MOSCOW NIACT IMMEDIATE 4778-4781")
    assert (ranged.route, ranged.name, ranged.precedence, ranged.mcn) == (
        None, "AMEMBASSY MOSCOW", "NIACT IMMEDIATE", "4778-4781")
    # a short trailing number with no precedence is part of the name
    assert (_one("RBDEFCK/CTF 345").name, _one("RBDEFCK/CTF 345").mcn) == ("CTF 345", None)


def test_office_suffix_and_spacing_are_kept_as_written() -> None:
    found = _one("JOINT STAFF WASHDC//J-3/J-5//   PRIORITY")
    assert (found.name, found.precedence) == ("JOINT STAFF WASHDC//J-3/J-5//", "PRIORITY")


def test_continuation_lines_and_blank_line_inside_block() -> None:
    header = ("FM AMEMBASSY BOGOTA\nTO RUEHC/SECSTATE WASHDC PRIORITY 1111\n"
              "INFO RUEHCV/AMEMBASSY CARACAS 2222\n\nRUEHUB/USINT HAVANA PRIORITY 0060\n"
              "RUEAIIA/CIA WASHDC")
    assert [r.name for r in info_recipients(header)] == [
        "AMEMBASSY CARACAS", "USINT HAVANA", "CIA WASHDC"]
    assert [r.name for r in recipients(header)] == ["SECSTATE WASHDC"]


def test_collective() -> None:
    found = _one("ALL DIPLOMATIC POSTS COLLECTIVE PRIORITY")
    assert (found.name, found.precedence) == ("ALL DIPLOMATIC POSTS COLLECTIVE", "PRIORITY")


def test_page_break_lines_inside_blocks_are_skipped() -> None:
    header = ("P 182318Z FEB 09\nFM SECSTATE WASHDC\nTO AMEMBASSY BEIJING IMMEDIATE\n"
              "INFO PAGE 02        STATE   050524  131535Z\nAMEMBASSY BAGHDAD PRIORITY\n"
              "PAGE 03        STATE   050524  131535Z\nAMEMBASSY AMMAN")
    assert [r.name for r in recipients(header)] == ["AMEMBASSY BEIJING"]
    assert [r.name for r in info_recipients(header)] == ["AMEMBASSY BAGHDAD", "AMEMBASSY AMMAN"]


def test_zen_addressees_have_no_route() -> None:
    header = ("TO ZEN/AMEMBASSY BELMOPAN NIACT IMMEDIATE 2276-2279\n"
              "RUEHKV/AMEMBASSY KYIV NIACT IMMEDIATE 7881-7884\n"
              "INFO ZEN/CNO WASHINGTON DC IMMEDIATE")
    assert [(r.route, r.name) for r in recipients(header)] == [
        (None, "AMEMBASSY BELMOPAN"), ("RUEHKV", "AMEMBASSY KYIV")]
    assert [(r.route, r.name) for r in info_recipients(header)] == [(None, "CNO WASHINGTON DC")]


def test_bt_ends_the_header() -> None:
    header = "TO AMEMBASSY PARIS\nBT\nUNUSUAL TEXT LINE"
    assert [r.name for r in recipients(header)] == ["AMEMBASSY PARIS"]


# -- XMT exclusions ---------------------------------------------------------------------


def test_xmt_names_go_to_the_collective_before_them() -> None:
    header = ("FM AMEMBASSY FOOBAR\nTO RUEHC/SECSTATE WASHDC IMMEDIATE 3355\n"
              "RUEHX/EUROPEAN POLITICAL COLLECTIVE\nXMT AMEMBASSY SOFIA\nAMEMBASSY BUCHAREST")
    found = recipients(header)
    assert [r.name for r in found] == ["SECSTATE WASHDC", "EUROPEAN POLITICAL COLLECTIVE"]
    assert found[0].excluded == []
    assert found[1].excluded == ["AMEMBASSY SOFIA", "AMEMBASSY BUCHAREST"]


def test_xmt_in_info_block_qualifies_the_to_collective_once() -> None:
    header = ("TO SECURITY OFFICER COLLECTIVE PRIORITY\nAMEMBASSY TRIPOLI PRIORITY\n"
              "INFO AMCONSUL CASABLANCA PRIORITY\nXMT AMCONSUL JOHANNESBURG\n"
              "AMCONSUL JOHANNESBURG")
    to = recipients(header)
    assert to[0].excluded == ["AMCONSUL JOHANNESBURG"]
    assert [r.name for r in info_recipients(header)] == ["AMCONSUL CASABLANCA"]


def test_xmt_without_a_collective_adds_no_addressee() -> None:
    assert info_recipients("INFO XMT FOOBAR") == []
    assert recipients("TO AMEMBASSY ROME\nXMT AMCONSUL MILAN")[0].excluded == []


# -- banners glued to the last addressee ------------------------------------------------


@pytest.mark.parametrize(
    ("line", "name", "prec", "mcn"),
    [
        ("RUMICEA/USCENTCOM INTEL CEN MACDILL AFB FL IMMEDIATES E C R E T SECTION 01 OF 02 "
         "LONDON 003062", "USCENTCOM INTEL CEN MACDILL AFB FL", "IMMEDIATE", None),
        ("AMEMBASSY NEW DELHI PRIORITYC O N F I D E N T I A L STATE 065183",
         "AMEMBASSY NEW DELHI", "PRIORITY", None),
        ("AMEMBASSY ROME PRIORITY 1234UNCLAS SECTION 01 OF 03 STATE 000123",
         "AMEMBASSY ROME", "PRIORITY", "1234"),
        ("AMEMBASSY ROME ROUTINE CONFIDENTIAL STATE 004321", "AMEMBASSY ROME", "ROUTINE", None),
        ("USNATO IMMEDIATET O P  S E C R E T STATE 000001", "USNATO", "IMMEDIATE", None),
    ],
)
def test_glued_banner_is_split_off(line: str, name: str, prec: str, mcn: str | None) -> None:
    found = info_recipients(f"INFO RUEHBJ/AMEMBASSY BEIJING\n{line}\nE.O. 12958: N/A\nAFTER X")
    assert [(r.name, r.precedence, r.mcn) for r in found[1:]] == [(name, prec, mcn)]


def test_secret_service_is_an_addressee_not_a_banner() -> None:
    found = _one("RUCNSE/US SECRET SERVICE WASHDC PRIORITY 0123")
    assert (found.name, found.precedence, found.mcn) == (
        "US SECRET SERVICE WASHDC", "PRIORITY", "0123")


def test_banner_line_ends_the_block() -> None:
    header = "TO RUEHC/SECSTATE WASHDC 4573\nUNCLAS SECTION 01 OF 03 KINGSTON 000482\nSIPDIS"
    assert [r.name for r in recipients(header)] == ["SECSTATE WASHDC"]


# -- preamble noise -----------------------------------------------------------------------


def test_distribution_and_email_preambles_are_not_addressees() -> None:
    header = ("Stephen Smith  12/02/2009 11:08:08 AM  From  DB/Inbox\n"
              "    ACTION: AMB\n    INFO:   RSO RAO P/E\n"
              "INFO  LOG-00   EEB-00   AF-00\n      INL-00   DNI-00\n(TEDE) /000W\n"
              "                  ------------------7CAAD7  191822Z /38\n"
              "P 011113Z SEP 09\nFM AMEMBASSY LONDON\nTO SECSTATE WASHDC PRIORITY 3350\n"
              "INFO EUROPEAN POLITICAL COLLECTIVE PRIORITY")
    found = read_header(header)
    assert found.dtg == "2009-09-01T11:13:00Z"
    assert [r.name for r in found.to] == ["SECSTATE WASHDC"]
    assert [r.name for r in found.info] == ["EUROPEAN POLITICAL COLLECTIVE"]
    assert found.problems == []


# -- station decoding -----------------------------------------------------------------------


def test_station_only_where_the_indicator_names_something_else() -> None:
    header = "TO RUEHC/SECSTATE WASHDC\nINFO RUEHLO/AMEMBASSY LONDON\nRXXXXX/NOWHERE"
    assert recipients(header)[0].station == "DEPT OF STATE WASHINGTON DC"
    assert [r.station for r in info_recipients(header)] == [None, None]


# -- sender -------------------------------------------------------------------------------


def test_sender_route_from_de_line_or_fm_line() -> None:
    found = sender("DE RUEHLO #3062/01 3431651\nO 081651Z DEC 08\nFM AMEMBASSY LONDON\nTO X")
    assert found is not None and (found.route, found.name) == ("RUEHLO", "AMEMBASSY LONDON")
    written = sender("FM RUEHBO/AMEMBASSY BOGOTA\nTO RUEHC/SECSTATE WASHDC")
    assert written is not None and (written.route, written.name) == ("RUEHBO", "AMEMBASSY BOGOTA")
    assert sender("TO AMEMBASSY PARIS") is None


# -- date-time group and precedence ---------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "iso"),
    [
        ("O 081651Z DEC 08", "2008-12-08T16:51:00Z"),
        ("O P 232203Z JUN 09", "2009-06-23T22:03:00Z"),
        ("P R 281848Z DEC 66", "1966-12-28T18:48:00Z"),
        ("O 260858Z JUL 06 ZDK", "2006-07-26T08:58:00Z"),
        ("P 150613Z FEB 09 ZFF4", "2009-02-15T06:13:00Z"),
        ("R 250930Z FEB 72 ", "1972-02-25T09:30:00Z"),
        ("281413Z Jul 03", "2003-07-28T14:13:00Z"),
        ("R 010000Z JAN 2010", "2010-01-01T00:00:00Z"),
        ("R 312400Z DEC 99", "2000-01-01T00:00:00Z"),
    ],
)
def test_dtg_forms(line: str, iso: str) -> None:
    assert dtg(f"VZCZCXRO1023\n{line}\nFM AMEMBASSY X") == iso


@pytest.mark.parametrize(
    ("yy", "year"), [("66", 1966), ("99", 1999), ("50", 1950), ("00", 2000), ("10", 2010),
                     ("49", 2049)]
)
def test_two_digit_year_pivot(yy: str, year: int) -> None:
    assert dtg(f"R 010101Z MAR {yy}") == f"{year}-03-01T01:01:00Z"


@pytest.mark.parametrize(
    ("line", "iso"),
    [
        ("O 081651A DEC 08", "2008-12-08T15:51:00Z"),  # Alpha: UTC+1
        ("O 080030C DEC 08", "2008-12-07T21:30:00Z"),  # Charlie: UTC+3, previous day
        ("O 311951R DEC 08", "2009-01-01T00:51:00Z"),  # Romeo: UTC-5, next year
        ("O 081200M DEC 08", "2008-12-08T00:00:00Z"),  # Mike: UTC+12
        ("O 081200Y DEC 08", "2008-12-09T00:00:00Z"),  # Yankee: UTC-12
    ],
)
def test_military_time_zones_convert_to_utc(line: str, iso: str) -> None:
    assert dtg(line) == iso


@pytest.mark.parametrize("line", ["O 081651J DEC 08", "O 321651Z DEC 08", "O 082561Z DEC 08",
                                  "O 081651Z XYZ 08", "O 290000Z FEB 09"])
def test_impossible_dtg_is_none(line: str) -> None:
    assert dtg(line) is None


def test_dtg_absent() -> None:
    assert dtg("FM AMEMBASSY X\nTO Y\nTHE 081651Z DEC 08 MEETING") is None


@pytest.mark.parametrize(
    ("line", "action", "info"),
    [
        ("O 081651Z DEC 08", "IMMEDIATE", None),
        ("P 081651Z DEC 08", "PRIORITY", None),
        ("R 081651Z DEC 08", "ROUTINE", None),
        ("Z 081651Z DEC 08", "FLASH", None),
        ("O P 232203Z JUN 09", "IMMEDIATE", "PRIORITY"),
        ("P R 281848Z DEC 66", "PRIORITY", "ROUTINE"),
        ("NIACT O 201405Z DEC 89", "NIACT IMMEDIATE", None),
        ("281413Z Jul 03", None, None),
    ],
)
def test_precedence_from_dtg_letters(line: str, action: str | None, info: str | None) -> None:
    assert precedence(line) == Precedence(action, info)


def test_flash_dtg_line_is_not_taken_for_a_zny_line() -> None:
    found = read_header("VZCZCXYZ0001\nZNY CCCCC ZZH\nZ 081651Z DEC 08\nFM AMEMBASSY X\nTO Y")
    assert (found.dtg, found.precedence) == ("2008-12-08T16:51:00Z", Precedence("FLASH", None))
    assert found.transmission == {"handling": "ZNY", "transmission_class": "CCCCC"}


def test_precedence_without_dtg() -> None:
    assert precedence("FM AMEMBASSY X\nTO AMEMBASSY Y IMMEDIATE") == Precedence()


# -- apply ----------------------------------------------------------------------------------


LONDON_LIKE = (
    "VZCZCXRO1023\nOO RUEHBI RUEHLH\nDE RUEHLO #3062/01 3431651\nZNY SSSSS ZZH\n"
    "O 081651Z DEC 08\nFM AMEMBASSY LONDON\nTO RUEHC/SECSTATE WASHDC IMMEDIATE 0617\n"
    "INFO RUEHIL/AMEMBASSY ISLAMABAD IMMEDIATE 0916\n"
)


def test_apply_fills_the_cable() -> None:
    state = _state(header=LONDON_LIKE)
    cable = state.cable
    assert cable.transmission_id == "VZCZCXRO1023"
    assert cable.dtg == "2008-12-08T16:51:00Z"
    assert cable.precedence == Precedence("IMMEDIATE", None)
    assert cable.sender is not None
    assert (cable.sender.route, cable.sender.name) == ("RUEHLO", "AMEMBASSY LONDON")
    assert [r.mcn for r in cable.to] == ["0617"]
    assert [r.name for r in cable.info] == ["AMEMBASSY ISLAMABAD"]
    assert state.scratch["routing"]["serial"] == "3062"
    assert state.scratch["routing"]["transmission_class"] == "SSSSS"
    assert cable.problems == []


def test_apply_unsectioned_de_line() -> None:
    state = _state(header="DE RUEHNE #5238 2070843\nZNR UUUUU ZZH\nFM X\nTO Y")
    routing_scratch = state.scratch["routing"]
    assert (routing_scratch["serial"], routing_scratch["section"]) == ("5238", None)
    assert routing_scratch["handling"] == "ZNR"


@pytest.mark.parametrize(
    ("header", "field", "line"),
    [
        ("VZCZCXRO1\nO 321651Z DEC 08\nFM AMEMBASSY X\nTO Y", "dtg", 2),
        ("VZCZCXRO1\nDE RUEHLO #1 3431651\nO 0816Z DEC 08\nFM AMEMBASSY X\nTO Y", "dtg", 3),
        ("O 081651Z DEC 08\nFM\nTO AMEMBASSY Y", "sender", 2),
        ("O 081651Z DEC 08\nFM AMEMBASSY X\nTO\nPAGE 02  STATE 1234  081651Z", "to", 3),
    ],
)
def test_apply_records_unreadable_lines(header: str, field: str, line: int) -> None:
    state = ParseState(Document(format="test", header=header, header_line=1))
    apply(state)
    assert [(p.field, p.line) for p in state.cable.problems] == [(field, line)]


def test_apply_problem_line_in_body_mode_counts_from_body_start() -> None:
    body = "\n\nO 321651Z DEC 08\nFM AMEMBASSY X\nTO AMEMBASSY Y\nCONFIDENTIAL X 000001\n"
    state = ParseState(Document(format="test", body=body, body_line=10))
    apply(state)
    assert [(p.field, p.line) for p in state.cable.problems] == [("dtg", 12)]
    assert [r.name for r in state.cable.to] == ["AMEMBASSY Y"]


def test_apply_body_mode_ignores_prose_and_late_or_post_banner_headers() -> None:
    prose = "UNCLAS STATE 000123\n\nTO THE EXTENT POSSIBLE, POSTS SHOULD REPLY.\n"
    assert _state(body=prose).cable.to == []
    after_banner = "CONFIDENTIAL PARIS 000997\nO 081651Z DEC 08\nFM AMEMBASSY X\nTO Y\n"
    assert _state(body=after_banner).cable.dtg is None
    late = "TEXT LINE\n" * 45 + "O 081651Z DEC 08\nFM AMEMBASSY X\nTO AMEMBASSY Y\n"
    assert _state(body=late).cable.dtg is None


def test_apply_body_mode_stops_at_blank_line() -> None:
    body = "O 081651Z DEC 08\nFM AMEMBASSY X\nTO AMEMBASSY Y\n\nTO THE POINT: PROSE HERE.\n"
    assert [r.name for r in _state(body=body).cable.to] == ["AMEMBASSY Y"]


def test_apply_on_empty_document_changes_nothing() -> None:
    state = _state()
    assert state.cable.to == [] and state.cable.dtg is None and "routing" not in state.scratch


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("TOINFMXZBDE/ 0123456789PRAC\n-(")), max_size=300))
def test_never_raises(text: str) -> None:
    for state in (_state(header=text), _state(body=text)):
        assert isinstance(state.cable.to, list)
    assert isinstance(precedence(text), Precedence)
    dtg(text)


def test_apply_is_fast_on_a_typical_header() -> None:
    header = LONDON_LIKE + "".join(f"RUEHAA{i}/AMEMBASSY POST{i} IMMEDIATE 0{i:03d}\n"
                                   for i in range(12))
    runs = 300
    started = time.perf_counter()
    for _ in range(runs):
        _state(header=header)
    per_header = (time.perf_counter() - started) / runs
    assert per_header < 500e-6  # measured ~40 µs; generous for slow CI machines


def test_module_keeps_no_state_between_headers() -> None:
    first = recipients("TO RUEHX/EUROPEAN POLITICAL COLLECTIVE\nXMT AMEMBASSY SOFIA")
    first[0].excluded.append("MUTATED")
    again = recipients("TO RUEHX/EUROPEAN POLITICAL COLLECTIVE\nXMT AMEMBASSY SOFIA")
    assert again[0].excluded == ["AMEMBASSY SOFIA"]
    assert routing.BODY_HEADER_LINES == 40
