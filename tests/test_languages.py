"""One record per language (`projcat/languages.py`): every stage takes a language's facts from its
entry, and a code the table does not know is an error naming it, never Finnish in disguise."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import FIXTURE_AS_OF, FIXTURE_SITE, copy_site, run_cli
from projcat.catalogue import title_key
from projcat.cli import main
from projcat.content.images import ImageUse, alt_problems
from projcat.content.localtext import language_candidate
from projcat.editors.cms import cms_config
from projcat.engine import pipeline
from projcat.languages import LANGUAGES, Language, PathWords, UnknownLanguage, language
from projcat.render.addresses import Urls
from projcat.render.formatting import format_day, locale_for
from projcat.render.meta import og_locale

GERMAN = Language(
    code="de", own_name="Auf Deutsch",
    path_words=PathWords(theme="themen", project="projekte", archive="beendet", statement="barrierefreiheit",
                         search="suche"),
    babel_locale="de_DE", babel_way=True, og_locale="de_DE", decap_locale="de",
    generic_alts=frozenset({"abbildung"}),
    # The phone book's order (DIN 5007-2): ä, ö, ü as ae, oe, ue.
    collation=(("ä", "ae"), ("ö", "oe"), ("ü", "ue")),
    aliases=frozenset({"deu", "ger"}),
)


@pytest.fixture
def german(monkeypatch: pytest.MonkeyPatch) -> Language:
    monkeypatch.setitem(LANGUAGES, "de", GERMAN)
    return GERMAN


def _german_site(root: Path, cms: bool = False) -> Path:
    copy_site(FIXTURE_SITE, root)
    site = root / "site.yaml"
    text = site.read_text(encoding="utf-8").replace("language: fi", "languages: [fi, de]")
    text = text.replace("base_url: /", "base_url: https://www.example.fi/")
    if cms:
        text += "cms:\n  backend: github\n  repo: testila/hankkeet\n"
    site.write_text(text, encoding="utf-8")
    (root / "content" / "projects" / "alfa.de.md").write_text(
        "---\ntitle: Alpha auf Deutsch\n---\nDas Projekt auf Deutsch.\n", encoding="utf-8")
    return root


def test_an_unknown_code_is_an_error_naming_it_and_the_known_ones() -> None:
    with pytest.raises(UnknownLanguage) as caught:
        language("de")
    assert "'de'" in str(caught.value) and "fi, sv, en" in str(caught.value)


def test_no_stage_falls_back_to_finnish_for_an_unknown_code() -> None:
    # Before the table, `de` got the Finnish path words and an Open Graph locale of "de".
    with pytest.raises(UnknownLanguage):
        Urls.for_language("https://www.example.fi/", "de", "fi")
    with pytest.raises(UnknownLanguage):
        og_locale("de")
    with pytest.raises(UnknownLanguage):
        locale_for("de", True)
    with pytest.raises(UnknownLanguage):
        title_key("Müller", "de")


def test_site_yaml_with_an_unknown_language_names_it_and_the_known_ones(tmp_path: Path) -> None:
    root = _german_site(tmp_path / "site")
    result = pipeline.check(root, FIXTURE_AS_OF)
    assert [p.format("en") for p in result.problems] == [
        "site.yaml:4:17: error: languages[1]: site language 'de' is not supported"
        " - supported languages: fi, sv, en"]


def test_a_language_added_to_the_table_is_taken_up_by_every_stage(german: Language, tmp_path: Path) -> None:
    # Content: site.yaml's `languages` and the translation's suffix accept it.
    root = _german_site(tmp_path / "site", cms=True)
    result = pipeline.check(root, FIXTURE_AS_OF)
    assert result.ok and result.site is not None, result.problems
    assert result.site.languages == ("fi", "de")
    alfa = next(r for r in result.records if r.slug == "alfa")
    assert "de" in alfa.translations
    # Content: a code people write for it is suggested as it.
    assert language_candidate("deu", result.site.languages) == "de"
    # Catalogue: the language's own alphabet.
    assert title_key("Müller", "de") == title_key("Mueller", "de")
    assert title_key("Öl", "de") < title_key("Ol", "de") < title_key("Om", "de")
    # Content: its say-nothing alternative texts.
    use = ImageUse("kuvat/x.jpg", "Abbildung", 3, 1, "image")
    assert [p.code for p in alt_problems(use, "content/projects/alfa.md")] == ["image.alt_generic"]
    # Render: its path words, Babel locale, Open Graph locale and its name in the switcher.
    files = pipeline.render(result, root, search=False)
    page = files["de/projekte/alfa/index.html"].decode("utf-8")
    assert '<html lang="de">' in page and "Alpha auf Deutsch" in page
    assert '<meta property="og:locale" content="de_DE">' in page
    assert "Auf Deutsch" in files["hankkeet/alfa/index.html"].decode("utf-8")
    assert "de/themen/asuminen/index.html" in files and "de/barrierefreiheit/index.html" in files
    assert format_day(FIXTURE_AS_OF, locale_for("de", True)) == "15. Juni 2025"
    assert re.search(r'hreflang="de"', files["index.html"].decode("utf-8"))
    # Editors: Decap's interface language comes from the main language's entry.
    assert cms_config(result.site)["locale"] == "fi"
    german_main = result.site.model_copy(update={"language": "de", "languages": ("de", "fi")})
    assert cms_config(german_main)["locale"] == "de"
    german_main = result.site.model_copy(update={"language": "de", "languages": ("de", "fi")})
    assert cms_config(german_main)["locale"] == "de"


def test_lang_option_names_an_unknown_code_and_the_known_ones() -> None:
    done = run_cli("check", "--root", str(FIXTURE_SITE), "--lang", "de")
    assert done.returncode == 2
    assert "invalid choice: 'de' (choose from 'fi', 'sv', 'en')" in done.stderr


def test_lang_option_takes_a_language_added_to_the_table(german: Language, tmp_path: Path) -> None:
    root = copy_site(FIXTURE_SITE, tmp_path / "site")
    assert main(["check", "--root", str(root), "--lang", "de", "--as-of", FIXTURE_AS_OF.isoformat()]) == 0
