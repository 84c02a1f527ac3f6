"""Pages with images pass axe (WCAG 2.1 AA and best practices) and the Nu HTML checker, and each image
takes its place before it loads: no layout shift."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from a11y_checks import BEST_PRACTICE, WCAG_TAGS, axe_violations, describe_violations, local_page, nu_errors, open_page
from conftest import FIXTURE_AS_OF, FIXTURE_SITE, StaticServer, copy_site
from media_files import jpeg_with_gps, png_with_alpha
from projcat.engine import pipeline

pytestmark = pytest.mark.browser

_MAIN = "image:\n  src: kuvat/talkoot.jpg\n  alt: Asukkaat istuttavat puita puistossa\n  caption: Talkoot\n"


@pytest.fixture(scope="module")
def built_with_images(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = copy_site(FIXTURE_SITE, tmp_path_factory.mktemp("images") / "site-src")
    jpeg_with_gps(site / "content" / "projects" / "alfa" / "kuvat" / "talkoot.jpg")
    png_with_alpha(site / "content" / "projects" / "alfa" / "kuvat" / "kaavio.png")
    record = site / "content" / "projects" / "alfa.md"
    text = record.read_text(encoding="utf-8").replace("lead: Testilän kaupunki\n", "lead: Testilän kaupunki\n" + _MAIN)
    record.write_text(text + "\n\n![Kaavio hankkeen vaiheista](kuvat/kaavio.png)\n\n![\"\"](kuvat/talkoot.jpg)\n",
                      encoding="utf-8")
    out = site.parent / "out"
    pipeline.build(site, out, FIXTURE_AS_OF)
    return out


def test_pages_with_images_pass_axe(browser: Any, built_with_images: Path) -> None:
    server = StaticServer(built_with_images)
    page = local_page(browser, axe=True)
    try:
        found: list[str] = []
        for path in ("hankkeet/alfa/", "", "teemat/asuminen/"):
            url = server.url + path
            open_page(page, url)
            assert page.locator("picture").count() >= 1, url
            found += describe_violations(url, axe_violations(page, WCAG_TAGS))
            found += describe_violations(url, axe_violations(page, BEST_PRACTICE))
        assert found == [], "\n".join(found)
        # Every image loaded, and each took the room its width and height gave it before it did.
        open_page(page, server.url + "hankkeet/alfa/")
        page.evaluate("() => Promise.all([...document.images].map(i => { i.loading = 'eager'; return i.decode(); }))")
        sizes = page.evaluate("""() => [...document.images].map(i => ({
            natural: i.naturalWidth > 0, ratio: i.width / i.height,
            given: i.getAttribute('width') / i.getAttribute('height')}))""")
        assert len(sizes) == 3 and all(s["natural"] for s in sizes), sizes
        assert all(abs(s["ratio"] - s["given"]) < 0.02 for s in sizes), sizes
    finally:
        page.context.close()
        server.close()


def test_pages_with_images_are_valid_html(built_with_images: Path) -> None:
    files = sorted(built_with_images.rglob("*.html"))
    assert any("<picture>" in f.read_text(encoding="utf-8") for f in files)
    errors = nu_errors(files)
    assert errors == [], "\n".join(errors)
