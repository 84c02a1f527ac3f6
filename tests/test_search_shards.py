"""The search index in shards: Pagefind fed only each page's article gives the same results,
an edit to one record runs Pagefind for one shard only and gives a cold build's bytes, and in
Chromium the merged shards give the same filters, counts and projects as one unsharded index,
each language's search page searching its own language only, under a sub-path."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from language_site import LANGUAGES, build_languages, multilingual_root

from conftest import FIXTURE_AS_OF, FIXTURE_SITE
from projcat.engine import pipeline, search
from projcat.engine.memory import MemoryCache

PREFIX = "/hankkeet/"


@pytest.fixture(autouse=True)
def sharded(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fixture's seven projects in shards, as a register of thousands is split."""
    monkeypatch.setattr(search, "SHARDED_FROM", 1)
STATUS = "[data-search-status]"


def _project_pages(files: dict[str, bytes]) -> list[tuple[str, bytes]]:
    return [(name, data) for name, data in files.items()
            if name.endswith("/index.html") and b"data-pagefind-body" in data]


def _fragments(bundle: dict[str, bytes]) -> list[bytes]:
    return sorted(data for name, data in bundle.items() if "/fragment/" in name)


def test_the_search_documents_index_as_the_whole_pages_do(tmp_path: Path) -> None:
    """Each result's address, title, image, filters and text (its fragment, named by its bytes)
    are the same whether Pagefind reads the whole page or only its article."""
    built = pipeline.build(FIXTURE_SITE, tmp_path / "site", FIXTURE_AS_OF)
    pages = _project_pages(built.files)
    assert len(pages) == 7
    for _, html in pages:
        document = search.search_document(html)
        assert document.startswith(b'<!DOCTYPE html>\n<html lang="fi">')
        assert not any(tag in document for tag in (b"<nav", b"<script", b"<footer", b"<header", b"<link"))
    whole = search.build_index(pages, "fi")
    sharded = search.build_shards(pages, "fi")
    assert _fragments(sharded) == _fragments(whole)
    manifest = json.loads(sharded["pagefind/" + search.MANIFEST])
    assert len(manifest["languages"]["fi"]) >= 3, "the fixture's projects must spread over several shards"


