"""No quadratic work: operations counted while building N and 4N records, not time.

The sitemap once found each page's projects by scanning all of them, which at
10,000 records was 100 million slug reads and most of a build. These tests build
the catalogue, the views, every page (the lists among them), the sitemap, the Atom
feed and the open data for N and 4N synthetic records and count what a hidden
quadratic would multiply: slug reads and lookups, template renders, list items,
sort-key comparisons, and every call of every function of the package and its
templates. Four times the records may cost at most 4.4 times the operations
(n log n for comparisons). One test puts the old linear search back and shows
the counters catch it.
"""

from __future__ import annotations

import functools
import importlib.util
import math
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from pathlib import Path
from types import CodeType, FrameType, ModuleType
from typing import Any

import jinja2
import pytest

from conftest import REPO
from projcat import catalogue as catalogue_module
from projcat.catalogue import Catalogue, Entry
from projcat.content.history import FileDates, History
from projcat.content.settings import Paths
from projcat.engine import pipeline
from projcat.render import feeds
from projcat.render.feeds import publish_languages
from projcat.render.pages import make_environment, plan_languages, render_site, static_files
from projcat.render.views import build_views

SMALL, LARGE = 50, 200
LINEAR = 4.4  # 1.1 x the size ratio, the allowance
N_LOG_N = LINEAR * math.log(LARGE) / math.log(SMALL)
PACKAGE = str(REPO / "projcat")


