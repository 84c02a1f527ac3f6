"""The language switcher in Chromium: the current language stands out by more than colour, every
language is a target of at least 24 x 24 px, and the switcher fits a phone's width (issue 20)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from a11y_checks import WCAG_TAGS, axe_violations, describe_violations, open_page
from conftest import StaticServer
from projcat.strings import message

pytestmark = pytest.mark.browser

PAGE = "sv/projekt/kirjastoauto/"
# Properties that tell the current language from the others without relying on colour (WCAG 1.4.1).
NOT_COLOUR = ("fontWeight", "textDecorationLine", "borderTopStyle")
_STYLE_JS = """a => { const s = getComputedStyle(a); const r = a.getBoundingClientRect();
  return {fontWeight: s.fontWeight, textDecorationLine: s.textDecorationLine, borderTopStyle: s.borderTopStyle,
          backgroundColor: s.backgroundColor, borderTopColor: s.borderTopColor,
          left: r.left, right: r.right, width: r.width, height: r.height}; }"""


@pytest.fixture(scope="module")
def example(built_bilingual: Path) -> Iterator[str]:
    server = StaticServer(built_bilingual)
    yield server.url
    server.close()


def _switcher(page: Any) -> Any:
    return page.get_by_role("navigation", name=message("sv", "language.nav.label", {}))


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (375, 667)])
def test_the_current_language_stands_out_by_more_than_colour(example: str, page_in: Any, width: int, height: int,
                                                             tmp_path: Path) -> None:
    page = page_in(width, height)
    open_page(page, example + PAGE)
    links = _switcher(page).locator("a")
    styles = [link.evaluate(_STYLE_JS) for link in links.all()]
    current = [link.get_attribute("aria-current") == "true" for link in links.all()]
    assert current == [False, True, False]
    mine, others = styles[1], [styles[0], styles[2]]
    for other in others:
        differs = [name for name in NOT_COLOUR if mine[name] != other[name]]
        assert differs, f"the current language differs only in colour: {mine} / {other}"
        # Not underlined, as a link is: the current page is no place to go.
        assert mine["textDecorationLine"] == "none" and other["textDecorationLine"] == "underline"
        assert int(mine["fontWeight"]) >= 700 > int(other["fontWeight"])
    # WCAG 2.2 2.5.8: every target at least 24 x 24 CSS px, and all of them inside the viewport.
    for style in styles:
        assert style["width"] >= 24 and style["height"] >= 24, style
        assert style["left"] >= 0 and style["right"] <= width, style
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert describe_violations(page.url, axe_violations(page, WCAG_TAGS)) == []
    # For a look by eye when the style changes (kept in the test's temporary folder).
    page.screenshot(path=str(tmp_path / f"switcher-{width}x{height}.png"))


def test_the_other_languages_show_their_focus(example: str, page_in: Any) -> None:
    page = page_in(375, 667)
    open_page(page, example + PAGE)
    for _ in range(8):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('hreflang')") == "en":
            break
    else:
        pytest.fail("Tab did not reach the switcher's English link")
    focus = page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
      return {style: s.outlineStyle, width: parseFloat(s.outlineWidth), shadow: s.boxShadow}; }""")
    assert focus["style"] == "solid" and focus["width"] >= 2 and focus["shadow"] != "none", focus
