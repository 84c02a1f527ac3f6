"""The example site with language versions, `examples/kaksikielinen/`: what the other tests rely on."""

from __future__ import annotations

from datetime import date

from conftest import REPO, run_cli
from projcat.engine import pipeline

EXAMPLE = REPO / "examples" / "kaksikielinen"
AS_OF = date(2025, 6, 15)


def test_the_example_checks_clean_and_reports_its_coverage() -> None:
    done = run_cli("check", "--root", str(EXAMPLE), "--as-of", AS_OF.isoformat())
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert done.stdout.splitlines()[-2:] == ["sv: 6/8 hanketta käännetty", "en: 4/8 hanketta käännetty"]


def test_the_example_has_every_case_of_translation_and_status() -> None:
    result = pipeline.check(EXAMPLE, AS_OF)
    assert result.ok and result.site is not None and result.catalogue is not None
    assert result.site.languages == ("fi", "sv", "en")
    languages = {r.slug: sorted(r.translations) for r in result.records}
    assert sorted(languages.values()) == [[], ["en"], ["en", "sv"], ["en", "sv"], ["en", "sv"], ["sv"], ["sv"], ["sv"]]
    statuses = sorted(e.status for e in result.catalogue.entries)
    assert statuses.count("ended") == 2 and statuses.count("upcoming") == 1 and "ongoing" in statuses
    for theme in result.site.themes:
        assert set(theme.name.by_lang) == {"fi", "sv", "en"}


def test_a_swedish_word_only_one_swedish_text_holds() -> None:
    # The search test looks for it on the Swedish pages and must not find it elsewhere.
    holders = [p.name for p in EXAMPLE.rglob("*") if p.is_file() and "skärgårdsfärja" in p.read_text("utf-8")]
    assert holders == ["saariston-yhteysalus.sv.md"]


def test_the_example_shows_eu_funding_by_two_sets_of_rules() -> None:
    """The EU-funded projects the browser test measures: one of 2014–2020, ended, with its results;
    one of 2021–2027 with a second, directly managed programme, so its page has two blocks."""
    result = pipeline.check(EXAMPLE, AS_OF)
    assert result.site is not None
    rules = {r.slug: [result.site.programme(f.programme).rules for f in r.project.funding  # type: ignore[union-attr]
                      if f.programme] for r in result.records}
    assert rules["kosteikot"] == ["eu-2014-2020"]
    assert rules["osaajat-toihin"] == ["eu-2021-2027", "eu-direct"]
    for slug in ("kosteikot", "osaajat-toihin"):
        record = next(r for r in result.records if r.slug == slug)
        assert sorted(record.translations) == ["en", "sv"]
        assert all(t.translation.aims for t in record.translations.values())
