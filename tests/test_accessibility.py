"""WCAG 2.1 AA on every page of the shipped site and of the fixture site, in Debian's chromium.

Each test opens one page and walks every page of a built site with it, then
reports every failure at once. The last test breaks the templates on purpose
and shows that the same checks catch it.
"""

from __future__ import annotations

import re
import shutil
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from a11y_checks import (
    BEST_PRACTICE,
    WCAG_TAGS,
    Site,
    axe_violations,
    describe_violations,
    fixed_height_problems,
    focus_problems,
    local_page,
    nu_errors,
    open_page,
    print_problems,
    structure_problems,
    text_spacing_problems,
    title_problems,
    width_problems,
)
from conftest import FIXTURE_AS_OF, FIXTURE_SITE, StaticServer, copy_site
from projcat.engine import pipeline
from projcat.render.pages import THEME_DIR

pytestmark = pytest.mark.browser

SITES = ("shipped", "fixture")


# The page's text, less the search widget: the one part that exists only as a
# JavaScript enhancement (without it the search page offers the lists below).
CONTENT_TEXT_JS = """() => {
  let text = document.body.innerText;
  for (const widget of document.querySelectorAll('[data-search]')) text = text.replace(widget.innerText, '');
  return text.split('\\n').map(line => line.trim()).filter(Boolean).join('\\n');
}"""

@dataclass
class Sweep:
    """What every page of one built site showed: each check's problems, and what later tests compare."""

    site: Site
    problems: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    titles: dict[str, tuple[str, str]] = field(default_factory=dict)
    text_with_js: dict[str, str] = field(default_factory=dict)
    text_without_js: dict[str, str] = field(default_factory=dict)
    marked_not_accessible: dict[str, str] = field(default_factory=dict)


_NOT_ACCESSIBLE_JS = r"""
() => [...document.querySelectorAll('main li')]
  .filter(li => li.querySelector('.document-note--warning'))
  .map(li => (li.querySelector('a, .document-title').textContent.trim()))
"""
_DOCUMENT_LINKS_JS = r"""
() => [...document.querySelectorAll('.document-list > li')].map(li => {
  const link = li.querySelector(':scope > a');
  const after = link ? (link.nextSibling ? link.nextSibling.textContent : '') : null;
  return {link: link ? link.textContent : null, after};
})
"""
_TYPE_AND_SIZE = re.compile(r"^ \([A-Z0-9]+(, [0-9][0-9,]* (kt|Mt|Gt|t))?\)\s*$")


def _desktop(sweep: Sweep, page: Any, url: str) -> None:
    found = sweep.problems
    open_page(page, url)
    # Tabbing first, while nothing has been focused since the page loaded.
    found["focus"] += focus_problems(page)
    found["structure"] += [f"{url}: {p}" for p in structure_problems(page)]
    found["axe-wcag"] += describe_violations(url, axe_violations(page, WCAG_TAGS))
    found["axe-best-practice"] += describe_violations(url, axe_violations(page, BEST_PRACTICE))
    sweep.titles[url] = (page.title(), page.locator("h1").inner_text())
    sweep.text_with_js[url] = page.evaluate(CONTENT_TEXT_JS)
    link = page.locator("footer a", has_text="Saavutettavuusseloste")
    if link.count() != 1 or not link.is_visible() or link.get_attribute("href") != "/saavutettavuusseloste/":
        found["statement-link"].append(f"{url}: no visible footer link to the accessibility statement")
    if not url.endswith("/saavutettavuusseloste/"):
        for title in page.evaluate(_NOT_ACCESSIBLE_JS):
            sweep.marked_not_accessible.setdefault(title, url)
    for item in page.evaluate(_DOCUMENT_LINKS_JS):
        if item["link"] is not None and not _TYPE_AND_SIZE.match(item["after"] or ""):
            found["document-links"].append(
                f"{url}: {item['link']!r} is followed by {item['after']!r}, not '(TYPE, size)'")
    found["print"] += print_problems(page)


def _narrow(sweep: Sweep, page: Any, url: str) -> None:
    open_page(page, url)
    sweep.problems["reflow"] += width_problems(page, 320)
    # Last: the override stays on the page.
    sweep.problems["text-spacing"] += text_spacing_problems(page)


@pytest.fixture(scope="module")
def sites(built_shipped: Path, built_fixture: Path) -> Iterator[dict[str, Site]]:
    servers = {"shipped": StaticServer(built_shipped), "fixture": StaticServer(built_fixture)}
    yield {
        "shipped": Site("shipped", built_shipped, servers["shipped"].url, "Hankkeet", "Hämeenlinnan kaupunki"),
        "fixture": Site("fixture", built_fixture, servers["fixture"].url, "Testihankkeet", "Testilän kaupunki"),
    }
    for server in servers.values():
        server.close()


