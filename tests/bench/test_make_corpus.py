"""`bench/make_corpus.py`: a generated corpus reads like the real dev cables it recombines.

bench/ is no package, so the script is loaded from its path. Its template library is cached
in the module: the runs below load ../shared once. Expectations come from the real corpus
(a parsed sample, the file counts) and from each page's own metadata table, read here
with a regex of the test's own.
"""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import json
import re
import sys
import tarfile
from collections import Counter
from datetime import date
from pathlib import Path
from types import ModuleType, SimpleNamespace

import pytest

import cablescope

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "bench" / "make_corpus.py"
N = 300
REAL_SAMPLE = 400
MIXED = {"cablegate_html": 0.5, "raw_text": 0.25, "cables_csv": 0.25}
#: The page's metadata row: five cells, each a link or not.
_ROW = re.compile(r"<tr>\s*" + r"\s*".join([r"<td>\s*(?:<a [^>]*>)?([^<]*)(?:</a>)?\s*</td>"] * 5))


def _script() -> ModuleType:
    name = "bench_make_corpus"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, SCRIPT)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses look their module up there
        spec.loader.exec_module(module)
    return sys.modules[name]


def _generate(corpus: Path, out: Path, n: int, **options) -> SimpleNamespace:
    made: list[tuple[str, str, object]] = []
    summary = _script().generate(
        n,
        out,
        shared=corpus,
        progress=False,
        on_cable=lambda fmt, cable_id, tpl: made.append((fmt, cable_id, tpl)),
        **options,
    )
    cables = list(cablescope.read(out))
    return SimpleNamespace(
        out=out,
        summary=summary,
        made=made,
        cables=cables,
        by_id={cable.id: cable for cable in cables},
    )


@pytest.fixture(scope="module")
def corpus(shared_path) -> Path:
    return shared_path("corpus")


