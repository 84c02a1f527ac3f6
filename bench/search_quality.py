#!/usr/bin/env python3
"""The search index in shards against one unsharded index: quality, requests and re-index time.

    python bench/search_quality.py [--records 10000] [--shards 4,8,16] [--repeat 3] [--work DIR]

For the shipped site (`content/` of the repository) and a corpus of `--records` records
(`bench/corpus.py`), each built once without search under the sub-path `/hankkeet/`:

- the index is made with 1 shard (one unsharded index, the baseline) and with each count of
  `--shards`, timing the whole index;
- one record's page is edited (a word added to its title), and the time to index it again is
  measured: the search documents of every page cut again plus Pagefind run for the one shard
  that holds it (for 1 shard, the whole index), `--repeat` times;
- 20 queries, words drawn from the pages' own text over the whole range of how many projects
  hold them, are run on the site's real search page in headless Chromium against a local
  server on 127.0.0.1, as a reader types them; the first ten results of each are compared with
  the unsharded index's (same first result; how many of its first ten are among ours), and the
  requests the page made are counted, on loading and per query (the index files alone: the
  result fragments shown are the same for any shard count).

Prints one table per site. Nothing here changes the build; `projcat.engine.search.SHARDS` is
chosen from these figures by hand.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import math
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(REPO))

import corpus  # noqa: E402

from projcat.engine import pipeline, search  # noqa: E402

PREFIX = "/hankkeet/"
QUERIES = 20
TOP = 10
# As many results as the search page shows; the addresses of ties with the tenth are among them.
SHOWN = 50
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
STATUS = "[data-search-status]"


@dataclass
class Run:
    """One shard count's figures on one site (`top`: the first results' addresses, `scores`: every
    result's score, best first)."""

    shards: int
    cold_s: float = 0.0
    reindex_s: list[float] = field(default_factory=list)
    load_requests: int = 0
    query_requests: list[int] = field(default_factory=list)
    top: dict[str, list[str]] = field(default_factory=dict)
    scores: dict[str, list[float]] = field(default_factory=dict)


def _project_pages(out: Path) -> list[tuple[str, bytes]]:
    pages = []
    for path in sorted(out.rglob("index.html")):
        data = path.read_bytes()
        if b"data-pagefind-body" in data:
            pages.append((path.relative_to(out).as_posix(), data))
    return pages