def _report(problems: list[str]) -> str:
    return "\n".join(problems)


# The sweep is among the slowest work of the suite: one class per site, each a unit of its own for
# `--dist loadscope`, lets the two workers share it.
class _EveryPageOfOneSite:
    SITE: str

    @pytest.fixture(scope="class")
    @classmethod
    def sweep(cls, browser: Any, sites: dict[str, Site]) -> Iterator[Sweep]:
        """Every page of the site, visited once at 1280 px, once at 320 px and once without JavaScript."""
        desktop = local_page(browser, axe=True)
        narrow, no_js = local_page(browser, 320, 640), local_page(browser, javascript=False)
        sweep = Sweep(sites[cls.SITE])
        for url in sweep.site.pages():
            _desktop(sweep, desktop, url)
            _narrow(sweep, narrow, url)
            open_page(no_js, url)
            sweep.text_without_js[url] = no_js.evaluate(CONTENT_TEXT_JS)
        yield sweep
        for page in (desktop, narrow, no_js):
            page.context.close()

    def test_every_page_passes_axe_wcag21_aa(self, sweep: Sweep) -> None:
        assert len(sweep.titles) >= 13
        assert sweep.problems["axe-wcag"] == [], _report(sweep.problems["axe-wcag"])

    def test_every_page_passes_axe_best_practices(self, sweep: Sweep) -> None:
        found = sweep.problems["axe-best-practice"]
        assert found == [], _report(found)

    def test_no_page_scrolls_sideways_at_320_px(self, sweep: Sweep) -> None:
        found = sweep.problems["reflow"]
        assert found == [], _report(found)

    def test_text_spacing_override_loses_nothing(self, sweep: Sweep) -> None:
        found = sweep.problems["text-spacing"]
        assert found == [], _report(found)

    def test_every_page_has_the_same_text_without_javascript(self, sweep: Sweep) -> None:
        differ = [url for url in sweep.text_with_js if sweep.text_with_js[url] != sweep.text_without_js[url]]
        assert differ == []
        assert all(sweep.text_without_js[url].strip() for url in sweep.text_without_js)

    def test_every_page_has_landmarks_skip_link_and_ordered_headings(self, sweep: Sweep) -> None:
        found = sweep.problems["structure"]
        assert found == [], _report(found)

    def test_titles_follow_the_pattern_and_are_unique(self, sweep: Sweep) -> None:
        site = sweep.site
        assert title_problems(sweep.titles, site.url("/"), site.title, site.organisation) == []
        assert sweep.titles[site.url("/paattyneet/")][0] == f"Päättyneet hankkeet – {site.title}"
        assert sweep.titles[site.url("/saavutettavuusseloste/")][0] == f"Saavutettavuusseloste – {site.title}"

    def test_keyboard_reaches_everything_in_order_with_a_visible_focus(self, sweep: Sweep) -> None:
        found = sweep.problems["focus"]
        assert found == [], _report(found)

    def test_print_hides_navigation_and_shows_link_addresses(self, sweep: Sweep) -> None:
        found = sweep.problems["print"]
        assert found == [], _report(found)

    def test_statement_is_linked_from_every_footer(self, sweep: Sweep) -> None:
        found = sweep.problems["statement-link"]
        assert found == [], _report(found)
        assert sweep.titles[sweep.site.url("/saavutettavuusseloste/")][1] == "Saavutettavuusseloste"

    def test_every_document_marked_not_accessible_is_in_the_statement(self, sweep: Sweep, page_in: Any) -> None:
        page = page_in()
        assert sweep.marked_not_accessible, "the site has documents marked not accessible"
        open_page(page, sweep.site.url("/saavutettavuusseloste/"))
        listed = page.locator(".statement-list__title").all_inner_texts()
        missing = [f"{title} (on {url})" for title, url in sweep.marked_not_accessible.items()
                   if not any(text.startswith(title) for text in listed)]
        assert missing == [], _report(missing)
        assert len(listed) == len(sweep.marked_not_accessible)
        assert "osittain vaatimusten mukainen" in page.locator("main").inner_text()

    def test_document_links_are_titles_followed_by_type_and_size(self, sweep: Sweep) -> None:
        found = sweep.problems["document-links"]
        assert found == [], _report(found)


class TestEveryPageOfTheShippedSite(_EveryPageOfOneSite):
    SITE = "shipped"