@pytest.fixture(scope="module")
def run(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    """N cables in the dev corpus' mix of formats."""
    return _generate(corpus, tmp_path_factory.mktemp("run"), N)


@pytest.fixture(scope="module")
def mixed(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    """Fewer cables, a quarter each raw and CSV: those writers get exercised too."""
    return _generate(corpus, tmp_path_factory.mktemp("mixed"), 80, mix=MIXED, seed=3)


@pytest.fixture(scope="module")
def real(corpus: Path) -> SimpleNamespace:
    """The real tarball in one pass: its page count, and every eighth page parsed (the
    problem rates a generated corpus should match)."""
    pages, sample = 0, []
    with tarfile.open(corpus / "cablegate-html-dev.tar.gz", "r|gz") as archive:
        for member in archive:
            if member.isfile() and member.name.endswith(".html"):
                if pages % 8 == 0 and len(sample) < REAL_SAMPLE:
                    data = archive.extractfile(member).read()  # type: ignore[union-attr]
                    sample.append(cablescope.parse(data, name=member.name))
                pages += 1
    return SimpleNamespace(pages=pages, sample=sample)


def _year(cable_id: str) -> int:
    yy = int(cable_id[:2])
    return 1900 + yy if yy >= 66 else 2000 + yy


def _problem_share(cables: list[cablescope.Cable], field: str | None = None) -> float:
    hit = [c for c in cables if any(field in (None, p.field) for p in c.problems)]
    return len(hit) / len(cables)


def test_n_cables_with_distinct_ids_and_texts(run: SimpleNamespace) -> None:
    cables = run.cables
    assert len(cables) == N == run.summary["cables"] == len(run.made)
    assert len({c.id for c in cables}) == N
    assert len({c.raw for c in cables}) == N
    bodies = [c.body for c in cables if c.body.strip()]
    assert len(bodies) > 0.95 * N and len(set(bodies)) == len(bodies)


def test_every_format_reads_back_the_id_it_was_given(
    run: SimpleNamespace, mixed: SimpleNamespace
) -> None:
    for generated in (run, mixed):
        given = Counter((fmt, cable_id) for fmt, cable_id, _ in generated.made)
        read = Counter((c.source.format, c.id) for c in generated.cables)
        assert read == given
    assert {fmt for fmt, _, _ in mixed.made} == set(MIXED)
    assert Counter(fmt for fmt, _, _ in mixed.made) == {
        fmt: round(80 * share) for fmt, share in MIXED.items()
    }


def test_formats_come_in_the_dev_corpus_proportions(
    corpus: Path, real: SimpleNamespace, run: SimpleNamespace
) -> None:
    pages = real.pages
    raw = len(list((corpus / "raw-text").glob("*.txt")))
    with open(corpus / "cables-csv" / "cables_sample.csv", encoding="utf-8", newline="") as f:
        rows = sum(1 for _ in csv.reader(f, escapechar="\\", doublequote=False))
    total = pages + raw + rows
    counts = Counter(c.source.format for c in run.cables)
    assert abs(counts["cablegate_html"] - N * pages / total) <= 1.5
    # Rarer formats: their expected count, but at least one each from N = 100.
    assert 1 <= counts["raw_text"] <= max(1, round(N * raw / total)) + 1
    assert 1 <= counts["cables_csv"] <= max(1, round(N * rows / total)) + 1
    assert counts == run.summary["formats"]


def test_no_more_problems_than_the_real_corpus(
    run: SimpleNamespace, mixed: SimpleNamespace, real: SimpleNamespace
) -> None:
    real_sample = real.sample
    generated = run.cables + mixed.cables
    crashes = [p for c in generated for p in c.problems if "internal error" in p.message]
    assert crashes == []
    real_any, real_format = _problem_share(real_sample), _problem_share(real_sample, "format")
    assert 0.02 < real_any < 0.5  # the sample is a real one: some problems, mostly clean
    assert _problem_share(generated) <= real_any + 0.08
    assert _problem_share(generated, "format") <= real_format + 0.06
    for field in ("id", "date", "classification", "origin", "banner"):
        assert _problem_share(generated, field) <= _problem_share(real_sample, field) + 0.02


def test_page_tables_agree_with_the_parsed_cables(run: SimpleNamespace) -> None:
    """Reference id, created date, classification and origin as the table writes them."""
    checked = 0
    for shard in sorted(run.out.glob("cablegate-*.tar")):
        with tarfile.open(shard) as archive:
            for member in archive:
                if not member.isfile():
                    continue
                page = archive.extractfile(member).read().decode("utf-8")  # type: ignore[union-attr]
                table = page[page.rindex("<table class='cable'>") :]
                ident, created, released, classification, origin = _ROW.search(table).groups()
                cable = run.by_id[ident]
                assert cable.source.name == f"{shard}:{member.name}"
                assert member.name == f"cable/{created[:4]}/{created[5:7]}/{ident}.html"
                assert cable.date == created[:10] and _year(ident) == int(created[:4])
                assert cable.released == released[:10] >= cable.date
                assert cable.classification == "//".join(
                    part.strip() for part in classification.upper().split("//")
                )
                assert cable.origin == origin
                assert f"<h3>Viewing cable {ident}," in page
                assert "Browse latest releases" in page  # full pages keep the navigation
                assert f"/date/{created[:7]}_0.html'>{created}<" in table
                if "Twitter this" in page:
                    assert f"%2F{created[:4]}%2F{created[5:7]}%2F{ident}.html" in page
                checked += 1
    assert checked == run.summary["formats"]["cablegate_html"]


def test_csv_rows_agree_with_the_parsed_cables(mixed: SimpleNamespace) -> None:
    rows = []
    for path in sorted(mixed.out.glob("cables-*.csv")):
        with open(path, encoding="utf-8", newline="") as f:
            rows += list(csv.reader(f, escapechar="\\", doublequote=False, strict=True))
    assert len(rows) == mixed.summary["formats"]["cables_csv"] > 0
    for number, row in enumerate(rows, start=1):
        assert len(row) == 8 and row[0] == str(number)
        month, day, year = (int(part) for part in row[1].split()[0].split("/"))
        cable = mixed.by_id[row[2]]
        assert cable.date == date(year, month, day).isoformat()
        assert _year(row[2]) == year
        assert (cable.origin, cable.classification) == (row[3], row[4])
        assert cable.raw.startswith(row[6].strip()[:40])


def test_dates_fit_the_ids_and_the_date_time_groups(
    run: SimpleNamespace, mixed: SimpleNamespace
) -> None:
    with_dtg = 0
    for cable in run.cables + mixed.cables:
        assert cable.date is not None and int(cable.date[:4]) == _year(cable.id)
        if cable.dtg:
            with_dtg += 1
            gap = date.fromisoformat(cable.dtg[:10]) - date.fromisoformat(cable.date)
            assert abs(gap.days) <= 3, (cable.id, cable.dtg, cable.date)
    assert with_dtg > 0.8 * (len(run.cables) + len(mixed.cables))


def test_template_parts_are_kept_or_refilled(run: SimpleNamespace, mixed: SimpleNamespace) -> None:
    """Classification, origin, TAGS, recipients and paragraph count follow the template."""
    missing_tags = missing_to = 0
    with_tags = with_to = 0
    counted = close = 0
    made = [
        (fmt, generated.by_id[cable_id], tpl)
        for generated in (run, mixed)
        for fmt, cable_id, tpl in generated.made
    ]
    for fmt, cable, tpl in made:
        assert int(cable.date[:4]) == tpl.year
        if fmt != "raw_text":  # raw text has no metadata: these come from its banner/FM line
            assert cable.origin == tpl.origin
            assert cable.classification.split("//")[0] == tpl.classification.split("//")[0]
        if tpl.tags is not None:
            with_tags += 1
            missing_tags += not cable.tags
        if tpl.recipients is not None:
            with_to += 1
            missing_to += not cable.to
        if tpl.paragraphs >= 2:
            counted += 1
            numbered = sum(1 for p in cable.paragraphs if p.number is not None)
            close += abs(numbered - tpl.paragraphs) <= max(1, tpl.paragraphs // 5)
    assert with_tags > 0.9 * len(run.made) and missing_tags <= 0.01 * with_tags
    assert with_to > 0.7 * len(run.made) and missing_to <= 0.01 * with_to
    assert counted > 0.7 * len(run.made) and close >= 0.9 * counted


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_same_seed_same_corpus(corpus: Path, tmp_path: Path) -> None:
    runs = {}
    for label, seed in (("a", 5), ("b", 5), ("c", 6)):
        _script().generate(
            40, tmp_path / label, shared=corpus, seed=seed, mix=MIXED, progress=False
        )
        runs[label] = _digest(tmp_path / label)
    assert runs["a"] == runs["b"]
    assert runs["a"].keys() == runs["c"].keys() and runs["a"] != runs["c"]


def test_cli_shards_gzip_lean_and_json(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    args = [
        "50",
        str(out),
        "--shared",
        str(corpus),
        "--mix",
        "html=0.6,raw=0.2,csv=0.2",
        "--shard-size",
        "12",
        "--gzip",
        "--lean",
        "--quiet",
        "--json",
    ]
    _script().main(args)
    summary = json.loads(capsys.readouterr().out)
    assert summary["cables"] == 50 and summary["formats"] == {
        "cablegate_html": 30,
        "raw_text": 10,
        "cables_csv": 10,
    }
    assert summary["files"] == [
        "cablegate-0000.tar.gz",
        "cablegate-0001.tar.gz",
        "cablegate-0002.tar.gz",
        "raw-0000.tar.gz",
        "cables-0000.csv.gz",
    ]
    assert summary["bytes"] == sum(p.stat().st_size for p in out.iterdir())
    cables = list(cablescope.read(out))
    assert len({c.id for c in cables}) == 50
    assert Counter(c.source.format for c in cables) == summary["formats"]
    with tarfile.open(out / "cablegate-0000.tar.gz") as archive:
        pages = [archive.extractfile(m).read() for m in archive if m.isfile()]  # type: ignore[union-attr]
    assert len(pages) == 12
    assert not any(b"Browse latest releases" in page for page in pages)  # lean: no navigation
    with pytest.raises(SystemExit):  # OUT already holds a corpus
        _script().main(args)
    _script().main([*args, "--overwrite"])
    assert json.loads(capsys.readouterr().out)["files"] == summary["files"]
