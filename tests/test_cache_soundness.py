"""A cached build is the same bytes as a cold one after edits a cache once missed (issue 20)."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from importlib import metadata
from pathlib import Path

import pytest
from language_site import multilingual_root

from conftest import FIXTURE_AS_OF, copy_real_site, holds_untrusted_rows
from media_files import jpeg_with_gps, pdf
from projcat.content import documents, images
from projcat.content.localtext import LocalText, site_languages
from projcat.content.settings import Theme
from projcat.engine import disk, pipeline, stamp
from projcat.engine.cache import CacheStats
from projcat.engine.disk import DiskCache


def _cached(root: Path, out: Path) -> dict[str, bytes]:
    """A build as the command line makes it: the cache loaded from ROOT/.cache/, saved after, and
    the build made again cold should a row of it turn out untrusted on the way."""
    return disk.build_with_store(root, lambda cache: pipeline.build(root, out, FIXTURE_AS_OF, cache=cache)).files



def _cold(root: Path, out: Path) -> dict[str, bytes]:
    return pipeline.build(root, out, FIXTURE_AS_OF).files


def _differing(cached: dict[str, bytes], cold: dict[str, bytes]) -> list[str]:
    return sorted(name for name in cached.keys() | cold.keys() if cached.get(name) != cold.get(name))


def test_a_photo_stays_stripped_after_an_unrelated_edit(fixture_site: Path, tmp_path: Path) -> None:
    jpeg_with_gps(fixture_site / "static" / "kuvat" / "puisto.jpg")
    alfa = fixture_site / "content" / "projects" / "alfa.md"
    image = "image:\n  src: /kuvat/puisto.jpg\n  alt: Puisto kesällä\n"
    image = "image:\n  src: /kuvat/puisto.jpg\n  alt: Puisto kesällä\n"
    alfa.write_text(alfa.read_text(encoding="utf-8").replace(
        "lead: Testilän kaupunki\n", "lead: Testilän kaupunki\n" + image, 1), encoding="utf-8")
    _cached(fixture_site, tmp_path / "first")
    assert disk.load_store(fixture_site) is not None, "the saved cache loads"
    beeta = fixture_site / "content" / "projects" / "beeta.md"
    beeta.write_text(beeta.read_text(encoding="utf-8") + "\nUusi kappale.\n", encoding="utf-8")
    cached = _cached(fixture_site, tmp_path / "cached")
    assert "kuvat/puisto.jpg" not in cached, "the photo with its GPS position is published as uploaded"
    assert _differing(cached, _cold(fixture_site, tmp_path / "cold")) == []


def test_a_theme_name_edited_in_one_language_only_is_shown_everywhere(tmp_path: Path) -> None:
    root = multilingual_root(tmp_path / "site-src")
    _cached(root, tmp_path / "first")
    assert disk.load_store(root) is not None, "the saved cache loads"
    site = root / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8").replace("sv: Boende", "sv: Bostäder"), encoding="utf-8")
    cached = _cached(root, tmp_path / "cached")
    assert "Bostäder" in cached["sv/hankkeet.json"].decode()
    assert _differing(cached, _cold(root, tmp_path / "cold")) == []


def test_a_photo_and_a_pdf_are_opened_again_only_when_their_bytes_change(
        fixture_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    jpeg_with_gps(fixture_site / "static" / "kuvat" / "puisto.jpg")
    pdf(fixture_site / "static" / "raportti.pdf")
    image = "image:\n  src: /kuvat/puisto.jpg\n  alt: Puisto kesällä\n"
    document = "documents:\n  - title: Loppuraportti\n    url: /raportti.pdf\n"
    alfa = fixture_site / "content" / "projects" / "alfa.md"
    alfa.write_text(alfa.read_text(encoding="utf-8").replace(
        "lead: Testilän kaupunki\n", "lead: Testilän kaupunki\n" + image, 1).replace(
        "documents:\n", document, 1), encoding="utf-8")
    opened: list[str] = []
    real_image, real_pdf = images.image_facts, documents.pdf_facts
    monkeypatch.setattr(images, "image_facts", lambda data: opened.append("image") or real_image(data))
    monkeypatch.setattr(documents, "pdf_facts", lambda data: opened.append("pdf") or real_pdf(data))
    _cached(fixture_site, tmp_path / "first")
    assert opened.count("image") == 1 and "pdf" in opened
    # The record that uses them is edited: its files are the same bytes, so nothing is opened.
    alfa.write_text(alfa.read_text(encoding="utf-8") + "\nUusi kappale.\n", encoding="utf-8")
    opened.clear()
    _cached(fixture_site, tmp_path / "second")
    assert opened == []
    # The PDF re-saved under the same name: opened again, and the page says what it now lacks.
    pdf(fixture_site / "static" / "raportti.pdf", tagged=False)
    cached = _cached(fixture_site, tmp_path / "third")
    assert opened == ["pdf"]
    assert _differing(cached, _cold(fixture_site, tmp_path / "cold")) == []


def test_the_stamp_knows_the_image_and_pdf_libraries(monkeypatch: pytest.MonkeyPatch) -> None:
    real = metadata.version
    before = stamp.code_fingerprint.__wrapped__()
    for library in ("pillow", "pikepdf"):
        monkeypatch.setattr(metadata, "version", lambda name, lib=library: "0.0-other" if name == lib else real(name))
        assert stamp.code_fingerprint.__wrapped__() != before, library


def test_texts_differing_in_one_language_only_are_different_settings() -> None:
    fi_sv = LocalText("Asuminen", {"fi": "Asuminen", "sv": "Boende"})
    other = LocalText("Asuminen", {"fi": "Asuminen", "sv": "Bostäder"})
    assert fi_sv != other and fi_sv == LocalText("Asuminen", {"fi": "Asuminen", "sv": "Boende"})
    assert fi_sv == "Asuminen" and hash(fi_sv) == hash("Asuminen")
    with site_languages(("fi", "sv")):
        first = Theme.model_validate({"id": "asuminen", "name": {"fi": "Asuminen", "sv": "Boende"}})
        second = Theme.model_validate({"id": "asuminen", "name": {"fi": "Asuminen", "sv": "Bostäder"}})
    assert first != second
    assert first.model_dump_json() != second.model_dump_json()


# What a hostile store might name: functions that would run a command or make the marker
# folder, classes that are not values, the tool's own code that is not a value class.
HOSTILE = ["os:system", "posix:mkdir", "subprocess:run", "builtins:exec", "projcat.cli:main",
           "projcat.content.load:read_record", "projcat.render.markup:Renderer", "pathlib:Path"]


@pytest.mark.parametrize("name", HOSTILE)
@pytest.mark.parametrize("where", ["entry", "shared"])
def test_a_cache_file_naming_a_function_is_not_run_and_the_build_is_made_cold(fixture_site: Path, tmp_path: Path,
                                                                             name: str, where: str) -> None:
    first = _cached(fixture_site, tmp_path / "first")
    marker = tmp_path / "ran"
    command = f"mkdir {marker}"
    database = disk.cache_file(fixture_site)
    with closing(sqlite3.connect(database)) as db:
        # The tool's own version row is kept: only the planted row can make the store untrusted.
        for kind in range(20, 26):
            planted = json.dumps([0, [kind, name, command], [kind, name, str(marker)], [kind, name, [0, command]]])
            if where == "entry":
                db.execute("INSERT OR REPLACE INTO entry (space, key, value) VALUES ('page', ?, ?)",
                           (json.dumps(f"planted-{kind}"), planted.encode()))
            else:
                digest = db.execute("SELECT digest FROM shared LIMIT 1").fetchone()[0]
                db.execute("UPDATE shared SET value = ? WHERE digest = ?", (planted.encode(), digest))
        db.commit()
    assert holds_untrusted_rows(fixture_site)
    assert not marker.exists()
    second = _cached(fixture_site, tmp_path / "second")
    assert not marker.exists()
    assert second == first == _cold(fixture_site, tmp_path / "cold")
    assert not holds_untrusted_rows(fixture_site), "the refused store is replaced by a trusted one"


def test_a_link_pointed_at_another_photo_is_a_change(fixture_site: Path, tmp_path: Path) -> None:
    photos = fixture_site / "static" / "kuvat"
    jpeg_with_gps(photos / "kesa.jpg", (2000, 1500))
    jpeg_with_gps(photos / "talvi.jpg", (1200, 900))
    (photos / "puisto.jpg").symlink_to("kesa.jpg")
    image = "image:\n  src: /kuvat/puisto.jpg\n  alt: Puisto\n"
    alfa = fixture_site / "content" / "projects" / "alfa.md"
    alfa.write_text(alfa.read_text(encoding="utf-8").replace(
        "lead: Testilän kaupunki\n", "lead: Testilän kaupunki\n" + image, 1), encoding="utf-8")
    _cached(fixture_site, tmp_path / "first")
    (photos / "puisto.jpg").unlink()
    (photos / "puisto.jpg").symlink_to("talvi.jpg")
    cached = _cached(fixture_site, tmp_path / "cached")
    assert 'width="1200" height="900"' in cached["hankkeet/alfa/index.html"].decode()
    assert _differing(cached, _cold(fixture_site, tmp_path / "cold")) == []


@pytest.mark.parametrize("site", ["shipped", "bilingual"])
def test_the_saved_cache_of_a_real_site_loads_again(site: str, tmp_path: Path) -> None:
    """A value class the store's codec does not know makes every build cold, silently: the
    shipped site's and the bilingual example's (EU funding, translations, images) stores must
    load, and the next build must reuse what they keep."""
    root = copy_real_site(site, tmp_path / "site-src")
    first = DiskCache.load(root)
    files = pipeline.build(root, tmp_path / "out", FIXTURE_AS_OF, cache=first).files
    again = DiskCache.load(root)
    assert not again.store.fresh, "the saved store is loaded"
    finished: list[CacheStats] = []
    real_finish = again.finish_build
    again.finish_build = lambda sweep=True: finished.append(real_finish(sweep)) or finished[-1]  # type: ignore[method-assign]
    assert pipeline.build(root, tmp_path / "again", FIXTURE_AS_OF, cache=again).files == files
    assert finished[0].pages_reused > 0 and finished[0].pages_rendered == []
    assert finished[0].records_parsed == [] and finished[0].views_made == []
