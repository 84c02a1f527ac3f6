"""The images a record uses: its main image (`image:` in the front matter) and the Markdown images of its body.

An image is local, for visitors' privacy and so that no other site's server
is loaded from ours: under the site's `static/` (a site path, `/kuvat/x.jpg`)
or in the record's own folder beside it (`content/projects/<slug>/`, written
relative: `kuvat/x.jpg`). Checked here: its alternative text, where it lives,
and that Pillow can read it within the size limit. A broken or oversized file
is a problem at the line that uses it, never a crash. The resized variants are
made by the build (`build.images`) from the `ImageFile`s found here.
"""

from __future__ import annotations

import hashlib
import io
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Unpack
from urllib.parse import unquote

from projcat.content.bodyhtml import visible_lines
from projcat.content.inputs import decoded, input_exists, read_input, resolved_input
from projcat.content.load import RawRecord
from projcat.content.sitepaths import URL_SCHEME, is_site_path, static_target
from projcat.content.yamlread import Mark
from projcat.languages import generic_alts
from projcat.problems import Problem, ProblemParams, Severity

MAX_PIXELS = 40_000_000
ALT_LIMIT = 250
_FILE_NAME = re.compile(r"^\S+\.(jpe?g|png|webp|gif|tiff?|bmp|heic|svg)$", re.IGNORECASE)
_CAMERA_NAME = re.compile(r"^(img|dsc|dscn|pxl|p|photo)[_-]?\d{3,}", re.IGNORECASE)
SUPPORTED_FORMATS = frozenset({"JPEG", "PNG", "WEBP", "GIF"})
# `![alt](address "title")`; an alt of `""` written out marks a decorative image.
_BODY_IMAGE = re.compile(r"!\[([^\]\n]*)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"\n]*\")?\s*\)")
_ORIENTATION = 0x0112


@dataclass(frozen=True)
class ImageUse:
    """One place a record uses an image: its address as written, its alt text (None: not given) and where."""

    src: str
    alt: str | None
    line: int | None
    col: int | None
    field: str = ""


@dataclass(frozen=True)
class ImageFile:
    """An image file as read: where it is (relative to the site folder), its content digest and size."""

    source: str
    digest: str
    width: int
    height: int
    format: str


def _mark(mark: Mark | None) -> tuple[int | None, int | None]:
    return (mark.line, mark.col) if mark else (None, None)


def image_uses(raw: RawRecord) -> list[ImageUse]:
    """The main image of the front matter and every Markdown image of the body. A translation's
    `image:` gives only the main file's picture its words: its alt text is checked with no address."""
    uses: list[ImageUse] = []
    data: Any = raw.fields.data
    image = data.get("image") if isinstance(data, dict) else None
    if raw.lang:
        alt = image.get("alt") if isinstance(image, dict) else None
        if isinstance(alt, str) and alt.strip():
            line, col = _mark(raw.fields.mark(("image", "alt")))
            uses.append(ImageUse("", alt.strip(), line, col, "image.alt"))
    elif isinstance(image, dict) and isinstance(image.get("src"), str) and image["src"].strip():
        alt = image.get("alt")
        line, col = _mark(raw.fields.mark(("image", "src")))
        if ("image", "alt") in getattr(raw.fields, "blank", ()):
            # `alt:` with nothing after it: not the decorative `alt: ""`, which is written out.
            line, col = _mark(raw.fields.mark(("image", "alt"), key=True))
            uses.append(ImageUse(image["src"].strip(), None, line, col, "image.alt"))
        else:
            # A left-out `alt` is the schema's error; the wording checks need text.
            uses.append(ImageUse(image["src"].strip(), alt.strip() if isinstance(alt, str) else None, line, col,
                                 "image"))
    for index, line_text in enumerate(visible_lines(raw.body)):
        for found in _BODY_IMAGE.finditer(line_text):
            alt_text = found.group(1).strip()
            alt = "" if alt_text in ('""', "''") else (alt_text or None)
            uses.append(ImageUse(found.group(2), alt, raw.body_line + index, found.start() + 1))
    return uses


