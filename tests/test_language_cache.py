"""Cached and incremental builds of a multilingual site equal a cold build, and editing a
translation re-renders only the pages of that language that show the project (issue 12)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import REPO, copy_site, run_cli
from projcat.engine import pipeline
from projcat.engine.disk import DiskCache
from projcat.engine.memory import MemoryCache

EXAMPLE = REPO / "examples" / "kaksikielinen"
AS_OF = "2025-06-15"
TRANSLATION = "content/projects/kirjastoauto.sv.md"
# Kirjastoauto is ongoing under "hyvinvointi": the Swedish pages that show it.
SHOWING = {"sv/projekt/kirjastoauto/index.html", "sv/index.html", "sv/teman/hyvinvointi/index.html",
           "sv/sok/index.html"}


@pytest.fixture
def example(tmp_path: Path) -> Path:
    return copy_site(EXAMPLE, tmp_path / "kaksikielinen")


def _edit(root: Path) -> None:
    path = root / TRANSLATION
    text = path.read_text(encoding="utf-8")
    assert "summary: Biblioteksbussen" in text
    path.write_text(text.replace("summary: Biblioteksbussen", "summary: Den nya bussen", 1), encoding="utf-8")


def _render(root: Path, cache: MemoryCache | DiskCache | None = None) -> dict[str, bytes]:
    from datetime import date

    result = pipeline.check(root, date.fromisoformat(AS_OF), cache=cache)
    assert result.ok, [p.format("en") for p in result.problems]
    return pipeline.render(result, root, cache=cache)


def _assert_only_showing(rendered: list[str]) -> None:
    done = set(rendered)
    assert "sv/projekt/kirjastoauto/index.html" in done
    assert done == SHOWING, sorted(done ^ SHOWING)
    assert not any(name.startswith(("en/", "hankkeet/", "teemat/")) for name in done)


def test_the_preview_cache_rerenders_only_the_pages_showing_the_translation(example: Path) -> None:
    cache = MemoryCache()
    cold = _render(example, cache)
    assert cold == _render(example)
    assert any(name.startswith("sv/") for name in cold) and any(name.startswith("en/") for name in cold)
    cache.finish_build()
    _edit(example)
    files = _render(example, cache)
    stats = cache.finish_build()
    assert files == _render(example)
    assert files != cold
    assert stats.records_parsed == [TRANSLATION]
    _assert_only_showing(stats.pages_rendered)
    # Nothing changed since: nothing is rendered again.
    assert _render(example, cache) == files
    assert cache.finish_build().pages_rendered == []


def test_the_persistent_cache_rerenders_only_the_pages_showing_the_translation(example: Path) -> None:
    cache = DiskCache.load(example)
    _render(example, cache)
    cache.finish_build()
    _edit(example)
    cache = DiskCache.load(example)
    files = _render(example, cache)
    stats = cache.finish_build()
    assert files == _render(example)
    _assert_only_showing(stats.pages_rendered)


def test_cached_command_line_builds_equal_a_cold_build_after_a_translation_edit(example: Path,
                                                                               tmp_path: Path) -> None:
    def build(out: Path, *extra: str) -> dict[str, bytes]:
        done = run_cli("build", "--root", str(example), "--out", str(out), "--as-of", AS_OF, "--no-search", *extra)
        assert done.returncode == 0, done.stderr
        return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}

    cached = tmp_path / "cached"
    assert build(cached) == build(tmp_path / "cold-1", "--no-cache")
    _edit(example)
    after = build(cached)
    assert after == build(tmp_path / "cold-2", "--no-cache")
    assert b"Den nya bussen" in after["sv/index.html"]
