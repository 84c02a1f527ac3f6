"""Language versions on the page: addresses, hreflang, the switcher, untranslated projects,
per-language ordering, formatting, feeds, open data and the sitemap (issue 12).

The translations are built here as the content stage hands them over (`ValidTranslation`),
on a multilingual copy of the fixture site; a one-language site's output is the golden HTML."""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import date
from pathlib import Path

import pytest
from language_site import LANGUAGES, SWEDISH_WORD, TRANSLATIONS, multilingual_root, render_languages

from conftest import FIXTURE_AS_OF, FIXTURE_SITE
from projcat.catalogue import build_catalogue, title_key
from projcat.engine import pipeline
from projcat.render.addresses import Urls


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    root = multilingual_root(tmp_path_factory.mktemp("kielet") / "site")
    return {name: data.decode("utf-8", "replace") for name, data in render_languages(root).items()}


def _pages(files: dict[str, str]) -> dict[str, str]:
    return {name: html for name, html in files.items() if name.endswith(".html") and not name.startswith("tiedostot")}


def test_every_page_exists_in_every_language_at_its_own_address(built: dict[str, str]) -> None:
    for lang in ("sv", "en"):
        urls = Urls.for_language("https://www.example.fi/", lang, "fi")
        for kind, key in [("index", ""), ("archive", ""), ("statement", ""), ("search", ""), ("not_found", ""),
                          ("theme", "asuminen"), ("project", "alfa"), ("project", "delta")]:
            assert urls.output(kind, key) in built, (lang, kind)
            assert urls.output(kind, key).startswith(f"{lang}/")
    assert "sv/projekt/alfa/index.html" in built and "en/projects/alfa/index.html" in built
    assert "sv/tillganglighetsutlatande/index.html" in built and "en/accessibility/index.html" in built
    assert "404.html" in built and "hankkeet/alfa/index.html" in built


def test_html_lang_hreflang_and_switcher_are_reciprocal(built: dict[str, str]) -> None:
    alternates: dict[str, dict[str, str]] = {}
    for name, html in _pages(built).items():
        lang = name.split("/", 1)[0] if name.split("/", 1)[0] in ("sv", "en") else "fi"
        assert f'<html lang="{lang}">' in html, name
        links = dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html))
        assert set(links) == {*LANGUAGES, "x-default"}, name
        assert links["x-default"] == links["fi"]
        switcher = html.split('class="site-nav site-languages"', 1)[1].split("</nav>", 1)[0]
        items = re.findall(r'<a href="([^"]+)" lang="([^"]+)" hreflang="([^"]+)"( aria-current="true")?>([^<]+)</a>',
                           switcher)
        assert [(code, text) for _, code, _, _, text in items] == [
            ("fi", "Suomeksi"), ("sv", "På svenska"), ("en", "In English")]
        assert [code for _, code, _, current, _ in items if current] == [lang]
        alternates[links[lang]] = links
    for own, links in alternates.items():
        for other in links.values():
            assert alternates[other] == links, (own, other)


def test_an_untranslated_project_shows_its_finnish_text_marked_and_a_note(built: dict[str, str]) -> None:
    sv = built["sv/projekt/delta/index.html"]
    assert '<h1 lang="fi">Delta</h1>' in sv
    assert '<p class="only-in">Projektet beskrivs bara på finska.</p>' in sv
    assert '<div class="prose" lang="fi">' in sv
    assert "This project is described only in Finnish." in built["en/projects/delta/index.html"]
    translated = built["sv/projekt/alfa/index.html"]
    assert "<h1>Ödla alfa</h1>" in translated and "only-in" not in translated
    assert SWEDISH_WORD in translated
    assert "only-in" not in built["hankkeet/delta/index.html"]
    assert 'lang="fi">Delta</a>' in built["sv/index.html"] or "Delta" not in built["sv/index.html"]


def test_lists_sort_by_the_title_shown_in_each_language(built: dict[str, str]) -> None:
    def titles(html: str) -> list[str]:
        return re.findall(r'class="browse-list">|<li><a href="[^"]+"(?: lang="fi")?>([^<]+)</a>', html)

    sv = [t for t in titles(built["sv/sok/index.html"]) if t]
    fi = [t for t in titles(built["haku/index.html"]) if t]
    assert "Ödla alfa" in sv and "Alfa" not in sv
    assert title_key("Ödla", "sv") > title_key("Ärlig", "sv") > title_key("Åsa", "sv") > title_key("Zeta", "sv")
    assert title_key("Ödla", "en") < title_key("Zeta", "en")
    assert fi != sv


