"""Language versions in the site's settings: `languages` and texts written per language."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest

from projcat.content.localtext import LocalText
from projcat.content.records import Project, Translation, ValidRecord
from projcat.content.settings import DEFAULT_SUPERVISORY_AUTHORITY, SiteConfig
from projcat.content.validate import validate_site
from projcat.content.yamlread import read_yaml
from projcat.editors.schema import site_json_schema

BASE = "title: Hankkeet\norganisation: Kaupunki\nthemes:\n  - id: a\n    name: A\n"


def _site(text: str, tmp_path: Path) -> tuple[SiteConfig | None, list[str]]:
    site, problems = validate_site(read_yaml(text, "site.yaml"), "site.yaml", tmp_path)
    return site, [p.format("fi") for p in problems]


def test_a_site_without_languages_has_its_one_language(tmp_path: Path) -> None:
    site, problems = _site(BASE, tmp_path)
    assert problems == [] and site is not None
    assert site.languages == ("fi",)
    assert site.language == "fi"
    assert isinstance(site.title, LocalText)
    assert site.title == "Hankkeet" and str(site.title) == "Hankkeet" and site.title.main == "Hankkeet"
    assert dict(site.title.by_lang) == {"fi": "Hankkeet"}
    site, _ = _site(BASE + "language: en\n", tmp_path)
    assert site is not None and site.languages == ("en",) and dict(site.title.by_lang) == {"en": "Hankkeet"}


def test_texts_by_language(tmp_path: Path) -> None:
    text = ("title: {fi: Hankkeet, sv: Projekt}\norganisation: {sv: Staden, fi: Kaupunki}\n"
            "languages: [fi, sv, en]\nthemes:\n  - id: a\n    name: {fi: Asuminen, sv: Boende, en: Housing}\n"
            "accessibility:\n  prepared: 2025-01-01\n  other_issues:\n    - {fi: Kartat, sv: Kartor}\n"
            "    - Vain suomeksi\n")
    site, problems = _site(text, tmp_path)
    assert problems == [] and site is not None
    assert site.languages == ("fi", "sv", "en") and site.language == "fi"
    assert str(site.organisation) == "Kaupunki"
    assert list(site.organisation.by_lang) == ["fi", "sv"]  # the site's order, not the file's
    assert site.title.get("sv", "fi") == ("Projekt", "sv")
    assert site.title.get("en", "fi") == ("Hankkeet", "fi")
    assert site.themes[0].name.get("en", "fi") == ("Housing", "en")
    assert site.accessibility is not None
    assert [str(i) for i in site.accessibility.other_issues] == ["Kartat", "Vain suomeksi"]
    assert site.accessibility.other_issues[0].get("sv", "fi") == ("Kartor", "sv")


def test_languages_name_the_main_language(tmp_path: Path) -> None:
    site, problems = _site(BASE + "languages: [sv, fi]\n", tmp_path)
    assert problems == [] and site is not None and site.language == "sv"
    site, problems = _site(BASE + "language: en\nlanguages: [en, fi]\n", tmp_path)
    assert problems == [] and site is not None
    _, problems = _site(BASE + "language: fi\nlanguages: [sv, fi]\n", tmp_path)
    assert problems == ["site.yaml:6:11: virhe: language: language on 'fi', mutta languages alkaa kielellä 'sv'"
                        " - pääkieli on languages-listan ensimmäinen; poista language tai korjaa järjestys"]


@pytest.mark.parametrize("text, expected", [
    ("languages: [fi, sv, fi]\n", "site.yaml:6:12: virhe: languages: kieli 'fi' on kahdesti"),
    ("languages: [fi, de]\n", "site.yaml:6:17: virhe: languages[1]: sivuston kieli 'de' ei ole tuettu"),
    ("languages: []\n", "site.yaml:6:12: virhe: languages: kenttä on tyhjä"),
    ("languages: [fi, sv]\nintro: {fi: A, sw: B}\n",
     "site.yaml:7:16: virhe: intro: kieli 'sw' ei ole sivuston kielissä - tarkoititko 'sv'?"),
    ("intro: {fi: A, sv: B}\n",
     "site.yaml:6:16: virhe: intro: kieli 'sv' ei ole sivuston kielissä - sivuston kielet: fi; lisää kieli kenttään"
     " languages"),
    ("languages: [fi, sv]\nintro: {sv: B}\n",
     "site.yaml:7:8: virhe: intro: pääkielen (fi) teksti puuttuu - kirjoita teksti myös kielellä fi"),
    ("languages: [fi, sv]\nintro: {fi: A, sv: [B]}\n", "site.yaml:7:"),
])
def test_language_problems_at_their_line(tmp_path: Path, text: str, expected: str) -> None:
    site, problems = _site(BASE + text, tmp_path)
    assert site is None
    assert any(p.startswith(expected) for p in problems), problems


def test_local_text_is_an_immutable_value() -> None:
    text = LocalText("Kaupunki", {"fi": "Kaupunki", "sv": "Staden"})
    # The build cache keeps settings pickled: the other languages must survive it.
    again = pickle.loads(pickle.dumps(text))  # noqa: S301 - our own bytes
    assert again == text and dict(again.by_lang) == {"fi": "Kaupunki", "sv": "Staden"}
    with pytest.raises(AttributeError):
        text.by_lang = {}
    assert f"{text} – x" == "Kaupunki – x"
    assert json.dumps(text) == '"Kaupunki"'
    assert DEFAULT_SUPERVISORY_AUTHORITY.name == "Lupa- ja valvontavirasto"


def test_the_settings_dump_as_written(tmp_path: Path) -> None:
    site, _ = _site(BASE.replace("Hankkeet", "{fi: Hankkeet, sv: Projekt}") + "languages: [fi, sv]\n", tmp_path)
    assert site is not None
    dumped = json.loads(site.model_dump_json())
    assert dumped["title"] == {"fi": "Hankkeet", "sv": "Projekt"}
    assert dumped["organisation"] == "Kaupunki"


def test_the_editors_schema_accepts_a_string_or_a_mapping() -> None:
    schema = site_json_schema()
    title = schema["properties"]["title"]
    assert [arm.get("type") for arm in title["oneOf"]] == [["string", "number"], "object"]
    assert schema["properties"]["languages"]["items"] == {"enum": ["fi", "sv", "en"]}
    assert "default" not in schema["properties"]["languages"]


def test_a_translation_holds_only_words() -> None:
    assert set(Translation.model_fields) == {"title", "short_title", "summary", "aims", "results", "keywords",
                                             "documents", "image"}
    assert set(Translation.model_fields) < set(Project.model_fields)
    record = ValidRecord("x", "x.md", Project.model_validate({"title": "X"}), "", 4)
    assert dict(record.translations) == {}
