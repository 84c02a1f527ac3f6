"""The persistent build cache in ROOT/.cache: it only saves work, never changes a byte."""

from __future__ import annotations

import hashlib
import sqlite3
import time
from contextlib import closing
from pathlib import Path

import pytest

from conftest import run_cli
from projcat.engine import disk as buildcache
from projcat.engine import files as files_module
from projcat.engine.cache import CacheStats
from projcat.engine.disk import DiskCache, cache_file
from projcat.engine.files import RACY_NS
from projcat.render import parallel
from projcat.render.markup import Renderer


def _digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _build(site: Path, out: Path, *extra: str) -> None:
    result = run_cli("build", "--root", str(site), "--out", str(out), "--as-of", "2025-06-15", "--no-search", *extra)
    assert result.returncode == 0, result.stderr


def _same_as_cold(site: Path, cached_out: Path, tmp_path: Path, name: str) -> None:
    cold = tmp_path / f"cold-{name}"
    _build(site, cold, "--no-cache")
    assert _digest(cached_out) == _digest(cold), name


def test_cached_rebuilds_equal_cold_builds_through_a_day_of_edits(fixture_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    projects = fixture_site / "content" / "projects"
    _build(fixture_site, out)
    assert cache_file(fixture_site).is_file()
    _same_as_cold(fixture_site, out, tmp_path, "first")

    edits = {
        "body": lambda: (projects / "beeta.md").write_text((projects / "beeta.md").read_text() + "\nUusi kappale.\n"),
        "title": lambda: (projects / "delta.md").write_text(
            (projects / "delta.md").read_text().replace("title: Delta", "title: Delta uudelleen")),
        "site": lambda: (fixture_site / "site.yaml").write_text(
            (fixture_site / "site.yaml").read_text().replace("name: Hyvinvointi", "name: Hyvinvointi ja terveys")),
        "added": lambda: (projects / "uusi.md").write_text("---\ntitle: Uusi\ntheme: ilmasto\n---\n\nUusi hanke.\n"),
        "removed": (projects / "epsilon.md").unlink,
        "template": lambda: (fixture_site / "templates").mkdir() or (
            fixture_site / "templates" / "404.html").write_text(
            '{% extends "base.html" %}{% block content %}<h1>{{ page.h1 }}</h1><p>Oma 404.</p>{% endblock %}\n'),
    }
    for name, edit in edits.items():
        edit()
        _build(fixture_site, out)
        _same_as_cold(fixture_site, out, tmp_path, name)


def test_a_rebuild_with_nothing_changed_writes_nothing(fixture_site: Path, tmp_path: Path) -> None:
    # Files saved within the file clock's last tick are compared by their bytes and
    # their keys refreshed; wait until the copied fixture is past that.
    time.sleep(RACY_NS / 1e9 + 0.2)
    out = tmp_path / "site"
    _build(fixture_site, out)
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    cache_before = cache_file(fixture_site).stat().st_mtime_ns
    _build(fixture_site, out)
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()} == before
    assert cache_file(fixture_site).stat().st_mtime_ns == cache_before


@pytest.mark.parametrize("damage", [b"", b"garbage", b"SQLite format 3\x00" + b"\xff" * 200, "truncated",
                                    "scribbled", "other-tool-tables"])
def test_a_damaged_cache_is_rebuilt_never_trusted(fixture_site: Path, tmp_path: Path, damage: object) -> None:
    out = tmp_path / "site"
    _build(fixture_site, out)
    path = cache_file(fixture_site)
    data = path.read_bytes()
    if damage == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "scribbled":  # the pages holding the rows overwritten, the header left
        path.write_bytes(data[:4096] + bytes(len(data) - 4096))
    elif damage == "other-tool-tables":
        path.unlink()
        with closing(sqlite3.connect(path)) as other:
            other.execute("CREATE TABLE meta (name TEXT, value TEXT)")
            other.execute("INSERT INTO meta VALUES ('version', 'x')")
            other.commit()
    else:
        path.write_bytes(damage)  # type: ignore[arg-type]
    assert buildcache.load_store(fixture_site) is None
    record = fixture_site / "content" / "projects" / "beeta.md"
    record.write_text(record.read_text().replace("Kuukauden tarkkuudella", "Kuukauden tarkkuudella yhä"))
    _build(fixture_site, out)
    _same_as_cold(fixture_site, out, tmp_path, "after-damage")
    assert buildcache.load_store(fixture_site) is not None  # made again from nothing


