#!/usr/bin/env python3
"""The benchmark of issues 7 and 13: our build against Hugo's on the same records,
in the configuration real sites use.

    python bench/run.py                       # N = 1,000, 2,500 and 10,000, three rounds each
    python bench/run.py --huge                # ... and 100,000
    python bench/run.py --sizes 12 --repeat 1 # a smoke run

The corpus (`bench/corpus.py`) has an absolute `base_url`, so our build makes the
sitemap and absolute links as a published site's does; Hugo gets the same address
with `--baseURL`. For each size, round by round and interleaved so drift on a
shared machine hits both sides alike:

  ours cold       `build.py build --no-cache`, search on, no output folder
  Hugo cold       `hugo` with a fresh --cacheDir and destination, on the same files
                  (bench/hugo/); then the Pagefind program on Hugo's output, as a
                  Hugo site is indexed
  ours no search  `build.py build --no-search` from nothing (it fills ROOT/.cache,
                  as a first build does), like for like with Hugo alone
  ours no-change  `build.py build --no-search` again, nothing changed
  ours one-change the same after one record's body text changed
  Hugo one-file   `hugo server` on the corpus; one record edited; Hugo's own
                  "Total in N ms" for the rebuild it logs, in Hugo's default
                  fast-render mode and again with --disableFastRender

Every build's wall and CPU time, the peak RSS of its largest process (wait4) and
of all its processes at once (sampled; see measuring.py). It prints medians, the
ratios of paired runs the issues' goals are stated in, and how each figure grows
from one size to the next. After the rounds it checks that our outputs are the
same bytes where they must be: a --no-cache build, a build that fills the cache,
a build into a new folder from the filled cache, and the rebuild after an edit
against a --no-cache build of the edited input.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
# Our entry point; a module attribute so a test can stand in another build.
BUILD_SCRIPT = REPO / "build.py"
sys.path.insert(0, str(BENCH))

# Sibling scripts, importable once their folder is on the path.
import corpus  # noqa: E402
from hugoside import (  # noqa: E402
    hugo_binary,
    hugo_command,
    hugo_env,
    hugo_server_rebuilds,
    pagefind_command,
    remove,
)
from measuring import BenchError, Measured, measure  # noqa: E402
from outputs import TEXT_NOT_COMPARED, compare_trees, page_equivalence  # noqa: E402
from reporting import Identity, SizeResult, growth_report, size_report  # noqa: E402

__all__ = ["BUILD_SCRIPT", "TEXT_NOT_COMPARED", "Measured", "corpus", "hugo_command", "hugo_env", "main", "measure",
           "page_equivalence"]

COLD = ["--no-cache"]
NO_SEARCH = ["--no-search"]


def ours_command(site: Path, out: Path, as_of: date, flags: list[str]) -> list[str]:
    return [sys.executable, str(BUILD_SCRIPT), "build", "--root", str(site), "--out", str(out),
            "--as-of", as_of.isoformat(), *flags]


class RecordEditor:
    """Changes one record's body text, differently each time, so every rebuild has real work."""

    def __init__(self, file: Path) -> None:
        self.file = file
        self.original = file.read_text(encoding="utf-8")
        self.count = 0

    def edit(self) -> None:
        self.count += 1
        addition = f"Kuvausta täydennetty {self.count}. kerran: hankkeen tulokset päivitetään syksyllä.\n"
        self.file.write_text(self.original + "\n" + addition, encoding="utf-8")

    def restore(self) -> None:
        self.file.write_text(self.original, encoding="utf-8")


def edited_record(site: Path, slugs: list[str]) -> Path:
    """An ongoing record from the middle of the corpus, so it shows on the index and a theme page."""
    index = len(slugs) // 2
    while index % 3 == 0 and index + 1 < len(slugs):  # every third record has ended
        index += 1
    return site / "content" / "projects" / f"{slugs[index]}.md"


def same_bytes(site: Path, work: Path, editor: RecordEditor, as_of: date) -> Identity:
    """Build the same input four ways (and the edited input twice) and compare the outputs.

    Without the search index: its bundle is Pagefind's bytes, not ours, and the
    rebuilds it is compared with run without it."""
    cache = site / ".cache"
    cold, primed, cached, edited = (work / f"same-{name}" for name in ("cold", "primed", "cached", "edited"))
    for folder in (cold, primed, cached, edited, cache):
        remove(folder)
    editor.restore()

    def build(out: Path, flags: list[str], what: str) -> None:
        measure(ours_command(site, out, as_of, flags + NO_SEARCH), what=what)

    build(cold, COLD, "our --no-cache build for the same-bytes check")
    build(primed, [], "our cache-filling build for the same-bytes check")
    build(cached, [], "our build from the filled cache for the same-bytes check")
    cold_vs_primed, cold_vs_cached = compare_trees(cold, primed), compare_trees(cold, cached)
    editor.edit()
    build(cached, [], "our one-change rebuild for the same-bytes check")
    build(edited, COLD, "our --no-cache build of the edited input")
    identity = Identity(cold_vs_primed, cold_vs_cached, compare_trees(cached, edited),
                        len(compare_trees(cold, edited)))
    for folder in (cold, primed, cached, edited):
        remove(folder)
    return identity


