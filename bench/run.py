#!/usr/bin/env python3
"""The benchmark of issues 7, 13 and 23: our build against Hugo + Pagefind on the same
records, in the configuration real sites use, every figure of issue 23's table in one command.

    python bench/run.py                               # N = 1,000, 2,500 and 10,000, three rounds each
    python bench/run.py --sizes 1000,10000,100000 --repeat 1 --json figures.json
    python bench/run.py --sizes 25000,100000 --skip-hugo --memory-limit 8G
    python bench/run.py --sizes 12 --repeat 1         # a smoke run

The corpus (`bench/corpus.py`, generated once per size and seed into a cache
folder and hard-linked into the work folder) has an absolute `base_url`, so our
build makes the sitemap and absolute links as a published site's does; Hugo gets
the same address with `--baseURL`. For each size, round by round and interleaved
so drift on a shared machine hits both sides alike:

  ours cold       `build.py build`, search on, from an empty ROOT/.cache and no
                  output folder: the first build of a site (it fills the cache)
  Hugo cold       `hugo` with a fresh --cacheDir and destination, on the same files
                  (bench/hugo/); then the Pagefind program on Hugo's output, as a
                  Hugo site is indexed (who goes first alternates by round)
  ours no-change  the same command again, nothing changed, search on
  ours one-change the same after one record's title changed so it moves in every
                  list it is on (search on: the production configuration)
  ours no search  the three again with `--no-search`: cold (like for like with
                  Hugo alone), nothing changed, one title changed
  Hugo one-file   `hugo server` on the corpus; the same kind of edit; Hugo's own
                  "Total in N ms" for the rebuild it logs, in Hugo's default
                  fast-render mode and again with --disableFastRender

Every build's wall and CPU time, the peak RSS of its largest process (wait4) and
of all its processes at once (sampled; see measuring.py). A build whose
processes pass `--memory-limit` is stopped and reported as such. After the
rounds it checks, with search on, that our outputs are the same bytes where they
must be: a --no-cache build, a build that fills the cache, a build into a new
folder from the filled cache, and the rebuild after an edit against a
--no-cache build of the edited input. At `--preview-at` records (1,000) it
runs `bench/preview_latency.py`'s save-to-visible measurement on the same
corpus. It prints each figure beside its goal from issue 23 (and writes them
to `--json FILE`), how each grows from one size to the next, and how large a
register one machine builds within an hour and within 2 GiB.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TypeVar

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
from measuring import GIB, BenchError, Measured, MemoryLimitExceeded, measure  # noqa: E402
from outputs import TEXT_NOT_COMPARED, compare_trees, page_equivalence  # noqa: E402
from reporting import (  # noqa: E402
    Identity,
    Preview,
    SizeResult,
    growth_figures,
    growth_report,
    reach_report,
    register_reach,
    samples,
    size_figures,
    size_report,
)

__all__ = ["BUILD_SCRIPT", "TEXT_NOT_COMPARED", "Measured", "corpus", "hugo_command", "hugo_env", "main", "measure",
           "page_equivalence"]

COLD = ["--no-cache"]
NO_SEARCH = ["--no-search"]
# What a run can be limited to with --only; all of them by default.
PARTS = ("search", "nosearch", "hugo", "hugo-server", "same-bytes", "preview")
T = TypeVar("T")


def ours_command(site: Path, out: Path, as_of: date, flags: list[str]) -> list[str]:
    return [sys.executable, str(BUILD_SCRIPT), "build", "--root", str(site), "--out", str(out),
            "--as-of", as_of.isoformat(), *flags]


TITLE = re.compile(r"^title: (.*)$", re.MULTILINE)


class RecordEditor:
    """Changes one record's title, differently each time, so every rebuild has real work: the
    record moves from the start of every list it is on to the end and back ("A..." and "Ö...",
    as Finnish collation orders them), so lists, the feed, the data files and the search index change.

    The file is replaced, never written into: the corpus is hard links to a cached copy."""

    def __init__(self, file: Path) -> None:
        self.file = file
        self.original = file.read_text(encoding="utf-8")
        found = TITLE.search(self.original)
        if found is None:
            raise BenchError(f"{file.name}: no title line to edit")
        self.title_line, self.title = found.group(0), found.group(1).strip('"')
        self.count = 0

    def edit(self) -> None:
        self.count += 1
        prefix = "Aamun" if self.count % 2 else "Öisen"
        line = f"title: {corpus._yaml_text(f'{prefix} {self.count}. {self.title}')}"
        self._replace(self.original.replace(self.title_line, line, 1))

    def restore(self) -> None:
        self._replace(self.original)

    def _replace(self, text: str) -> None:
        temporary = self.file.with_name(f".{self.file.name}.tmp")
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, self.file)


def edited_record(site: Path, slugs: list[str]) -> Path:
    """A record from the middle of the corpus that shows on the front page and a theme page
    (not ended: every third record has) and lists under its title (it has no short title)."""
    for index in range(len(slugs) // 2, len(slugs)):
        file = site / "content" / "projects" / f"{slugs[index]}.md"
        if index % 3 != 0 and "\nshort_title:" not in file.read_text(encoding="utf-8"):
            return file
    return site / "content" / "projects" / f"{slugs[len(slugs) // 2]}.md"


def same_bytes(site: Path, work: Path, editor: RecordEditor, as_of: date, search: bool = True,
               limit: int | None = None) -> Identity:
    """Build the same input four ways (and the edited input twice) and compare the outputs.

    With `search`, as the production configuration builds: the index is part of
    what a rebuild must get right."""
    cache = site / ".cache"
    cold, primed, cached, edited = (work / f"same-{name}" for name in ("cold", "primed", "cached", "edited"))
    for folder in (cold, primed, cached, edited, cache):
        remove(folder)
    editor.restore()
    extra = [] if search else NO_SEARCH

    def build(out: Path, flags: list[str], what: str) -> None:
        measure(ours_command(site, out, as_of, flags + extra), what=what, limit=limit)

    try:
        build(cold, COLD, "our --no-cache build for the same-bytes check")
        build(primed, [], "our cache-filling build for the same-bytes check")
        build(cached, [], "our build from the filled cache for the same-bytes check")
        cold_vs_primed, cold_vs_cached = compare_trees(cold, primed), compare_trees(cold, cached)
        editor.edit()
        build(cached, [], "our one-change rebuild for the same-bytes check")
        build(edited, COLD, "our --no-cache build of the edited input")
        return Identity(cold_vs_primed, cold_vs_cached, compare_trees(cached, edited),
                        len(compare_trees(cold, edited)), search)
    finally:
        editor.restore()
        for folder in (cold, primed, cached, edited):
            remove(folder)


@dataclass(frozen=True)
class Options:
    repeat: int
    hugo_edits: int
    parts: frozenset[str]
    limit: int | None  # bytes over a build's whole process tree
    corpus_cache: Path
    preview_at: int
    preview_runs: int
    as_of: date = corpus.AS_OF


def run_size(records: int, work: Path, options: Options) -> SizeResult:
    parts, limit, as_of = options.parts, options.limit, options.as_of
    site = work / f"corpus-{records}"
    ours_out, hugo_out = work / f"ours-{records}", work / f"hugo-{records}"
    source = corpus.cached_corpus(records, options.corpus_cache, as_of=as_of)
    corpus.materialise(source.site, site)
    editor = RecordEditor(edited_record(site, source.slugs))
    result = SizeResult(records)
    cache = site / ".cache"
    base_url = corpus.BASE_URL

    def attempt(series: str, step: Callable[[], T], *needs: str) -> T | None:
        """Run one measured step unless it, or a step it needs, passed the memory limit at this size."""
        if series in result.stopped or any(need in result.stopped for need in needs):
            return None
        try:
            return step()
        except MemoryLimitExceeded as exc:
            result.stopped[series] = f"stopped: {exc}"
            print(f"  {exc}", file=sys.stderr, flush=True)
            return None

    def ours(out: Path, flags: list[str], what: str) -> Callable[[], Measured]:
        return lambda: measure(ours_command(site, out, as_of, flags), what=what, limit=limit)

    def ours_search() -> bool:
        remove(ours_out)
        remove(cache)
        cold = attempt("cold_search", ours(ours_out, [], "our cold build"))
        if cold is None:
            return False
        result.ours_cold.append(cold)
        result.search_index = (ours_out / "pagefind").is_dir()
        return True

    def hugo_cold() -> bool:
        remove(hugo_out)
        hugo_cache = work / "hugo-cache"
        remove(hugo_cache)
        built = attempt("hugo", lambda: measure(hugo_command(site, hugo_out, hugo_cache, base_url),
                                                env=hugo_env(as_of), what="Hugo", limit=limit))
        if built is None:
            return False
        indexed = None
        if "search" in parts:
            indexed = attempt("hugo", lambda: measure(pagefind_command(hugo_out), what="Pagefind on Hugo's output",
                                                      limit=limit))
            if indexed is None:
                return False
        result.hugo_cold.append(built)
        if indexed is not None:
            result.hugo_pagefind.append(indexed)
        return True

    def rebuilds(flags: list[str], no_change: list[float], one_change: list[float], suffix: str,
                 needs: str) -> None:
        unchanged = attempt(f"no_change{suffix}", ours(ours_out, flags, "our no-change rebuild"), needs)
        if unchanged is None:
            return
        no_change.append(unchanged.seconds)
        editor.edit()
        changed = attempt(f"one_change{suffix}", ours(ours_out, flags, "our one-change rebuild"), needs)
        if changed is not None:
            one_change.append(changed.seconds)

    for round_no in range(options.repeat):
        print(f"  N={records:,} round {round_no + 1}/{options.repeat}", file=sys.stderr, flush=True)
        # Alternate who goes first, so a warming or cooling machine favours neither.
        steps = [step for part, step in (("search", ours_search), ("hugo", hugo_cold)) if part in parts]
        done = {step.__name__: step() for step in (steps if round_no % 2 == 0 else steps[::-1])}
        if result.equivalence is None and done.get("ours_search") and done.get("hugo_cold"):
            result.equivalence = page_equivalence(ours_out, hugo_out)
        if done.get("ours_search"):
            rebuilds([], result.no_change_search, result.one_change_search, "_search", "cold_search")
        if "nosearch" in parts:
            remove(ours_out)
            remove(cache)
            cold = attempt("cold_no_search", ours(ours_out, NO_SEARCH, "our cold build --no-search"))
            if cold is not None:
                result.ours_cold_no_search.append(cold)
                rebuilds(NO_SEARCH, result.no_change, result.one_change, "", "cold_no_search")
        if "hugo-server" in parts:
            for fast, kept in ((True, result.hugo_one_file), (False, result.hugo_one_file_full)):
                times = attempt("hugo_server" if fast else "hugo_server_full", lambda fast=fast: hugo_server_rebuilds(
                    site, work, editor.edit, as_of, options.hugo_edits, fast_render=fast, base_url=base_url,
                    limit=limit))
                if times is not None:
                    kept.append(times)
        for folder in (ours_out, hugo_out):
            remove(folder)  # a 100,000-record output is gigabytes; the next step needs the room
    if "same-bytes" in parts:
        result.identity = attempt("same_bytes", lambda: same_bytes(site, work, editor, as_of, limit=limit))
    editor.restore()
    if "preview" in parts and records == options.preview_at:
        result.preview = preview(source, work, options.preview_runs, result.stopped)
    remove(site)
    return result


def preview(source: corpus.CachedCorpus, work: Path, runs: int, stopped: dict[str, str]) -> Preview | None:
    """The preview's save-to-visible time on this size's corpus (bench/preview_latency.py)."""
    try:
        import preview_latency
    except ImportError as exc:  # the browser driver is a test tool
        stopped["preview"] = f"not run: {exc}"
        return None
    site = work / "preview-site"
    # Real copies: the preview's edit writes into the record file.
    corpus.materialise(source.site, site, link=False)
    editor = RecordEditor(edited_record(site, source.slugs))
    try:
        times = preview_latency.generated_site_latency(site, editor.file.stem, runs, out=sys.stderr)
    except Exception as exc:  # a missing browser or a preview that never showed the change
        stopped["preview"] = f"failed: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
        return None
    finally:
        remove(site)
    return Preview(times.median, times.latencies, preview_latency.summary(times))


def _git(*args: str) -> str:
    try:
        return subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True, check=False,
                              timeout=30).stdout.strip()
    except OSError:
        return ""


def provenance(options: Options, load: tuple[float, float]) -> dict[str, object]:
    """What the figures were measured on, so a quoted figure can say which code and which day."""
    hugo_version = subprocess.run([str(hugo_binary()), "version"], capture_output=True, text=True,
                                  check=False).stdout.split()
    return {
        "measured_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%MZ"),
        "commit": _git("rev-parse", "--short=12", "HEAD") or None,
        "uncommitted_changes": bool(_git("status", "--porcelain", "--untracked-files=no")),
        "python": platform.python_version(),
        "hugo": hugo_version[1].split("-")[0] if len(hugo_version) > 1 else None,
        "cpus": os.cpu_count(),
        "memory_limit_bytes": options.limit,
        "load_average_start_end": [round(load[0], 2), round(load[1], 2)],
        "rounds": options.repeat,
        "as_of": options.as_of.isoformat(),
        "base_url": corpus.BASE_URL,
    }


def report(results: list[SizeResult], info: dict[str, object]) -> str:
    load = info["load_average_start_end"]
    assert isinstance(load, list)
    limit = info["memory_limit_bytes"]
    out = [
        "Benchmark (issues 7, 13 and 23): ours vs Hugo + Pagefind on the same records, production configuration",
        f"  commit {info['commit']}{' with uncommitted changes' if info['uncommitted_changes'] else ''}, "
        f"measured {info['measured_at']}",
        f"  Python {info['python']}, Hugo {info['hugo']}, {info['cpus']} CPUs, "
        f"as-of {info['as_of']}, {info['rounds']} round(s), medians",
        # Other people's work on a shared machine is the main source of noise; say how busy it was.
        f"  load average (1 min): {load[0]:.1f} at the start, {load[1]:.1f} at the end",
        f"  base URL {corpus.BASE_URL} (sitemap made; Hugo given the same --baseURL); search on unless "
        "the row says without; one record edited = its title changed, so it moves in the lists",
        "  peak memory: all of a build's processes at once (summed, sampled every 20 ms); "
        "'largest process': wait4's"
        + (f"; a build is stopped past {limit / GIB:.1f} GiB" if isinstance(limit, int) else ""),
        "  ratio: median of per-round ratios; rebuilds are ours against hugo server --disableFastRender",
    ]
    for result in results:
        out += size_report(result)
    out += growth_report(results)
    out += reach_report(register_reach(results))
    return "\n".join(out)


def as_json(results: list[SizeResult], info: dict[str, object]) -> dict[str, object]:
    return {
        "measured": info,
        "sizes": [{
            "records": r.records,
            "figures": [figure.as_json() for figure in size_figures(r)],
            "same_bytes": asdict(r.identity) if r.identity is not None else None,
            "equivalence": asdict(r.equivalence) if r.equivalence is not None else None,
            "preview_ms": asdict(r.preview) if r.preview is not None else None,
            "stopped": r.stopped,
            "samples_s": samples(r),
        } for r in results],
        "growth": [figure.as_json() for figure in growth_figures(results)],
        "register": [asdict(reach) for reach in register_reach(results)],
    }


def _sizes(text: str) -> list[int]:
    try:
        return [int(part.strip().replace("_", "")) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a comma-separated list of record counts: {text!r}") from None


_UNITS = {"": 1, "K": 1024, "M": 1024 ** 2, "G": 1024 ** 3, "T": 1024 ** 4}


def _bytes(text: str) -> int:
    """'12G', '12 GiB', '800M' -> bytes; a bare number is GiB."""
    found = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(?:I?B)?\s*", text.upper())
    if found is None:
        raise argparse.ArgumentTypeError(f"not a size such as 12G or 800M: {text!r}")
    return int(float(found.group(1)) * _UNITS[found.group(2) or "G"])


def _parts(text: str) -> frozenset[str]:
    chosen = frozenset(part.strip() for part in text.split(",") if part.strip())
    if not chosen or chosen - set(PARTS):
        raise argparse.ArgumentTypeError(f"choose from {', '.join(PARTS)}: {text!r}")
    return chosen


def default_limit() -> int:
    """Half the machine's memory: a build that needs more has failed the 2 GiB goal many times
    over, and the other half keeps the machine usable for everyone else."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2
    except (ValueError, OSError, AttributeError):
        return 8 * GIB


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Our build against Hugo + Pagefind on the same synthetic records.")
    parser.add_argument("--sizes", type=_sizes, default=None,
                        help="record counts, comma-separated (default: 1000,2500,10000)")
    parser.add_argument("--huge", action="store_true", help="also run N = 100,000")
    parser.add_argument("--repeat", type=int, default=3, help="rounds per size (default: 3)")
    parser.add_argument("--hugo-edits", type=int, default=2, help="edits per hugo server session (default: 2)")
    parser.add_argument("--only", type=_parts, default=frozenset(PARTS),
                        help=f"run only these parts, comma-separated: {', '.join(PARTS)} (default: all)")
    parser.add_argument("--skip-hugo", action="store_true", help="leave out Hugo, Pagefind on Hugo's output "
                        "and hugo server (no ratios; for sizes Hugo cannot build within the memory limit)")
    parser.add_argument("--memory-limit", type=_bytes, default=None, metavar="SIZE",
                        help="stop a build whose processes together pass SIZE (e.g. 12G) and report it as "
                        "stopped (default: half of this machine's memory)")
    parser.add_argument("--preview-at", type=int, default=1000, metavar="N",
                        help="measure the preview's save-to-visible time at this size, if it is among "
                        "--sizes (default: 1000)")
    parser.add_argument("--preview-runs", type=int, default=9, help="edits the preview is timed over (default: 9)")
    parser.add_argument("--json", type=Path, default=None, metavar="FILE", help="also write the figures there")
    parser.add_argument("--corpus-cache", type=Path, default=None, metavar="DIR",
                        help="where generated corpora are kept between runs, by size and seed "
                        f"(default: {corpus.default_cache().name} in the user's cache folder)")
    parser.add_argument("--workdir", type=Path, default=None,
                        help="where corpora and outputs go (default: a temporary folder, removed afterwards)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)
    sizes = args.sizes or [1000, 2500, 10000]
    if args.huge and 100_000 not in sizes:
        sizes.append(100_000)
    if args.repeat < 1 or args.hugo_edits < 1 or args.preview_runs < 1 or any(n < 1 for n in sizes):
        parser.error("--repeat, --hugo-edits, --preview-runs and every size must be at least 1")
    parts = args.only - ({"hugo", "hugo-server"} if args.skip_hugo else set())
    options = Options(args.repeat, args.hugo_edits, frozenset(parts), args.memory_limit or default_limit(),
                      args.corpus_cache or corpus.default_cache(), args.preview_at, args.preview_runs)

    work = args.workdir or Path(tempfile.mkdtemp(prefix="hankkeet-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        load_start = os.getloadavg()[0]
        results = []
        for records in sizes:
            print(f"N={records:,}: preparing the corpus and running {args.repeat} round(s)", file=sys.stderr,
                  flush=True)
            results.append(run_size(records, work, options))
        info = provenance(options, (load_start, os.getloadavg()[0]))
        print(report(results, info))
        if args.json is not None:
            args.json.write_text(json.dumps(as_json(results, info), indent=2, ensure_ascii=False) + "\n",
                                 encoding="utf-8")
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
