"""Parser benchmark: cables per second in one process and end to end through the CLI.

    python bench/parse.py                 # the 3,347-page cablegate dev corpus
    python bench/parse.py --profile       # + where the time goes (per rule, cProfile top)
    python bench/parse.py --json          # machine-readable

(a) reads every page of the corpus into memory once, then times `cablescope.parse(text,
name=…)` + `to_dict()` over all of them in this process: a warm-up pass, then the best of
`--repeat` passes. (b) runs `cablescope parse <corpus> --nl > /dev/null` in a subprocess and
reports its wall time, rate and peak RSS. The target is 1,500 cables/s for (a) on one core.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import resource
import subprocess
import sys
import tarfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "cablegate-html-dev.tar.gz"
TARGET_PER_S = 1500.0


def load_pages(corpus: Path, limit: int | None = None) -> list[tuple[str, str]]:
    """Every cable page of the tarball as ``(member name, text)``, decoded once."""
    pages: list[tuple[str, str]] = []
    with tarfile.open(corpus) as tar:
        for member in tar:
            if not member.isfile() or not member.name.endswith(".html"):
                continue
            handle = tar.extractfile(member)
            if handle is None:
                continue
            pages.append((member.name, handle.read().decode("utf-8", errors="replace")))
            if limit is not None and len(pages) >= limit:
                break
    return pages


def parse_all(pages: list[tuple[str, str]]) -> tuple[int, int]:
    """Parse and serialise every page; returns (cables, pages that were not cables)."""
    import cablescope

    parse = cablescope.parse
    cables = errors = 0
    for name, text in pages:
        try:
            parse(text, name=name).to_dict()
        except cablescope.CableError:
            errors += 1
        else:
            cables += 1
    return cables, errors


def time_in_process(pages: list[tuple[str, str]], repeat: int) -> dict[str, Any]:
    """Warm-up pass, then the best of `repeat` timed passes."""
    started = time.perf_counter()
    cables, errors = parse_all(pages)
    warmup = time.perf_counter() - started
    runs: list[float] = []
    for _ in range(repeat):
        started = time.perf_counter()
        parse_all(pages)
        runs.append(time.perf_counter() - started)
    best = min(runs)
    return {
        "pages": len(pages),
        "cables": cables,
        "not_cables": errors,
        "warmup_s": round(warmup, 4),
        "runs_s": [round(r, 4) for r in runs],
        "best_s": round(best, 4),
        "cables_per_s": round(len(pages) / best, 1),
        "us_per_cable": round(best / len(pages) * 1e6, 1),
        "target_per_s": TARGET_PER_S,
        "meets_target": len(pages) / best >= TARGET_PER_S,
    }


def time_end_to_end(corpus: Path) -> dict[str, Any]:
    """`cablescope parse CORPUS --nl > /dev/null` in a child process: wall time and peak RSS."""
    command = [
        sys.executable,
        "-m",
        "cablescope.cli",
        "parse",
        str(corpus),
        "--nl",
        "--no-progress",
    ]
    started = time.perf_counter()
    done = subprocess.run(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False
    )
    wall = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
    summary = next(
        (line.strip() for line in done.stderr.splitlines() if "cables read" in line),
        done.stderr.strip()[-300:],
    )
    return {
        "command": " ".join(["cablescope", *command[3:]]) + " > /dev/null",
        "exit_code": done.returncode,
        "wall_s": round(wall, 3),
        "peak_rss_mib": round(peak_kb / 1024, 1),
        "summary": summary,
    }


def time_rules(pages: list[tuple[str, str]]) -> dict[str, float]:
    """Seconds spent in each rule over one pass, plus the reader and `to_dict`."""
    import importlib

    import cablescope
    from cablescope.parse.formats.detect import document_from_text

    # The module, not the `cablescope.parse` function the package re-exports.
    parse_package = importlib.import_module("cablescope.parse")

    spent: dict[str, float] = defaultdict(float)
    original = list(parse_package.RULES)

    def timed(name: str, rule: Callable[[Any], None]) -> Callable[[Any], None]:
        def run(state: Any) -> None:
            started = time.perf_counter()
            try:
                rule(state)
            finally:
                spent[name] += time.perf_counter() - started

        return run

    parse_package.RULES[:] = [(name, timed(name, rule)) for name, rule in original]
    try:
        for name, text in pages:
            started = time.perf_counter()
            try:
                document = document_from_text(text, name=name)
            except cablescope.CableError:
                continue
            spent["(format reader)"] += time.perf_counter() - started
            cable = parse_package.parse_document(document)
            started = time.perf_counter()
            cable.to_dict()
            spent["(to_dict)"] += time.perf_counter() - started
    finally:
        parse_package.RULES[:] = original
    return dict(sorted(spent.items(), key=lambda item: -item[1]))


def profile_top(pages: list[tuple[str, str]], top: int) -> str:
    """cProfile of one pass, the `top` functions by cumulative time."""
    profiler = cProfile.Profile()
    profiler.enable()
    parse_all(pages)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.strip_dirs().sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def _print_report(result: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False)
    a = result["in_process"]
    console.print(f"corpus: {result['corpus']}", soft_wrap=True)
    table = Table(title="cablescope parse benchmark", title_justify="left")
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_row(
        "pages (cables / not cables)", f"{a['pages']:,} ({a['cables']:,} / {a['not_cables']:,})"
    )
    table.add_row("load into memory", f"{result['load_s']:.2f} s")
    table.add_row("(a) warm-up pass", f"{a['warmup_s']:.3f} s")
    table.add_row(f"(a) best of {len(a['runs_s'])}", f"{a['best_s']:.3f} s")
    verdict = "[green]meets[/]" if a["meets_target"] else "[red]below[/]"
    table.add_row(
        "(a) parse + to_dict",
        f"[bold]{a['cables_per_s']:,.0f} cables/s[/] ({verdict} {TARGET_PER_S:,.0f})",
    )
    table.add_row("(a) per cable", f"{a['us_per_cable']:,.0f} µs")
    b = result.get("end_to_end")
    if b:
        table.add_row("(b) CLI wall time", f"{b['wall_s']:.2f} s (exit {b['exit_code']})")
        table.add_row("(b) CLI rate", f"{b['cables_per_s']:,.0f} cables/s")
        table.add_row("(b) CLI peak RSS", f"{b['peak_rss_mib']:,.0f} MiB")
    console.print(table)
    if b:
        console.print(f"(b) {b['command']}: {b['summary']}", soft_wrap=True)
    rules = result.get("rules")
    if rules:
        total = sum(rules.values())
        per_rule = Table(title="time by stage (one pass)", title_justify="left")
        per_rule.add_column("stage")
        per_rule.add_column("s", justify="right")
        per_rule.add_column("µs/cable", justify="right")
        per_rule.add_column("share", justify="right")
        for name, seconds in rules.items():
            per_rule.add_row(
                name,
                f"{seconds:.3f}",
                f"{seconds / a['pages'] * 1e6:,.0f}",
                f"{seconds / total:.0%}",
            )
        console.print(per_rule)
    if result.get("profile"):
        sys.stdout.write(result["profile"])  # plain: Rich would wrap the long lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--corpus",
        type=Path,
        default=DEFAULT_CORPUS,
        help="tarball of cablegate pages (default: %(default)s)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="timed passes (best is kept)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N pages")
    parser.add_argument("--no-e2e", action="store_true", help="skip the CLI subprocess run")
    parser.add_argument(
        "--profile", action="store_true", help="time each rule and print the cProfile top functions"
    )
    parser.add_argument("--top", type=int, default=30, help="functions shown by --profile")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)

    if not args.corpus.exists():
        print(f"corpus not found: {args.corpus} (use --corpus)", file=sys.stderr)
        return 2
    end_to_end = None
    if not args.no_e2e and args.limit is None:
        # First, while this process is small: a child's peak RSS counts the pages it shares
        # with its parent between fork and exec, and the corpus in memory would inflate it.
        end_to_end = time_end_to_end(args.corpus)
    started = time.perf_counter()
    pages = load_pages(args.corpus, args.limit)
    result: dict[str, Any] = {
        "corpus": str(args.corpus),
        "load_s": round(time.perf_counter() - started, 3),
    }
    if not pages:
        print(f"no .html pages in {args.corpus}", file=sys.stderr)
        return 2
    result["in_process"] = time_in_process(pages, max(1, args.repeat))
    if end_to_end is not None:
        cables = result["in_process"]["cables"]
        end_to_end["cables_per_s"] = round(cables / end_to_end["wall_s"], 1)
        result["end_to_end"] = end_to_end
    if args.profile:
        result["rules"] = {k: round(v, 4) for k, v in time_rules(pages).items()}
        result["profile"] = profile_top(pages, args.top)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        _print_report(result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
