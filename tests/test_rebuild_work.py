"""What a rebuild after one edit costs, counted rather than timed, and the shortcuts it takes
proven to give what the long way gave."""

from __future__ import annotations

import dataclasses
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from conftest import FIXTURE_AS_OF
from projcat.catalogue import build_catalogue
from projcat.content.load import IMAGE_SUFFIXES, _ignored, display_path, record_files
from projcat.content.records import Document, Translation, ValidTranslation
from projcat.content.settings import SiteConfig
from projcat.engine import pipeline
from projcat.engine.disk import DiskCache
from projcat.problems import Problem
from projcat.render.opendata import csv_columns, shown_project


def _retitle(root: Path, title: str) -> None:
    file = sorted((root / "content" / "projects").glob("*.md"))[0]
    lines = file.read_text(encoding="utf-8").split("\n")
    file.write_text("\n".join(f"title: {title}" if line.startswith("title: ") else line for line in lines),
                    encoding="utf-8")


def test_a_rebuild_after_one_edit_compares_the_settings_a_few_times_not_once_per_project(
        fixture_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Each build reads site.yaml anew and loads the kept steps from the cache folder, so the settings
    # are an equal object, never the kept one: compared at each project's view, list item and page,
    # they were seconds of a rebuild at 10,000 records.
    first = pipeline.build(fixture_site, tmp_path / "out", FIXTURE_AS_OF, cache=DiskCache.load(fixture_site))
    projects = len(first.check.records)
    _retitle(fixture_site, "Aakkosten alkuun siirretty hanke")
    compared = 0
    equal = SiteConfig.__eq__

    def counted(self: SiteConfig, other: object) -> bool:
        nonlocal compared
        compared += 1
        return equal(self, other)

    monkeypatch.setattr(SiteConfig, "__eq__", counted)
    second = pipeline.build(fixture_site, tmp_path / "out", FIXTURE_AS_OF, cache=DiskCache.load(fixture_site))
    assert second.check.site is not first.check.site
    assert projects >= 5
    assert compared <= 3, f"the settings were compared {compared} times for {projects} projects"


def test_the_csv_header_has_columns_for_the_documents_each_language_version_publishes(fixture_site: Path) -> None:
    # The header counts each row's documents without copying the record; a translation's own
    # documents take the place of the main file's, so a language version may need more columns.
    checked = pipeline.check(fixture_site, FIXTURE_AS_OF)
    assert checked.site is not None
    site = checked.site.model_copy(update={"languages": ("fi", "sv")})
    most = max(len(r.project.documents) for r in checked.records)
    record = checked.records[0]
    documents = [Document(title=f"Dokument {n}") for n in range(most + 2)]
    translated = ValidTranslation("sv", f"{record.path[:-3]}.sv.md", Translation(title="Svensk", documents=documents),
                                  "Text.\n", 3)
    records = [dataclasses.replace(record, translations={"sv": translated}), *checked.records[1:]]
    for lang in (None, "sv"):
        catalogue = build_catalogue(records, site, FIXTURE_AS_OF, lang)
        columns = csv_columns(catalogue, "fi", True)
        # The long way: every row's record as published, counted.
        shown: dict[str, Any] = {e.slug: shown_project(e, "fi")[0] for e in catalogue.entries}
        widest = max(len(project.documents) for project in shown.values())
        assert widest == (most + 2 if lang == "sv" else most)
        assert f"documents_{widest}_title" in columns
        assert f"documents_{widest + 1}_title" not in columns


def test_a_build_lists_the_record_files_once(fixture_site: Path, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    # The listing decides whether to start the Markdown workers and is what the check reads: at
    # 10,000 records each listing was half a second.
    listings = 0
    listed = pipeline.record_files

    def counted(content: Path, root: Path) -> tuple[list[Path], list[Problem]]:
        nonlocal listings
        listings += 1
        return listed(content, root)

    monkeypatch.setattr(pipeline, "record_files", counted)
    result = pipeline.build(fixture_site, tmp_path / "out", FIXTURE_AS_OF, cache=DiskCache.load(fixture_site))
    assert len(result.check.records) >= 5
    assert listings == 1


def _walked(content: Path, root: Path) -> tuple[list[Path], list[Problem]]:
    """The record files and problems listed the long way: `os.walk`, a path and an `lstat` per file."""
    problems: list[Problem] = []
    files: list[Path] = []
    for here, dirs, names in os.walk(content, followlinks=False):
        base = Path(here)
        for name in list(dirs):
            if (base / name).is_symlink():
                problems.append(Problem.make(display_path(base / name, root), "file.symlink", line=1, col=1))
                dirs.remove(name)
            elif _ignored(name):
                dirs.remove(name)
        for name in names:
            file = base / name
            if _ignored(name):
                continue
            mode = file.lstat().st_mode
            if stat.S_ISLNK(mode):
                problems.append(Problem.make(display_path(file, root), "file.symlink", line=1, col=1))
            elif not stat.S_ISREG(mode):
                problems.append(Problem.make(display_path(file, root), "file.not_regular", line=1, col=1))
            elif file.suffix.lower() == ".md":
                files.append(file)
            elif base == content or file.suffix.lower() not in IMAGE_SUFFIXES:
                problems.append(Problem.make(display_path(file, root), "file.not_record", line=1, col=1,
                                             severity="warning"))
    return sorted(files, key=lambda p: p.as_posix()), problems


def test_the_record_files_are_listed_as_a_walk_with_a_path_per_file_lists_them(tmp_path: Path) -> None:
    # The listing takes each entry's type from the directory itself; every kind of entry an
    # editor's folder may hold gives the same files and the same problems, in the same order.
    root = tmp_path / "site"
    content = root / "content"
    record = content / "projects" / "kuvat"
    (record / "syvemmalla").mkdir(parents=True)
    (content / ".git").mkdir()
    (content / ".git" / "piilossa.md").write_text("x")
    (content / "varmuus~").mkdir()
    (content / "varmuus~" / "vanha.md").write_text("x")
    names = ["a.md", "B.MD", "..md", ".md", "a.", "muistiinpanot.txt", "kuva.jpg", "kuva.JPEG", "paketti.tar.gz",
             "Thumbs.db", "desktop.ini", "c.md~", ".d.md", "md", "a.b.md"]
    for folder in (content, content / "projects", record, record / "syvemmalla"):
        for name in names:
            (folder / name).write_text("x")
    os.mkfifo(content / "projects" / "putki.md")
    os.symlink(content / "projects" / "a.md", content / "projects" / "linkki.md")
    os.symlink(content / "projects" / "a.md", content / "projects" / ".piilolinkki.md")
    os.symlink(record, content / "projects" / "kansiolinkki")
    os.symlink(record, content / "projects" / ".piilokansiolinkki")
    os.symlink(tmp_path / "ei-ole", content / "projects" / "katkennut.md")
    files, problems = record_files(content, root)
    assert (files, problems) == _walked(content, root)
    assert {problem.code for problem in problems} == {"file.symlink", "file.not_regular", "file.not_record"}
    assert content / "projects" / "kuvat" / "syvemmalla" / "B.MD" in files
    assert record_files(Path(f"{content}/"), tmp_path) == _walked(Path(f"{content}/"), tmp_path)