class TestEveryPageOfTheFixtureSite(_EveryPageOfOneSite):
    SITE = "fixture"


def test_every_site_is_swept(sites: dict[str, Site]) -> None:
    swept = [cls.SITE for cls in (TestEveryPageOfTheShippedSite, TestEveryPageOfTheFixtureSite)]
    assert sorted(swept) == sorted(sites) == sorted(SITES)


def test_every_page_is_valid_html_for_the_nu_checker(built_shipped: Path, built_fixture: Path) -> None:
    files = sorted(built_shipped.rglob("*.html")) + sorted(built_fixture.rglob("*.html"))
    assert len(files) > 30
    errors = nu_errors(files)
    assert errors == [], _report(errors)


def test_no_fixed_height_on_text(built_fixture: Path, static_server: Any, page_in: Any) -> None:
    page = page_in()
    open_page(page, static_server(built_fixture).url)
    assert fixed_height_problems(page) == []


def test_title_names_the_section_of_a_project(sites: dict[str, Site], page_in: Any) -> None:
    page = page_in()
    open_page(page, sites["shipped"].url("/hankkeet/digiagenda/"))
    assert page.title() == "Digiagendan toteuttaminen – Resurssiviisaus – Hankkeet"
    open_page(page, sites["shipped"].url("/"))
    assert page.title() == "Hankkeet – Hämeenlinnan kaupunki"


def test_skip_link_is_shown_on_focus_and_moves_focus_to_main(sites: dict[str, Site], page_in: Any) -> None:
    page = page_in(width=320, height=640)
    open_page(page, sites["shipped"].url("/hankkeet/teemme-yhdessa/"))
    skip = page.locator(".skip-link")
    assert skip.bounding_box()["width"] <= 1  # type: ignore[index]
    page.keyboard.press("Tab")
    box = skip.bounding_box()
    assert box is not None and box["width"] > 100 and box["height"] > 20
    assert box["y"] >= 0 and skip.is_visible()
    assert skip.inner_text() == "Siirry suoraan sisältöön"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.tagName") == "MAIN"
    # The next Tab goes into the content, not back to the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")


def test_not_accessible_document_says_so_and_how_to_ask(sites: dict[str, Site], page_in: Any) -> None:
    page = page_in()
    open_page(page, sites["fixture"].url("/hankkeet/alfa/"))
    item = page.locator(".document-list li", has_text="Hankesuunnitelma")
    text = " ".join(item.inner_text().split())
    assert text.startswith("Hankesuunnitelma (PDF, 738 t) Asiakirja ei ole saavutettava. Taulukot ovat kuvina.")
    assert item.locator("a[href^='mailto:']").inner_text() == "maija.meikalainen@example.fi"
    # A project with no contact of its own points to the site's accessibility feedback address.
    open_page(page, sites["fixture"].url("/hankkeet/zeta-paattynyt/"))
    item = page.locator(".document-list li", has_text="Loppuraportti")
    assert item.locator("a[href^='mailto:']").inner_text() == "saavutettavuus@example.fi"
    # With no address anywhere (the shipped site), it points to the statement's feedback section.
    open_page(page, sites["shipped"].url("/hankkeet/international-talents/"))
    item = page.locator(".document-list li", has_text="Kansainvälisten asiakkaiden")
    assert "Asiakirja ei ole saavutettava." in item.inner_text()
    assert item.locator("a").get_attribute("href") == "/saavutettavuusseloste/#palaute"


def test_document_link_text_is_the_title_alone(sites: dict[str, Site], page_in: Any) -> None:
    page = page_in()
    open_page(page, sites["fixture"].url("/hankkeet/alfa/"))
    first = page.locator(".document-list li").first
    assert " ".join(first.inner_text().split()) == "Väliraportti (PDF, 1,2 Mt)"
    assert first.locator("a").inner_text() == "Väliraportti"


def test_period_reads_as_one_range(sites: dict[str, Site], page_in: Any) -> None:
    page = page_in()
    open_page(page, sites["shipped"].url("/hankkeet/teemme-yhdessa/"))
    period = page.locator(".facts__row", has_text="Kesto").locator("dd")
    assert period.inner_text() == "1.2.2020–31.1.2022"
    assert period.locator("time").evaluate_all("ts => ts.map(t => t.getAttribute('datetime'))") == [
        "2020-02-01", "2022-01-31"]


