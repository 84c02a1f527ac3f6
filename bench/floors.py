#!/usr/bin/env python3
"""The fixed costs under issue 23's one-record goal, measured: what no build engine goes below.

    python bench/floors.py                          # documents from a 2,500-record corpus
    python bench/floors.py --shard-sizes 1,50,100,250,1250,2500 --records 10000,100000 --repeat 3

A one-record rebuild "with the search index current" within a second (10,000
records) or five (100,000) has to pay, whatever the engine's design:

  start-up   a fresh interpreter importing what rendering a page needs (Jinja,
             pydantic, Markdown, Babel: `projcat.engine.pipeline`); its wall time
             and resident memory, beside a bare interpreter's in the same run
  pagefind   the Pagefind program, which cannot add or remove a page in an index
             it wrote, run on one shard: `engine.search.build_shard` on k search
             documents made by our own build of a corpus, for each k of
             `--shard-sizes` (the median of `--repeat` runs); a straight line
             through them gives its fixed cost and its cost per page
  the rest   what an engine that reads only changed records still does with every
             record: one walk of the record folder comparing stat keys
             (`os.scandir`), and one ordered SQLite query joining a list item
             fragment per record (synthetic, of a card's size), at each size of
             `--records`

From these it prints, for each size, the largest shard Pagefind re-indexes within
what the budget leaves after start-up and the rest, and so the fewest shards the
goal needs. `bench/search_quality.py` measures what a shard count costs a reader
(requests per query, ranking against one index).
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]

from corpus import AS_OF, cached_corpus, default_cache, materialise  # noqa: E402

# The goals of issue 23 for one record edited, search included: seconds by register size.
BUDGET = {10_000: 1.0, 100_000: 5.0}
CARD = 420  # bytes of one list item (`partials/project_card.html`) in the benchmark corpus, about


@dataclass(frozen=True)
class StartUp:
    seconds: float
    rss_mib: float


def start_up(modules: str, repeat: int) -> StartUp:
    """A fresh interpreter importing `modules` (comma-separated; "" for none): median wall time
    of the whole process, and its resident memory once they are imported."""
    code = ("import importlib\n"
            f"for m in {modules!r}.split(','):\n    m and importlib.import_module(m)\n"
            "print(open('/proc/self/status').read().split('VmRSS:')[1].split()[0])")
    times, rss = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                              env=dict(os.environ, PYTHONPATH=str(ROOT)))
        times.append(time.perf_counter() - start)
        rss.append(int(done.stdout.split()[-1]) / 1024)
    return StartUp(statistics.median(times), statistics.median(rss))


def search_documents(records: int, work: Path) -> list[tuple[str, bytes]]:
    """Our own build of a corpus of `records` records, its project pages as Pagefind is fed them."""
    from projcat.engine.search import search_document

    site, out = work / "site", work / "out"
    materialise(cached_corpus(records, default_cache()).site, site)
    subprocess.run([sys.executable, str(ROOT / "build.py"), "build", "--root", str(site), "--out", str(out),
                    "--as-of", AS_OF.isoformat(), "--no-search", "--no-cache"],
                   check=True, stdout=subprocess.DEVNULL, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    pages = sorted(path for path in out.glob("*/*/index.html"))
    return [(page.relative_to(out).as_posix(), search_document(page.read_bytes())) for page in pages]


def timed(run: Callable[[], object], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def pagefind_times(documents: list[tuple[str, bytes]], sizes: list[int], repeat: int) -> dict[int, float]:
    from projcat.engine.search import build_shard

    found = {}
    for size in sizes:
        if size > len(documents):
            raise SystemExit(f"--shard-sizes {size} is more than the {len(documents)} pages built")
        found[size] = timed(partial(build_shard, documents[:size], "fi", "00"), repeat)
    return found


def fit(points: dict[int, float]) -> tuple[float, float]:
    """Least squares through (pages, seconds): the fixed part and the part per page."""
    xs, ys = list(points), list(points.values())
    slope, intercept = statistics.linear_regression(xs, ys)
    return max(intercept, 0.0), slope


def walk_and_join(records: int, work: Path, repeat: int) -> tuple[float, float]:
    """One stat walk of `records` files and one ordered query joining as many fragments."""
    folder = work / f"walk-{records}"
    folder.mkdir(parents=True, exist_ok=True)
    for index in range(records):
        (folder / f"{index:06d}.md").touch()

    def walk() -> object:
        keys = {}
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.endswith(".md"):
                    stat = entry.stat()
                    keys[entry.name] = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
        return keys

    database = work / f"fragments-{records}.sqlite"
    with sqlite3.connect(database) as db:
        db.execute("pragma journal_mode=wal")
        db.execute("create table if not exists item (list text, key text, html blob, primary key (list, key))")
        db.execute("delete from item")
        card = b"x" * CARD
        db.executemany("insert into item values (?, ?, ?)",
                       ((f"theme-{index % 8}", f"{index:06d}", card) for index in range(records)))
    connection = sqlite3.connect(database)

    def join() -> object:
        # Every list the records are on (here: eight theme lists), each as one ordered query.
        return [b"".join(row[0] for row in connection.execute(
            "select html from item where list = ? order by key", (f"theme-{number}",))) for number in range(8)]

    try:
        return timed(walk, repeat), timed(join, repeat)
    finally:
        connection.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shard-sizes", default="1,50,100,250,500,1250,2500",
                        help="pages per shard Pagefind is timed on")
    parser.add_argument("--records", default="10000,100000", help="register sizes the budget is judged at")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    sizes = sorted({int(part) for part in args.shard_sizes.split(",")})
    registers = [int(part) for part in args.records.split(",")]

    bare = start_up("", args.repeat)
    loaded = start_up("projcat.engine.pipeline", args.repeat)
    print(f"start-up: bare interpreter {bare.seconds:.2f} s, {bare.rss_mib:.0f} MiB; "
          f"with what a page render imports {loaded.seconds:.2f} s ({loaded.seconds / bare.seconds:.1f}x), "
          f"{loaded.rss_mib:.0f} MiB ({loaded.rss_mib / bare.rss_mib:.1f}x)")

    with tempfile.TemporaryDirectory(prefix="projcat-floors-") as folder:
        work = Path(folder)
        documents = search_documents(max(sizes), work)
        times = pagefind_times(documents, sizes, args.repeat)
        print("pagefind on one shard:")
        for size, seconds in times.items():
            print(f"  {size:>6} pages  {seconds:6.2f} s  {1000 * seconds / size:6.1f} ms a page")
        fixed, per_page = fit(times)
        print(f"  fitted: {fixed:.3f} s fixed + {1000 * per_page:.2f} ms a page")
        for records in registers:
            walk, join = walk_and_join(records, work, args.repeat)
            budget = BUDGET.get(records)
            print(f"{records:,} records: stat walk {walk:.3f} s, ordered join of every list item {join:.3f} s")
            if budget is None:
                continue
            # A command pays the start-up; a process that stays up between edits (the preview) does not.
            for what, spent in (("a build command", loaded.seconds + walk + join),
                                ("a resident process", walk + join)):
                left = budget - spent
                pages = int((left - fixed) / per_page) if left > fixed else 0
                print(f"  within {budget:.0f} s, {what}: {left:.2f} s left for Pagefind, so at most {pages:,} "
                      "pages a shard: "
                      + (f"at least {-(-records // pages):,} shards" if pages else "no shard fits at all"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
