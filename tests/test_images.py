"""Images in records, with real files made here: a phone's JPEG with a GPS position, a PNG with
transparency, a file cut short, and a header claiming 50 megapixels."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PIL import Image

from conftest import FIXTURE_AS_OF, run_cli
from media_files import corrupt_image, huge_png_header, jpeg_with_gps, png_with_alpha
from projcat.engine import images as build_images
from projcat.engine import pipeline

ALFA = "content/projects/alfa.md"


def _add(site: Path, front: str = "", body: str = "", name: str = "alfa.md") -> Path:
    """`front` added after the record's `lead:` line, `body` at the end of its description."""
    record = site / "content" / "projects" / name
    text = record.read_text(encoding="utf-8")
    if front:
        text = text.replace("lead: Testilän kaupunki\n", "lead: Testilän kaupunki\n" + front, 1)
    record.write_text(text + body, encoding="utf-8")
    return record


def _line_of(record: Path, text: str) -> int:
    return next(i for i, line in enumerate(record.read_text(encoding="utf-8").split("\n"), 1) if text in line)


def _check(site: Path) -> tuple[int, list[str]]:
    result = run_cli("check", "--root", str(site), "--as-of", "2025-06-15")
    return result.returncode, result.stderr.splitlines()[:-1]


MAIN_IMAGE = "image:\n  src: kuvat/talkoot.jpg\n  alt: Asukkaat istuttavat puita puistossa\n  caption: Talkoot\n"


def _site_with_images(site: Path) -> Path:
    jpeg_with_gps(site / "content" / "projects" / "alfa" / "kuvat" / "talkoot.jpg")
    png_with_alpha(site / "static" / "kuvat" / "logo.png")
    return _add(site, MAIN_IMAGE, "\n\n![Hankkeen logo](/kuvat/logo.png)\n\n![\"\"](kuvat/talkoot.jpg)\n")


def test_images_check_clean_and_their_folder_is_not_taken_for_records(fixture_site: Path) -> None:
    _site_with_images(fixture_site)
    assert _check(fixture_site) == (0, [])


def test_a_page_shows_each_image_with_variants_size_and_lazy_loading(fixture_site: Path, tmp_path: Path) -> None:
    _site_with_images(fixture_site)
    out = tmp_path / "out"
    result = pipeline.build(fixture_site, out, FIXTURE_AS_OF)
    page = (out / "hankkeet" / "alfa" / "index.html").read_text(encoding="utf-8")
    pictures = re.findall(r"<picture>.*?</picture>", page)
    assert len(pictures) == 3, pictures
    main, logo, decorative = pictures
    # The main image: near the top, loaded at once; WebP and JPEG in three widths, its size given.
    assert 'alt="Asukkaat istuttavat puita puistossa"' in main and 'loading="eager"' in main
    assert re.search(r'<source type="image/webp" srcset="/kuvat/\w+-480\.webp 480w, /kuvat/\w+-960\.webp 960w, '
                     r'/kuvat/\w+-1600\.webp 1600w" sizes="[^"]+">', main), main
    assert 'width="1600" height="1200"' in main
    assert "<figcaption>Talkoot</figcaption>" in page
    # Body images further down load lazily; a 600 px logo is never made larger than it is.
    assert 'alt="Hankkeen logo"' in logo and 'loading="lazy"' in logo and 'width="600" height="400"' in logo
    assert "-1600." not in logo and re.search(r"/kuvat/\w+-600\.png 600w", logo)
    assert 'alt=""' in decorative
    # Every variant a page names is written, and nothing else under kuvat/.
    named = set(re.findall(r"/(kuvat/[\w.-]+)", page))
    written = {p.relative_to(out).as_posix() for p in (out / "kuvat").iterdir() if re.match(r"\w{20}-", p.name)}
    assert named == written and len(written) == 10, (named, written)
    # The card in lists shows the image too, as decoration beside the title's link.
    index = (out / "index.html").read_text(encoding="utf-8")
    card = re.search(r'<div class="project-card__image">(.*?)</div>', index)
    assert card and 'alt=""' in card.group(1) and 'loading="lazy"' in card.group(1)
    assert result.check.ok


