"""The build cache's rows are decoded when first asked for; a row that turns out untrusted midway
makes the build start again cold: it never runs anything, never leaves half a site, and the next
build has a trusted store again."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from conftest import FIXTURE_AS_OF, holds_untrusted_rows
from projcat import cli
from projcat.engine import codec, disk, output, pipeline
from projcat.engine.cache import CacheStats
from projcat.engine.disk import DiskCache

# A value naming a function that would make the marker folder, were the store unpickled or its
# names called: in every kind the codec has for the tool's classes.
HOSTILE = ["os:system", "posix:mkdir", "subprocess:run", "projcat.cli:main"]


def _planted(name: str, marker: Path) -> bytes:
    kinds = [[kind, name, f"mkdir {marker}"] for kind in range(20, 26)]
    return json.dumps([0, *kinds, [23, name, [2, "path", str(marker)]]]).encode()


def _tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _times(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns for p in folder.rglob("*")}


def _argv(root: Path, out: Path, *extra: str) -> list[str]:
    return ["build", "--root", str(root), "--out", str(out), "--as-of", FIXTURE_AS_OF.isoformat(), "--no-search",
            *extra]


def _replace_row(root: Path, space: str, key: object, value: bytes) -> None:
    with closing(sqlite3.connect(disk.cache_file(root))) as db:
        changed = db.execute("UPDATE entry SET value = ? WHERE space = ? AND key = ?",
                             (value, space, codec.encode_key(key))).rowcount
        db.commit()
    assert changed == 1, f"no {space} row {key!r}"


def _edit(root: Path, name: str, text: str = "\nLisätty kappale.\n") -> None:
    record = root / "content" / "projects" / name
    record.write_text(record.read_text(encoding="utf-8") + text, encoding="utf-8")



def _staging(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.tmp-"))


def _counted(monkeypatch: pytest.MonkeyPatch) -> tuple[list[bool], list[Path]]:
    """The builds started (whether with a cache), and the output folders a `SiteWriter` put in place."""
    builds: list[bool] = []
    finished: list[Path] = []
    real_build, real_finish = pipeline.build, output.SiteWriter.finish

    def build(*args: Any, **kwargs: Any) -> pipeline.BuildResult:
        builds.append(kwargs.get("cache") is not None)
        return real_build(*args, **kwargs)

    def finish(writer: output.SiteWriter) -> output.WriteReport:
        finished.append(writer.out)
        return real_finish(writer)

    monkeypatch.setattr(pipeline, "build", build)
    monkeypatch.setattr(output.SiteWriter, "finish", finish)
    return builds, finished


class _Counting(DiskCache):
    last: CacheStats

    def finish_build(self, sweep: bool = True) -> CacheStats:
        self.last = super().finish_build(sweep)
        return self.last


@pytest.mark.parametrize("name", HOSTILE)
def test_a_bad_row_met_while_pages_are_written_gives_a_cold_builds_bytes(
        fixture_site: Path, tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    out, marker = tmp_path / "site", tmp_path / "ran"
    assert cli.main(_argv(fixture_site, out)) == 0
    # Alfa's page, reused (and so read) only once the build is writing the other pages.
    _replace_row(fixture_site, "page", "hankkeet/alfa/index.html", _planted(name, marker))
    assert disk.load_store(fixture_site) is not None, "the store loads: the row is met midway"
    _edit(fixture_site, "beeta.md")
    builds, finished = _counted(monkeypatch)
    assert cli.main(_argv(fixture_site, out)) == 0
    assert not marker.exists()
    assert builds == [True, True], "abandoned midway, then built again"
    assert finished == [out.absolute()], "the abandoned build put nothing in place"
    assert _staging(out) == []
    cold = tmp_path / "cold"
    assert cli.main(_argv(fixture_site, cold, "--no-cache")) == 0
    assert _tree(out) == _tree(cold)
    # The cold build saved a store of its own, which the next build trusts and uses.
    _edit(fixture_site, "delta.md")
    cache = _Counting.load(fixture_site)
    assert not cache.store.fresh
    again = pipeline.build(fixture_site, out, FIXTURE_AS_OF, cache=cache).files
    assert cache.last.records_parsed == ["content/projects/delta.md"]
    assert "hankkeet/alfa/index.html" not in cache.last.pages_rendered and cache.last.pages_reused > 0
    assert again == pipeline.build(fixture_site, tmp_path / "cold-again", FIXTURE_AS_OF).files
    assert not marker.exists()


def test_a_bad_shared_value_met_midway_is_never_used(fixture_site: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Every shared value but the settings (read as the cache is made) replaced: the first one an entry
    refers to stops the build."""
    out, marker = tmp_path / "site", tmp_path / "ran"
    assert cli.main(_argv(fixture_site, out)) == 0
    with closing(sqlite3.connect(disk.cache_file(fixture_site))) as db:
        replaced = db.execute("UPDATE shared SET value = ? WHERE digest NOT IN "
                              "(SELECT digest FROM uses WHERE space = 'settings')",
                              (_planted("os:system", marker),)).rowcount
        db.commit()
    assert replaced > 10
    _edit(fixture_site, "beeta.md")
    builds, finished = _counted(monkeypatch)
    assert cli.main(_argv(fixture_site, out)) == 0
    assert not marker.exists()
    assert len(builds) == 2 and finished == [out.absolute()]
    assert cli.main(_argv(fixture_site, tmp_path / "cold", "--no-cache")) == 0
    assert _tree(out) == _tree(tmp_path / "cold")
    assert _staging(out) == []