def test_title_in_another_language_is_marked_everywhere(sites: dict[str, Site], page_in: Any) -> None:
    page = page_in()
    open_page(page, sites["fixture"].url("/hankkeet/smart-city/"))
    assert page.locator("h1").get_attribute("lang") == "en"
    assert page.locator(".breadcrumbs [aria-current=page]").get_attribute("lang") == "en"


# --- the checks have teeth ---------------------------------------------------------------------

BROKEN_BASE = (
    # Without the Content-Security-Policy, which would block the inline script and styles below:
    # these checks must catch what such a page shows.
    ('<meta http-equiv="Content-Security-Policy" content="{{ site.content_security_policy }}">\n', ""),
    ('<header class="site-header">', '<a href="/">Alkuun</a>\n<header class="site-header">'),
    ("<title>{{ page.title }}</title>", "<title>{{ page.h1 }}</title>"),
    ("{% for link in page.footer %}\n      <li>",
     "{% for link in page.footer %}\n      <li{% if link.url == site.urls.statement() %} hidden{% endif %}>"),
    ("</body>", "<script>document.querySelector('h1').textContent += ' (JS)';</script>\n</body>"),
)
BROKEN_PROJECT = (
    ('<h2>{{ _("project.contacts") }}</h2>', '<h5>{{ _("project.contacts") }}</h5>'),
    ("{% if project.body_html %}", '<img src="kuva.png">\n<p><a href="{{ site.urls.index() }}">Lue lisää</a></p>\n'
     '<p class="too-wide">Leveä_rivi_ilman_rivitystä_joka_ei_mahdu_kapealle_näytölle_mitenkään_koskaan</p>\n'
     "<style>.contact p { height: 1.5em; overflow: hidden } .too-wide { white-space: nowrap }"
     " main a:focus-visible { outline: none; box-shadow: none; background: none }"
     " @media print { .site-nav { display: block !important } }</style>\n{% if project.body_html %}"),
)


def _override(source: Path, target: Path, edits: tuple[tuple[str, str], ...]) -> None:
    text = source.read_text()
    for old, new in edits:
        assert old in text, f"the template changed: {old!r} is not in {source.name}"
        text = text.replace(old, new)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)


@pytest.fixture(scope="module")
def broken_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The fixture site with template overrides that break accessibility in many ways at once."""
    root = copy_site(FIXTURE_SITE, tmp_path_factory.mktemp("broken") / "site-src")
    templates = THEME_DIR / "templates"
    _override(templates / "base.html", root / "templates" / "base.html", BROKEN_BASE)
    _override(templates / "project.html", root / "templates" / "project.html", BROKEN_PROJECT)
    out = root / "site"
    pipeline.build(root, out, FIXTURE_AS_OF)
    server = StaticServer(out)
    yield Site("broken", out, server.url, "Testihankkeet", "Testilän kaupunki")
    server.close()
    shutil.rmtree(root, ignore_errors=True)


def test_the_checks_catch_a_broken_template(broken_site: Site, page_in: Any) -> None:
    url = broken_site.url("/hankkeet/alfa/")
    page = page_in()
    open_page(page, url)

    wcag = {v["id"] for v in axe_violations(page, WCAG_TAGS)}
    assert "image-alt" in wcag
    practice = {v["id"] for v in axe_violations(page, BEST_PRACTICE)}
    assert {"heading-order", "region"} <= practice

    structure = "\n".join(structure_problems(page))
    assert "heading level skipped: h3 -> h5" in structure
    assert "without alt" in structure
    assert "outside the landmarks" in structure
    assert 'not the skip link' in structure
    assert 'vague link text "Lue lisää"' in structure

    titles = {broken_site.url("/"): ("Testihankkeet – Testilän kaupunki", "Testihankkeet"),
              url: (page.title(), page.locator("h1").inner_text())}
    assert title_problems(titles, broken_site.url("/"), "Testihankkeet", "Testilän kaupunki")

    assert page.locator("footer a", has_text="Saavutettavuusseloste").is_visible() is False
    assert print_problems(page)
    assert any(".contact p" in p for p in fixed_height_problems(page))
    assert any("contrast" in p for p in focus_problems(page))

    narrow = page_in(width=320, height=640)
    open_page(narrow, url)
    assert width_problems(narrow, 320)
    assert any("clipped" in p for p in text_spacing_problems(narrow))

    without_js = page_in(javascript=False)
    open_page(without_js, url)
    open_page(page, url)
    assert page.evaluate("document.body.innerText") != without_js.evaluate("document.body.innerText")

    errors = "\n".join(nu_errors([broken_site.folder / "hankkeet" / "alfa" / "index.html"]))
    assert "alt" in errors and "style" in errors