def test_variants_carry_no_metadata_and_keep_transparency(fixture_site: Path, tmp_path: Path) -> None:
    _site_with_images(fixture_site)
    source = Image.open(fixture_site / "content" / "projects" / "alfa" / "kuvat" / "talkoot.jpg")
    assert source.getexif().get_ifd(0x8825), "the test photo has a GPS position to strip"
    out = tmp_path / "out"
    pipeline.build(fixture_site, out, FIXTURE_AS_OF)
    variants = sorted((out / "kuvat").iterdir())
    for file in variants:
        data = file.read_bytes()
        with Image.open(file) as image:
            assert not image.getexif(), file.name
            assert not {"exif", "xmp", "icc_profile", "XML:com.adobe.xmp"} & set(image.info), (file.name, image.info)
        assert b"Exif" not in data and b"Kamera Oy" not in data, file.name
    pngs = [f for f in variants if f.suffix == ".png"]
    assert pngs and all(Image.open(f).mode == "RGBA" for f in pngs)
    webp_of_logo = [f for f in variants if f.suffix == ".webp" and f.stem.endswith(("-480", "-600"))]
    assert any(Image.open(f).mode == "RGBA" for f in webp_of_logo)


def test_a_photo_under_static_is_published_only_as_its_stripped_variants(fixture_site: Path,
                                                                        tmp_path: Path) -> None:
    jpeg_with_gps(fixture_site / "static" / "kuvat" / "puisto.jpg")
    _add(fixture_site, "image:\n  src: /kuvat/puisto.jpg\n  alt: Puisto kesällä\n")
    out = tmp_path / "out"
    pipeline.build(fixture_site, out, FIXTURE_AS_OF)
    assert not (out / "kuvat" / "puisto.jpg").exists()
    published = [f for f in (out / "kuvat").iterdir() if f.suffix in (".jpg", ".webp")]
    assert published, "the variants are published"
    assert not [f.name for f in published if b"Exif" in f.read_bytes() or b"Kamera Oy" in f.read_bytes()]