def _queries(pages: list[tuple[str, bytes]], count: int = QUERIES) -> list[str]:
    """Words of the articles' text, spread evenly over how many pages hold them (from one page
    to a third of them), so rare and common words are both asked."""
    held: Counter[str] = Counter()
    for _, html in pages:
        article = search.search_document(html).decode("utf-8")
        text = re.sub(r"<[^>]+>", " ", article.split("<body>", 1)[-1]).lower()
        held.update(set(re.findall(r"[^\W\d_]{6,}", text)))
    words = sorted((n, w) for w, n in held.items() if n <= max(1, len(pages) // 3))
    step = max(1, len(words) // count)
    return [word for _, word in words[::step]][:count]


def _install(out: Path, bundle: dict[str, bytes]) -> None:
    shutil.rmtree(out / "pagefind", ignore_errors=True)
    for name, data in bundle.items():
        target = out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


@contextmanager
def _served(folder: Path) -> Iterator[str]:
    class Handler(http.server.SimpleHTTPRequestHandler):
        def translate_path(self, path: str) -> str:
            return super().translate_path("/" + path.removeprefix(PREFIX))

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{PREFIX}"
    finally:
        server.shutdown()
        server.server_close()


# The search page's own Pagefind module, which its script has loaded and merged the shards
# into (a module is one instance per address), asked as the script asks it: the results with
# their scores, and the addresses of as many as the page shows.
_ASK_JS = """async ([query, shown]) => {
  const bundle = new URL(document.querySelector("[data-search]").dataset.bundle, document.baseURI);
  const shards = await (await fetch(new URL("shards.json", bundle))).json();
  const language = document.documentElement.lang;
  const pagefind = await import(new URL(shards.languages[language][0] + "/pagefind.js", bundle).href);
  const found = await pagefind.search(query);
  const top = await Promise.all(found.results.slice(0, shown).map(async (r) => (await r.data()).url));
  return { top, scores: found.results.map((r) => r.score) };
}"""


def _ask(browser: Any, url: str, queries: list[str], run: Run) -> None:
    context = browser.new_context()
    page = context.new_page()
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(url)
    page.locator("#hakusana").wait_for(state="visible", timeout=120_000)
    page.wait_for_load_state("networkidle")
    run.load_requests = len(fetched)
    for query in queries:
        fetched.clear()
        answer = page.evaluate(_ASK_JS, [query, SHOWN])
        run.top[query] = answer["top"]
        run.scores[query] = answer["scores"]
        # The index's files only: the manifest fetched by this measurement is not the search's.
        run.query_requests.append(sum(1 for u in fetched if "/pagefind/" in u and "/fragment/" not in u
                                      and not u.endswith(search.MANIFEST)))
    context.close()


def _reindex(pages: list[tuple[str, bytes]], language: str | None, shards: int, repeat: int) -> list[float]:
    """Seconds to index again after one record's title changed: every search document cut again
    and Pagefind run for the one shard holding the edited page, as the build does."""
    target = len(pages) // 2
    name, html = pages[target]
    times = []
    for round_ in range(repeat):
        edited = list(pages)
        edited[target] = (name, html.replace(b"</h1>", f" muokattu{round_}</h1>".encode(), 1))
        start = time.perf_counter()
        documents = search.shard_documents(edited, shards)
        number = search.shard_of(name, shards)
        search.build_shard(documents[number], language, search.shard_name(number))
        times.append(time.perf_counter() - start)
    return times


def measure_site(label: str, root: Path, as_of: date, work: Path, counts: list[int], repeat: int,
                 browser: Any, reuse: bool = False) -> list[Run]:
    out = work / label
    if not (reuse and (out / "index.html").is_file()):
        print(f"{label}: building without search", file=sys.stderr, flush=True)
        pipeline.build(root, out, as_of, base_url=PREFIX, search=False)
    pages = _project_pages(out)
    # As the build does: a one-language site's pages all in its language, else each in its own.
    languages = {found.group(1).decode() for _, html in pages
                 if (found := re.search(rb'<html lang="([^"]+)"', html)) is not None}
    language = languages.pop() if len(languages) == 1 else None
    queries = _queries(pages)
    print(f"{label}: {len(pages)} project pages; queries: {', '.join(queries)}", file=sys.stderr, flush=True)
    runs = []
    for shards in [1, *counts]:
        run = Run(shards)
        start = time.perf_counter()
        bundle = search.build_shards(pages, language, shards)
        run.cold_s = time.perf_counter() - start
        _install(out, bundle)
        run.reindex_s = _reindex(pages, language, shards, repeat) if repeat else [float("nan")]
        with _served(out) as url:
            _ask(browser, url + "haku/", queries, run)
        print(f"{label}: {shards} shard(s) done", file=sys.stderr, flush=True)
        runs.append(run)
    return runs


def _agreement(run: Run, base: Run, query: str) -> tuple[float, bool]:
    """How many of our first ten the unsharded index also ranks in its first ten, a result tied
    with its tenth counting as in (the synthetic records tie often, and the order of a tie says
    nothing of quality); and whether our first result is one it ranks first, ties included."""
    scores, shown = base.scores[query], base.top[query]
    ours = run.top[query][:TOP]
    if not shown:
        return (0.0 if ours else 1.0), not ours
    tenth = scores[min(TOP, len(scores)) - 1]
    tied = {url for url, score in zip(shown, scores, strict=False) if score >= tenth}
    first = {url for url, score in zip(shown, scores, strict=False) if score >= scores[0]}
    return sum(1 for url in ours if url in tied) / min(TOP, len(shown)), bool(ours) and ours[0] in first


def _ndcg(run: Run, base: Run, query: str) -> float:
    """nDCG@10 of our first ten, each result's gain its score in the unsharded index (0 beyond
    the unsharded index's first 50): 1.0 when ours are as good as its own first ten, near ties
    in any order included, so a near tie reordered by a shard's own statistics costs little."""
    gains = dict(zip(base.top[query], base.scores[query], strict=False))
    ideal = sorted(gains.values(), reverse=True)[:TOP]
    best = sum(gain / math.log2(rank + 2) for rank, gain in enumerate(ideal))
    if not best:
        return 1.0 if not run.top[query] else 0.0
    got = sum(gains.get(url, 0.0) / math.log2(rank + 2) for rank, url in enumerate(run.top[query][:TOP]))
    return got / best


def report(label: str, pages: int, runs: list[Run]) -> str:
    base = runs[0]
    lines = [f"{label} ({pages} project pages), {len(base.top)} queries, top {TOP}:",
             "| shards | whole index, cold | one record re-indexed (median; runs) | vs unsharded | same first result"
             " | top-10 overlap (mean; min) | nDCG@10 (mean; min) | same number of results | requests on load"
             " | index requests per query (mean; max) |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    base_reindex = statistics.median(base.reindex_s)
    for run in runs:
        agreements = [_agreement(run, base, q) for q in base.top]
        overlaps = [overlap for overlap, _ in agreements]
        first = sum(1 for _, same in agreements if same)
        same_count = sum(1 for q in base.top if len(run.scores[q]) == len(base.scores[q]))
        ndcg = [_ndcg(run, base, q) for q in base.top]
        median = statistics.median(run.reindex_s)
        lines.append(
            f"| {run.shards} | {run.cold_s:.2f} s | {median:.2f} s ({', '.join(f'{t:.2f}' for t in run.reindex_s)})"
            f" | {median / base_reindex:.2f}x | {first}/{len(base.top)} | {statistics.mean(overlaps):.2f};"
            f" {min(overlaps):.2f} | {statistics.mean(ndcg):.2f}; {min(ndcg):.2f} | {same_count}/{len(base.top)} |"
            f" {run.load_requests} |"
            f" {statistics.mean(run.query_requests):.1f}; {max(run.query_requests)} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--shards", default="4,8,16")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", type=Path)
    parser.add_argument("--no-shipped", action="store_true", help="the corpus only")
    parser.add_argument("--reuse", action="store_true", help="keep a site already built in --work")
    args = parser.parse_args(argv)
    counts = [int(n) for n in args.shards.split(",") if n]
    from playwright.sync_api import sync_playwright

    work = args.work or Path(tempfile.mkdtemp(prefix="projcat-search-bench-"))
    tables = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            if not args.no_shipped:
                shipped = measure_site("shipped", REPO, date(2021, 10, 26), work, counts, args.repeat, browser)
                tables.append(report("shipped site", len(_project_pages(work / "shipped")), shipped))
                print(tables[-1], flush=True)
            if args.records:
                site = work / f"corpus-{args.records}"
                if not (args.reuse and site.is_dir()):
                    corpus.write_corpus(site, args.records)
                runs = measure_site(f"corpus-{args.records}-site", site, corpus.AS_OF, work, counts, args.repeat,
                                    browser, args.reuse)
                tables.append(report(f"corpus of {args.records:,} records",
                                     len(_project_pages(work / f"corpus-{args.records}-site")), runs))
                print(tables[-1], flush=True)
        finally:
            browser.close()
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
