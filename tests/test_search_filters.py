"""The search page's filters in a real browser: theme, status, start year and funder narrow
the results to exactly the projects that have them, by keyboard, with counts, passing axe."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import FIXTURE_SITE, run_cli

pytestmark = pytest.mark.browser

PREFIX = "/hankkeet/"
STATUS = "[data-search-status]"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("filters") / "site"
    result = run_cli("build", "--root", str(FIXTURE_SITE), "--out", str(out), "--base-url", PREFIX,
                     "--as-of", "2025-06-15")
    assert result.returncode == 0, result.stderr
    return out


def _open(page_in: Any, static_server: Any, out: Path) -> Any:
    server = static_server(out, PREFIX)
    page = page_in()
    page.goto(server.url + "haku/")
    # Folded under one summary; opened by keyboard.
    summary = page.locator("[data-search-filters] > summary")
    summary.wait_for(state="visible")
    assert summary.inner_text() == "Rajaa tuloksia"
    summary.focus()
    page.keyboard.press("Enter")
    page.get_by_role("group", name="Teema").wait_for(state="visible")
    return page


def _results(page: Any) -> set[str]:
    page.wait_for_function(
        "s => { const t = document.querySelector(s).textContent; return t && !t.endsWith('…'); }", arg=STATUS)
    links = page.eval_on_selector_all("[data-search-results] a", "links => links.map(a => a.getAttribute('href'))")
    return {link.removeprefix(PREFIX + "hankkeet/").strip("/") for link in links}


def _check_by_keyboard(page: Any, group: str, label_start: str) -> None:
    box = page.get_by_role("group", name=group).get_by_role("checkbox", name=label_start)
    box.focus()
    page.keyboard.press("Space")
    assert box.is_checked()


def test_the_filters_are_fieldsets_with_legends_and_counts(built: Path, static_server: Any, page_in: Any) -> None:
    page = _open(page_in, static_server, built)
    groups = page.locator("[data-search-filters] fieldset")
    assert groups.evaluate_all("fs => fs.every(f => f.firstElementChild.tagName === 'LEGEND')")
    legends = page.eval_on_selector_all("[data-search-filters] fieldset > legend", "ls => ls.map(l => l.textContent)")
    assert legends == ["Teema", "Tila", "Alkamisvuosi", "Rahoittaja", "Rahoitusohjelma"]
    theme = page.get_by_role("group", name="Teema")
    labels = theme.locator("label").all_inner_texts()
    assert labels == ["Asuminen (2)", "Ei teemaa (2)", "Hyvinvointi (3)"]
    status = page.get_by_role("group", name="Tila").locator("label").all_inner_texts()
    assert status == ["Käynnissä (2)", "Päättynyt (4)", "Tulossa (1)"]


@pytest.mark.parametrize("group, label, expected", [
    ("Teema", "Asuminen (2)", {"alfa", "epsilon"}),
    ("Tila", "Päättynyt (4)", {"beeta", "delta", "smart-city", "zeta-paattynyt"}),
    ("Alkamisvuosi", "2024 (2)", {"alfa", "smart-city"}),
    ("Rahoittaja", "Ympäristöministeriö (1)", {"alfa"}),
    ("Rahoitusohjelma", "Uudistuva ja osaava Suomi 2021–2027 (1)", {"smart-city"}),
])
def test_one_filter_lists_exactly_its_projects(built: Path, static_server: Any, page_in: Any, group: str,
                                               label: str, expected: set[str]) -> None:
    page = _open(page_in, static_server, built)
    _check_by_keyboard(page, group, label)
    assert _results(page) == expected
    count = len(expected)
    assert page.inner_text(STATUS) == f"{count} hanke{'tta' if count > 1 else ''} valituilla rajauksilla."


def test_filters_combine_with_each_other_and_with_words(built: Path, static_server: Any, page_in: Any) -> None:
    page = _open(page_in, static_server, built)
    _check_by_keyboard(page, "Teema", "Hyvinvointi (3)")
    assert _results(page) == {"beeta", "delta", "smart-city"}
    # Across filters every one must hold; within one, any checked value.
    _check_by_keyboard(page, "Alkamisvuosi", "2019")
    assert _results(page) == {"delta"}
    _check_by_keyboard(page, "Alkamisvuosi", "2020")
    assert _results(page) == {"beeta", "delta"}
    # Words narrow further: "kuukauden" is only in beeta.
    field = page.get_by_label("Hae hankkeista")
    field.fill("kuukauden")
    field.press("Enter")
    assert _results(page) == {"beeta"}
    assert page.inner_text(STATUS) == "1 hanke löytyi hakusanalla ”kuukauden”."
    # Unchecking every filter and clearing the words leaves nothing searched.
    checked = page.locator("[data-search-filters] input:checked")
    while checked.count():
        checked.first.uncheck()
    field.fill("")
    field.press("Enter")
    page.wait_for_function("s => document.querySelector(s).textContent === 'Kirjoita hakusana.'", arg=STATUS)
    assert page.locator("[data-search-results]").is_hidden()


def test_the_page_with_filters_in_use_passes_axe(built: Path, static_server: Any, page_in: Any) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page = _open(page_in, static_server, built)
    _check_by_keyboard(page, "Teema", "Asuminen (2)")
    assert _results(page) == {"alfa", "epsilon"}
    result = Axe().run(page)
    assert result.violations_count == 0, result.generate_report()


def test_without_javascript_no_filter_shows(built: Path, static_server: Any, page_in: Any) -> None:
    server = static_server(built, PREFIX)
    page = page_in(javascript=False)
    page.goto(server.url + "haku/")
    assert page.locator("[data-search-filters]").is_hidden()
    assert page.locator(".browse-list a").count() == 7
