"""Real image and PDF files, made in the tests: what editors put beside their records."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
from PIL import Image

# EXIF tags: GPS information, and the camera's make.
_GPS_IFD = 0x8825
_MAKE = 0x010F


def jpeg_with_gps(path: Path, size: tuple[int, int] = (2000, 1500)) -> Path:
    """A photo as a phone saves it: EXIF with the camera and a GPS position (Hämeenlinna)."""
    image = Image.new("RGB", size, (40, 120, 60))
    for x in range(0, size[0], 50):
        image.paste((200, 180, 40), (x, 0, x + 10, size[1]))
    exif = Image.Exif()
    exif[_MAKE] = "Kamera Oy"
    exif[_GPS_IFD] = {1: "N", 2: (61.0, 0.0, 0.0), 3: "E", 4: (24.0, 28.0, 0.0)}
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "JPEG", exif=exif, quality=85)
    return path


def png_with_alpha(path: Path, size: tuple[int, int] = (600, 400)) -> Path:
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    image.paste((20, 60, 200, 255), (50, 50, 300, 300))
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "PNG")
    return path


def corrupt_image(path: Path) -> Path:
    """A JPEG cut short after its header: it opens, but its pixels cannot be read."""
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (10, 10, 10)).save(buffer, "JPEG")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue()[:400])
    return path


def huge_png_header(path: Path, width: int = 10_000, height: int = 5_000) -> Path:
    """A PNG whose header claims `width` x `height` (50 megapixels) over almost no data."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) \
        + chunk(b"IEND", b"")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def pdf(path: Path, *, tagged: bool = True, lang: str | None = "fi", title: str | None = "Loppuraportti",
        encrypted: bool = False) -> Path:
    """A one-page PDF; tagged means a structure tree and MarkInfo, as an office suite writes them."""
    document = pikepdf.new()
    document.add_blank_page(page_size=(595, 842))
    if tagged:
        document.Root.MarkInfo = pikepdf.Dictionary(Marked=True)
        document.Root.StructTreeRoot = document.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructTreeRoot))
    if lang:
        document.Root.Lang = pikepdf.String(lang)
    if title:
        document.docinfo["/Title"] = title
    path.parent.mkdir(parents=True, exist_ok=True)
    if encrypted:
        document.save(path, encryption=pikepdf.Encryption(owner="omistaja", user="lukija"))
    else:
        document.save(path, deterministic_id=True)
    return path
