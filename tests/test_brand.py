"""`brand:` in site.yaml: colours checked for WCAG contrast at their line, written into the one
stylesheet (no inline style), and the logo in the header, checked like any image."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PIL import Image

from conftest import run_cli
from media_files import jpeg_with_gps
from projcat.content.brand import BAND, WHITE, contrast, passing_shade

SITE_YAML = """title: Hankkeet
organisation: Esimerkkikaupunki
base_url: /hankkeet/
themes:
  - id: asuminen
    name: Asuminen
accessibility:
  compliance: not-assessed
  prepared: 2026-01-05
  feedback_url: https://example.org/palaute
{brand}"""
LOGO = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 40" width="120" height="40">'
        '<rect width="120" height="40" fill="#fff"/><circle cx="20" cy="20" r="12" fill="#0a5f38"/></svg>\n')


def _site(folder: Path, brand: str) -> Path:
    (folder / "static").mkdir(parents=True)
    (folder / "static" / "logo.svg").write_text(LOGO, encoding="utf-8")
    (folder / "site.yaml").write_text(SITE_YAML.format(brand=brand), encoding="utf-8")
    return folder


def test_contrast_is_the_wcag_ratio() -> None:
    assert contrast("#ffffff", "#000000") == pytest.approx(21.0)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
    assert contrast("#0a5f38", "#0a5f38") == pytest.approx(1.0)


@pytest.mark.parametrize("colour", ["#3cb371", "#ffbf47", "#00a0e0", "#ff0000", "#777777"])
def test_the_nearest_passing_shade_is_the_first_step_that_passes(colour: str) -> None:
    shade = passing_shade(colour, WHITE, 4.5)
    assert contrast(shade, WHITE) >= 4.5
    assert contrast(colour, WHITE) < 4.5
    # One step (2 %) lighter than the suggestion would fail: it is the nearest.
    lighter = "#" + "".join(f"{min(255, round(int(shade[i:i + 2], 16) / 0.98)):02x}" for i in (1, 3, 5))
    assert contrast(lighter, WHITE) < 4.5 or lighter == colour


def test_a_colour_with_too_little_contrast_is_refused_at_its_line_with_a_shade_that_passes(tmp_path: Path) -> None:
    site = _site(tmp_path / "s", 'brand:\n  colour: "#3cb371"\n  header_colour: "#ffbf47"\n')
    checked = run_cli("check", "--root", str(site), "--lang", "en")
    assert checked.returncode == 1
    found = re.search(r"site\.yaml:12:11: error: brand\.colour: the colour #3cb371 has a contrast of 2\.\d\d:1 "
                      r"against #ffffff; at least 4\.5:1 is needed \(WCAG AA\) - the nearest shade that passes is "
                      r"(#[0-9a-f]{6})", checked.stderr)
    assert found, checked.stderr
    header = re.search(r"site\.yaml:13:18: error: brand\.header_colour: the colour #ffbf47 has a contrast of "
                       r"1\.\d\d:1 .* is (#[0-9a-f]{6})", checked.stderr)
    assert header, checked.stderr
    built = run_cli("build", "--root", str(site), "--no-search")
    assert built.returncode == 1 and not (site / "site").exists()
    # The suggested shades pass, on the white page and on the footer's band alike.
    shade, header_shade = found[1], header[1]
    assert contrast(shade, WHITE) >= 4.5 and contrast(shade, BAND) >= 4.5
    (site / "site.yaml").write_text(SITE_YAML.format(
        brand=f'brand:\n  colour: "{shade}"\n  header_colour: "{header_shade}"\n'), encoding="utf-8")
    assert run_cli("check", "--root", str(site)).returncode == 0


def test_a_colour_not_written_as_hex_is_refused(tmp_path: Path) -> None:
    site = _site(tmp_path / "s", "brand:\n  colour: green\n")
    checked = run_cli("check", "--root", str(site), "--lang", "en")
    assert checked.returncode == 1
    assert "site.yaml:12:11: error: brand.colour: 'green' is not a colour written as #rrggbb" in checked.stderr


def test_a_logo_needs_its_file_and_its_text(tmp_path: Path) -> None:
    site = _site(tmp_path / "s", "brand:\n  logo: /puuttuu.svg\n")
    checked = run_cli("check", "--root", str(site), "--lang", "en")
    assert checked.returncode == 1
    assert "site.yaml:12:9: error: brand.logo: the logo file '/puuttuu.svg' is not found - put it under static/" \
        in checked.stderr
    assert "error: brand.logo_alt: the logo has no text alternative" in checked.stderr
    (site / "static" / "rikki.svg").write_text("<html>not an svg</html>", encoding="utf-8")
    (site / "site.yaml").write_text(SITE_YAML.format(brand="brand:\n  logo: /rikki.svg\n  logo_alt: Kaupunki\n"),
                                    encoding="utf-8")
    checked = run_cli("check", "--root", str(site), "--lang", "en")
    assert checked.returncode == 1 and "brand.logo:" in checked.stderr
    (site / "site.yaml").write_text(SITE_YAML.format(
        brand="brand:\n  logo: https://example.org/logo.svg\n  logo_alt: Kaupunki\n"), encoding="utf-8")
    checked = run_cli("check", "--root", str(site), "--lang", "en")
    assert "brand.logo: the logo 'https://example.org/logo.svg' is not a file of this site" in checked.stderr


def test_a_raster_logo_with_photo_metadata_is_published_without_it(tmp_path: Path) -> None:
    site = _site(tmp_path / "s", "brand:\n  logo: /logo.jpg\n  logo_alt: Kaupunki\n")
    original = site / "static" / "logo.jpg"
    jpeg_with_gps(original, (200, 60))
    built = run_cli("build", "--root", str(site), "--no-search", "--lang", "en")
    assert built.returncode == 0, built.stderr
    published = site / "site" / "logo.jpg"
    with Image.open(original) as before, Image.open(published) as after:
        assert before.getexif() and not after.getexif()
        assert after.tobytes() == before.tobytes()


def test_the_brand_is_in_the_stylesheet_and_the_logo_in_the_header(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "site.yaml").write_text(SITE_YAML.format(brand=""), encoding="utf-8")
    assert run_cli("build", "--root", str(plain), "--no-search").returncode == 0
    site = _site(tmp_path / "s", 'brand:\n  logo: /logo.svg\n  logo_alt: {fi: Esimerkkikaupunki}\n'
                 '  colour: "#0a5f38"\n  header_colour: "#0a5f38"\n')
    built = run_cli("build", "--root", str(site), "--no-search")
    assert built.returncode == 0, built.stderr
    css = (site / "site" / "assets" / "style.css").read_text(encoding="utf-8")
    assert css.rstrip().endswith(":root { --link: #0a5f38; --brand: #0a5f38; }")
    page = (site / "site" / "index.html").read_text(encoding="utf-8")
    plain_page = (plain / "site" / "index.html").read_text(encoding="utf-8")
    # The stylesheet's address follows its bytes, so a browser never keeps the old colours.
    version = re.search(r"style\.css\?v=(\w+)", page)
    plain_version = re.search(r"style\.css\?v=(\w+)", plain_page)
    assert version and plain_version and version[1] != plain_version[1]
    assert '<img class="site-logo" src="/hankkeet/logo.svg" alt="Esimerkkikaupunki">' in page
    assert (site / "site" / "logo.svg").read_text(encoding="utf-8") == LOGO
    assert " style=" not in page and "<style" not in page