def test_the_previous_site_stays_when_the_build_made_again_cold_fails_for_its_content(
        fixture_site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out, marker = tmp_path / "site", tmp_path / "ran"
    assert cli.main(_argv(fixture_site, out)) == 0
    before, times = _tree(out), _times(out)
    # Alfa's record, read while the records are checked; beeta no longer valid.
    _replace_row(fixture_site, "records", "content/projects/alfa.md", _planted("os:system", marker))
    beeta = fixture_site / "content" / "projects" / "beeta.md"
    beeta.write_text(beeta.read_text(encoding="utf-8").replace("theme: hyvinvointi", "theme: eiole"), encoding="utf-8")
    capsys.readouterr()
    assert cli.main(_argv(fixture_site, out, "--lang", "en")) == 1
    assert "beeta.md" in capsys.readouterr().err
    assert not marker.exists()
    assert _tree(out) == before and _times(out) == times
    assert _staging(out) == []
    # The untrusted store is gone, so the build after the fix is cold once and saves a trusted one.
    assert not disk.cache_file(fixture_site).exists()
    beeta.write_text(beeta.read_text(encoding="utf-8").replace("theme: eiole", "theme: hyvinvointi"), encoding="utf-8")
    _edit(fixture_site, "beeta.md")
    assert cli.main(_argv(fixture_site, out)) == 0
    assert cli.main(_argv(fixture_site, tmp_path / "cold", "--no-cache")) == 0
    assert _tree(out) == _tree(tmp_path / "cold") != before
    assert not holds_untrusted_rows(fixture_site)


def test_a_rebuild_decodes_only_the_rows_it_asks_for_and_a_bad_row_it_never_asks_for_costs_nothing(
        fixture_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out, marker = tmp_path / "site", tmp_path / "ran"
    first = _Counting.load(fixture_site)
    pipeline.build(fixture_site, out, FIXTURE_AS_OF, cache=first)
    with closing(sqlite3.connect(disk.cache_file(fixture_site))) as db:
        db.execute("INSERT INTO entry (space, key, value) VALUES ('page', ?, ?)",
                   (codec.encode_key("poistettu/index.html"), _planted("os:system", marker)))
        db.commit()
        rows = db.execute("SELECT count(*) FROM entry").fetchone()[0]
    decoded: list[int] = []
    real_value = disk._Reader.value
    monkeypatch.setattr(disk._Reader, "value", lambda reader, data: decoded.append(1) or real_value(reader, data))
    cache = _Counting.load(fixture_site)
    _edit(fixture_site, "beeta.md")
    files = pipeline.build(fixture_site, out, FIXTURE_AS_OF, cache=cache).files
    assert not marker.exists()
    # The store was used, not thrown away: only the edited record and the lists showing it were made again.
    assert cache.last.records_parsed == ["content/projects/beeta.md"]
    assert cache.last.pages_reused > 0
    assert 0 < len(decoded) < rows
    assert files == pipeline.build(fixture_site, tmp_path / "cold", FIXTURE_AS_OF).files
    # The row no build asks for was swept away without being read.
    with closing(sqlite3.connect(disk.cache_file(fixture_site))) as db:
        assert db.execute("SELECT count(*) FROM entry WHERE key = ?",
                          (codec.encode_key("poistettu/index.html"),)).fetchone()[0] == 0


def test_a_bad_row_met_only_by_the_save_leaves_the_output_and_no_store(fixture_site: Path, tmp_path: Path) -> None:
    """A save that writes the store anew reads every row: one found untrusted then is not kept, and the
    build, every value of which was checked when read, stands."""
    out, marker = tmp_path / "site", tmp_path / "ran"
    pipeline.build(fixture_site, out, FIXTURE_AS_OF, cache=DiskCache.load(fixture_site))
    with closing(sqlite3.connect(disk.cache_file(fixture_site))) as db:
        db.execute("INSERT INTO entry (space, key, value) VALUES ('files', ?, ?)",
                   (codec.encode_key("search-shard-x"), _planted("os:system", marker)))
        db.commit()
    cache = DiskCache.load(fixture_site)
    cache.store.fresh = True
    files = pipeline.build(fixture_site, out, FIXTURE_AS_OF, cache=cache).files
    assert not marker.exists()
    assert files == pipeline.build(fixture_site, tmp_path / "cold", FIXTURE_AS_OF).files
    assert not disk.cache_file(fixture_site).exists()
