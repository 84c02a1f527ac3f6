"""Images under `static/` that no record uses (logos, a favicon, a photo left there) are published
as they are, but without EXIF, XMP, IPTC or comments, and with the very same pixels (issue 20)."""

from __future__ import annotations

import io
import struct
from pathlib import Path

import pytest
from PIL import Image, ImageCms, IptcImagePlugin
from PIL.PngImagePlugin import PngInfo

from conftest import FIXTURE_AS_OF
from media_files import corrupt_image, jpeg_with_gps, png_with_alpha
from projcat.engine import pipeline
from projcat.engine.memory import MemoryCache
from projcat.render.metadata import without_metadata

XMP = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
       b'<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="61,0.0N"/>'
       b"</rdf:RDF></x:xmpmeta>")
# Pillow's names for metadata in `.info`; an ICC profile is colour, not metadata.
METADATA_KEYS = ("exif", "xmp", "XML:com.adobe.xmp", "photoshop", "iptc", "comment", "Comment", "Author")
SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
_MAKE, _ORIENTATION = 0x010F, 0x0112


def _exif(orientation: int | None = None) -> Image.Exif:
    exif = Image.Exif()
    exif[_MAKE] = "Kamera Oy"
    exif[0x8825] = {1: "N", 2: (61.0, 0.0, 0.0), 3: "E", 4: (24.0, 28.0, 0.0)}
    if orientation is not None:
        exif[_ORIENTATION] = orientation
    return exif


