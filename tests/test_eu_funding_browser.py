"""The EU funding block in a real browser: within the first screen at desktop and phone sizes, in
every language of the bilingual example, clean under axe-core and the Nu HTML checker, and the emblem
drawn as the flag's geometry says."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from a11y_checks import WCAG_TAGS, axe_violations, describe_violations, nu_errors, open_page
from conftest import StaticServer

# The example's EU-funded projects, as each language addresses them.
PAGES = {
    "fi": ["hankkeet/osaajat-toihin/", "hankkeet/kosteikot/"],
    "sv": ["sv/projekt/osaajat-toihin/", "sv/projekt/kosteikot/"],
    "en": ["en/projects/osaajat-toihin/", "en/projects/kosteikot/"],
}
SIZES = [(1280, 800), (375, 667)]


@pytest.fixture(scope="module")
def example(built_bilingual_eu: Path) -> Iterator[tuple[Path, StaticServer]]:
    server = StaticServer(built_bilingual_eu)
    yield built_bilingual_eu, server
    server.close()


def test_the_pages_exist_in_every_language(example: tuple[Path, StaticServer]) -> None:
    out, _ = example
    for pages in PAGES.values():
        for page in pages:
            assert (out / page / "index.html").is_file(), page


@pytest.mark.parametrize("width,height", SIZES)
@pytest.mark.parametrize("lang", sorted(PAGES))
def test_every_block_is_within_the_first_screen(lang: str, width: int, height: int,
                                                 example: tuple[Path, StaticServer], page_in: Any) -> None:
    _, server = example
    page = page_in(width=width, height=height)
    for path in PAGES[lang]:
        open_page(page, server.url + path)
        blocks = page.locator(".eu-funding")
        assert blocks.count() >= 1, path
        for index in range(blocks.count()):
            box = blocks.nth(index).bounding_box()
            assert box is not None, path
            assert box["y"] >= 0 and box["y"] + box["height"] <= height, (path, index, box)
            assert box["x"] >= 0 and box["x"] + box["width"] <= width, (path, index, box)
            emblem = blocks.nth(index).locator("img")
            # Drawn, not a broken image: the SVG loaded at its 3:2 size.
            assert emblem.evaluate("img => img.complete && img.naturalWidth > 0"), path
            emblem_box = emblem.bounding_box()
            assert emblem_box is not None and emblem_box["height"] >= 50
            assert abs(emblem_box["width"] / emblem_box["height"] - 1.5) < 0.01


def test_the_statement_is_set_as_the_rules_ask(example: tuple[Path, StaticServer], page_in: Any) -> None:
    _, server = example
    page = page_in()
    open_page(page, server.url + PAGES["sv"][0])
    statement = page.locator(".eu-funding__statement").first
    style = statement.evaluate(
        "p => { const s = getComputedStyle(p); return [s.fontFamily, s.fontStyle, s.textDecorationLine]; }")
    family, font_style, decoration = style
    assert family.split(",")[0].strip().strip('"') in ("Arial", "Calibri", "Garamond", "Trebuchet MS", "Tahoma",
                                                       "Verdana", "Ubuntu")
    assert font_style == "normal" and decoration == "none"
    assert statement.inner_text().splitlines()[0] == "Medfinansieras av Europeiska unionen"
    assert page.locator(".eu-funding img").first.get_attribute("alt") == ""


def test_the_pages_are_clean_under_axe(example: tuple[Path, StaticServer], page_in: Any) -> None:
    _, server = example
    found: list[str] = []
    for width, height in SIZES:
        page = page_in(width=width, height=height)
        for pages in PAGES.values():
            for path in pages:
                open_page(page, server.url + path)
                found += describe_violations(path, axe_violations(page, WCAG_TAGS))
    assert found == []


def test_the_pages_are_valid_html(example: tuple[Path, StaticServer]) -> None:
    out, _ = example
    assert nu_errors([out / path / "index.html" for pages in PAGES.values() for path in pages]) == []


def test_the_emblem_is_the_flag(example: tuple[Path, StaticServer], page_in: Any, tmp_path: Path) -> None:
    """Twelve gold stars on a circle around the middle of a reflex blue 3:2 field, read back as pixels."""
    _, server = example
    page = page_in(width=810, height=540, javascript=False)
    page.goto(server.url + "assets/eu-emblem.svg")
    shot = tmp_path / "emblem.png"
    page.screenshot(path=str(shot))
    from PIL import Image

    with Image.open(shot) as image:
        rgb = image.convert("RGB")
        assert rgb.getpixel((10, 10)) == (0, 0x33, 0x99)
        assert rgb.getpixel((405, 270)) == (0, 0x33, 0x99)
        # Each star's centre, on the circle of radius 180 (a third of the height), at the clock hours.
        import math

        for hour in range(12):
            x = 405 + 180 * math.sin(math.radians(hour * 30))
            y = 270 - 180 * math.cos(math.radians(hour * 30))
            assert rgb.getpixel((round(x), round(y))) == (0xFF, 0xCC, 0), hour
