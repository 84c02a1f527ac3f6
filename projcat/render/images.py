"""Images on pages: each a `<picture>` of resized variants with its size given, so nothing shifts.

The variants of an image are a pure function of its facts (`variants`): the
build makes their bytes from the same plan (`build.images`), and pages point
at them here. A Markdown image in a body leaves the sanitiser as a marker
(`mark_images`), which `place_images` turns into the image's `<picture>` when
the record's checked images hold it and into nothing otherwise: no `<img>` an
editor wrote reaches a page as written.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote, unquote

from markupsafe import Markup

from projcat.content.images import ImageFile
from projcat.render.addresses import Urls

WIDTHS = (480, 960, 1600)
# The format each kind of file keeps beside WebP; a GIF is published as PNG (its first frame).
_OWN = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png"), "GIF": ("png", "image/png"),
        "WEBP": ("webp", "image/webp")}
# The column a body or a project's main image is shown in (`--measure` in style.css), and a card's.
BODY_SIZES = "(min-width: 46rem) 44rem, calc(100vw - 2rem)"
CARD_SIZES = "(min-width: 40rem) 12rem, calc(100vw - 2rem)"
_IMG = re.compile(r"<img\s[^>]*>")
_ATTRIBUTE = re.compile(r'\s(src|alt)="([^"]*)"')
_MARKER = re.compile(r"<!--image:([^:>]*):([^:>]*)-->")


@dataclass(frozen=True)
class Variant:
    """One resized file of an image: its file name (digest, width, extension), its size and type."""

    name: str
    width: int
    height: int
    extension: str
    mime: str


def variants(image: ImageFile) -> tuple[Variant, ...]:
    """Every variant the build makes of `image`: each width in WebP and in the image's own format."""
    widths = sorted({w for w in WIDTHS if w < image.width} | {min(image.width, WIDTHS[-1])})
    own = _OWN[image.format]
    formats = [("webp", "image/webp")] + ([own] if own[0] != "webp" else [])
    return tuple(
        Variant(f"{image.digest[:20]}-{width}.{extension}", width, max(1, round(image.height * width / image.width)),
                extension, mime)
        for extension, mime in formats for width in widths
    )


@dataclass(frozen=True)
class ImageView:
    """An image as a page shows it: the largest variant of its own format as `src`, the rest as `srcset`."""

    src: str
    srcset: str
    webp_srcset: str
    sizes: str
    width: int
    height: int
    alt: str
    caption: str | None = None
    lazy: bool = True
    # The languages of the alt text and of the caption when they are not the page's (a translated
    # page showing the main file's words).
    alt_lang: str | None = None
    caption_lang: str | None = None

    @property
    def html(self) -> Markup:
        # Below the first screen the browser fetches it when it comes near; near the top, at once.
        loading = "lazy" if self.lazy else "eager"
        # On an <img>, `lang` is the language of its alt text.
        lang = Markup(' lang="{}"').format(self.alt_lang) if self.alt_lang else Markup("")
        return Markup(
            '<picture><source type="image/webp" srcset="{}" sizes="{}">'
            '<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}"{} loading="{}" decoding="async">'
            "</picture>"
        ).format(self.webp_srcset, self.sizes, self.src, self.srcset, self.sizes, self.width, self.height,
                 self.alt, lang, loading)


def image_view(image: ImageFile, alt: str, urls: Urls, sizes: str = BODY_SIZES, caption: str | None = None,
               lazy: bool = True) -> ImageView:
    made = variants(image)
    own = [v for v in made if v.extension != "webp"] or list(made)
    webp = [v for v in made if v.extension == "webp"]
    largest = own[-1]
    return ImageView(
        src=urls.image(largest.name),
        srcset=", ".join(f"{urls.image(v.name)} {v.width}w" for v in own),
        webp_srcset=", ".join(f"{urls.image(v.name)} {v.width}w" for v in webp),
        sizes=sizes, width=largest.width, height=largest.height, alt=alt, caption=caption, lazy=lazy,
    )


def _quoted(text: str) -> str:
    # A comment may hold no "--" and the marker no ":" or ">": percent-encode them all.
    return quote(text, safe="").replace("-", "%2D")


def mark_images(clean_html: str) -> str:
    """Sanitised HTML with each `<img>` as a marker holding its address and alt text."""
    def marker(found: re.Match[str]) -> str:
        attributes = {name: html.unescape(value) for name, value in _ATTRIBUTE.findall(found.group(0))}
        return f"<!--image:{_quoted(attributes.get('src', ''))}:{_quoted(attributes.get('alt', ''))}-->"

    return _IMG.sub(marker, clean_html)


def place_images(marked_html: str, images: Mapping[str, ImageFile], urls: Urls) -> str:
    """Each image marker as its `<picture>`, when `images` (address as written -> file) holds it."""
    def picture(found: re.Match[str]) -> str:
        src, alt = unquote(found.group(1)), unquote(found.group(2))
        image = images.get(src)
        if image is None:
            return ""
        # Written `![""](...)`: a decorative image, its alt empty.
        return str(image_view(image, "" if alt in ('""', "''") else alt, urls).html)

    return _MARKER.sub(picture, marked_html)