def test_variants_are_kept_by_digest_and_not_made_again(fixture_site: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    _site_with_images(fixture_site)
    pipeline.build(fixture_site, tmp_path / "first", FIXTURE_AS_OF)
    made: list[Path] = []
    real = build_images.make_variants
    monkeypatch.setattr(build_images, "make_variants", lambda source, plan: made.append(source) or real(source, plan))
    pipeline.build(fixture_site, tmp_path / "second", FIXTURE_AS_OF)
    assert made == []
    first = {p.name: p.read_bytes() for p in (tmp_path / "first" / "kuvat").iterdir()}
    assert first == {p.name: p.read_bytes() for p in (tmp_path / "second" / "kuvat").iterdir()}
    # A replaced photo under the same name is a new digest: made again, at new addresses.
    jpeg_with_gps(fixture_site / "content" / "projects" / "alfa" / "kuvat" / "talkoot.jpg", (1200, 900))
    pipeline.build(fixture_site, tmp_path / "third", FIXTURE_AS_OF)
    assert [p.name for p in made] == ["talkoot.jpg"]
    assert 'width="1200" height="900"' in (tmp_path / "third" / "hankkeet" / "alfa" / "index.html").read_text()


@pytest.mark.parametrize("alt, expected", [
    ("", "virhe: image.alt: kuvalta 'kuvat/talkoot.jpg' puuttuu vaihtoehtoinen teksti"),
    ("talkoot.jpg", "varoitus: image: kuvan vaihtoehtoinen teksti 'talkoot.jpg' on tiedostonimi"),
    ("IMG_2041", "varoitus: image: kuvan vaihtoehtoinen teksti 'IMG_2041' on tiedostonimi"),
    ("Kuva", "varoitus: image: kuvan vaihtoehtoinen teksti 'Kuva' ei kerro kuvasta mitään"),
    ("photo", "varoitus: image: kuvan vaihtoehtoinen teksti 'photo' ei kerro kuvasta mitään"),
    ("a" * 251, "varoitus: image: kuvan vaihtoehtoinen teksti on 251 merkkiä, yli 250 merkin"),
])
def test_alt_text_of_the_main_image(fixture_site: Path, alt: str, expected: str) -> None:
    jpeg_with_gps(fixture_site / "content" / "projects" / "alfa" / "kuvat" / "talkoot.jpg")
    record = _add(fixture_site, f"image:\n  src: kuvat/talkoot.jpg\n  alt:{' ' + alt if alt else ''}\n")
    code, lines = _check(fixture_site)
    assert len(lines) == 1, lines
    line = _line_of(record, "  alt:") if not alt else _line_of(record, "src: kuvat")
    assert lines[0].startswith(f"{ALFA}:{line}:"), lines
    assert expected in lines[0], lines
    assert code == (1 if expected.startswith("virhe") else 0)


def test_an_alt_left_out_is_an_error_and_a_written_empty_one_is_decorative(fixture_site: Path) -> None:
    jpeg_with_gps(fixture_site / "content" / "projects" / "alfa" / "kuvat" / "talkoot.jpg")
    record = _add(fixture_site, "image:\n  src: kuvat/talkoot.jpg\n", "\n\n![](kuvat/talkoot.jpg)\n")
    code, lines = _check(fixture_site)
    assert code == 1
    # Left out, it is missing at the image's key.
    assert lines[0] == (f"{ALFA}:{_line_of(record, 'image:')}:1: virhe: image.alt: pakollinen kenttä puuttuu"
                        " - lisää kenttä 'alt'")
    body_line = _line_of(record, "![](kuvat")
    assert lines[1] == (f"{ALFA}:{body_line}:1: virhe: kuvalta 'kuvat/talkoot.jpg' puuttuu vaihtoehtoinen teksti - "
                        "kerro lyhyesti, mitä kuvassa on (![kuvaus](kuva.jpg) tai alt: kuvaus); pelkälle koristekuvalle"
                        " kirjoita tyhjä teksti näkyviin: ![\"\"](kuva.jpg) tai alt: \"\""), lines
    text = record.read_text(encoding="utf-8")
    text = text.replace("src: kuvat/talkoot.jpg\n", "src: kuvat/talkoot.jpg\n  alt: \"\"\n")
    record.write_text(text.replace("![](kuvat", '![""](kuvat'), encoding="utf-8")
    assert _check(fixture_site) == (0, [])


def test_a_remote_image_is_refused_with_the_reason(fixture_site: Path) -> None:
    record = _add(fixture_site, body="\n\nKuva: ![Puisto](https://kuvapankki.example/puisto.jpg)\n")
    code, lines = _check(fixture_site)
    assert code == 1
    assert lines == [f"{ALFA}:{_line_of(record, 'kuvapankki')}:7: virhe: kuva 'https://kuvapankki.example/puisto.jpg'"
                     " on toisella sivustolla - tallenna kuva hankkeen kansioon content/projects/alfa/ tai static/-"
                     "kansioon: toisen sivuston kuvaa ei näytetä suoraan (hotlinkitys), koska se kertoisi"
                     " vierailijoista sille sivustolle ja voi muuttua tai kadota"]


def test_an_image_outside_the_allowed_folders_or_missing_is_an_error(fixture_site: Path) -> None:
    record = _add(fixture_site, body="\n\n![Salainen](../../site.yaml)\n\n![Puuttuu](kuvat/ei-ole.jpg)\n")
    code, lines = _check(fixture_site)
    assert code == 1
    assert lines[0].startswith(f"{ALFA}:{_line_of(record, '../../site.yaml')}:1: virhe: kuva '../../site.yaml' on "
                               "sallittujen kansioiden ulkopuolella")
    assert lines[1].startswith(f"{ALFA}:{_line_of(record, 'ei-ole.jpg')}:1: virhe: kuvatiedostoa 'kuvat/ei-ole.jpg'"
                               " ei löydy")


def test_a_broken_or_oversized_image_is_an_error_at_its_line_never_a_crash(fixture_site: Path,
                                                                           tmp_path: Path) -> None:
    folder = fixture_site / "content" / "projects" / "alfa" / "kuvat"
    corrupt_image(folder / "rikki.jpg")
    huge_png_header(folder / "valtava.png")
    record = _add(fixture_site, "image:\n  src: kuvat/valtava.png\n  alt: Ilmakuva\n",
                  "\n\n![Talkoot](kuvat/rikki.jpg)\n")
    code, lines = _check(fixture_site)
    assert code == 1
    assert "Traceback" not in "\n".join(lines)
    assert lines[0].startswith(f"{ALFA}:{_line_of(record, 'valtava.png')}:8: virhe: image: kuva 'kuvat/valtava.png'"
                               " on liian suuri (10000×5000), yli 40 megapikseliä - pienennä kuva"), lines
    assert lines[1].startswith(f"{ALFA}:{_line_of(record, 'rikki.jpg')}:1: virhe: kuvatiedostoa 'kuvat/rikki.jpg'"
                               " ei voi lukea ("), lines
    built = run_cli("build", "--root", str(fixture_site), "--out", str(tmp_path / "out"), "--as-of", "2025-06-15")
    assert built.returncode == 1 and "Traceback" not in built.stderr
    assert not (tmp_path / "out").exists()
