"""Editor-written headings are fitted under the page's own, so no page ever skips a level."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import FIXTURE_AS_OF
from projcat.engine import pipeline
from projcat.render.headings import fit_headings


@pytest.mark.parametrize(
    "html, top, expected",
    [
        ("<h2>A</h2><h3>B</h3>", 3, "<h3>A</h3><h4>B</h4>"),
        ("<h1>A</h1>", 3, "<h3>A</h3>"),
        ("<h2>A</h2><h4>B</h4><h5>C</h5><h3>D</h3><h2>E</h2>", 3,
         "<h3>A</h3><h4>B</h4><h5>C</h5><h4>D</h4><h3>E</h3>"),
        ("<h4 id=\"x\">A</h4><p>t</p>", 2, "<h2 id=\"x\">A</h2><p>t</p>"),
        ("<h2>A</h2><h3>B</h3><h4>C</h4><h5>D</h5><h6>E</h6>", 3,
         "<h3>A</h3><h4>B</h4><h5>C</h5><h6>D</h6><h6>E</h6>"),
        ("<p>no headings</p>", 2, "<p>no headings</p>"),
    ],
)
def test_headings_start_at_top_and_never_skip(html: str, top: int, expected: str) -> None:
    assert str(fit_headings(html, top)) == expected


def _levels(html: str) -> list[int]:
    return [int(level) for level in re.findall(r"<h([1-6])\b", html)]


def test_intro_and_description_headings_fit_the_page(fixture_site: Path, tmp_path: Path) -> None:
    site_yaml = fixture_site / "site.yaml"
    site_yaml.write_text(site_yaml.read_text().replace(
        "  Testilän kaupungin **kehittämishankkeet** teemoittain.\n",
        "  Testilän kaupungin **kehittämishankkeet** teemoittain.\n\n  #### Taustaa\n\n  Teksti.\n"))
    pipeline.build(fixture_site, tmp_path / "out", FIXTURE_AS_OF)
    index = (tmp_path / "out" / "index.html").read_text()
    assert '<h2 id="taustaa">Taustaa</h2>' in index
    epsilon = (tmp_path / "out" / "hankkeet" / "epsilon" / "index.html").read_text()
    # The record has "#" and then "####": under "Kuvaus" (h2) they become h3 and h4.
    assert _levels(epsilon) == [1, 2, 2, 3, 4, 2]