def run_size(records: int, work: Path, repeat: int, hugo_edits: int, as_of: date) -> SizeResult:
    site = work / f"corpus-{records}"
    ours_out, hugo_out = work / f"ours-{records}", work / f"hugo-{records}"
    slugs = corpus.write_corpus(site, records)
    editor = RecordEditor(edited_record(site, slugs))
    result = SizeResult(records)
    cache = site / ".cache"
    base_url = corpus.BASE_URL

    def ours_cold() -> None:
        remove(ours_out)
        remove(cache)
        result.ours_cold.append(measure(ours_command(site, ours_out, as_of, COLD), what="our cold build"))
        result.search_index = (ours_out / "pagefind").is_dir()

    def hugo_cold() -> None:
        remove(hugo_out)
        hugo_cache = work / "hugo-cache"
        remove(hugo_cache)
        result.hugo_cold.append(measure(hugo_command(site, hugo_out, hugo_cache, base_url),
                                        env=hugo_env(as_of), what="Hugo"))
        if result.search_index:
            result.hugo_pagefind.append(measure(pagefind_command(hugo_out), what="Pagefind on Hugo's output"))

    for round_no in range(repeat):
        print(f"  N={records:,} round {round_no + 1}/{repeat}", file=sys.stderr, flush=True)
        # Alternate who goes first, so a warming or cooling machine favours neither. Ours goes
        # first in the first round: whether Hugo's output is indexed follows from ours.
        pair = (ours_cold, hugo_cold) if round_no % 2 == 0 else (hugo_cold, ours_cold)
        for step in pair:
            step()
        if result.equivalence is None:
            result.equivalence = page_equivalence(ours_out, hugo_out)
        # Without the index, like for like with Hugo alone and the rebuilds; it leaves the cache filled.
        remove(ours_out)
        remove(cache)
        result.ours_cold_no_search.append(measure(ours_command(site, ours_out, as_of, NO_SEARCH),
                                                  what="our cold build --no-search"))
        result.no_change.append(measure(ours_command(site, ours_out, as_of, NO_SEARCH),
                                        what="our no-change rebuild").seconds)
        editor.edit()
        result.one_change.append(measure(ours_command(site, ours_out, as_of, NO_SEARCH),
                                         what="our one-change rebuild").seconds)
        for fast, kept in ((True, result.hugo_one_file), (False, result.hugo_one_file_full)):
            kept.append(hugo_server_rebuilds(site, work, editor.edit, as_of, hugo_edits, fast_render=fast,
                                             base_url=base_url))
    result.identity = same_bytes(site, work, editor, as_of)
    for folder in (ours_out, hugo_out):
        remove(folder)  # a 10,000-record output is hundreds of megabytes; the next size needs the room
    return result


def report(results: list[SizeResult], as_of: date, repeat: int, load: tuple[float, float]) -> str:
    hugo_version = subprocess.run([str(hugo_binary()), "version"], capture_output=True, text=True,
                                  check=False).stdout.split()
    hugo_release = hugo_version[1].split("-")[0] if len(hugo_version) > 1 else "?"
    out = [
        "Benchmark (issues 7 and 13): ours vs Hugo on the same records, production configuration",
        f"  Python {platform.python_version()}, Hugo {hugo_release}, {os.cpu_count()} CPUs, "
        f"as-of {as_of.isoformat()}, {repeat} round(s), medians",
        # Other people's work on a shared machine is the main source of noise; say how busy it was.
        f"  load average (1 min): {load[0]:.1f} at the start, {load[1]:.1f} at the end",
        f"  base URL {corpus.BASE_URL} (sitemap made; Hugo given the same --baseURL); cold builds "
        "--no-cache with search; rebuilds --no-search",
        "  peak RSS: all of a build's processes at once (summed, sampled every 20 ms); "
        "'largest process': wait4's",
    ]
    for result in results:
        out += size_report(result)
    out += growth_report(results)
    return "\n".join(out)


def _sizes(text: str) -> list[int]:
    try:
        return [int(part.strip().replace("_", "")) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a comma-separated list of record counts: {text!r}") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Our build against Hugo's on the same synthetic records.")
    parser.add_argument("--sizes", type=_sizes, default=None,
                        help="record counts, comma-separated (default: 1000,2500,10000)")
    parser.add_argument("--huge", action="store_true", help="also run N = 100,000")
    parser.add_argument("--repeat", type=int, default=3, help="rounds per size (default: 3)")
    parser.add_argument("--hugo-edits", type=int, default=2, help="edits per hugo server session (default: 2)")
    parser.add_argument("--workdir", type=Path, default=None,
                        help="where corpora and outputs go (default: a temporary folder, removed afterwards)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)
    sizes = args.sizes or [1000, 2500, 10000]
    if args.huge and 100_000 not in sizes:
        sizes.append(100_000)
    if args.repeat < 1 or args.hugo_edits < 1 or any(n < 1 for n in sizes):
        parser.error("--repeat, --hugo-edits and every size must be at least 1")

    work = args.workdir or Path(tempfile.mkdtemp(prefix="hankkeet-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    as_of = corpus.AS_OF
    try:
        load_start = os.getloadavg()[0]
        results = []
        for records in sizes:
            print(f"N={records:,}: writing the corpus and running {args.repeat} round(s)", file=sys.stderr,
                  flush=True)
            results.append(run_size(records, work, args.repeat, args.hugo_edits, as_of))
        print(report(results, as_of, args.repeat, (load_start, os.getloadavg()[0])))
    except BenchError as exc:
        print(f"bench/run.py: {exc}", file=sys.stderr)
        return 1
    finally:
        if args.workdir is None and not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        elif args.keep:
            print(f"kept {work}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
