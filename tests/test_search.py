"""Search in a real browser: Pagefind's index built by `build`, served under a sub-path,
used by keyboard; and the page without JavaScript or without an index."""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any

import pytest

from conftest import FIXTURE_SITE, REPO, run_cli

pytestmark = pytest.mark.browser

PREFIX = "/hankkeet/"
STATUS = "[data-search-status]"


def _build(root: Path, out: Path, as_of: str, *extra: str) -> Path:
    result = run_cli("build", "--root", str(root), "--out", str(out), "--base-url", PREFIX, "--as-of", as_of, *extra)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def fixture_with_search(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(FIXTURE_SITE, tmp_path_factory.mktemp("search") / "site", "2025-06-15")


def _articles(out: Path) -> dict[str, str]:
    """What the index holds: each project page's article, as lower-case text."""
    texts = {}
    for page in (out / "hankkeet").glob("*/index.html"):
        html = page.read_text(encoding="utf-8")
        article = html.split("<article", 1)[1].split("</article>", 1)[0]
        texts[page.parent.name] = re.sub(r"<[^>]+>", " ", article).lower()
    return texts


def _search(page: Any, word: str) -> str:
    field = page.get_by_label("Hae hankkeista")
    field.fill(word)
    field.press("Enter")
    page.wait_for_function(
        "s => { const t = document.querySelector(s).textContent; return t && !t.endsWith('…'); }", arg=STATUS)
    return page.inner_text(STATUS)


def _result_links(page: Any) -> list[str]:
    return page.eval_on_selector_all("[data-search-results] a", "links => links.map(a => a.getAttribute('href'))")


@pytest.mark.parametrize("site, as_of, word, slug", [
    (FIXTURE_SITE, "2025-06-15", "kuukauden", "beeta"),
    (REPO, "2021-10-26", "paluumuuttajien", "international-talents"),
])
def test_a_word_in_one_project_finds_that_project(site: Path, as_of: str, word: str, slug: str, tmp_path: Path,
                                                  static_server: Any, page_in: Any) -> None:
    out = _build(site, tmp_path / "site", as_of)
    holders = [name for name, text in _articles(out).items() if word in text]
    assert holders == [slug], "the word must appear in exactly one project"
    server = static_server(out, PREFIX)
    page = page_in()
    page.goto(server.url + "haku/")
    status = _search(page, word)
    assert status == f"1 hanke löytyi hakusanalla ”{word}”."
    assert _result_links(page) == [f"{PREFIX}hankkeet/{slug}/"]
    # The result leads to the project.
    page.click("[data-search-results] a")
    page.wait_for_url(f"**{PREFIX}hankkeet/{slug}/")
    assert page.title().split(" – ")[0] == page.inner_text("h1")


def test_search_by_keyboard_and_what_a_screen_reader_gets(fixture_with_search: Path, static_server: Any,
                                                          page_in: Any) -> None:
    server = static_server(fixture_with_search, PREFIX)
    page = page_in()
    page.goto(server.url + "haku/")
    field = page.get_by_label("Hae hankkeista")     # a real <label> names the field
    # The form appears once the script has loaded the index; until then the lists stand alone.
    field.wait_for(state="visible")
    assert page.get_by_role("search").count() == 1
    assert page.locator(STATUS).get_attribute("role") == "status"   # a polite live region
    field.focus()
    page.keyboard.type("hanke")
    page.keyboard.press("Enter")
    page.wait_for_function("s => /löytyi/.test(document.querySelector(s).textContent)", arg=STATUS)
    count = int(page.inner_text(STATUS).split()[0])
    links = page.locator("[data-search-results] > li > a")
    assert count > 1
    assert links.count() == count
    assert all(text.strip() for text in links.all_inner_texts())
    # Tab from the field passes the button and the folded filters and reaches the first result;
    # Enter follows it.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.type") == "submit"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    page.keyboard.press("Tab")
    first = links.first.get_attribute("href")
    assert page.evaluate("document.activeElement.getAttribute('href')") == first
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{first}")


def test_no_hits_and_an_empty_query_are_said_in_words(fixture_with_search: Path, static_server: Any,
                                                      page_in: Any) -> None:
    server = static_server(fixture_with_search, PREFIX)
    page = page_in()
    page.goto(server.url + "haku/")
    assert _search(page, "xyzzyq") == "Hakusanalla ”xyzzyq” ei löytynyt hankkeita."
    assert _result_links(page) == []
    assert page.locator("[data-search-results]").is_hidden()
    assert _search(page, "  ") == "Kirjoita hakusana."


def test_only_project_content_is_indexed(fixture_with_search: Path, static_server: Any, page_in: Any) -> None:
    """Navigation ("Etusivu") and the facts' labels ("Kesto", "Yhteystiedot") are on
    project pages; were they indexed, every search for them would list every project."""
    server = static_server(fixture_with_search, PREFIX)
    page = page_in()
    page.goto(server.url + "haku/")
    for word in ("etusivu", "kesto", "yhteystiedot", "siirry"):
        assert "ei löytynyt" in _search(page, word), word


def test_a_search_address_can_be_shared(fixture_with_search: Path, static_server: Any, page_in: Any) -> None:
    server = static_server(fixture_with_search, PREFIX)
    page = page_in()
    page.goto(server.url + "haku/")
    _search(page, "kuukauden")
    assert page.url.endswith("haku/?q=kuukauden")
    other = page_in()
    other.goto(page.url)
    other.wait_for_function("s => /löytyi/.test(document.querySelector(s).textContent)", arg=STATUS)
    assert other.get_by_label("Hae hankkeista").input_value() == "kuukauden"
    assert _result_links(other) == [f"{PREFIX}hankkeet/beeta/"]


def _browse_links(page: Any) -> set[str]:
    return set(page.eval_on_selector_all(".browse-list a", "links => links.map(a => a.getAttribute('href'))"))


def test_without_javascript_the_page_offers_the_themes_and_the_archive(fixture_with_search: Path,
                                                                       static_server: Any, page_in: Any) -> None:
    server = static_server(fixture_with_search, PREFIX)
    page = page_in(javascript=False)
    page.goto(server.url + "haku/")
    assert page.locator("form[role=search]").is_hidden()
    assert page.locator("[data-search-nojs]").is_visible()
    projects = {f"{PREFIX}hankkeet/{p.parent.name}/" for p in (fixture_with_search / "hankkeet").glob("*/index.html")}
    assert _browse_links(page) == projects
    main = page.locator("main")
    assert main.get_by_role("heading", name="Asuminen").get_by_role("link").is_visible()
    assert main.get_by_role("link", name="Päättyneet hankkeet päättymisvuoden mukaan").is_visible()


def test_a_build_without_search_says_search_is_unavailable(tmp_path: Path, static_server: Any,
                                                           page_in: Any) -> None:
    out = _build(FIXTURE_SITE, tmp_path / "site", "2025-06-15", "--no-search")
    assert not (out / "pagefind").exists()
    server = static_server(out, PREFIX)
    page = page_in()
    page.goto(server.url + "haku/")
    page.wait_for_function("s => document.querySelector(s).textContent !== ''", arg=STATUS)
    assert page.inner_text(STATUS).startswith("Haku ei ole nyt käytettävissä.")
    assert page.locator("form[role=search]").is_hidden()
    assert len(_browse_links(page)) == 7


def test_the_search_page_passes_axe_before_and_after_a_search(fixture_with_search: Path, static_server: Any,
                                                              page_in: Any) -> None:
    from axe_playwright_python.sync_playwright import Axe

    server = static_server(fixture_with_search, PREFIX)
    page = page_in()
    page.goto(server.url + "haku/")
    page.get_by_label("Hae hankkeista").wait_for()
    axe = Axe()
    before = axe.run(page)
    assert before.violations_count == 0, before.generate_report()
    _search(page, "hanke")
    after = axe.run(page)
    assert after.violations_count == 0, after.generate_report()
    headings = page.eval_on_selector_all("main h1, main h2, main h3", "hs => hs.map(h => Number(h.tagName[1]))")
    assert headings[0] == 1 and all(b - a <= 1 for a, b in itertools.pairwise(headings))
