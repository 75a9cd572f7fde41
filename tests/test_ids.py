"""Cable ids: canonical form, repair of malformed ids, and the helpers the parser builds on.

Expected values are the gold files in ../shared (another parser's expectations), the file
names of the 3,347 real cablegate pages (ids that are already right must stay as they are)
and forms read by hand off real REF lines and routing headers.
"""

from __future__ import annotations

import json
import re
import tarfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cablescope.ids import (
    canonical_id,
    is_malformed,
    make_id,
    resolve_station,
    split_id,
    station_from_post,
    station_table,
    year_of_id,
)


def _gold(shared_path, name: str) -> list[dict]:
    path = shared_path("gold", "cablemap-dev", f"{name}.jsonl")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


@pytest.fixture(scope="module")
def page_ids(shared_path) -> list[str]:
    """The ids WikiLeaks gave the sample pages (``cable/YYYY/MM/ID.html``)."""
    tarball = shared_path("corpus", "cablegate-html-dev.tar.gz")
    with tarfile.open(tarball) as archive:
        names = [m.name for m in archive.getmembers() if m.name.endswith(".html")]
    return [name.rsplit("/", 1)[1][: -len(".html")] for name in names]


# --- gold ---------------------------------------------------------------------------------
def test_gold_canonical_ids(shared_path) -> None:
    records = _gold(shared_path, "canonical_id")
    failures = [(r["input"], r["expected"], canonical_id(r["input"])) for r in records
                if canonical_id(r["input"]) != r["expected"]]
    assert len(records) >= 20
    assert not failures, failures


def test_gold_malformed_ids(shared_path) -> None:
    """WikiLeaks' malformed ids map to the same canonical id as the right one.

    Two gold rows are facts no rule can know (09BRUSELS1292 is a USEU cable; the gold
    maps RPO Dubai's 0901OF02RPODUBAI288 to the consulate's DUBAI), so the floor is 95 %.
    """
    records = _gold(shared_path, "malformed_ids")
    failures = [(r["input"], r["expected"]) for r in records
                if canonical_id(r["input"]) != canonical_id(r["expected"])]
    assert len(records) >= 80
    assert len(failures) <= 0.05 * len(records), failures


# --- hand-checked forms -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("05RIO00123", "05RIODEJANEIRO123"),  # alias and leading zeros
        ("05 rio 123", "05RIODEJANEIRO123"),  # spacing and case
        ("09EFTOLONDON2521", "09LONDON2521"),  # a stray EFTO caption
        ("09SECTION01OF03SANJOSE525", "09SANJOSE525"),  # SECTION 01 OF 03 read into the id
        ("09SECTION02OF03QRIPOLI583", "09TRIPOLI583"),  # ... and a garbled first letter
        ("06AMEMBASSYBAKU12", "06BAKU12"),  # the office word
        ("7575LIBREVILLE1895", "75LIBREVILLE1895"),  # year written twice
        ("94STATE183691TOSEC140193", "94STATE183691"),  # a TOSEC series number after it
        ("08ACCRA001382SUSPECTEDDUPLICATE1392", "08ACCRA1392"),
        ("06KIEV1531", "06KIEV1531"),  # renamed posts keep the name of their time
        ("08KYIV955", "08KYIV955"),
        ("07IRANRPODUBAI18", "07IRANRPODUBAI18"),
        ("09UNVIEVIENNA220", "09UNVIEVIENNA220"),
        ("10UNESCOPARISFR197", "10UNESCOPARISFR197"),
        ("66PARTO9", "66PARTO9"),
    ],
)
def test_canonical_id_forms(raw: str, expected: str) -> None:
    assert canonical_id(raw) == expected


def test_text_that_is_no_id_comes_back_cleaned() -> None:
    assert canonical_id("  not an id ") == "NOTANID"
    assert canonical_id("") == ""


def test_is_malformed() -> None:
    assert is_malformed("06EFTOISLAMABAD17875")
    assert is_malformed("07PAP12")
    assert not is_malformed("08LONDON3062")
    assert not is_malformed("08LONDON003062")  # zero padding is not a repair


