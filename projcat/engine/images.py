"""The resized variants of every image the records use, made with Pillow and kept by content digest.

Each image is made in the widths and formats `render.images.variants` plans
(WebP and the image's own format), turned upright by its EXIF orientation
first, and saved without any of its metadata: no camera, no date, no GPS
position. A variant is kept in `ROOT/.cache/images/` under a name made of the
source's content digest, its width and its format, so a rebuild reads it
instead of making it again, and a replaced photo (a new digest) is made anew.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path
from typing import Any

from projcat.content.images import ImageFile
from projcat.content.media import Media
from projcat.engine.files import CACHE_FOLDER, write_atomically
from projcat.render.addresses import output_path
from projcat.render.images import Variant, variants

# Raised when the way variants are made changes, so kept ones are not reused.
ENCODING_VERSION = "v1"
_SAVE: dict[str, tuple[str, dict[str, Any]]] = {
    "webp": ("WEBP", {"quality": 80, "method": 4}),
    "jpg": ("JPEG", {"quality": 82, "optimize": True, "progressive": True}),
    "png": ("PNG", {"optimize": True}),
}


def cache_folder(root: Path) -> Path:
    return root / CACHE_FOLDER / "images" / ENCODING_VERSION


def make_variants(source: Path, plan: tuple[Variant, ...]) -> dict[str, bytes]:
    """Every variant of the image at `source`, by file name."""
    from PIL import Image, ImageOps

    made: dict[str, bytes] = {}
    with Image.open(source) as opened:
        # Upright as a camera meant it; the orientation tag goes with the rest of the metadata.
        upright = ImageOps.exif_transpose(opened)
        for variant in plan:
            image = upright.resize((variant.width, variant.height), Image.Resampling.LANCZOS) \
                if (variant.width, variant.height) != upright.size else upright.copy()
            kind, options = _SAVE[variant.extension]
            if kind == "JPEG" and image.mode != "RGB":
                image = image.convert("RGB")
            elif image.mode not in ("RGB", "RGBA", "L", "LA"):
                image = image.convert("RGBA" if "transparency" in image.info or image.mode in ("PA", "P") else "RGB")
            # A new image carries no EXIF, XMP, ICC or text chunk unless given one; none is.
            image.info = {}
            buffer = io.BytesIO()
            image.save(buffer, kind, **options)
            made[variant.name] = buffer.getvalue()
    return made


def image_files(media: Media, root: Path) -> dict[str, bytes]:
    """Every variant of every image in `media`, by output path: from the cache when it was made before."""
    folder = cache_folder(root)
    files: dict[str, bytes] = {}
    done: set[str] = set()
    for image in media.images.values():
        if image.digest in done:
            continue
        done.add(image.digest)
        for name, data in _variants_of(image, root, folder).items():
            files[output_path("image", name)] = data
    return files


def _variants_of(image: ImageFile, root: Path, folder: Path) -> dict[str, bytes]:
    plan = variants(image)
    kept = {v.name: folder / v.name for v in plan}
    if all(path.is_file() for path in kept.values()):
        return {name: path.read_bytes() for name, path in kept.items()}
    made = make_variants(root / image.source, plan)
    for name, data in made.items():
        # A read-only site folder still builds; it only makes the variants again next time.
        with contextlib.suppress(OSError):
            write_atomically(kept[name], data)
    return made
