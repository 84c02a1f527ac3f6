"""Translation files `<slug>.<lang>.md`: read, validated and joined to their records."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import pytest

from projcat.build import pipeline
from projcat.build.files import RACY_NS
from projcat.build.memory import MemoryCache
from projcat.content.load import split_stem
from projcat.content.records import ValidTranslation

SITE = """title: {fi: Hankkeet, sv: Projekt}
organisation: {fi: Kaupunki, sv: Staden}
languages: [fi, sv, en]
themes:
  - id: asuminen
    name: {fi: Asuminen, sv: Boende, en: Housing}
"""
AS_OF = date(2025, 6, 15)


def _write(root: Path, name: str, text: str) -> Path:
    file = root / "content" / "projects" / name
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(text, encoding="utf-8")
    return file


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    root.mkdir()
    (root / "site.yaml").write_text(SITE, encoding="utf-8")
    _write(root, "avoin-kunta.md", "---\ntitle: Avoin kunta\ntheme: asuminen\nstart: 2024\n---\nKunta avaa tietonsa.\n")
    _write(root, "avoin-kunta.sv.md", "---\ntitle: Öppen kommun\nkeywords: [öppna data]\n---\nKommunen öppnar.\n")
    _write(root, "avoin-kunta.en.md", "---\ntitle: Open municipality\n---\nThe municipality opens its data.\n")
    _write(root, "puisto.md", "---\ntitle: Puisto\ntheme: asuminen\n---\nPuisto.\n")
    _write(root, "puisto.sv.md", "---\ntitle: Park\n---\nParken.\n")
    _write(root, "kirjasto.md", "---\ntitle: Kirjasto\ntheme: asuminen\n---\nKirjasto.\n")
    return root


@pytest.mark.parametrize("stem, expected", [
    ("avoin-kunta", ("avoin-kunta", "")), ("avoin-kunta.sv", ("avoin-kunta", "sv")),
    ("a.b.en", ("a.b", "en")), ("hanke.SV", ("hanke.SV", "")), ("x.swe", ("x", "swe")),
])
def test_a_translation_is_recognised_by_its_name(stem: str, expected: tuple[str, str]) -> None:
    assert split_stem(stem) == expected


def test_translations_join_their_records(site: Path) -> None:
    result = pipeline.check(site, AS_OF)
    assert result.ok, result.problems
    assert [r.slug for r in result.records] == ["avoin-kunta", "kirjasto", "puisto"]
    record = result.records[0]
    assert list(record.translations) == ["en", "sv"]
    sv = record.translations["sv"]
    assert isinstance(sv, ValidTranslation)
    assert (sv.lang, sv.path, sv.translation.title, sv.translation.keywords) == (
        "sv", "content/projects/avoin-kunta.sv.md", "Öppen kommun", ["öppna data"])
    assert sv.body == "Kommunen öppnar.\n" and sv.body_line == 5
    assert dict(result.records[1].translations) == {}
    assert result.catalogue is not None
    assert result.catalogue.by_slug["avoin-kunta"].record.translations["en"].translation.title == "Open municipality"
    assert result.files_read == 7


def test_a_translation_of_an_invalid_record_is_left_out_quietly(site: Path) -> None:
    # The record's own mistake is the one to fix; its translation is not wrong for it.
    _write(site, "puisto.md", "---\ntitle: Puisto\nend: 2021-13\n---\n")
    result = pipeline.check(site, AS_OF)
    assert not result.ok
    assert {p.path for p in result.problems if p.is_error} == {"content/projects/puisto.md"}


def test_a_translation_and_its_main_file_do_not_collide(site: Path) -> None:
    assert not [p for p in pipeline.check(site, AS_OF).problems if p.code == "file.slug_collision"]


def test_a_translation_with_a_bad_name_is_named_as_such(site: Path) -> None:
    _write(site, "Avoin_Kunta.sv.md", "---\ntitle: X\n---\n")
    problems = [p.format("fi") for p in pipeline.check(site, AS_OF).problems if p.code == "file.bad_slug"]
    assert problems == ["content/projects/Avoin_Kunta.sv.md:1:1: tiedostonimi 'Avoin_Kunta.sv.md' ei kelpaa"
                        " hankkeen tunnisteeksi - käytä nimessä vain pieniä kirjaimia a-z, numeroita ja"
                        " yksittäisiä väliviivoja, esim. 'avoin-kunta.sv.md'"]


def test_an_unchanged_translation_is_not_read_again(site: Path) -> None:
    time.sleep(RACY_NS / 1e9 + 0.2)  # past the file clock's last tick: stat keys are trusted
    cache = MemoryCache()
    pipeline.check(site, AS_OF, cache=cache)
    first = cache.finish_build()
    assert "content/projects/avoin-kunta.sv.md" in first.records_parsed
    pipeline.check(site, AS_OF, cache=cache)
    again = cache.finish_build()
    assert again.records_parsed == [] and again.records_validated == []


def _cached(root: Path, cache: MemoryCache) -> pipeline.CheckResult:
    result = pipeline.check(root, AS_OF, cache=cache)
    assert result.ok, [p.format("en") for p in result.problems]
    pipeline.render(result, root, cache=cache)
    return result


def test_a_changed_translation_redoes_only_its_record(site: Path) -> None:
    cache = MemoryCache()
    _cached(site, cache)
    cache.finish_build()
    _write(site, "puisto.sv.md", "---\ntitle: Parken\n---\nParken är ny.\n")
    result = _cached(site, cache)
    stats = cache.finish_build()
    assert stats.records_parsed == ["content/projects/puisto.sv.md"]
    assert stats.records_validated == ["content/projects/puisto.sv.md"]
    assert stats.views_made == ["puisto"]
    assert result.records[2].translations["sv"].translation.title == "Parken"


def test_cached_and_cold_builds_agree_after_translation_edits(site: Path) -> None:
    cache = MemoryCache()
    _cached(site, cache)
    cache.finish_build()
    (site / "content" / "projects" / "avoin-kunta.en.md").unlink()
    _write(site, "kirjasto.sv.md", "---\ntitle: Bibliotek\n---\nBiblioteket.\n")
    cached = _cached(site, cache)
    cache.finish_build()
    cold = pipeline.check(site, AS_OF)
    assert cached.records == cold.records
    assert pipeline.render(cached, site, cache=cache) == pipeline.render(cold, site)