def _corpus() -> ModuleType:
    spec = importlib.util.spec_from_file_location("growth_corpus", REPO / "bench" / "corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it executes
    spec.loader.exec_module(module)
    return module


corpus = _corpus()


@dataclass
class Counts:
    named: Counter[str] = field(default_factory=Counter)
    calls: Counter[CodeType] = field(default_factory=Counter)

    def ratio(self, other: Counts, name: str) -> float:
        return other.named[name] / max(self.named[name], 1)


class _CountingDict(dict[str, Entry]):
    def __init__(self, entries: dict[str, Entry], counts: Counts) -> None:
        super().__init__(entries)
        self.counts = counts

    def __getitem__(self, key: str) -> Entry:
        self.counts.named["by_slug lookups"] += 1
        return super().__getitem__(key)


class _Key:
    """A sort key that counts how often the sort compares it."""

    def __init__(self, key: tuple[Any, ...], counts: Counts) -> None:
        self.key, self.counts = key, counts

    def __lt__(self, other: _Key) -> bool:
        self.counts.named["sort comparisons"] += 1
        return self.key < other.key

    def __eq__(self, other: object) -> bool:
        self.counts.named["sort comparisons"] += 1
        return isinstance(other, _Key) and self.key == other.key

    __hash__ = None  # type: ignore[assignment]


def _instrument(monkeypatch: pytest.MonkeyPatch, counts: Counts) -> None:
    slug = Entry.slug

    def counted_slug(entry: Entry) -> str:
        counts.named["slug reads"] += 1
        return slug.fget(entry)  # type: ignore[attr-defined, no-any-return]

    monkeypatch.setattr(Entry, "slug", property(counted_slug))

    by_slug = cached_property(lambda catalogue: _CountingDict({e.slug: e for e in catalogue.entries}, counts))
    by_slug.__set_name__(Catalogue, "by_slug")
    monkeypatch.setattr(Catalogue, "by_slug", by_slug)

    render = jinja2.Template.render

    def counted_render(template: jinja2.Template, *args: Any, **kwargs: Any) -> str:
        counts.named["template renders"] += 1
        return render(template, *args, **kwargs)

    monkeypatch.setattr(jinja2.Template, "render", counted_render)

    call = jinja2.runtime.Macro.__call__

    def counted_call(macro: jinja2.runtime.Macro, *args: Any, **kwargs: Any) -> Any:
        counts.named[f"macro {macro.name}"] += 1
        return call(macro, *args, **kwargs)

    monkeypatch.setattr(jinja2.runtime.Macro, "__call__", counted_call)

    for name in ("_by_title", "_by_end_desc"):
        key = getattr(catalogue_module, name)
        monkeypatch.setattr(catalogue_module, name,
                            functools.partial(lambda e, key: _Key(key(e), counts), key=key))


@pytest.fixture(autouse=True)
def _no_memo_across_sizes() -> Iterator[None]:
    # Titles' sort keys are cached process-wide; each size starts from nothing, as a build does.
    catalogue_module.title_key.cache_clear()
    yield
    catalogue_module.title_key.cache_clear()


def _history(paths: list[str]) -> History:
    """A git history for every record, so the sitemap and the feed read their change dates."""
    first = date(2020, 1, 1)
    return History({path: FileDates(first + timedelta(days=i), first + timedelta(days=2 * i))
                    for i, path in enumerate(paths)})


def _build(root: Path) -> dict[str, bytes]:
    """What a cold build without the search index makes, step by step, in this process."""
    result = pipeline.check(root, corpus.AS_OF)
    assert result.ok and result.site is not None and result.catalogue is not None
    site, catalogue = result.site, result.catalogue
    history = _history([r.path for r in result.records])
    paths = Paths(root)
    views = build_views(catalogue, site, stylesheet="style.css", history=history)
    pages = plan_languages([views])
    files = render_site([views], make_environment(paths.templates), static_files(paths.static), None, pages)
    files.update(publish_languages([(views, catalogue)], site, history, pages))
    return files


def _count(root: Path, monkeypatch: pytest.MonkeyPatch) -> Counts:
    counts = Counts()
    with monkeypatch.context() as patch:
        _instrument(patch, counts)

        def trace(frame: FrameType, event: str, arg: object) -> None:
            # A call, or a generator resumed: a scan written as a generator counts each item.
            code = frame.f_code
            if code.co_filename.startswith(PACKAGE):
                counts.calls[code] += 1

        sys.settrace(trace)
        try:
            files = _build(root)
        finally:
            sys.settrace(None)
    assert "sitemap.xml" in files and "feed.xml" in files and "hankkeet.json" in files
    return counts


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """N records, and the same N four times over under other addresses.

    Records differ in how much they hold (0 to 3 documents, 1 to 4 partners), so
    the first 4N records of the corpus would not hold exactly four times what the
    first N do. Four copies do: every count that follows the records is exactly
    four times, and anything more is work that grows faster than the records."""
    folder = tmp_path_factory.mktemp("growth")
    small, large = folder / "small", folder / "large"
    corpus.write_corpus(small, SMALL)
    corpus.write_corpus(large, 0)
    for copy in range(LARGE // SMALL):
        for record in sorted((small / "content" / "projects").glob("*.md")):
            target = large / "content" / "projects" / f"{record.stem}-{copy}.md"
            target.write_bytes(record.read_bytes())
    return small, large


def _offenders(small: Counts, large: Counts, limit: float) -> dict[str, tuple[int, int]]:
    """Functions of the package called more than `limit` times as often at 4N as at N."""
    found = {}
    for code, many in large.calls.items():
        few = small.calls.get(code, 0)
        # At least one call per record at 4N: below that a function is not per record at all.
        if many >= LARGE and many > limit * max(few, 1):
            where = f"{Path(code.co_filename).relative_to(PACKAGE)}:{code.co_firstlineno} {code.co_name}"
            found[where] = (few, many)
    return found


def _measure(sites: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> tuple[Counts, Counts]:
    return _count(sites[0], monkeypatch), _count(sites[1], monkeypatch)


def test_every_count_grows_at_most_linearly(sites: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    small, large = _measure(sites, monkeypatch)
    # The counters saw the work: every record is read, looked up, rendered and listed.
    assert large.named["slug reads"] >= LARGE
    assert large.named["by_slug lookups"] >= LARGE  # the sitemap's lookups
    assert large.named["template renders"] >= LARGE  # a page per project
    assert large.named["macro card"] >= 2 * LARGE  # each project on the home page and its theme's
    assert large.named["sort comparisons"] >= LARGE
    for name in ("slug reads", "by_slug lookups", "template renders", "macro card"):
        assert small.ratio(large, name) <= LINEAR, (name, small.named[name], large.named[name])
    assert small.ratio(large, "sort comparisons") <= N_LOG_N
    assert _offenders(small, large, LINEAR) == {}


def _linear_page_entries(page: Any, catalogue: Catalogue) -> tuple[Entry, ...]:
    """The sitemap's lookup as it once was: a scan of every project for each one it needs."""
    def find(slug: str) -> Entry:
        return next(e for e in catalogue.entries if e.slug == slug)

    if page.kind == "project":
        return (find(page.context["project"].slug),)
    if page.kind == "theme":
        group = page.context["group"]
        return tuple(find(p.slug) for p in (*group.current, *group.ended))
    return catalogue.entries


def test_the_counters_catch_a_quadratic_lookup(sites: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(feeds, "_page_entries", _linear_page_entries)
    small, large = _measure(sites, monkeypatch)
    # Four times the pages, each scanning four times the projects: about 12 here, 16 in the limit.
    assert small.ratio(large, "slug reads") > 2 * LINEAR
    # The sweep over every function names the one the scan calls for each project it passes.
    offenders = _offenders(small, large, LINEAR)
    assert [where.split(":")[0] + " " + where.split()[-1] for where in offenders] == ["catalogue.py slug"], offenders


def test_the_counters_catch_a_quadratic_sort(sites: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    def insertion_sorted(items: Any, key: Callable[[Any], Any] = lambda item: item,
                         reverse: bool = False) -> list[Any]:
        # What a hand-written insertion sort would do: compare each item with all before it.
        done: list[Any] = []
        for item in items:
            at = 0
            while at < len(done) and not key(item) < key(done[at]):
                at += 1
            done.insert(at, item)
        return done[::-1] if reverse else done

    monkeypatch.setattr(catalogue_module, "sorted", insertion_sorted, raising=False)
    small, large = _measure(sites, monkeypatch)
    assert small.ratio(large, "sort comparisons") > N_LOG_N