def _picture(size: tuple[int, int] = (300, 200), mode: str = "RGB") -> Image.Image:
    image = Image.new(mode, size, (40, 120, 60, 255)[:len(mode)])
    for x in range(0, size[0], 30):
        image.paste((200, 180, 40, 128)[:len(mode)], (x, 0, x + 10, size[1] // 2))
    return image


def _iptc_segment() -> bytes:
    """An APP13 Photoshop segment with an IPTC record (2:80, the by-line), as photo tools write it."""
    record = b"\x1c\x02\x50" + struct.pack(">H", 10) + b"Kuvaaja Oy"
    resource = b"8BIM" + struct.pack(">H", 0x0404) + b"\0\0" + struct.pack(">I", len(record)) + record
    body = b"Photoshop 3.0\0" + resource
    return b"\xff\xed" + struct.pack(">H", len(body) + 2) + body


def jpeg_with_everything(path: Path, orientation: int | None = None) -> Path:
    """EXIF (GPS, camera), XMP, IPTC, a comment and an ICC profile, in one JPEG."""
    buffer = io.BytesIO()
    _picture().save(buffer, "JPEG", exif=_exif(orientation), xmp=XMP, icc_profile=SRGB, comment=b"Kamera Oy",
                    quality=90)
    data = buffer.getvalue()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data[:2] + _iptc_segment() + data[2:])
    return path


def png_with_metadata(path: Path) -> Path:
    info = PngInfo()
    info.add_text("Author", "Kuvaaja Oy")
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    path.parent.mkdir(parents=True, exist_ok=True)
    _picture(mode="RGBA").save(path, "PNG", pnginfo=info, exif=_exif(), icc_profile=SRGB)
    return path


def webp_with_metadata(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    _picture(mode="RGBA").save(path, "WEBP", lossless=True, exif=_exif(), xmp=XMP, icc_profile=SRGB)
    return path


def _metadata(data: bytes) -> list[str]:
    """What metadata a published file carries, in words for a failing assertion."""
    found: list[str] = []
    with Image.open(io.BytesIO(data)) as image:
        if image.getexif():
            found.append(f"EXIF {dict(image.getexif())}")
        found += [key for key in METADATA_KEYS if key in image.info]
        if image.format == "JPEG" and IptcImagePlugin.getiptcinfo(image) is not None:
            found.append("IPTC")
    for text in (b"Kamera Oy", b"Kuvaaja Oy", b"GPSLatitude"):
        if text in data:
            found.append(text.decode())
    return found


def _pixels(data: bytes) -> bytes:
    with Image.open(io.BytesIO(data)) as image:
        return image.tobytes()


def _icc(data: bytes) -> bytes | None:
    with Image.open(io.BytesIO(data)) as image:
        return image.info.get("icc_profile")


@pytest.fixture
def static_images(fixture_site: Path) -> dict[str, Path]:
    static = fixture_site / "static"
    return {
        "kuvat/vanha.JPG": jpeg_with_everything(static / "kuvat" / "vanha.JPG"),
        "kuvat/kannykka.jpeg": jpeg_with_gps(static / "kuvat" / "kannykka.jpeg", (400, 300)),
        "logot/logo.png": png_with_metadata(static / "logot" / "logo.png"),
        "logot/läpinäkyvä.png": png_with_alpha(static / "logot" / "läpinäkyvä.png"),
        "logot/logo.webp": webp_with_metadata(static / "logot" / "logo.webp"),
    }


def test_no_image_under_static_is_published_with_its_metadata(fixture_site: Path, tmp_path: Path,
                                                               static_images: dict[str, Path]) -> None:
    """The originals carry what a phone or a photo tool writes; what is published carries none of it."""
    for name, file in static_images.items():
        if name != "logot/läpinäkyvä.png":
            assert _metadata(file.read_bytes()), f"{name}: the test file should carry metadata"
    out = tmp_path / "out"
    assert pipeline.build(fixture_site, out, FIXTURE_AS_OF).check.ok
    published = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*")
                 if p.suffix.lower() in (".jpg", ".jpeg", ".png", ".webp")}
    assert static_images.keys() <= published.keys()
    leaks = {name: found for name, data in published.items() if (found := _metadata(data))}
    assert leaks == {}
    for name, file in static_images.items():
        original = file.read_bytes()
        # Lossless: the same pixels, the same colour profile; only the metadata is gone.
        assert _pixels(published[name]) == _pixels(original), name
        assert _icc(published[name]) == _icc(original), name
    assert _icc(published["kuvat/vanha.JPG"]) == SRGB


def test_a_cached_build_publishes_the_same_stripped_files(fixture_site: Path, tmp_path: Path,
                                                          static_images: dict[str, Path]) -> None:
    cache = MemoryCache()
    first = pipeline.render(pipeline.check(fixture_site, FIXTURE_AS_OF), fixture_site, cache=cache)
    cache.finish_build()
    webp = static_images["logot/logo.webp"]
    webp_with_metadata(webp)  # written again: the same bytes
    # An image changed under the same name is stripped again, not taken from the cache.
    jpeg_with_gps(static_images["kuvat/kannykka.jpeg"], (200, 100))
    second = pipeline.render(pipeline.check(fixture_site, FIXTURE_AS_OF), fixture_site, cache=cache)
    cold = pipeline.render(pipeline.check(fixture_site, FIXTURE_AS_OF), fixture_site)
    assert second == cold
    assert first["logot/logo.webp"] == second["logot/logo.webp"]
    with Image.open(io.BytesIO(second["kuvat/kannykka.jpeg"])) as image:
        assert image.size == (200, 100)
    assert not _metadata(second["kuvat/kannykka.jpeg"])


def test_a_photo_to_be_turned_is_published_upright_without_metadata(fixture_site: Path, tmp_path: Path) -> None:
    """Its EXIF said "turn 90°"; without the EXIF it would lie on its side, so it is turned."""
    jpeg_with_everything(fixture_site / "static" / "kuvat" / "pysty.jpg", orientation=6)
    out = tmp_path / "out"
    assert pipeline.build(fixture_site, out, FIXTURE_AS_OF).check.ok
    data = (out / "kuvat" / "pysty.jpg").read_bytes()
    assert _metadata(data) == []
    with Image.open(io.BytesIO(data)) as image:
        assert image.size == (200, 300)
    assert _icc(data) == SRGB


def test_a_broken_image_under_static_is_published_unchanged_without_a_crash(fixture_site: Path,
                                                                           tmp_path: Path) -> None:
    static = fixture_site / "static"
    cut = corrupt_image(static / "kuvat" / "rikki.jpg")
    garbage = static / "kuvat" / "roskaa.png"
    garbage.write_bytes(b"\x89PNG\r\n\x1a\nnot really a picture")
    text = static / "kuvat" / "teksti.webp"
    text.write_bytes(b"RIFF\xff\xff\xff\xffWEBPVP8X")
    out = tmp_path / "out"
    assert pipeline.build(fixture_site, out, FIXTURE_AS_OF).check.ok
    for file in (cut, garbage, text):
        assert (out / "kuvat" / file.name).read_bytes() == file.read_bytes()


def test_pictures_appended_after_a_jpeg_and_data_after_a_png_are_not_published(tmp_path: Path) -> None:
    """A phone's multi-picture JPEG appends more pictures, each with its own EXIF, after the first."""
    first = jpeg_with_everything(tmp_path / "a.jpg").read_bytes()
    appended = jpeg_with_gps(tmp_path / "b.jpg", (64, 48)).read_bytes()
    stripped = without_metadata("kuva.jpg", first + appended)
    assert _metadata(stripped) == [] and _pixels(stripped) == _pixels(first)
    png = png_with_alpha(tmp_path / "c.png").read_bytes()
    assert without_metadata("kuva.png", png + b"Kamera Oy") == png


def test_stripping_is_deterministic_and_leaves_other_files_alone(tmp_path: Path) -> None:
    data = jpeg_with_everything(tmp_path / "a.jpg").read_bytes()
    assert without_metadata("a.jpg", data) == without_metadata("a.jpg", bytes(data))
    assert without_metadata("a.gif", data) == data
    assert without_metadata("raportti.pdf", data) == data
    # Stripping what is already stripped changes nothing.
    once = without_metadata("a.jpg", data)
    assert without_metadata("a.jpg", once) == once


def test_a_webp_says_it_has_no_exif_or_xmp_and_its_size_is_right(tmp_path: Path) -> None:
    """A reader trusts the VP8X flags and the RIFF size: both must tell the truth once the chunks are gone."""
    data = webp_with_metadata(tmp_path / "a.webp").read_bytes()
    assert data[12:16] == b"VP8X" and data[20] & 0x0C == 0x0C
    stripped = without_metadata("a.webp", data)
    assert stripped[12:16] == b"VP8X" and stripped[20] & 0x0C == 0
    assert stripped[20] & 0x20 == 0x20  # the ICC profile is still announced, and there
    assert struct.unpack("<I", stripped[4:8])[0] == len(stripped) - 8 < len(data) - 8
    assert b"EXIF" not in stripped and b"XMP " not in stripped and b"ICCP" in stripped
