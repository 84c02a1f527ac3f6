"""Every page of every language version in Chromium (issue 12): axe, the Nu checker and the
other accessibility checks; the switcher by keyboard; reciprocal hreflang; no Finnish interface
word outside `lang="fi"`; a Swedish search that searches only the Swedish pages.

Two sites: the bilingual example as shipped (`examples/kaksikielinen/`), and the fixture site
with translations handed to rendering directly (`language_site`)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from language_site import LANGUAGES, SWEDISH_WORD

from a11y_checks import (
    BEST_PRACTICE,
    WCAG_TAGS,
    Site,
    axe_violations,
    describe_violations,
    focus_problems,
    local_page,
    nu_errors,
    open_page,
    structure_problems,
    text_spacing_problems,
    width_problems,
)
from conftest import StaticServer
from projcat.strings import LOCALE_DIR, message

pytestmark = pytest.mark.browser

SITES = ("example", "fixture")
# A word only a Swedish text holds, and the one project whose Swedish page has it, per site.
SWEDISH = {"example": ("biblioteksbussen", "/sv/projekt/kirjastoauto/"),
           "fixture": (SWEDISH_WORD, "/sv/projekt/alfa/")}
STATUS = "[data-search-status]"
# The strings the pages show (by key prefix); editors' messages never reach a page.
PAGE_KEYS = ("nav.", "site.skip", "breadcrumb.", "index.", "theme.", "archive.", "project.", "status.", "period.",
             "funding.", "document.", "contact.", "search.", "statement.", "footer.", "opendata.", "notfound.",
             "language.")
# The text of a page outside the elements marked as Finnish (and outside scripts).
_NOT_FINNISH_TEXT_JS = """() => {
  const body = document.body.cloneNode(true);
  for (const el of body.querySelectorAll('script, style')) el.remove();
  for (const el of [...body.querySelectorAll('[lang]')].filter(el => el.getAttribute('lang') === 'fi')) el.remove();
  return body.textContent;
}"""


def _lang_of(site: Site, url: str) -> str:
    first = url.removeprefix(site.base).split("/", 1)[0]
    return first if first in LANGUAGES[1:] else LANGUAGES[0]


def _words(text: str) -> set[str]:
    return {w.casefold() for w in re.findall(r"[^\W\d_]{4,}", re.sub(r"\{[^}]*\}", " ", text))}


def _finnish_words() -> set[str]:
    """Words of the Finnish page strings that no English or Swedish string has (names, codes)."""
    finnish: set[str] = set()
    other: set[str] = set()
    with (LOCALE_DIR / "fi" / "LC_MESSAGES" / "projcat.po").open("rb") as stream:
        catalogue = read_po(stream)
    for entry in catalogue:
        key, text = str(entry.id), str(entry.string)
        if key and key.startswith(PAGE_KEYS):
            finnish |= _words(text)
            other |= _words(message("en", key, {}, default="")) | _words(message("sv", key, {}, default=""))
    return finnish - other


@pytest.fixture(scope="module")
def language_sites(built_bilingual: Path, built_multilingual_fixture: Path) -> Iterator[dict[str, Site]]:
    outs = {"example": built_bilingual, "fixture": built_multilingual_fixture}
    servers = {name: StaticServer(out) for name, out in outs.items()}
    yield {name: Site(name, outs[name], server.url, "", "") for name, server in servers.items()}
    for server in servers.values():
        server.close()


def _sweep(site: Site, lang: str, desktop: Any, narrow: Any) -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    finnish = _finnish_words()
    for url in site.pages():
        if _lang_of(site, url) != lang:
            continue
        open_page(desktop, url)
        found["pages"].append(url)
        found["focus"] += focus_problems(desktop)
        skip = message(lang, "site.skip_link", {})
        found["structure"] += [f"{url}: {p}" for p in structure_problems(desktop, skip, lang)]
        found["axe-wcag"] += describe_violations(url, axe_violations(desktop, WCAG_TAGS))
        found["axe-best-practice"] += describe_violations(url, axe_violations(desktop, BEST_PRACTICE))
        if lang != "fi":
            # The open data files' names are names, the same in every language.
            text = re.sub(r"\S+\.(json|csv|xml)\b", " ", desktop.evaluate(_NOT_FINNISH_TEXT_JS))
            words = _words(text) & finnish
            if words:
                found["finnish-words"].append(f"{url}: {sorted(words)}")
        open_page(narrow, url)
        found["reflow"] += width_problems(narrow, 320)
        found["text-spacing"] += text_spacing_problems(narrow)
    return found


# The sweep is the slowest work of the suite: one class per language, each a unit of its own for
# `--dist loadscope`, lets the two workers share it (the sites are built once per worker).
class _EveryPageOfOneLanguage:
    LANG: str

    @pytest.fixture(scope="class")
    @classmethod
    def sweeps(cls, browser: Any, language_sites: dict[str, Site]) -> Iterator[dict[str, dict[str, list[str]]]]:
        """Every page of this language of both sites, once at 1280 px and once at 320 px."""
        desktop, narrow = local_page(browser, axe=True), local_page(browser, 320, 640)
        yield {name: _sweep(site, cls.LANG, desktop, narrow) for name, site in language_sites.items()}
        for page in (desktop, narrow):
            page.context.close()

    @pytest.mark.parametrize("name", SITES)
    def test_every_page_of_the_language_is_swept(self, name: str, sweeps: dict[str, dict[str, list[str]]],
                                                 language_sites: dict[str, Site]) -> None:
        site = language_sites[name]
        assert len(sweeps[name]["pages"]) >= 10
        assert sweeps[name]["pages"] == [url for url in site.pages() if _lang_of(site, url) == self.LANG]

    @pytest.mark.parametrize("name", SITES)
    @pytest.mark.parametrize("check", ["axe-wcag", "axe-best-practice", "structure", "focus", "reflow",
                                       "text-spacing"])
    def test_every_page_of_the_language_passes(self, name: str, check: str,
                                               sweeps: dict[str, dict[str, list[str]]]) -> None:
        found = sweeps[name][check]
        assert found == [], "\n".join(found)


class TestEveryFinnishPage(_EveryPageOfOneLanguage):
    LANG = "fi"


class _EveryPageOfAnotherLanguage(_EveryPageOfOneLanguage):
    @pytest.mark.parametrize("name", SITES)
    def test_no_finnish_interface_word(self, name: str, sweeps: dict[str, dict[str, list[str]]]) -> None:
        found = sweeps[name]["finnish-words"]
        assert found == [], "\n".join(found)


class TestEverySwedishPage(_EveryPageOfAnotherLanguage):
    LANG = "sv"


class TestEveryEnglishPage(_EveryPageOfAnotherLanguage):
    LANG = "en"


def test_every_language_is_swept() -> None:
    swept = [cls.LANG for cls in (TestEveryFinnishPage, TestEverySwedishPage, TestEveryEnglishPage)]
    assert sorted(swept) == sorted(LANGUAGES)


def test_every_page_of_every_language_is_valid_html(language_sites: dict[str, Site]) -> None:
    files = [file for site in language_sites.values() for file in sorted(site.folder.rglob("*.html"))]
    assert len(files) > 80
    errors = nu_errors(files)
    assert errors == [], "\n".join(errors)


@pytest.mark.parametrize("name", SITES)
def test_hreflang_links_are_reciprocal_on_every_page(name: str, language_sites: dict[str, Site],
                                                     page_in: Any) -> None:
    site = language_sites[name]
    page = page_in()
    seen: dict[str, dict[str, str]] = {}
    for url in site.pages():
        open_page(page, url)
        links = dict(page.eval_on_selector_all(
            "link[rel=alternate][hreflang]",
            "ls => ls.map(l => [l.hreflang, new URL(l.href, location.href).pathname])"))
        assert set(links) == {*LANGUAGES, "x-default"}, url
        own = links[_lang_of(site, url)]
        assert page.evaluate("location.pathname") == own, url
        seen[own] = links
    for links in seen.values():
        for target in links.values():
            assert seen[target] == links, target


@pytest.mark.parametrize("name", SITES)
def test_the_switcher_works_by_keyboard(name: str, language_sites: dict[str, Site], page_in: Any) -> None:
    site = language_sites[name]
    slug = SWEDISH[name][1].rstrip("/").rsplit("/", 1)[1]
    page = page_in()
    open_page(page, site.url(f"/sv/projekt/{slug}/"))
    switcher = page.get_by_role("navigation", name=message("sv", "language.nav.label", {}))
    assert switcher.locator("a").all_inner_texts() == ["Suomeksi", "På svenska", "In English"]
    assert switcher.locator("[aria-current=true]").get_attribute("lang") == "sv"
    for _ in range(6):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('hreflang')") == "en":
            break
    else:
        pytest.fail("Tab did not reach the switcher's English link near the top of the page")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/en/projects/{slug}/")
    assert page.evaluate("document.documentElement.lang") == "en"


def _search(page: Any, word: str) -> list[str]:
    field = page.locator("#hakusana")
    field.wait_for(state="visible")
    field.fill(word)
    field.press("Enter")
    page.wait_for_function(
        "s => { const t = document.querySelector(s).textContent; return t && !t.endsWith('…'); }", arg=STATUS)
    return page.eval_on_selector_all("[data-search-results] a", "links => links.map(a => a.getAttribute('href'))")


@pytest.mark.parametrize("name", SITES)
def test_a_swedish_search_finds_a_word_only_a_swedish_text_holds(name: str, language_sites: dict[str, Site],
                                                                 page_in: Any) -> None:
    site, (word, found) = language_sites[name], SWEDISH[name]
    page = page_in()
    page.goto(site.url("/sv/sok/"))
    assert _search(page, word) == [found]
    # Each language's search page searches its own language only: the Swedish page is never among
    # the results. (Pagefind's English word splitting cuts a Swedish word at its å and ä, so a part
    # like "b" may match an English page's "738 B"; what matters is that no other language's page shows.)
    page.goto(site.url("/haku/"))
    assert not [url for url in _search(page, word) if url.startswith(("/sv/", "/en/")) or url == found]
    page.goto(site.url("/en/search/"))
    assert not [url for url in _search(page, word) if not url.startswith("/en/") or url == found]


def test_the_english_and_finnish_searches_stay_in_their_language(language_sites: dict[str, Site],
                                                                 page_in: Any) -> None:
    site = language_sites["fixture"]
    page = page_in()
    page.goto(site.url("/en/search/"))
    links = _search(page, "english")
    assert links and all(link.startswith("/en/") for link in links)
    page.goto(site.url("/haku/"))
    links = _search(page, "hanke")
    assert links and all(not link.startswith(("/sv/", "/en/")) for link in links)