def test_a_cache_from_other_code_is_not_loaded(fixture_site: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    _build(fixture_site, tmp_path / "site")
    assert DiskCache.load(fixture_site).memory.store.space("records")  # the same code reads its own cache
    monkeypatch.setattr(buildcache, "code_fingerprint", lambda: "0" * 64)
    assert DiskCache.load(fixture_site).memory.store.space("records") == {}


def test_no_cache_neither_reads_nor_writes_it(fixture_site: Path, tmp_path: Path) -> None:
    _build(fixture_site, tmp_path / "site", "--no-cache")
    assert not (fixture_site / ".cache").exists()


def test_parallel_markdown_equals_one_process() -> None:
    texts = [(f"## Otsikko {i}\n\nKappale *{i}* ja [linkki](https://example.fi/{i}).\n\n- a\n- b\n", 3)
             for i in range(parallel.PARALLEL_THRESHOLD + 50)]
    renderer = Renderer()
    assert parallel.convert_all(texts) == [renderer.to_html(text, top) for text, top in texts]


def test_a_one_record_edit_writes_only_the_entries_it_changed(fixture_site: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """The store is not written whole after each build: one edited record of 300 writes its own
    rows and the lists showing it, a few dozen of thousands, and the result is still a cold build's."""
    projects = fixture_site / "content" / "projects"
    for i in range(300):
        (projects / f"lisa-{i:03d}.md").write_text(
            f"---\ntitle: Lisähanke {i}\ntheme: ilmasto\nstart: 2020-01\n---\n\nKuvaus {i}.\n", encoding="utf-8")
    # Files as old as a published site's: a file changed within the racy window has no trusted
    # stat key, so the next build would look at it again and write its entry with the key it has then.
    monkeypatch.setattr(files_module, "RACY_NS", 0)
    out = tmp_path / "site"
    from conftest import FIXTURE_AS_OF
    from projcat.engine import pipeline

    # In this process, where the racy window is set aside.
    pipeline.build(fixture_site, out, FIXTURE_AS_OF, cache=DiskCache.load(fixture_site))
    with closing(sqlite3.connect(cache_file(fixture_site))) as db:
        rows = db.execute("SELECT count(*) FROM entry").fetchone()[0]
    assert rows > 2000
    written: list[str] = []
    real_connect = buildcache._connect

    def tracing(database: Path) -> sqlite3.Connection:
        connection = real_connect(database)
        connection.set_trace_callback(written.append)
        return connection

    monkeypatch.setattr(buildcache, "_connect", tracing)
    record = projects / "lisa-007.md"
    record.write_text(record.read_text(encoding="utf-8") + "\nMuokattu.\n", encoding="utf-8")
    cache = DiskCache.load(fixture_site)
    pipeline.build(fixture_site, out, FIXTURE_AS_OF, cache=cache)
    entries = [line for line in written if line.startswith("INSERT INTO entry")]
    assert 0 < len(entries) < 40, len(entries)
    assert any("lisa-007" in line for line in entries)
    assert not any("lisa-008" in line for line in entries)
    _same_as_cold(fixture_site, out, tmp_path, "one-edit")
    # What was written is what the next build reads: nothing left to redo.
    again = DiskCache.load(fixture_site)
    assert again.memory.store.space("view")["lisa-007"] == cache.memory.store.space("view")["lisa-007"]


def test_only_a_build_that_changed_something_is_saved() -> None:
    one_edit = CacheStats(records_parsed=["a.md"], records_validated=["a.md"], views_made=["a"], data_made=["a"],
                          pages_rendered=["hankkeet/a/index.html", "index.html", "arkisto/index.html"],
                          pieces_made=1)
    assert buildcache.worth_saving(one_edit)
    assert not buildcache.worth_saving(CacheStats())  # nothing redone, nothing to save
    assert buildcache.worth_saving(CacheStats(refreshed=True))  # a touched file's new stat key


def test_each_record_file_is_read_once_per_build(fixture_site: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins
    from collections import Counter

    from conftest import FIXTURE_AS_OF
    from projcat.engine import pipeline

    opened: Counter[str] = Counter()
    real_open = builtins.open

    def counting(file: object, *args: object, **kwargs: object) -> object:
        if str(file).endswith(".md"):
            opened[Path(str(file)).name] += 1
        return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(builtins, "open", counting)
    records = sorted(p.name for p in (fixture_site / "content" / "projects").glob("*.md"))
    pipeline.build(fixture_site, tmp_path / "site", FIXTURE_AS_OF, cache=DiskCache.load(fixture_site))
    assert sorted(opened.elements()) == records
    # Touched (new stat keys, same bytes) under changed settings: a loaded cache kept no parse, so
    # validating again needs one; it comes from the bytes read for the digest, not a second read.
    for name in records:
        (fixture_site / "content" / "projects" / name).touch()
    site = fixture_site / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8").replace("name: Hyvinvointi", "name: Hyvinvointi ja terveys"),
                    encoding="utf-8")
    opened.clear()
    cache = DiskCache.load(fixture_site)
    pipeline.build(fixture_site, tmp_path / "site", FIXTURE_AS_OF, cache=cache)
    assert sorted(opened.elements()) == records


def test_a_command_line_build_reads_each_changed_record_once(fixture_site: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """The stamp digests a changed record before the build starts; the build parses those bytes."""
    import builtins
    from collections import Counter

    from conftest import FIXTURE_AS_OF
    from projcat import cli

    opened: Counter[str] = Counter()
    real_open = builtins.open

    def counting(file: object, *args: object, **kwargs: object) -> object:
        if str(file).endswith(".md") and "content" in str(file):
            opened[Path(str(file)).name] += 1
        return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(builtins, "open", counting)
    monkeypatch.setattr(time, "time_ns", lambda: 10**19)  # every file long settled: no racy re-reads
    out = tmp_path / "site"
    argv = ["build", "--root", str(fixture_site), "--out", str(out), "--as-of", FIXTURE_AS_OF.isoformat(),
            "--no-search"]
    records = sorted(p.name for p in (fixture_site / "content" / "projects").glob("*.md"))
    assert cli.main(argv) == 0
    assert sorted(opened.elements()) == records
    edited = fixture_site / "content" / "projects" / records[0]
    edited.write_text(edited.read_text(encoding="utf-8") + "\nLisätty kappale.\n", encoding="utf-8")
    opened.clear()
    assert cli.main(argv) == 0
    assert dict(opened) == {records[0]: 1}
    assert "Lisätty kappale." in "".join(p.read_text(encoding="utf-8") for p in out.rglob("index.html"))
