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
    from projcat.build import pipeline

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
    result = subprocess.run(bench_run.hugo_command(corpus_12, hugo, tmp_path / "hugo-cache"),
                            env=bench_run.hugo_env(corpus.AS_OF), capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARN" not in result.stdout + result.stderr
    equivalence = bench_run.page_equivalence(ours, hugo)
    assert equivalence.same_addresses
    # 12 project pages, home, archive, 404, three themes, search and the accessibility statement.
    assert equivalence.ours_pages == equivalence.hugo_pages == 12 + 8
    # Every page but the search page and the statement (address only; see bench/run.py) reads the same.
    assert equivalence.compared == equivalence.ours_pages - len(bench_run.TEXT_NOT_COMPARED)
    assert equivalence.same_text == equivalence.compared
    # Hugo read the records in place: nothing was added to the site folder but our own build cache.
    assert sorted(p.name for p in corpus_12.iterdir()) == [".cache", "content", "site.yaml"]


def test_runner_prints_the_ratio_table() -> None:
    result = subprocess.run([sys.executable, str(BENCH / "run.py"), "--sizes", "12", "--repeat", "1"],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "N = 12 records" in out
    assert "pages: ours 20, Hugo 20; same addresses: yes; same visible text: 18/18" in out
    for row in ("cold build, s", "peak RSS cold, MiB", "rebuild, no change, s", "rebuild, one record, s",
                "one-record rebuild vs hugo server, s"):
        assert re.search(rf"^  {re.escape(row)}\s+\d", out, re.MULTILINE), row
    assert "one-change rebuild byte-identical to a cold build: OK" in out


FUTURE_BUILD = '''\
"""Stands in for a build.py that has --no-cache and --no-search and makes a Pagefind index."""
import subprocess
import sys

from projcat.cli import main

args = sys.argv[1:]
if "--help" in args:
    print("usage: build.py build [--no-cache] [--no-search] ...")
    sys.exit(0)
no_search = "--no-search" in args
args = [a for a in args if a not in ("--no-cache", "--no-search")]
code = main(args)
if code == 0 and not no_search:
    subprocess.run([sys.executable, "-m", "pagefind", "--site", args[args.index("--out") + 1]],
                   check=True, capture_output=True)
sys.exit(code)
'''


def test_runner_uses_the_flags_and_pagefind_once_they_exist(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    fake = tmp_path / "build.py"
    fake.write_text(FUTURE_BUILD)
    monkeypatch.setattr(bench_run, "BUILD_SCRIPT", fake)
    assert bench_run.main(["--sizes", "12", "--repeat", "1", "--hugo-edits", "1",
                           "--workdir", str(tmp_path / "work")]) == 0
    out = capsys.readouterr().out
    assert "--no-cache yes, --no-search yes" in out
    assert "built by ours, so also run on Hugo output" in out
    assert re.search(r"^  cold, no search index, s\s+\d", out, re.MULTILINE)
    assert re.search(r"^    search index step, s\s+-?\d", out, re.MULTILINE)
    assert "one-change rebuild byte-identical to a cold build: OK" in out
    assert (tmp_path / "work" / "hugo-12" / "pagefind").is_dir()
