"""A Markdown image in the site's intro or a theme's intro, in any language: never a marker on a page.

The sanitiser turns every image into a marker that `place_images` replaces; an intro has no checked
images, so its image is dropped, and no `<!--image:` comment may reach a published file."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import FIXTURE_AS_OF, FIXTURE_SITE, REPO, copy_site
from projcat.engine import pipeline

BILINGUAL = REPO / "examples" / "kaksikielinen"
# The intros of both sites, each given an image; every language of the bilingual site's.
INTROS = {
    "fixture": (FIXTURE_SITE, [
        "  Testilän kaupungin **kehittämishankkeet** teemoittain.\n",
        "    intro: Asumisen ja kaupunkirakenteen hankkeet.\n",
    ]),
    "bilingual": (BILINGUAL, [
        "    Sivusto näyttää, miten kaksikielinen kunta julkaisee hankeluettelonsa suomeksi, ruotsiksi ja "
        "englanniksi.\n",
        "    Webbplatsen visar hur en tvåspråkig kommun publicerar sin projektkatalog på finska, svenska och "
        "engelska.\n",
        "    It shows how a bilingual municipality publishes its project catalogue in Finnish, Swedish and English.\n",
        "      fi: Hankkeet, jotka kehittävät asuinalueita ja luontoa.\n",
        "      sv: Projekt som utvecklar bostadsområden och naturen.\n",
        "      en: Projects that develop neighbourhoods and nature.\n",
    ]),
}


def _with_intro_images(source: Path, lines: list[str], root: Path) -> Path:
    copy_site(source, root)
    site_yaml = root / "site.yaml"
    text = site_yaml.read_text(encoding="utf-8")
    for line in lines:
        assert line in text, line
        text = text.replace(line, line.rstrip("\n") + " ![Kartta alueesta](/kuvat/kartta.png)\n")
    site_yaml.write_text(text, encoding="utf-8")
    return root


@pytest.mark.parametrize("name", sorted(INTROS))
def test_no_image_marker_reaches_any_published_file(name: str, tmp_path: Path) -> None:
    source, lines = INTROS[name]
    root = _with_intro_images(source, lines, tmp_path / "src")
    out = tmp_path / "site"
    pipeline.build(root, out, FIXTURE_AS_OF)
    files = [p for p in out.rglob("*") if p.is_file()]
    theme_pages = [p for p in files if "asuminen" in p.as_posix() and p.name == "index.html"]
    assert theme_pages, "the theme with an intro has a page"
    leaking = sorted(p.relative_to(out).as_posix() for p in files if b"<!--image:" in p.read_bytes())
    assert leaking == []
    # The intros themselves are still shown, without the image.
    home = (out / "index.html").read_text(encoding="utf-8")
    assert "kehittämishankkeet" in home or "esimerkkisivusto" in home
    assert "Kartta alueesta" not in home
