"""Every page of every language version in Chromium (issue 12): axe, the Nu checker and the
other accessibility checks; the switcher by keyboard; reciprocal hreflang; no Finnish interface
word outside `lang="fi"`; a Swedish search that searches only the Swedish pages."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from language_site import LANGUAGES, SWEDISH_WORD, build_languages, multilingual_root

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
from projcat.strings import FI, message

pytestmark = pytest.mark.browser

STATUS = "[data-search-status]"
# The strings the pages show (by key prefix); editors' messages never reach a page.
PAGE_KEYS = ("nav.", "site.", "breadcrumb.", "index.", "theme.", "archive.", "project.", "status.", "period.",
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
    path = url.removeprefix(site.base)
    first = path.split("/", 1)[0]
    return first if first in LANGUAGES[1:] else LANGUAGES[0]


def _finnish_words() -> set[str]:
    """Words of the Finnish page strings that no English or Swedish string has (names, codes)."""
    def words(text: str) -> set[str]:
        return {w.casefold() for w in re.findall(r"[^\W\d_]{4,}", re.sub(r"\{[^}]*\}", " ", text))}

    finnish: set[str] = set()
    other: set[str] = set()
    for key, text in FI.items():
        if key.startswith(PAGE_KEYS) and not key.startswith(("site.text_", "site.duplicate", "site.language_",
                                                             "site.bad_")):
            finnish |= words(text)
            other |= words(message("en", key, {}, default="")) | words(message("sv", key, {}, default=""))
    return finnish - other


@pytest.fixture(scope="module")
def language_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    root = multilingual_root(tmp_path_factory.mktemp("kielet") / "site")
    out = build_languages(root, root.parent / "out", search=True)
    server = StaticServer(out)
    yield Site("kielet", out, server.url, "Testihankkeet", "Testilän kaupunki")
    server.close()


@pytest.fixture(scope="module")
def sweep(browser: Any, language_site: Site) -> Iterator[dict[str, list[str]]]:
    """Every page of every language, once at 1280 px and once at 320 px."""
    found: dict[str, list[str]] = defaultdict(list)
    desktop, narrow = local_page(browser, axe=True), local_page(browser, 320, 640)
    finnish = _finnish_words()
    for url in language_site.pages():
        lang = _lang_of(language_site, url)
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
            words = {w.casefold() for w in re.findall(r"[^\W\d_]{4,}", text)} & finnish
            if words:
                found["finnish-words"].append(f"{url}: {sorted(words)}")
        open_page(narrow, url)
        found["reflow"] += width_problems(narrow, 320)
        found["text-spacing"] += text_spacing_problems(narrow)
    yield found
    for page in (desktop, narrow):
        page.context.close()


def test_every_page_of_every_language_is_swept(sweep: dict[str, list[str]], language_site: Site) -> None:
    pages = sweep["pages"]
    for lang in LANGUAGES[1:]:
        assert sum(1 for url in pages if _lang_of(language_site, url) == lang) >= 13, lang


@pytest.mark.parametrize("check", ["axe-wcag", "axe-best-practice", "structure", "focus", "reflow", "text-spacing"])
def test_every_page_of_every_language_passes(check: str, sweep: dict[str, list[str]]) -> None:
    assert sweep[check] == [], "\n".join(sweep[check])


def test_every_page_of_every_language_is_valid_html(language_site: Site) -> None:
    files = sorted(language_site.folder.rglob("*.html"))
    assert len(files) > 40
    errors = nu_errors(files)
    assert errors == [], "\n".join(errors)


def test_no_finnish_interface_word_on_a_swedish_or_english_page(sweep: dict[str, list[str]]) -> None:
    assert sweep["finnish-words"] == [], "\n".join(sweep["finnish-words"])


def test_hreflang_links_are_reciprocal_on_every_page(language_site: Site, page_in: Any) -> None:
    page = page_in()
    seen: dict[str, dict[str, str]] = {}
    for url in language_site.pages():
        open_page(page, url)
        links = dict(page.eval_on_selector_all(
            "link[rel=alternate][hreflang]", "ls => ls.map(l => [l.hreflang, new URL(l.href).pathname])"))
        assert set(links) == {*LANGUAGES, "x-default"}, url
        own = links[_lang_of(language_site, url)]
        assert page.evaluate("location.pathname") in (own, own.removesuffix("index.html")), url
        seen[own] = links
    for links in seen.values():
        for target in links.values():
            assert seen[target] == links, target


def test_the_switcher_works_by_keyboard(language_site: Site, page_in: Any) -> None:
    page = page_in()
    open_page(page, language_site.url("/sv/projekt/alfa/"))
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
    page.wait_for_url("**/en/projects/alfa/")
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.inner_text("h1") == "Alpha"


def _search(page: Any, word: str) -> list[str]:
    field = page.locator("#hakusana")
    field.wait_for(state="visible")
    field.fill(word)
    field.press("Enter")
    page.wait_for_function(
        "s => { const t = document.querySelector(s).textContent; return t && !t.endsWith('…'); }", arg=STATUS)
    return page.eval_on_selector_all("[data-search-results] a", "links => links.map(a => a.getAttribute('href'))")


def test_a_swedish_search_finds_a_word_only_a_swedish_text_holds(language_site: Site, page_in: Any) -> None:
    page = page_in()
    page.goto(language_site.url("/sv/sok/"))
    assert _search(page, SWEDISH_WORD) == ["/sv/projekt/alfa/"]
    # Each language's search page searches its own language only.
    page.goto(language_site.url("/haku/"))
    assert _search(page, SWEDISH_WORD) == []
    page.goto(language_site.url("/en/search/"))
    assert _search(page, SWEDISH_WORD) == []
    assert all(link.startswith("/en/") for link in _search(page, "english"))


def test_the_finnish_search_stays_finnish(language_site: Site, page_in: Any) -> None:
    page = page_in()
    page.goto(language_site.url("/haku/"))
    links = _search(page, "hanke")
    assert links and all(not link.startswith(("/sv/", "/en/")) for link in links)


def test_the_pages_say_which_language_they_are_in(language_site: Site) -> None:
    folder: Path = language_site.folder
    assert '<html lang="sv">' in (folder / "sv" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in (folder / "en" / "index.html").read_text(encoding="utf-8")
