"""Markdown -> safe HTML: Python-Markdown configured once, then nh3's allow-list."""

from __future__ import annotations

import html
import re

import markdown
import nh3
from slugify import slugify

# The allow-list and the sanitiser live with the check that reports what they remove.
from projcat.content.bodyhtml import clean
from projcat.render.headings import fit_headings
from projcat.render.images import mark_images

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ0-9])")


def _heading_id(value: str, separator: str) -> str:
    return slugify(value, separator=separator) or "osio"


class Renderer:
    """One configured Markdown converter; `reset()` between documents keeps ids unique per page."""

    # Bodies sit under the page's h1; an editor's `##` becomes h3 under "Kuvaus".
    def __init__(self, heading_level: int = 2) -> None:
        self._md = markdown.Markdown(
            extensions=["sane_lists", "tables", "def_list", "abbr", "toc"],
            extension_configs={"toc": {"baselevel": heading_level, "slugify": _heading_id, "toc_depth": 0}},
            output_format="html",
        )

    def to_html(self, text: str, top: int = 2) -> str:
        """Sanitised HTML whose headings start at level `top` and never skip one."""
        self._md.reset()
        raw = self._md.convert(text)
        # An image leaves as a marker: `images.place_images` gives it its variants, or drops it.
        return fit_headings(mark_images(clean(raw)), top)


def plain_text(fragment: str) -> str:
    text = nh3.clean(fragment, tags=set())
    return " ".join(html.unescape(text).split())


def first_sentence(body_html: str) -> str:
    """The first sentence of the first paragraph, for lists when a record has no summary."""
    match = re.search(r"<p>(.*?)</p>", body_html, re.DOTALL)
    if not match:
        return ""
    text = plain_text(match.group(1))
    return _SENTENCE_END.split(text, maxsplit=1)[0]
