"""A build writes each file as it is made and keeps no page bytes in its cache, and still:
the output is what the rendering gives as a whole, a failed build leaves the old site exactly as
it was, and a page edited by hand in the output is put right by a build that reuses its cache."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from conftest import FIXTURE_AS_OF
from projcat.engine import pipeline, search
from projcat.engine.disk import DiskCache, load_store
from projcat.engine.memory import MemoryCache, Written
from projcat.engine.output import SiteWriter
from projcat.problems import OutputError


def _tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _rendered(root: Path) -> dict[str, bytes]:
    result = pipeline.check(root, FIXTURE_AS_OF)
    return pipeline.render(result, root)


def test_the_written_site_is_what_the_whole_rendering_gives(fixture_site: Path, tmp_path: Path) -> None:
    expected = _rendered(fixture_site)
    cold = pipeline.build(fixture_site, tmp_path / "cold", FIXTURE_AS_OF)
    assert cold.names == sorted(expected)
    assert cold.files == expected
    assert _tree(tmp_path / "cold") == {name: hashlib.sha256(data).hexdigest() for name, data in expected.items()}
    # Twice through the persistent cache: filled, then reused (pages read back from the output).
    for _ in range(2):
        cached = pipeline.build(fixture_site, tmp_path / "cached", FIXTURE_AS_OF, cache=DiskCache.load(fixture_site))
        assert cached.files == expected


def test_the_cache_keeps_no_page_bytes(fixture_site: Path, tmp_path: Path) -> None:
    cache = DiskCache.load(fixture_site)
    pipeline.build(fixture_site, tmp_path / "site", FIXTURE_AS_OF, cache=cache)
    store = load_store(fixture_site)
    assert store is not None
    pages = store.space("page")
    assert pages and all(isinstance(entry[2], Written) for entry in pages.values())


def test_a_page_edited_in_the_output_is_put_right_by_a_cached_build(fixture_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    pipeline.build(fixture_site, out, FIXTURE_AS_OF, cache=DiskCache.load(fixture_site))
    good = _tree(out)
    page = next(name for name in sorted(good) if name.startswith("hankkeet/") and name.endswith("index.html"))
    (out / page).write_bytes((out / page).read_bytes().replace(b"</main>", b"<p>hand edit</p></main>"))
    pipeline.build(fixture_site, out, FIXTURE_AS_OF, cache=DiskCache.load(fixture_site))
    assert _tree(out) == good


def test_a_warm_cache_builds_the_same_bytes_into_another_folder(fixture_site: Path, tmp_path: Path) -> None:
    cache = MemoryCache()
    pipeline.build(fixture_site, tmp_path / "first", FIXTURE_AS_OF, cache=cache)
    pipeline.build(fixture_site, tmp_path / "second", FIXTURE_AS_OF, cache=cache)
    assert _tree(tmp_path / "second") == _tree(tmp_path / "first")


def test_a_build_that_fails_after_writing_pages_leaves_the_old_site(
        fixture_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "site"
    pipeline.build(fixture_site, out, FIXTURE_AS_OF)
    before = _tree(out)
    record = fixture_site / "content" / "projects" / "alfa.md"
    record.write_text(record.read_text(encoding="utf-8") + "\nUusi kappale.\n", encoding="utf-8")

    def failing(pages: object, language: object) -> dict[str, bytes]:
        raise search.SearchError("Pagefind stopped")

    # The search index is made after every page has been written into the new tree.
    monkeypatch.setattr(search, "build_index", failing)
    with pytest.raises(search.SearchError):
        pipeline.build(fixture_site, out, FIXTURE_AS_OF, search=True)
    assert _tree(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site")] == []


def test_a_writer_refuses_a_path_twice_and_leaves_the_output(tmp_path: Path) -> None:
    out = tmp_path / "site"
    with SiteWriter(out) as writer:
        writer.add("index.html", b"<p>vanha</p>")
        writer.finish()
    with pytest.raises(OutputError), SiteWriter(out) as writer:
        writer.add("index.html", b"<p>uusi</p>")
        writer.add("index.html", b"<p>toinen</p>")
    assert (out / "index.html").read_bytes() == b"<p>vanha</p>"
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_workers_started_early_convert_the_same_and_are_gone_after() -> None:
    import multiprocessing

    from projcat.render import parallel
    from projcat.render.markup import Renderer

    texts = [(f"## Otsikko {i}\n\nKappale *{i}* ja [linkki](https://example.fi/{i}).", 3)
             for i in range(parallel.PARALLEL_THRESHOLD + 10)]
    renderer = Renderer()
    with parallel.started_early(records=1000, limit=2**40):
        if parallel.workers() >= 2:
            assert len(multiprocessing.active_children()) >= 2  # forked before anything big was made
        assert parallel.convert_all(texts) == [renderer.to_html(text, top) for text, top in texts]
        assert multiprocessing.active_children() == []  # used once, then stopped
    # A process that is large already (a loaded cache) does not keep idle copies of itself.
    with parallel.started_early(records=1000, limit=0):
        assert multiprocessing.active_children() == []