def test_dates_and_amounts_follow_each_locale(built: dict[str, str]) -> None:
    assert "1.2.2024" in built["hankkeet/alfa/index.html"]
    assert "1 februari 2024" in built["sv/projekt/alfa/index.html"]
    assert "1 February 2024" in built["en/projects/alfa/index.html"]
    assert "€" in built["en/projects/alfa/index.html"]


def test_feeds_and_open_data_live_under_each_prefix_with_a_language_field(built: dict[str, str]) -> None:
    for prefix in ("", "sv/", "en/"):
        assert f"{prefix}feed.xml" in built and f"{prefix}hankkeet.json" in built and f"{prefix}hankkeet.csv" in built
    assert "sv/hanke.schema.json" not in built and "sv/sitemap.xml" not in built
    data = json.loads(built["sv/hankkeet.json"])
    rows = {p["slug"]: p for p in data["projects"]}
    assert data["language"] == "sv" and data["title"] == "Testprojekt"
    assert rows["alfa"]["language"] == "sv" and rows["alfa"]["record"]["title"] == "Ödla alfa"
    assert rows["delta"]["language"] == "fi" and rows["delta"]["url"] == "https://www.example.fi/sv/projekt/delta/"
    assert json.loads(built["hankkeet.json"])["projects"][0]["language"] == "fi"
    header = built["sv/hankkeet.csv"].lstrip("\ufeff").split("\r\n", 1)[0].split(";")
    assert header[:3] == ["slug", "language", "url"]
    assert 'xml:lang="sv"' in built["sv/feed.xml"]


def test_the_sitemap_lists_every_page_with_its_alternates(built: dict[str, str]) -> None:
    sitemap = built["sitemap.xml"]
    assert 'xmlns:xhtml="http://www.w3.org/1999/xhtml"' in sitemap
    row = next(line for line in sitemap.splitlines() if "<loc>https://www.example.fi/sv/projekt/alfa/</loc>" in line)
    for lang, url in [("fi", "hankkeet/alfa/"), ("sv", "sv/projekt/alfa/"), ("en", "en/projects/alfa/"),
                      ("x-default", "hankkeet/alfa/")]:
        assert f'<xhtml:link rel="alternate" hreflang="{lang}" href="https://www.example.fi/{url}"/>' in row
    assert "404" not in sitemap


def test_a_one_language_site_has_no_alternates() -> None:
    result = pipeline.check(FIXTURE_SITE, FIXTURE_AS_OF)
    files = pipeline.render(result, FIXTURE_SITE)
    index = files["index.html"].decode()
    assert "hreflang" not in index and "site-languages" not in index
    assert not any(name.startswith(("sv/", "en/")) for name in files)
    assert date(2025, 6, 15) == FIXTURE_AS_OF


def test_each_language_lists_by_its_own_titles_in_its_own_alphabet(tmp_path: Path) -> None:
    root = multilingual_root(tmp_path / "site")
    result = pipeline.check(root, FIXTURE_AS_OF)
    assert result.site is not None
    records = [dataclasses.replace(r, translations=TRANSLATIONS.get(r.slug, {})) for r in result.records]
    main = build_catalogue(records, result.site, FIXTURE_AS_OF)
    swedish = build_catalogue(records, result.site, FIXTURE_AS_OF, "sv")
    english = build_catalogue(records, result.site, FIXTURE_AS_OF, "en")
    titles = [e.list_title for e in swedish.entries]
    # Ärlig and Ödla are Swedish titles: after z, ä before ö.
    assert titles[-2:] == ["Ärlig beeta", "Ödla alfa"]
    assert english.entries[0].list_title == "Alpha"
    assert main.entries[0].list_title == "Alfa"
    # Status and grouping are the same in every language; only the order within a list differs.
    for one, other in ((main, swedish), (main, english)):
        assert {e.slug: e.status for e in one.entries} == {e.slug: e.status for e in other.entries}
        assert [(g.id, {e.slug for e in g.current}, {e.slug for e in g.ended}) for g in one.groups] == [
            (g.id, {e.slug for e in g.current}, {e.slug for e in g.ended}) for g in other.groups]
        assert [(y.year, {e.slug for e in y.entries}) for y in one.archive] == [
            (y.year, {e.slug for e in y.entries}) for y in other.archive]
    assert title_key("Åsa", "sv") < title_key("Äpple", "sv") < title_key("Öl", "sv")
    assert title_key("Wale", "sv") > title_key("Vz", "sv")
    assert title_key("Éclair", "en") < title_key("Fig", "en") and title_key("Öl", "en") < title_key("Pear", "en")
