"""A record's main image on its language versions and in the open data (issue 20, part B).

The picture is the main file's in every language; a translation may give its alt text and caption
(`image: {alt, caption}`), never its `src`. Where a translated page shows the main file's words, they
carry the main language. The open data gives each row the picture's published address with the
words of that row's language."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

from language_site import multilingual_root

from conftest import FIXTURE_AS_OF, run_cli
from media_files import jpeg_with_gps, png_with_alpha
from projcat.engine import pipeline
from projcat.engine.memory import MemoryCache

PROJECTS = Path("content") / "projects"
MAIN_IMAGE = "image:\n  src: kuvat/talkoot.jpg\n  alt: Asukkaat istuttavat puita puistossa\n  caption: Talkoot\n"
SWEDISH = """---
title: Ödla alfa
image:
  alt: Invånarna planterar träd i parken
  caption: Talko
---
Ett svenskt projekt.

![Projektets logotyp](/kuvat/logo.png)
"""
ENGLISH = "---\ntitle: Alpha\n---\nThe project in English.\n"


def site_with_image(root: Path, swedish: str = SWEDISH, main_image: str = MAIN_IMAGE) -> Path:
    multilingual_root(root, base_url="https://www.example.fi/")
    jpeg_with_gps(root / PROJECTS / "alfa" / "kuvat" / "talkoot.jpg")
    png_with_alpha(root / "static" / "kuvat" / "logo.png")
    alfa = root / PROJECTS / "alfa.md"
    alfa.write_text(alfa.read_text(encoding="utf-8").replace(
        "lead: Testilän kaupunki\n", "lead: Testilän kaupunki\n" + main_image, 1), encoding="utf-8")
    (root / PROJECTS / "alfa.sv.md").write_text(swedish, encoding="utf-8")
    (root / PROJECTS / "alfa.en.md").write_text(ENGLISH, encoding="utf-8")
    return root


def _check(root: Path) -> tuple[int, list[str]]:
    done = run_cli("check", "--root", str(root), "--as-of", FIXTURE_AS_OF.isoformat())
    return done.returncode, [line for line in done.stderr.splitlines() if "alfa" in line]


def _main_picture(page: str) -> str:
    found = re.search(r'<figure class="project-image">(.*?)</figure>', page, re.DOTALL)
    assert found, "the page shows the main image"
    return found.group(1)


def test_a_translation_gives_the_main_image_its_own_words(tmp_path: Path) -> None:
    root = site_with_image(tmp_path / "src")
    assert _check(root) == (0, [])
    out = tmp_path / "site"
    pipeline.build(root, out, FIXTURE_AS_OF)
    swedish = _main_picture((out / "sv" / "projekt" / "alfa" / "index.html").read_text(encoding="utf-8"))
    assert 'alt="Invånarna planterar träd i parken" loading' in swedish
    assert "<figcaption>Talko</figcaption>" in swedish
    # The translated body's own Markdown image: placed, with the translation's alt text.
    body = (out / "sv" / "projekt" / "alfa" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<img [^>]*alt="Projektets logotyp" loading="lazy"', body)
    # The English translation gives no words for the image: the Finnish ones, marked as Finnish.
    english = _main_picture((out / "en" / "projects" / "alfa" / "index.html").read_text(encoding="utf-8"))
    assert 'alt="Asukkaat istuttavat puita puistossa" lang="fi" loading' in english
    assert '<figcaption lang="fi">Talkoot</figcaption>' in english
    # The main language's page marks nothing.
    finnish = _main_picture((out / "hankkeet" / "alfa" / "index.html").read_text(encoding="utf-8"))
    assert 'alt="Asukkaat istuttavat puita puistossa" loading' in finnish and "<figcaption>Talkoot<" in finnish


def test_the_open_data_gives_the_published_picture_with_each_rows_words(tmp_path: Path) -> None:
    root = site_with_image(tmp_path / "src")
    out = tmp_path / "site"
    pipeline.build(root, out, FIXTURE_AS_OF)
    page = (out / "hankkeet" / "alfa" / "index.html").read_text(encoding="utf-8")
    published = re.search(r'<img src="([^"]+)"', _main_picture(page))
    assert published
    address = "https://www.example.fi" + published.group(1)
    assert (out / published.group(1).lstrip("/")).is_file()
    expected = {
        "": {"src": address, "alt": "Asukkaat istuttavat puita puistossa", "caption": "Talkoot"},
        "sv/": {"src": address, "alt": "Invånarna planterar träd i parken", "caption": "Talko"},
        "en/": {"src": address, "alt": "Asukkaat istuttavat puita puistossa", "caption": "Talkoot"},
    }
    for prefix, image in expected.items():
        rows = json.loads((out / prefix / "hankkeet.json").read_text(encoding="utf-8"))["projects"]
        row = next(r for r in rows if r["slug"] == "alfa")
        assert row["record"]["image"] == image, prefix
        table = csv.DictReader(io.StringIO((out / prefix / "hankkeet.csv").read_text(encoding="utf-8-sig")),
                               delimiter=";")
        cells = next(r for r in table if r["slug"] == "alfa")
        assert (cells["image"], cells["image_alt"], cells["image_caption"]) == (
            image["src"], image["alt"], image["caption"]), prefix
    english = next(r for r in json.loads((out / "en" / "hankkeet.json").read_text(encoding="utf-8"))["projects"]
                   if r["slug"] == "alfa")
    assert english["other_languages"] == {"summary": "fi", "keywords": "fi", "documents": "fi",
                                          "image.alt": "fi", "image.caption": "fi"}


def test_a_one_language_sites_csv_gives_the_images_address(fixture_site: Path, tmp_path: Path) -> None:
    jpeg_with_gps(fixture_site / PROJECTS / "alfa" / "kuvat" / "talkoot.jpg")
    alfa = fixture_site / PROJECTS / "alfa.md"
    alfa.write_text(alfa.read_text(encoding="utf-8").replace(
        "lead: Testilän kaupunki\n", "lead: Testilän kaupunki\n" + MAIN_IMAGE, 1), encoding="utf-8")
    out = tmp_path / "site"
    pipeline.build(fixture_site, out, FIXTURE_AS_OF)
    table = csv.DictReader(io.StringIO((out / "hankkeet.csv").read_text(encoding="utf-8-sig")), delimiter=";")
    cells = next(r for r in table if r["slug"] == "alfa")
    assert re.fullmatch(r"/kuvat/\w{20}-1600\.jpg", cells["image"]), cells["image"]
    assert (out / cells["image"].lstrip("/")).is_file()
    assert cells["image_alt"] == "Asukkaat istuttavat puita puistossa" and cells["image_caption"] == "Talkoot"


def test_a_translation_that_names_a_picture_is_told_it_is_the_main_files(tmp_path: Path) -> None:
    swedish = SWEDISH.replace("image:\n", "image:\n  src: kuvat/annan.jpg\n")
    root = site_with_image(tmp_path / "src", swedish)
    code, lines = _check(root)
    assert code == 1
    assert lines == [
        "content/projects/alfa.sv.md:4:3: virhe: image.src: käännös ei voi vaihtaa kuvaa: kuva on päätiedoston "
        "kaikilla kielillä - poista src tästä ja jätä alt ja caption; vaihda kuva tiedostossa alfa.md"]


def test_a_translations_alt_text_is_checked_and_needs_an_image(tmp_path: Path) -> None:
    generic = SWEDISH.replace("alt: Invånarna planterar träd i parken", "alt: Bild")
    code, lines = _check(site_with_image(tmp_path / "generic", generic))
    assert code == 0 and len(lines) == 1
    assert lines[0].startswith("content/projects/alfa.sv.md:4:8: varoitus: image.alt: kuvan vaihtoehtoinen teksti "
                               "'Bild' ei kerro kuvasta mitään")
    code, lines = _check(site_with_image(tmp_path / "no-image", main_image=""))
    assert code == 0
    assert lines == ["content/projects/alfa.sv.md:3:1: varoitus: image: tiedostossa alfa.md ei ole kuvaa, joten tätä "
                     "vaihtoehtoista tekstiä ja kuvatekstiä ei näytetä - lisää kuva tiedostoon alfa.md tai poista "
                     "image tästä"]



def test_new_gives_a_translation_the_images_words_to_translate_not_its_picture(tmp_path: Path) -> None:
    root = site_with_image(tmp_path / "src")
    (root / PROJECTS / "alfa.sv.md").unlink()
    done = run_cli("new", "--root", str(root), "--lang", "sv", "--slug", "alfa")
    assert done.returncode == 0, done.stderr
    skeleton = (root / PROJECTS / "alfa.sv.md").read_text(encoding="utf-8")
    assert "image:\n  alt: Asukkaat istuttavat puita puistossa\n  caption: Talkoot\n" in skeleton
    assert "src:" not in skeleton
    assert _check(root) == (0, [])


def test_the_preview_cache_follows_a_replaced_photo_and_an_edited_alt_text(tmp_path: Path) -> None:
    root = site_with_image(tmp_path / "src")
    cache = MemoryCache()

    def render(with_cache: bool) -> dict[str, bytes]:
        result = pipeline.check(root, FIXTURE_AS_OF, cache=cache if with_cache else None)
        files = pipeline.render(result, root, cache=cache if with_cache else None)
        if with_cache:
            cache.finish_build()
        return files

    render(True)
    # The same name, another picture: its published address (by digest) changes in the open data too.
    jpeg_with_gps(root / PROJECTS / "alfa" / "kuvat" / "talkoot.jpg", size=(1200, 900))
    cached = render(True)
    assert cached == render(False)
    swedish = root / PROJECTS / "alfa.sv.md"
    swedish.write_text(swedish.read_text(encoding="utf-8").replace("Invånarna planterar", "Barnen planterar"),
                       encoding="utf-8")
    cached = render(True)
    assert cached == render(False)
    rows = json.loads(cached["sv/hankkeet.json"])["projects"]
    assert next(r for r in rows if r["slug"] == "alfa")["record"]["image"]["alt"].startswith("Barnen planterar")
