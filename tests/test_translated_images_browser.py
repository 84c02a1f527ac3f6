"""Translated pages showing the main image, with the translation's words or the main file's marked
with their language, pass axe (WCAG 2.1 AA and best practices) and the Nu HTML checker."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_translated_images import site_with_image

from a11y_checks import BEST_PRACTICE, WCAG_TAGS, axe_violations, describe_violations, local_page, nu_errors, open_page
from conftest import FIXTURE_AS_OF, StaticServer
from projcat.engine import pipeline

pytestmark = pytest.mark.browser
PAGES = ("sv/projekt/alfa/", "en/projects/alfa/", "sv/", "en/")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("translated-images")
    out = folder / "out"
    pipeline.build(site_with_image(folder / "src"), out, FIXTURE_AS_OF)
    return out


def test_translated_pages_with_the_main_image_pass_axe(browser: Any, built: Path) -> None:
    server = StaticServer(built)
    page = local_page(browser, axe=True)
    try:
        found: list[str] = []
        for path in PAGES:
            url = server.url + path
            open_page(page, url)
            assert page.locator("picture").count() >= 1, url
            found += describe_violations(url, axe_violations(page, WCAG_TAGS))
            found += describe_violations(url, axe_violations(page, BEST_PRACTICE))
        assert found == [], "\n".join(found)
        open_page(page, server.url + "en/projects/alfa/")
        marked = page.evaluate("() => [...document.querySelectorAll('figure img[lang], figcaption[lang]')]"
                               ".map(e => e.lang)")
        assert marked == ["fi", "fi"]
    finally:
        page.context.close()
        server.close()


def test_translated_pages_with_the_main_image_are_valid_html(built: Path) -> None:
    files = [built / path / "index.html" for path in PAGES]
    assert all("<picture>" in f.read_text(encoding="utf-8") for f in files)
    errors = nu_errors(files)
    assert errors == [], "\n".join(errors)
