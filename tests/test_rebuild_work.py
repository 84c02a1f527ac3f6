"""What a rebuild after one edit costs, counted rather than timed, and the shortcuts it takes
proven to give what the long way gave."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from conftest import FIXTURE_AS_OF
from projcat.catalogue import build_catalogue
from projcat.content.records import Document, Translation, ValidTranslation
from projcat.content.settings import SiteConfig
from projcat.engine import pipeline
from projcat.engine.disk import DiskCache
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