def test_a_catalogue_of_hundreds_is_one_index_and_thousands_are_shards(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Shards rank each with their own word statistics: a site small enough to index whole in
    seconds keeps one index, whose ranking is exact."""
    monkeypatch.setattr(search, "SHARDED_FROM", 2000)
    assert search.shards_for(1999) == 1 and search.shards_for(2000) == search.SHARDS > 1
    built = pipeline.build(FIXTURE_SITE, tmp_path / "site", FIXTURE_AS_OF, search=True)
    manifest = json.loads(built.files["pagefind/" + search.MANIFEST])
    assert manifest["languages"]["fi"] == [search.shard_name(0)]


def test_every_language_version_of_a_project_is_in_one_shard(tmp_path: Path) -> None:
    files = pipeline.render(pipeline.check(multilingual_root(tmp_path / "site"), FIXTURE_AS_OF), tmp_path / "site")
    by_slug: dict[str, set[int]] = {}
    for name, _ in _project_pages(files):
        by_slug.setdefault(Path(name).parent.name, set()).add(search.shard_of(name))
    assert len(by_slug) == 7 and all(len(shards) == 1 for shards in by_slug.values())


def test_a_page_with_a_filter_outside_its_body_is_indexed_whole() -> None:
    page = (b'<html lang="fi"><head><title>T</title></head><body><p data-pagefind-filter="x">y</p>'
            b'<main data-pagefind-body><h1>T</h1></main></body></html>')
    assert search.search_document(page) == page
    assert search.search_document(page.replace(b' data-pagefind-filter="x"', b"")).endswith(
        b"<body>\n<main data-pagefind-body><h1>T</h1></main>\n</body></html>\n")


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    runs: list[str] = []
    real = search.index_folder

    def counted(site: Path, glob: str | None, language: str | None) -> dict[str, bytes]:
        runs.append(",".join(sorted(p.parent.name for p in site.rglob("index.html"))))
        return real(site, glob, language)

    monkeypatch.setattr(search, "index_folder", counted)
    return runs


def _bundle(files: dict[str, bytes]) -> dict[str, bytes]:
    return {name: data for name, data in files.items() if name.startswith("pagefind/")}


def test_an_edit_to_one_record_runs_pagefind_for_its_shard_only(fixture_site: Path, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    runs = _counting(monkeypatch)
    cache = MemoryCache()
    first = pipeline.build(fixture_site, tmp_path / "out", FIXTURE_AS_OF, search=True, cache=cache)
    shards = json.loads(first.files["pagefind/" + search.MANIFEST])["languages"]["fi"]
    assert len(runs) == len(shards) >= 3
    # Read now: a build's files are read back from its output folder, which the next build replaces.
    before = _bundle(first.files)
    runs.clear()
    pipeline.build(fixture_site, tmp_path / "out", FIXTURE_AS_OF, search=True, cache=cache)
    assert runs == []
    record = fixture_site / "content" / "projects" / "beeta.md"
    record.write_text(record.read_text(encoding="utf-8").replace("title: Beeta", "title: Beeta uusi"),
                      encoding="utf-8")
    edited = pipeline.build(fixture_site, tmp_path / "out", FIXTURE_AS_OF, search=True, cache=cache)
    # One run, of the shard beeta is in, with beeta among its pages.
    assert len(runs) == 1 and "beeta" in runs[0].split(",")
    after = _bundle(edited.files)
    differ = {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}
    assert {name.split("/")[1] for name in differ - {"pagefind/" + search.MANIFEST}} == {
        search.shard_name(search.shard_of("hankkeet/beeta/index.html"))}
    cold = pipeline.build(fixture_site, tmp_path / "cold", FIXTURE_AS_OF, search=True, cache=MemoryCache())
    assert after == _bundle(cold.files)

# --- in Chromium -----------------------------------------------------------------------------------

def _with_one_shard(out: Path, target: Path, language: str | None) -> Path:
    """A copy of the built site `out` whose index is one unsharded bundle of the same pages."""
    shutil.copytree(out, target)
    shutil.rmtree(target / "pagefind")
    pages = [(p.relative_to(out).as_posix(), p.read_bytes()) for p in out.rglob("index.html")
             if b"data-pagefind-body" in p.read_bytes()]
    for name, data in search.build_shards(pages, language, 1).items():
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        (target / name).write_bytes(data)
    return target


def _open(page_in: Callable[..., Any], url: str) -> tuple[Any, list[str]]:
    page = page_in()
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(url)
    summary = page.locator("[data-search-filters] > summary")
    summary.wait_for(state="visible")
    summary.click()
    return page, fetched


def _results(page: Any) -> list[str]:
    page.wait_for_function(
        "s => { const t = document.querySelector(s).textContent; return t && !t.endsWith('…'); }", arg=STATUS)
    return sorted(page.eval_on_selector_all("[data-search-results] a", "ls => ls.map(a => a.getAttribute('href'))"))


def _every_filter(page: Any) -> dict[str, tuple[str, list[str]]]:
    """Each checkbox's label (value and count) and the projects it lists alone."""
    found = {}
    boxes = page.locator("[data-search-filters] input[type=checkbox]")
    for index in range(boxes.count()):
        box = boxes.nth(index)
        label = page.locator(f"label[for='{box.get_attribute('id')}']").inner_text()
        box.check()
        found[f"{box.get_attribute('name')}={box.get_attribute('value')}"] = (label, _results(page))
        box.uncheck()
    return found


def _shards_fetched(fetched: list[str]) -> set[str]:
    return {url.split("/pagefind/", 1)[1].split("/")[0] for url in fetched if url.split("?")[0].endswith(
        "/pagefind-entry.json")}


@pytest.mark.browser
def test_the_merged_shards_filter_and_count_as_one_index_does(tmp_path: Path, static_server: Any,
                                                               page_in: Callable[..., Any]) -> None:
    out = tmp_path / "site"
    pipeline.build(FIXTURE_SITE, out, FIXTURE_AS_OF, base_url=PREFIX, search=True)
    shards = json.loads((out / "pagefind" / search.MANIFEST).read_text())["languages"]["fi"]
    whole = _with_one_shard(out, tmp_path / "whole", "fi")
    page, fetched = _open(page_in, static_server(out, PREFIX).url + "haku/")
    sharded_filters = _every_filter(page)
    assert _shards_fetched(fetched) == set(shards) and len(shards) >= 3
    one, _ = _open(page_in, static_server(whole, PREFIX).url + "haku/")
    assert sharded_filters == _every_filter(one)
    assert sharded_filters["theme=Asuminen"] == ("Asuminen (2)",
                                                 [f"{PREFIX}hankkeet/alfa/", f"{PREFIX}hankkeet/epsilon/"])
    assert sum(int(label.rsplit("(", 1)[1].rstrip(")")) for key, (label, _) in sharded_filters.items()
               if key.startswith("status=")) == 7


@pytest.mark.browser
def test_each_language_searches_only_its_own_pages_in_every_shard(tmp_path: Path, static_server: Any,
                                                                  page_in: Callable[..., Any]) -> None:
    root = multilingual_root(tmp_path / "src", base_url=PREFIX)
    out = build_languages(root, tmp_path / "site", search=True)
    manifest = json.loads((out / "pagefind" / search.MANIFEST).read_text())["languages"]
    assert sorted(manifest) == sorted(LANGUAGES) and len(manifest["sv"]) >= 3
    server = static_server(out, PREFIX)
    for lang, search_page, project_words in (("fi", "haku/", "hankkeet/"), ("sv", "sv/sok/", "sv/projekt/"),
                                             ("en", "en/search/", "en/projects/")):
        page, fetched = _open(page_in, server.url + search_page)
        assert _shards_fetched(fetched) == set(manifest[lang]), lang
        # Every project, and only this language's pages, through the status filter alone.
        listed: list[str] = []
        for box in page.get_by_role("group").nth(1).get_by_role("checkbox").all():
            box.check()
            listed += _results(page)
            box.uncheck()
        assert len(listed) == 7 and all(link.startswith(PREFIX + project_words) for link in listed), (lang, listed)
        field = page.locator("#hakusana")
        field.fill("projekt" if lang == "sv" else "hanke")
        field.press("Enter")
        assert all(link.startswith(PREFIX + project_words) for link in _results(page)), lang
