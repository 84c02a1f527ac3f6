"""Photo metadata (EXIF, XMP, IPTC, comments) taken out of an image file published as it is.

A pure function of the bytes: it works on the file's container (JPEG marker
segments, PNG chunks, RIFF chunks of a WebP) and copies the compressed pixels
as they are, so the picture is exactly the one uploaded. Bytes it cannot make
sense of are returned unchanged: the build checks the images records use, and
a broken file of the site's own must not stop a build.
"""

from __future__ import annotations

import io
import struct

from PIL import Image, ImageOps

# The names whose files are images this module strips (case-insensitive).
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")

_JPEG_START = b"\xff\xd8"
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# JPEG application segments that decide how the pixels look: JFIF (APP0), the ICC
# profile (APP2, colour) and Adobe's (APP14, which colour transform the decoder applies).
# Every other APPn is metadata: Exif and XMP (APP1), Photoshop's IPTC (APP13), APP12, ...
_KEPT_APP = frozenset({0xE0, 0xE2, 0xEE})
_SOS, _EOI, _COM = 0xDA, 0xD9, 0xFE
# Markers without a length: TEM and the restart markers.
_STANDALONE = frozenset({0x01, *range(0xD0, 0xD8)})
_ORIENTATION = 0x0112

# PNG ancillary chunks that shape how the pixels look (APNG's frames included);
# every other ancillary chunk (eXIf, tEXt, zTXt, iTXt, tIME, unknown ones) is dropped.
_KEPT_PNG = frozenset({b"PLTE", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP", b"sBIT", b"pHYs", b"bKGD",
                       b"acTL", b"fcTL", b"fdAT"})

_WEBP_DROPPED = frozenset({b"EXIF", b"XMP "})
_VP8X_EXIF, _VP8X_XMP = 0x08, 0x04


class _Unreadable(Exception):
    """The bytes are not the container they claim to be."""


def is_image_name(name: str) -> bool:
    return name.lower().endswith(IMAGE_SUFFIXES)


def without_metadata(name: str, data: bytes) -> bytes:
    """`data`, the file `name`, without its metadata; unchanged when it is not a JPEG, PNG or
    WebP image, or does not parse as one.

    The format is told by the bytes, not the name: a PNG saved as `.jpg` is still stripped."""
    if not is_image_name(name):
        return data
    try:
        if data.startswith(_JPEG_START):
            return _jpeg(data)
        if data.startswith(_PNG_SIGNATURE):
            return _png(data)
        if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
            return _webp(data)
    except _Unreadable:
        pass
    return data


def _jpeg(data: bytes) -> bytes:
    kept = [_JPEG_START]
    at = 2
    while True:
        if at + 2 > len(data) or data[at] != 0xFF:
            raise _Unreadable
        marker = data[at + 1]
        if marker == 0xFF:  # a fill byte before a marker
            at += 1
            continue
        if marker in _STANDALONE:
            kept.append(data[at:at + 2])
            at += 2
            continue
        if marker == _EOI:
            kept.append(data[at:at + 2])
            break
        if at + 4 > len(data):
            raise _Unreadable
        end = at + 2 + struct.unpack(">H", data[at + 2:at + 4])[0]
        if end > len(data) or end < at + 4:
            raise _Unreadable
        if marker == _SOS:
            kept.append(_scans(data, at))
            break
        segment = data[at:end]
        if marker == 0xE2 and not segment[4:].startswith(b"ICC_PROFILE\0"):
            pass  # another APP2 (a multi-picture index, Flashpix): metadata, not colour
        elif marker in _KEPT_APP or not (0xE0 <= marker <= 0xEF or marker == _COM):
            kept.append(segment)
        at = end
    stripped = b"".join(kept)
    if _orientation(data) in (None, 1):
        return stripped
    return _upright(data, stripped)


def _scans(data: bytes, at: int) -> bytes:
    """The scans from the first SOS on, up to and with the end-of-image marker.

    The entropy-coded data never holds 0xFF 0xD9 (a 0xFF there is followed by 0x00 or a
    restart marker), so the first one is the image's end. What follows it is not part of
    the picture: a phone appends further pictures there (a multi-picture file), each with
    its own Exif. A file cut short in its scans is kept as it is."""
    end = data.find(b"\xff\xd9", at)
    return data[at:] if end < 0 else data[at:end + 2]


def _orientation(data: bytes) -> int | None:
    try:
        with Image.open(io.BytesIO(data)) as image:
            value = image.getexif().get(_ORIENTATION)
    except Exception:  # Pillow raises many kinds for a broken header: read as no orientation
        return None
    return value if isinstance(value, int) else None


def _upright(data: bytes, stripped: bytes) -> bytes:
    """A JPEG whose Exif says to turn it, re-encoded upright: the only case whose pixels change.

    Dropping the Exif drops the orientation, so the photo would show on its side. A lossless
    turn is possible only when the size is a multiple of the JPEG block size (and needs a tool
    outside Pillow), so the picture is turned with Pillow and saved at quality 95, with its ICC
    profile and nothing else. Should its pixels not decode, the stripped file (on its side, but
    without metadata) is published: the build never stops on a site's own broken file."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            icc = image.info.get("icc_profile")
            upright = ImageOps.exif_transpose(image)
            # Pillow would otherwise write a comment kept from the source again.
            upright.info = {}
            out = io.BytesIO()
            options: dict[str, object] = {"quality": 95}
            if icc:
                options["icc_profile"] = icc
            upright.save(out, "JPEG", **options)
    except Exception:  # any kind of decoding failure falls back to the lossless strip
        return stripped
    return out.getvalue()


def _png(data: bytes) -> bytes:
    kept = [_PNG_SIGNATURE]
    at = len(_PNG_SIGNATURE)
    first = True
    while True:
        if at + 12 > len(data):
            raise _Unreadable
        length = struct.unpack(">I", data[at:at + 4])[0]
        kind = data[at + 4:at + 8]
        end = at + 12 + length
        if end > len(data) or (first and kind != b"IHDR"):
            raise _Unreadable
        first = False
        # A chunk whose first letter is upper-case is critical: the picture needs it.
        if kind[:1].isupper() or kind in _KEPT_PNG:
            kept.append(data[at:end])
        at = end
        if kind == b"IEND":
            # Bytes after the end are no part of the picture.
            return b"".join(kept)


def _webp(data: bytes) -> bytes:
    size = struct.unpack("<I", data[4:8])[0]
    end = 8 + size
    if end > len(data) or size < 4:
        raise _Unreadable
    kept: list[bytes] = []
    at = 12
    while at < end:
        if at + 8 > end:
            raise _Unreadable
        kind = data[at:at + 4]
        length = struct.unpack("<I", data[at + 4:at + 8])[0]
        chunk_end = at + 8 + length + (length & 1)
        if chunk_end > end:
            raise _Unreadable
        chunk = data[at:chunk_end]
        if kind == b"VP8X" and length >= 1:
            flags = chunk[8] & ~(_VP8X_EXIF | _VP8X_XMP)
            chunk = chunk[:8] + bytes([flags]) + chunk[9:]
        if kind not in _WEBP_DROPPED:
            kept.append(chunk)
        at = chunk_end
    body = b"WEBP" + b"".join(kept)
    return b"RIFF" + struct.pack("<I", len(body)) + body
