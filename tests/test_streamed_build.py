"""The streamed cold build (`build --no-cache`): worker processes read, render and write the
project pages, yet the output is the same bytes as a cached build's, and a failure leaves
the previous output exactly as it was."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from language_site import multilingual_root

from conftest import FIXTURE_AS_OF, FIXTURE_SITE, REPO, copy_site, run_cli
from projcat.build import pipeline
from projcat.build.memory import MemoryCache
from projcat.problems import ContentError, OutputError


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _site(kind: str, tmp_path: Path) -> Path:
    if kind == "fixture":
        return copy_site(FIXTURE_SITE, tmp_path / "src")
    if kind == "languages":
        return multilingual_root(tmp_path / "src")
    # Three languages with translation files, as a council would publish them.
    shutil.copytree(REPO / "examples" / "kaksikielinen", tmp_path / "src")
    return tmp_path / "src"


@pytest.mark.parametrize("kind", ["fixture", "languages", "translated"])
def test_a_streamed_build_writes_the_bytes_of_a_cached_one(kind: str, tmp_path: Path) -> None:
    root = _site(kind, tmp_path)
    cached = pipeline.build(root, tmp_path / "cached", FIXTURE_AS_OF, search=True, cache=MemoryCache())
    streamed = pipeline.build(root, tmp_path / "streamed", FIXTURE_AS_OF, search=True, stream=True)
    expected = _tree(tmp_path / "cached")
    assert expected == cached.files
    assert _tree(tmp_path / "streamed") == expected
    # The streamed build holds no page, yet names every file it wrote.
    assert streamed.files == {} and streamed.names == sorted(expected)
    assert any(name.startswith("pagefind/") for name in expected)


def test_a_streamed_build_over_its_previous_output_changes_only_what_changed(fixture_site: Path,
                                                                             tmp_path: Path) -> None:
    out = tmp_path / "site"
    pipeline.build(fixture_site, out, FIXTURE_AS_OF, stream=True)
    before = {p.relative_to(out).as_posix(): p.stat().st_ino for p in out.rglob("*") if p.is_file()}
    record = fixture_site / "content" / "projects" / "alfa.md"
    record.write_text(record.read_text(encoding="utf-8") + "\nUusi kappale.\n", encoding="utf-8")
    again = pipeline.build(fixture_site, out, FIXTURE_AS_OF, stream=True)
    assert again.report is not None and "hankkeet/alfa/index.html" in again.report.changed_paths
    assert "hankkeet/beeta/index.html" not in again.report.changed_paths
    after = {p.relative_to(out).as_posix(): p.stat().st_ino for p in out.rglob("*") if p.is_file()}
    # Unchanged files are the previous output's, linked, so a copy by rsync moves only what changed.
    assert after["hankkeet/beeta/index.html"] == before["hankkeet/beeta/index.html"]
    assert after["hankkeet/alfa/index.html"] != before["hankkeet/alfa/index.html"]
    assert _tree(out) == pipeline.build(fixture_site, tmp_path / "plain", FIXTURE_AS_OF).files


def _previous_output(root: Path, tmp_path: Path) -> tuple[Path, dict[str, bytes]]:
    out = tmp_path / "site"
    pipeline.build(root, out, FIXTURE_AS_OF, stream=True)
    return out, _tree(out)


def _left_alone(out: Path, before: dict[str, bytes]) -> None:
    assert _tree(out) == before
    assert [p.name for p in out.parent.iterdir() if p.name.startswith(".site.tmp-")] == []


def test_content_errors_write_nothing(fixture_site: Path, tmp_path: Path) -> None:
    out, before = _previous_output(fixture_site, tmp_path)
    (fixture_site / "content" / "projects" / "rikki.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    with pytest.raises(ContentError) as raised:
        pipeline.build(fixture_site, out, FIXTURE_AS_OF, stream=True)
    assert any(p.path == "content/projects/rikki.md" for p in raised.value.problems)
    _left_alone(out, before)


def test_a_page_failing_in_a_worker_leaves_the_previous_output(fixture_site: Path, tmp_path: Path) -> None:
    out, before = _previous_output(fixture_site, tmp_path)
    templates = fixture_site / "templates"
    templates.mkdir(exist_ok=True)
    # Only project pages use this template, and the workers render those.
    (templates / "project.html").write_text("{{ no_such_variable }}\n", encoding="utf-8")
    with pytest.raises(Exception, match="no_such_variable"):
        pipeline.build(fixture_site, out, FIXTURE_AS_OF, stream=True)
    _left_alone(out, before)


@pytest.mark.parametrize("name", ["hankkeet/alfa/index.html", "index.html", "feed.xml"])
def test_a_static_file_in_the_place_of_an_output_file_leaves_the_previous_output(
        name: str, fixture_site: Path, tmp_path: Path) -> None:
    out, before = _previous_output(fixture_site, tmp_path)
    clash = fixture_site / "static" / name
    clash.parent.mkdir(parents=True, exist_ok=True)
    clash.write_text("<p>oma</p>\n", encoding="utf-8")
    with pytest.raises(OutputError):
        pipeline.build(fixture_site, out, FIXTURE_AS_OF, stream=True)
    _left_alone(out, before)


def test_the_command_line_streams_without_a_cache_and_says_what_it_built(fixture_site: Path, tmp_path: Path) -> None:
    streamed, cached = tmp_path / "streamed", tmp_path / "cached"
    first = run_cli("build", "--root", str(fixture_site), "--out", str(streamed), "--as-of", "2025-06-15",
                    "--no-cache")
    second = run_cli("build", "--root", str(fixture_site), "--out", str(cached), "--as-of", "2025-06-15")
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    assert _tree(streamed) == _tree(cached)
    # The summary counts the pages although the streamed build held none of them.
    assert first.stdout.replace(str(streamed), "OUT") == second.stdout.replace(str(cached), "OUT")
