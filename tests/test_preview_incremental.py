"""Incremental rebuilds: only what changed is parsed and rendered, and the result equals a full build."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from conftest import FIXTURE_AS_OF
from projcat.engine import pipeline
from projcat.engine.memory import MemoryCache
from projcat.preview.builder import Builder, Built, Failed
from projcat.preview.sync import sync_folder


def _full(root: Path) -> dict[str, bytes]:
    result = pipeline.check(root, FIXTURE_AS_OF)
    assert result.ok, [p.format("en") for p in result.problems]
    return pipeline.render(result, root)


def _cached(root: Path, cache: MemoryCache) -> dict[str, bytes]:
    result = pipeline.check(root, FIXTURE_AS_OF, cache=cache)
    assert result.ok, [p.format("en") for p in result.problems]
    return pipeline.render(result, root, cache=cache)


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_unchanged_site_is_neither_parsed_nor_rendered_again(fixture_site: Path) -> None:
    cache = MemoryCache()
    first = _cached(fixture_site, cache)
    stats = cache.finish_build()
    assert len(stats.records_parsed) == 7 and stats.pages_reused == 0
    second = _cached(fixture_site, cache)
    stats = cache.finish_build()
    assert second == first
    assert stats.records_parsed == [] and stats.pages_rendered == []


def _assert_rendered(rendered: list[str], slug: str, theme: str, also: set[str], not_these: set[str]) -> None:
    """Of the project and theme pages, only the changed record's own and its theme's were rendered."""
    done = set(rendered)
    assert {f"hankkeet/{slug}/index.html", f"teemat/{theme}/index.html"} | also <= done
    assert not done & not_these
    assert {p for p in done if p.startswith("hankkeet/")} == {f"hankkeet/{slug}/index.html"}
    assert {p for p in done if p.startswith("teemat/")} == {f"teemat/{theme}/index.html"}


def test_a_changed_record_rerenders_its_page_and_the_pages_listing_it(fixture_site: Path) -> None:
    cache = MemoryCache()
    _cached(fixture_site, cache)
    cache.finish_build()
    projects = fixture_site / "content" / "projects"

    _replace(projects / "alfa.md", "Hankkeessa kokeillaan", "Hankkeessa testataan")
    files = _cached(fixture_site, cache)
    stats = cache.finish_build()
    assert files == _full(fixture_site)
    assert stats.records_parsed == ["content/projects/alfa.md"]
    # Alfa is ongoing under "asuminen": the archive does not list it and is reused.
    _assert_rendered(stats.pages_rendered, "alfa", "asuminen", {"index.html"}, {"paattyneet/index.html"})

    _replace(projects / "beeta.md", "title: Beeta", "title: Beeta uusi")
    _cached(fixture_site, cache)
    stats = cache.finish_build()
    # Beeta has ended: the archive lists it. (The index is re-rendered too, since its groups
    # carry ended projects although it shows only current ones: more than needed, never less.)
    _assert_rendered(stats.pages_rendered, "beeta", "hyvinvointi", {"paattyneet/index.html"}, set())


def test_a_template_or_site_change_rerenders_every_page(fixture_site: Path) -> None:
    cache = MemoryCache()
    files = _cached(fixture_site, cache)
    pages = sorted(name for name in files if name.endswith(".html"))
    cache.finish_build()

    (fixture_site / "templates").mkdir()
    (fixture_site / "templates" / "partials").mkdir()
    from projcat.render.pages import THEME_DIR

    base = (THEME_DIR / "templates" / "base.html").read_text(encoding="utf-8")
    footer = base.replace("</footer>", "<!-- x --></footer>")
    (fixture_site / "templates" / "base.html").write_text(footer, encoding="utf-8")
    assert _cached(fixture_site, cache) == _full(fixture_site)
    stats = cache.finish_build()
    assert sorted(stats.pages_rendered) == pages and stats.records_parsed == []

    _replace(fixture_site / "site.yaml", "title: Testihankkeet", "title: Testihankkeet 2")
    assert _cached(fixture_site, cache) == _full(fixture_site)
    assert sorted(cache.finish_build().pages_rendered) == pages


def test_open_data_is_written_again_only_for_changed_projects_and_equals_a_full_build(fixture_site: Path) -> None:
    cache = MemoryCache()
    _cached(fixture_site, cache)
    cache.finish_build()
    projects = fixture_site / "content" / "projects"

    _replace(projects / "delta.md", "title: Delta", "title: Delta uusi")
    files = _cached(fixture_site, cache)
    assert files == _full(fixture_site)
    assert b"Delta uusi" in files["hankkeet.json"] and b"Delta uusi" in files["hankkeet.csv"]
    assert cache.finish_build().data_made == ["delta"]

    # More funders than any project had: every CSV row gets the new columns.
    _replace(projects / "delta.md", "contacts:", "funding:\n" + "".join(
        f"  - funder: Rahoittaja {n}\n    amount_eur: {n}000\n" for n in range(1, 4)) + "contacts:")
    files = _cached(fixture_site, cache)
    assert files == _full(fixture_site)
    assert b"funding_3_funder" in files["hankkeet.csv"]
    assert len(cache.finish_build().data_made) == 7


def test_after_a_sequence_of_edits_the_served_folder_equals_a_fresh_build(fixture_site: Path, tmp_path: Path) -> None:
    projects = fixture_site / "content" / "projects"
    served = tmp_path / "served"
    served.mkdir()
    builder = Builder(fixture_site, served, FIXTURE_AS_OF)
    assert isinstance(builder.build(), Built)

    edits: list[Callable[[], None]] = [
        lambda: _replace(projects / "alfa.md", "end: 2026-01-31", "end: 2025-01-31"),  # ongoing -> ended
        (projects / "zeta-paattynyt.md").unlink,
        lambda: (projects / "uusi.md").write_text("---\ntitle: Uusi\ntheme: ilmasto\n---\n\nUusi.\n", encoding="utf-8"),
        lambda: _replace(projects / "uusi.md", "theme: ilmasto", "theme: eiole"),  # an error: nothing changes
        lambda: _replace(projects / "uusi.md", "theme: eiole", "theme: asuminen"),
        lambda: _replace(fixture_site / "site.yaml", "name: Hyvinvointi", "name: Hyvinvointi ja terveys"),
        (fixture_site / "static" / "tiedostot" / "raportti.pdf").unlink,  # alfa's link now broken
        lambda: (fixture_site / "static" / "tiedostot" / "raportti.pdf").write_bytes(b"%PDF uusi"),
        (fixture_site / "static" / "assets").mkdir,
        lambda: (fixture_site / "static" / "assets" / "style.css").write_text("body{color:red}", encoding="utf-8"),
    ]
    outcomes = []
    for edit in edits:
        edit()
        outcomes.append(type(builder.build()))
    assert outcomes.count(Failed) == 2 and outcomes[-1] is Built

    fresh = tmp_path / "fresh"
    pipeline.build(fixture_site, fresh, FIXTURE_AS_OF)

    def digests(folder: Path) -> dict[str, str]:
        return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(folder.rglob("*")) if p.is_file()}

    assert digests(served) == digests(fresh)


def test_sync_writes_only_changed_files_and_removes_the_gone(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    first = {"index.html": b"a", "x/index.html": b"b", "y/z/index.html": b"c"}
    assert sync_folder(out, {}, first) == sorted(first)
    before = (out / "index.html").stat().st_ino
    second = {"index.html": b"a", "x/index.html": b"B"}
    assert sync_folder(out, first, second) == ["x/index.html", "y/z/index.html"]
    assert (out / "index.html").stat().st_ino == before
    assert not (out / "y").exists()
    assert (out / "x" / "index.html").read_bytes() == b"B"
