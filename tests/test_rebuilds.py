"""Changed-only writes: rebuilding the same input changes nothing on disk, not even a
modification time; changing one record rewrites only the files that show it."""

from __future__ import annotations

import hashlib
import os
from datetime import date
from pathlib import Path

import pytest

from conftest import FIXTURE_AS_OF, run_cli
from projcat.engine import pipeline, search

# A time long before any test runs: a rewritten file cannot keep it by accident.
PAST_NS = 946_684_800 * 10**9  # 2000-01-01


def _digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*")) if p.is_file()
    }


def _age_every_file(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            os.utime(path, ns=(PAST_NS, PAST_NS))


def _untouched(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")
            if p.is_file() and p.stat().st_mtime_ns == PAST_NS}


def test_two_builds_with_search_are_byte_identical(fixture_site: Path, tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    for out in (one, two):
        result = run_cli("build", "--root", str(fixture_site), "--out", str(out), "--as-of", "2025-06-15",
                         "--base-url", "https://www.example.fi/hankkeet/")
        assert result.returncode == 0, result.stderr
    first = _digest(one)
    assert first == _digest(two)
    # The comparison covers what a rebuild could make differ: the index, the feeds, the data.
    for name in ("pagefind/shards.json", "feed.xml", "sitemap.xml",
                 "hankkeet.json", "hankkeet.csv", "hanke.schema.json", "robots.txt", "haku/index.html"):
        assert name in first, name
    # Every shard's bundle: its script, its entry file and its fragments.
    for part in ("/pagefind.js", "/pagefind-entry.json", "/fragment/"):
        assert any(name.startswith("pagefind/") and part in name for name in first), part


def test_a_rebuild_of_the_same_input_leaves_every_file_untouched(fixture_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    pipeline.build(fixture_site, out, FIXTURE_AS_OF, search=True)
    _age_every_file(out)
    before = _digest(out)
    again = pipeline.build(fixture_site, out, FIXTURE_AS_OF, search=True)
    assert again.report is not None
    assert again.report.written == 0
    assert _digest(out) == before
    assert _untouched(out) == set(before)


def test_changing_one_record_rewrites_only_what_shows_it(fixture_site: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search, "SHARDED_FROM", 1)  # seven projects in shards, as thousands are
    out = tmp_path / "site"
    pipeline.build(fixture_site, out, FIXTURE_AS_OF, search=True)
    _age_every_file(out)
    before = _digest(out)
    record = fixture_site / "content" / "projects" / "delta.md"
    record.write_text(record.read_text(encoding="utf-8").replace(
        "Vuoden tarkkuudella ajoitettu hanke.", "Vuoden tarkkuudella ajoitettu hanke. Lisätty lause."),
        encoding="utf-8")
    rebuilt = pipeline.build(fixture_site, out, FIXTURE_AS_OF, search=True)
    assert rebuilt.report is not None
    after = _digest(out)
    changed = {name for name in after if after[name] != before.get(name)}
    # The page itself, the open data and part of the search index change ...
    assert {"hankkeet/delta/index.html", "hankkeet.json", "hankkeet.csv"} <= changed
    assert any(name.startswith("pagefind/") for name in changed)
    assert "Lisätty lause." in (out / "hankkeet" / "delta" / "index.html").read_text(encoding="utf-8")
    assert set(rebuilt.report.changed_paths) == changed
    # ... and everything else keeps its bytes and its old modification time.
    untouched = _untouched(out)
    assert "hankkeet/delta/index.html" not in untouched
    assert untouched == set(after) - changed
    for name in ("index.html", "hankkeet/alfa/index.html", "assets/style.css", "feed.xml", "hanke.schema.json"):
        assert name in untouched, name
    # Of the search index, only the shard holding delta changes; every other shard keeps its files.
    shard = search.shard_name(search.shard_of("hankkeet/delta/index.html"))
    assert {name.split("/")[1] for name in changed if name.count("/") > 1 and name.startswith("pagefind/")} == {shard}
    assert any(name.startswith("pagefind/") and not name.startswith(f"pagefind/{shard}/") for name in untouched)


def test_a_file_no_longer_produced_disappears(fixture_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    pipeline.build(fixture_site, out, date(2025, 6, 15))
    assert (out / "hankkeet" / "zeta-paattynyt" / "index.html").is_file()
    (fixture_site / "content" / "projects" / "zeta-paattynyt.md").unlink()
    pipeline.build(fixture_site, out, date(2025, 6, 15))
    assert not (out / "hankkeet" / "zeta-paattynyt").exists()


def test_a_site_with_no_projects_yet_builds_with_search(fixture_site: Path, tmp_path: Path) -> None:
    for record in (fixture_site / "content" / "projects").glob("*.md"):
        record.unlink()
    out = tmp_path / "site"
    result = run_cli("build", "--root", str(fixture_site), "--out", str(out), "--as-of", "2025-06-15")
    assert result.returncode == 0, result.stderr
    assert (out / "haku" / "index.html").is_file()
    assert not (out / "pagefind").exists()
    assert (out / "hankkeet.csv").read_bytes().count(b"\r\n") == 1   # the header only