def alt_problems(use: ImageUse, path: str) -> list[Problem]:
    """A body image with no alt text is an error; an alt that says nothing or far too much, a warning."""
    def problem(code: str, severity: Severity = "warning", **params: Unpack[ProblemParams]) -> list[Problem]:
        return [Problem.make(path, code, line=use.line, col=use.col, field=use.field, severity=severity, **params)]

    if use.alt is None:
        # A left-out `alt` of the front matter is reported by the schema, at its key.
        return [] if use.field == "image" else problem("image.alt_missing", "error", value=use.src)
    alt = use.alt
    if not alt:
        return []
    if _FILE_NAME.match(alt) or _CAMERA_NAME.match(alt) or alt == use.src.rsplit("/", 1)[-1]:
        return problem("image.alt_file_name", value=alt)
    if alt.casefold().strip(".!: ") in generic_alts():
        return problem("image.alt_generic", value=alt)
    if len(alt) > ALT_LIMIT:
        return problem("image.alt_too_long", count=len(alt), limit=ALT_LIMIT)
    return []


def locate(src: str, slug: str, root: Path) -> tuple[Path | None, str]:
    """The file an image address names, or the code of why it names none."""
    if URL_SCHEME.match(src) or src.startswith("//"):
        return None, "image.remote"
    if is_site_path(src):
        target = static_target(src, root)
    else:
        folder = (root / "content" / "projects" / slug).resolve()
        found = resolved_input(folder / unquote(src.split("#", 1)[0].split("?", 1)[0]))
        target = found if found.is_relative_to(folder) else None
    if target is None:
        return None, "image.outside"
    if not input_exists(target):
        return None, "image.missing_file"
    return target, ""


def read_image(file: Path, root: Path) -> ImageFile | tuple[str, str]:
    """The image's facts, or (code, detail) when it is broken, too large or of a kind not published."""
    try:
        data = read_input(file)
    except OSError as exc:
        return "image.broken", exc.strerror or type(exc).__name__
    facts = decoded("image", data, image_facts)
    if len(facts) == 2:
        return facts
    width, height, kind = facts
    source = file.relative_to(root.resolve()).as_posix()
    return ImageFile(source, hashlib.sha256(data).hexdigest(), width, height, kind)


def image_facts(data: bytes) -> tuple[int, int, str] | tuple[str, str]:
    """(width, height, format) of the image in `data` as shown, or (code, detail) when it is
    broken, too large or of a kind not published: a function of the bytes alone."""
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            # Pillow warns of a decompression bomb; the limit below names it to the editor instead.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                width, height, kind = image.width, image.height, image.format or ""
                # Judged from the header alone, before a pixel (or a chunk after them) is read.
                if width * height > MAX_PIXELS:
                    return "image.too_large", f"{width}×{height}"
                if image.getexif().get(_ORIENTATION) in (5, 6, 7, 8):
                    width, height = height, width  # shown turned a quarter, as the camera meant
                if kind not in SUPPORTED_FORMATS:
                    return "image.format", kind or "?"
                image.load()
    except Image.DecompressionBombError as exc:
        # Refused by Pillow itself before its header could be looked at by us: name the size it read.
        pixels = re.search(r"\((\d+) pixels\)", str(exc))
        return "image.too_large", f"{int(pixels.group(1)) // 1_000_000} MP" if pixels else "?"
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        return "image.broken", str(exc) or type(exc).__name__
    return width, height, kind


def image_problems(raw: RawRecord, root: Path) -> tuple[list[Problem], dict[str, ImageFile]]:
    """Every problem of the record's images, and the file each usable image address names."""
    problems: list[Problem] = []
    found: dict[str, ImageFile] = {}
    for use in image_uses(raw):
        problems += alt_problems(use, raw.path)
        if not use.src:
            continue  # a translation's words for the main file's picture, which the main file locates
        file, code = locate(use.src, raw.slug, root)
        if file is None:
            problems.append(Problem.make(raw.path, code, line=use.line, col=use.col, field=use.field,
                                         value=use.src, slug=raw.slug))
            continue
        facts = read_image(file, root)
        if isinstance(facts, tuple):
            code, detail = facts
            problems.append(Problem.make(raw.path, code, line=use.line, col=use.col, field=use.field,
                                         value=use.src, detail=detail, limit=MAX_PIXELS // 1_000_000))
            continue
        found[use.src] = facts
    return problems, found