# --- real ids -------------------------------------------------------------------------------
_KNOWN_BAD = re.compile(r"^\d{2}(?:EFTO|S[A-Z]{2,6}\d\dOF\d\d)")


def test_real_ids_are_fixed_points(page_ids: list[str]) -> None:
    """Every well-formed id of the sample is already canonical; the malformed ones change."""
    assert len(page_ids) == 3347
    good = [i for i in page_ids if not _KNOWN_BAD.match(i)]
    bad = [i for i in page_ids if _KNOWN_BAD.match(i)]
    assert len(bad) >= 10
    assert [i for i in good if canonical_id(i) != i] == []
    assert [i for i in bad if canonical_id(i) == i] == []


def test_every_station_of_the_sample_is_known(page_ids: list[str]) -> None:
    stations = {split_id(canonical_id(i))[1] for i in page_ids}
    known, _aliases = station_table()
    assert stations - known == set()


# --- helpers ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("post", "station"),
    [
        ("SECSTATE WASHDC", "STATE"),
        ("STATE", "STATE"),
        ("AMEMBASSY PORT AU PRINCE", "PORTAUPRINCE"),
        ("PORT AU PRINCE", "PORTAUPRINCE"),
        ("USUN NEW YORK", "USUNNEWYORK"),
        ("USMISSION USUN NEW YORK NY", "USUNNEWYORK"),
        ("AMCONSUL SAO PAULO", "SAOPAULO"),
        ("AMEMBASSY TRIPOLI LY", "TRIPOLI"),
        ("USLO TRIPOLI", "TRIPOLI"),
        ("AIT TAIPEI", "AITTAIPEI"),
        ("USEU BRUSSELS", "USEUBRUSSELS"),
        ("RPO DUBAI", "RPODUBAI"),
        ("N'DJAMENA", "NDJAMENA"),
        ("Rio de Janeiro", "RIODEJANEIRO"),
        ("AMEMBASSY ATLANTIS", "ATLANTIS"),  # unknown posts keep their letters
        ("  ", ""),
    ],
)
def test_station_from_post(post: str, station: str) -> None:
    assert station_from_post(post) == station


def test_resolve_station_needs_a_unique_match() -> None:
    assert resolve_station("BISHTEK") == "BISHKEK"  # one letter wrong
    assert resolve_station("KUALALUMP") == "KUALALUMPUR"  # cut short
    assert resolve_station("SAN") is None  # a prefix of several posts
    assert resolve_station("MEETING") is None
    assert resolve_station("SOME", min_typo=6) is None  # one edit from ROME: too short


def test_make_id() -> None:
    assert make_id(2009, "SECSTATE WASHDC", "065183") == "09STATE65183"
    assert make_id(1966, "BUENOS AIRES", 2481) == "66BUENOSAIRES2481"
    assert make_id(8, "LONDON", "003062") == "08LONDON3062"


def test_split_id_and_year() -> None:
    assert split_id("05RIODEJANEIRO0123") == ("05", "RIODEJANEIRO", "123")
    assert split_id("garbage") is None
    assert year_of_id("66STATE1") == 1966
    assert year_of_id("99STATE1") == 1999
    assert year_of_id("09STATE1") == 2009
    assert year_of_id("nonsense") is None


@given(st.text(max_size=60))
def test_canonical_id_never_raises(text: str) -> None:
    result = canonical_id(text)
    assert isinstance(result, str)
    assert station_from_post(text) is not None


@given(
    st.integers(min_value=1966, max_value=2010),
    st.sampled_from(sorted(station_table()[0])),
    st.integers(min_value=1, max_value=9_999_999),
)
def test_canonical_ids_are_stable(year: int, station: str, serial: int) -> None:
    cable_id = make_id(year, station, serial)
    assert canonical_id(cable_id) == cable_id
    assert canonical_id(f"{year % 100:02d}{station}{serial:08d}") == cable_id
