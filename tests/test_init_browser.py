"""A new organisation's site as `init` makes it, in Debian's chromium: axe-core and the Nu HTML
checker find nothing on any page, with and without a brand; screenshots of the branded site at a
desktop's and a phone's size (kept under PROJCAT_SCREENSHOTS when it is set, for a person to look at)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from a11y_checks import WCAG_TAGS, axe_violations, describe_violations, local_page, nu_errors, open_page
from conftest import StaticServer, run_cli

pytestmark = pytest.mark.browser

FLAGS = ("--organisation", "Esimerkkikaupunki", "--languages", "fi,sv", "--themes", "Asuminen,Hyvinvointi",
         "--base-url", "https://example.org/hankkeet/", "--host", "github")
LOGO = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 160 48" width="160" height="48">'
        '<rect width="160" height="48" rx="8" fill="#ffffff"/><circle cx="24" cy="24" r="14" fill="#0a5f38"/>'
        '<path d="M16 30 L24 14 L32 30 Z" fill="#ffffff"/></svg>\n')
BRAND = 'brand:\n  logo: /logo.svg\n  logo_alt: {fi: Esimerkkikaupunki, sv: Exempelstad}\n' \
        '  colour: "#0a5f38"\n  header_colour: "#0a5f38"\n'


def _new_site(folder: Path, brand: bool) -> Path:
    done = run_cli("init", str(folder), *FLAGS)
    assert done.returncode == 0, done.stderr
    if brand:
        (folder / "static" / "logo.svg").write_text(LOGO, encoding="utf-8")
        with (folder / "site.yaml").open("a", encoding="utf-8") as out:
            out.write("\n" + BRAND)
    built = run_cli("build", "--root", str(folder), "--no-search")
    assert built.returncode == 0, built.stderr
    return folder / "site"


@pytest.fixture(scope="module")
def new_sites(tmp_path_factory: pytest.TempPathFactory) -> dict[bool, Path]:
    """The site as `init` makes it and the same site branded, each built once for the module."""
    return {brand: _new_site(tmp_path_factory.mktemp("branded" if brand else "as-made") / "uusi", brand)
            for brand in (False, True)}


@pytest.mark.parametrize("brand", [False, True], ids=["as-made", "branded"])
def test_every_page_of_a_new_site_is_clean_under_axe_and_the_nu_checker(
        browser: Any, static_server: Any, new_sites: dict[bool, Path], brand: bool) -> None:
    out = new_sites[brand]
    pages = sorted(p for p in out.rglob("*.html"))
    assert len(pages) > 10
    server: StaticServer = static_server(out, "/hankkeet/")
    page = local_page(browser, axe=True)
    problems: list[str] = []
    for file in pages:
        url = server.url + file.relative_to(out).as_posix().removesuffix("index.html")
        if file.name == "404.html":
            continue
        open_page(page, url)
        problems += describe_violations(url, axe_violations(page, WCAG_TAGS))
    page.context.close()
    assert not problems, "\n".join(problems)
    assert not nu_errors(pages)


def test_screenshots_of_a_branded_site(browser: Any, static_server: Any, new_sites: dict[bool, Path],
                                      tmp_path: Path) -> None:
    out = new_sites[True]
    server: StaticServer = static_server(out, "/hankkeet/")
    keep = Path(os.environ.get("PROJCAT_SCREENSHOTS", str(tmp_path / "shots")))
    keep.mkdir(parents=True, exist_ok=True)
    for width, height in ((1280, 800), (375, 667)):
        page = local_page(browser, width, height)
        for name, path in (("front", ""), ("project", "hankkeet/esimerkkihanke/")):
            open_page(page, server.url + path)
            # The header shows the logo, in the brand's colour, and nothing scrolls sideways.
            logo = page.locator("header img.site-logo")
            assert logo.is_visible() and logo.get_attribute("alt") == "Esimerkkikaupunki"
            assert logo.evaluate("img => img.naturalWidth") > 0, "the logo did not load"
            header = page.evaluate("getComputedStyle(document.querySelector('.site-header')).backgroundColor")
            assert header == "rgb(10, 95, 56)"
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            page.screenshot(path=str(keep / f"{name}-{width}x{height}.png"))
    assert len(list(keep.glob("*.png"))) == 4
