"""A multilingual copy of the fixture site (`languages: [fi, sv, en]`), for the language version tests.

The translations are handed to rendering as the content stage hands them over
(`ValidTranslation`), so these tests need nothing of how translation files are read."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from conftest import FIXTURE_AS_OF, FIXTURE_SITE, copy_site
from projcat.catalogue import build_catalogue
from projcat.content.records import Translation, ValidTranslation
from projcat.engine import pipeline
from projcat.engine.output import write_site

LANGUAGES = ("fi", "sv", "en")
# A word only the Swedish text of one project holds, for the search test.
SWEDISH_WORD = "blåbärssoppa"


def _translation(lang: str, slug: str, title: str, body: str, **words: object) -> ValidTranslation:
    return ValidTranslation(lang, f"content/projects/{slug}.{lang}.md", Translation(title=title, **words), body, 3)


TRANSLATIONS = {
    "alfa": {"sv": _translation("sv", "alfa", "Ödla alfa", f"Vi serverar {SWEDISH_WORD} på svenska.\n",
                                summary="Ett svenskt projekt."),
             "en": _translation("en", "alfa", "Alpha", "The project in English.\n")},
    "beeta": {"sv": _translation("sv", "beeta", "Ärlig beeta", "Svensk text om beeta.\n")},
}


def multilingual_root(root: Path, base_url: str = "https://www.example.fi/") -> Path:
    """A copy of the fixture site at `root` with three languages, its title in each and one theme in each."""
    copy_site(FIXTURE_SITE, root)
    site = root / "site.yaml"
    text = site.read_text(encoding="utf-8")
    text = text.replace("title: Testihankkeet", "title: {fi: Testihankkeet, sv: Testprojekt, en: Test projects}")
    text = text.replace("organisation: Testilän kaupunki",
                        "organisation: {fi: Testilän kaupunki, sv: Testby stad, en: City of Testilä}")
    text = text.replace("language: fi", "languages: [fi, sv, en]")
    text = text.replace("base_url: /", f"base_url: {base_url}")
    text = text.replace("    name: Asuminen\n", "    name: {fi: Asuminen, sv: Boende, en: Housing}\n")
    site.write_text(text, encoding="utf-8")
    return root


def render_languages(root: Path, search: bool = False) -> dict[str, bytes]:
    result = pipeline.check(root, FIXTURE_AS_OF)
    assert result.ok and result.site is not None, result.problems
    records = [dataclasses.replace(r, translations=TRANSLATIONS.get(r.slug, {})) for r in result.records]
    result = dataclasses.replace(result, records=records,
                                 catalogue=build_catalogue(records, result.site, FIXTURE_AS_OF))
    return pipeline.render(result, root, search=search)


def build_languages(root: Path, out: Path, search: bool = False) -> Path:
    write_site(render_languages(root, search), out)
    return out
