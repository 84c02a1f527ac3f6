"""The benchmark's instruments work at a tiny N: the corpus, Hugo's side, the runner.

Nothing here asserts how fast anything is; the benchmark itself is run by hand.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from conftest import REPO, run_cli

BENCH = REPO / "bench"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # Dataclasses look their module up in sys.modules while the module is being executed.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


bench_run = _load("run")
corpus = bench_run.corpus  # the very module the runner uses


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def corpus_12(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("corpus") / "site"
    result = subprocess.run([sys.executable, str(BENCH / "corpus.py"), "--records", "12", "--out", str(site)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return site


def test_corpus_checks_clean_with_our_tool(corpus_12: Path) -> None:
    result = run_cli("check", "--root", str(corpus_12), "--as-of", corpus.AS_OF.isoformat())
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # not even a warning
    assert "12 hanketta" in result.stdout


def test_corpus_is_deterministic_and_sizes_share_a_prefix(corpus_12: Path, tmp_path: Path) -> None:
    corpus.write_corpus(tmp_path / "again", 12)
    assert _tree(tmp_path / "again") == _tree(corpus_12)
    corpus.write_corpus(tmp_path / "bigger", 20)
    bigger = _tree(tmp_path / "bigger")
    assert all(bigger[name] == data for name, data in _tree(corpus_12).items())
    # Writing a smaller corpus over a bigger one leaves only the smaller one's records.
    corpus.write_corpus(tmp_path / "bigger", 12)
    assert _tree(tmp_path / "bigger") == _tree(corpus_12)


def test_corpus_records_are_realistic(tmp_path: Path) -> None:
    from projcat.engine import pipeline

    corpus.write_corpus(tmp_path, 60)
    result = pipeline.check(tmp_path, corpus.AS_OF)
    assert result.ok and not result.problems
    assert result.site is not None and len(result.site.themes) == 3
    statuses = [entry.status for entry in result.catalogue.entries]  # type: ignore[union-attr]
    assert statuses.count("ended") == 20  # exactly a third
    assert {"ongoing", "upcoming"} <= set(statuses)
    precisions = {d.precision for r in result.records for d in (r.project.start, r.project.end) if d}
    assert precisions == {"year", "month", "day"}
    for record in result.records:
        project = record.project
        assert 3500 <= len(record.body.encode()) <= 6000
        assert project.lead and project.funding and project.contacts
        assert all(f.amount_eur for f in project.funding)
        assert all(c.email for c in project.contacts)
        assert re.search(r"^## ", record.body, re.MULTILINE) and re.search(r"^- ", record.body, re.MULTILINE)
    bodies = "".join(r.body for r in result.records)
    assert "ä" in bodies and "ö" in bodies and "](https://" in bodies
    documents = [d for r in result.records for d in r.project.documents]
    assert documents and all(d.url and d.url.startswith("https://") for d in documents)


def test_hugo_builds_the_same_pages_from_the_same_files(corpus_12: Path, tmp_path: Path) -> None:
    ours, hugo = tmp_path / "ours", tmp_path / "hugo"
    built = run_cli("build", "--root", str(corpus_12), "--out", str(ours), "--as-of", corpus.AS_OF.isoformat())
    assert built.returncode == 0, built.stderr
    result = subprocess.run(bench_run.hugo_command(corpus_12, hugo, tmp_path / "hugo-cache", corpus.BASE_URL),
                            env=bench_run.hugo_env(corpus.AS_OF), capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARN" not in result.stdout + result.stderr
    # The production configuration: an absolute address, so both sides make a sitemap of it.
    assert corpus.BASE_URL.startswith("https://")
    for side in (ours, hugo):
        assert f"<loc>{corpus.BASE_URL}" in (side / "sitemap.xml").read_text(encoding="utf-8")
    equivalence = bench_run.page_equivalence(ours, hugo)
    assert equivalence.same_addresses
    # 12 project pages, home, archive, 404, three themes, search and the accessibility statement.
    assert equivalence.ours_pages == equivalence.hugo_pages == 12 + 8
    # Every page but the search page and the statement (address only; see bench/outputs.py) reads the same.
    assert equivalence.compared == equivalence.ours_pages - len(bench_run.TEXT_NOT_COMPARED)
    assert equivalence.same_text == equivalence.compared
    # Hugo read the records in place: nothing was added to the site folder but our own build cache.
    assert sorted(p.name for p in corpus_12.iterdir()) == [".cache", "content", "site.yaml"]


def test_runner_prints_the_ratio_table_and_the_growth() -> None:
    result = subprocess.run([sys.executable, str(BENCH / "run.py"), "--sizes", "3,12", "--repeat", "1",
                             "--hugo-edits", "1"], capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert f"base URL {corpus.BASE_URL}" in out
    assert "N = 3 records" in out and "N = 12 records" in out
    assert "pages: ours 20, Hugo 20; same addresses: yes; same visible text: 18/18" in out
    assert out.count("search index (Pagefind): built by ours, so also run on Hugo's output") == 2
    for row in ("cold build with search, s", "cold build without search, s", "peak RSS without search, MiB",
                "peak RSS with search, MiB", "largest process, MiB", "rebuild, no change, s",
                "rebuild, one record, s"):
        assert re.search(rf"^ +{re.escape(row)}\s+\d", out, re.MULTILINE), row
    assert out.count("= cold filling ROOT/.cache: OK; = cold with ROOT/.cache filled: OK") == 2
    assert re.search(r"one-record rebuild = cold --no-cache of the edited input: OK \(the edit changed [1-9]", out)
    # 12 is four times 3: the growth is judged against the 4.4.
    assert re.search(r"^  3 -> 12 records \(x4\): cold with search ours \d+\.\d\d, Hugo \+ Pagefind \d", out,
                     re.MULTILINE)
    assert "goal <= 4.4 x: " in out


TAMPERING_BUILD = '''\
"""Stands in for a build.py whose cache changes a byte of the output: the check must see it."""
import sys
from pathlib import Path

from projcat.cli import main

args = sys.argv[1:]
code = main(args)
if code == 0 and "--no-cache" not in args:
    page = Path(args[args.index("--out") + 1]) / "index.html"
    page.write_bytes(page.read_bytes() + b"\\n")
sys.exit(code)
'''


def test_same_bytes_check_passes_our_build_and_catches_a_cache_that_changes_bytes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    slugs = corpus.write_corpus(site, 6)
    editor = bench_run.RecordEditor(bench_run.edited_record(site, slugs))
    same = bench_run.same_bytes(site, tmp_path / "work", editor, corpus.AS_OF)
    assert same.cold_vs_primed == same.cold_vs_cached == same.rebuilt_vs_cold == []
    assert same.edit_changed > 0  # the edit shows, so equal trees are not two empty folders
    fake = tmp_path / "build.py"
    fake.write_text(TAMPERING_BUILD)
    monkeypatch.setattr(bench_run, "BUILD_SCRIPT", fake)
    broken = bench_run.same_bytes(site, tmp_path / "work", editor, corpus.AS_OF)
    assert broken.cold_vs_primed == broken.cold_vs_cached == broken.rebuilt_vs_cold == ["index.html"]


HOLDS_MEMORY = """\
import os, sys, time
block = bytearray(b"p") * (200 * 1024 * 1024)  # written, so resident
pid = os.fork()
if pid == 0:
    child = bytearray(b"c") * (20 * 1024 * 1024)
    time.sleep(1.0)
    os._exit(0)
