"""Translation files `<slug>.<lang>.md`: read, validated and joined to their records."""

from __future__ import annotations

import os
import subprocess
import time
from datetime import date
from pathlib import Path

import pytest

from conftest import run_cli
from projcat.catalogue import Coverage, stale_translations, translation_coverage
from projcat.content.history import FileDates, History
from projcat.content.load import split_stem
from projcat.content.records import Project, Translation, ValidRecord, ValidTranslation
from projcat.engine import pipeline
from projcat.engine.files import RACY_NS
from projcat.engine.memory import MemoryCache

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
    assert problems == ["content/projects/Avoin_Kunta.sv.md:1:1: virhe: tiedostonimi 'Avoin_Kunta.sv.md' ei kelpaa"
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
    # Only the Swedish version's view: the Finnish one does not show the translation.
    assert stats.views_made == ["sv:puisto"]
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


def test_coverage_per_language(site: Path) -> None:
    result = pipeline.check(site, AS_OF)
    assert result.site is not None
    assert translation_coverage(result.records, result.site.languages) == [
        Coverage("sv", 2, 3), Coverage("en", 1, 3)]
    assert translation_coverage(result.records, ("fi",)) == []


def test_a_translation_older_than_its_main_file_is_named() -> None:
    sv = ValidTranslation("sv", "content/projects/a.sv.md", Translation(title="A"), "", 4)
    record = ValidRecord("a", "content/projects/a.md", Project.model_validate({"title": "A"}), "", 4, {"sv": sv})
    history = History({"content/projects/a.md": FileDates(date(2025, 1, 1), date(2025, 5, 2)),
                       "content/projects/a.sv.md": FileDates(date(2025, 2, 1), date(2025, 3, 1))})
    [problem] = stale_translations([record], history)
    assert problem.severity == "warning"
    assert problem.format("fi") == (
        "content/projects/a.sv.md:1:1: varoitus: käännös on muutettu viimeksi 2025-03-01, mutta a.md on muuttunut"
        " sen jälkeen (2025-05-02) - tarkista, vastaako käännös yhä päätiedoston tekstiä")
    newer = History({**history.files, "content/projects/a.sv.md": FileDates(date(2025, 2, 1), date(2025, 5, 2))})
    assert stale_translations([record], newer) == []
    assert stale_translations([record], History()) == []


def _git(repo: Path, *args: str, day: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.fi", "GIT_COMMITTER_NAME": "T",
           "GIT_COMMITTER_EMAIL": "t@example.fi", "GIT_AUTHOR_DATE": f"{day}T12:00:00+02:00",
           "GIT_COMMITTER_DATE": f"{day}T12:00:00+02:00"}
    subprocess.run(["git", "-C", str(repo), *args], env=env, capture_output=True, check=True)


def test_check_prints_coverage_and_warns_of_stale_translations(site: Path) -> None:
    _git(site, "init", "-q", "-b", "main", day="2025-01-10")
    _git(site, "add", "-A", day="2025-01-10")
    _git(site, "commit", "-q", "-m", "Alku", day="2025-01-10")
    main = site / "content" / "projects" / "puisto.md"
    main.write_text(main.read_text(encoding="utf-8") + "Lisää tekstiä.\n", encoding="utf-8")
    _git(site, "commit", "-q", "-am", "Puisto muuttui", day="2025-04-03")
    done = run_cli("check", "--root", str(site), "--as-of", "2025-06-15")
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines()[0] == (
        "content/projects/puisto.sv.md:1:1: varoitus: käännös on muutettu viimeksi 2025-01-10, mutta puisto.md on"
        " muuttunut sen jälkeen (2025-04-03) - tarkista, vastaako käännös yhä päätiedoston tekstiä")
    assert done.stdout.splitlines()[-2:] == ["sv: 2/3 hanketta käännetty", "en: 1/3 hanketta käännetty"]
    english = run_cli("check", "--root", str(site), "--as-of", "2025-06-15", "--lang", "en")
    assert english.stdout.splitlines()[-2:] == ["sv: 2/3 projects translated", "en: 1/3 projects translated"]


def test_a_one_language_site_prints_no_coverage(fixture_site: Path) -> None:
    done = run_cli("check", "--root", str(fixture_site), "--as-of", "2025-06-15")
    assert done.returncode == 0
    assert "käännetty" not in done.stdout


def test_new_writes_a_translation_skeleton_that_passes_check(site: Path) -> None:
    _write(site, "kirjasto.md", "---\ntitle: Kirjasto\nshort_title: Kirj\ntheme: asuminen\nsummary: Uusi kirjasto.\n"
           "keywords: [lukeminen]\ndocuments:\n  - title: Suunnitelma\n    url: https://example.fi/s.pdf\n"
           "    type: pdf\n---\nKirjasto avataan.\n")
    done = run_cli("new", "--root", str(site), "--lang", "sv", "--slug", "kirjasto")
    assert done.returncode == 0, done.stderr
    target = site / "content" / "projects" / "kirjasto.sv.md"
    assert target.read_text(encoding="utf-8") == (
        "---\n# Käännä alla olevat tekstit kielelle sv. Muut tiedot (päivämäärät, teema, rahoitus, yhteystiedot)"
        " ovat vain tiedostossa kirjasto.md.\n"
        "title: Kirjasto\nshort_title: Kirj\nsummary: Uusi kirjasto.\nkeywords:\n- lukeminen\n"
        "documents:\n- title: Suunnitelma\n  url: https://example.fi/s.pdf\n---\nKirjasto avataan.\n")
    result = pipeline.check(site, AS_OF)
    assert result.ok, result.problems
    assert "sv" in result.records[1].translations


@pytest.mark.parametrize("args, expected", [
    (("--lang", "sv", "--slug", "puisto"), "Käännös {root}/content/projects/puisto.sv.md on jo olemassa."),
    (("--lang", "sv", "--slug", "puistot"),
     "Tiedostoa {root}/content/projects/puistot.md ei ole; käännös tehdään olemassa olevasta hankkeesta."),
    (("--lang", "fi", "--slug", "kirjasto"), "Sivustolla ei ole kieliversiota 'fi'; käännösten kielet: sv, en."),
])
def test_new_refuses_what_it_cannot_translate(site: Path, args: tuple[str, ...], expected: str) -> None:
    done = run_cli("new", "--root", str(site), *args)
    assert done.returncode == 2
    assert done.stderr.strip() == expected.format(root=site)


def test_new_refuses_a_translation_on_a_one_language_site(fixture_site: Path) -> None:
    done = run_cli("new", "--root", str(fixture_site), "--lang", "sv", "--slug", "alfa")
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "Sivustolla ei ole kieliversioita; lisää tiedostoon site.yaml esim. languages: [fi, sv].")
    assert not (fixture_site / "content" / "projects" / "alfa.sv.md").exists()