os.waitpid(pid, 0)
"""


def test_peak_memory_sums_the_processes_alive_at_once() -> None:
    measured = bench_run.measure([sys.executable, "-c", HOLDS_MEMORY], what="two processes")
    mib = 1024 * 1024
    # wait4 sees one process at a time: at most the child, which holds its own 20 MiB and
    # (shared, but RSS counts it) the parent's 200 MiB ...
    assert 220 * mib <= measured.max_rss < 330 * mib
    # ... the sampled sum sees the parent's 200 MiB beside it while the child sleeps. The margin is
    # wide on purpose: wait4's figure includes moments a 20 ms sampler may not catch.
    assert measured.tree_rss >= measured.max_rss + 100 * mib
    assert measured.peak == measured.tree_rss


def _measured(seconds: float, rss_mib: int = 100) -> Any:
    return bench_run.Measured(seconds, seconds, rss_mib * 1024 * 1024, rss_mib * 1024 * 1024)


def test_growth_is_judged_where_sizes_are_four_times_apart() -> None:
    reporting = sys.modules["reporting"]  # the runner's sibling module, imported by name as the runner does
    results = []
    for records, ours, hugo in ((1000, 4.0, 3.0), (2500, 10.0, 7.0), (10000, 50.0, 28.0)):
        result = reporting.SizeResult(records)
        result.ours_cold = [_measured(ours)]
        result.ours_cold_no_search = [_measured(ours / 2)]
        result.hugo_cold = [_measured(hugo)]
        result.hugo_pagefind = [_measured(1.0)]
        results.append(result)
    assert reporting.growth_pairs([10000, 1000, 2500]) == [(1000, 2500), (2500, 10000)]
    assert reporting.growth_pairs([250, 1000, 2500, 10000]) == [(250, 1000), (1000, 2500), (2500, 10000)]
    lines = reporting.growth_report(results)
    first, second = (line for line in lines if "->" in line)
    assert "1,000 -> 2,500 records (x2.5): cold with search ours 2.50, Hugo + Pagefind 2.00" in first
    assert "goal" not in first
    # 50 s / 10 s: five times as long for four times the records, quadratic-looking work.
    assert "2,500 -> 10,000 records (x4): cold with search ours 5.00, Hugo + Pagefind 3.62" in second
    assert second.endswith("goal <= 4.4 x: misses (1.14x the goal)")
