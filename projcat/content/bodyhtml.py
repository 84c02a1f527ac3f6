"""What a record's Markdown body may hold as HTML, and what the sanitiser would remove from it.

The allow-list lives here, below rendering, so that `check` (which never
renders) and the sanitiser (`render.markup`) agree by construction: every
HTML tag an editor writes is passed through nh3 with the same allow-list,
and whatever nh3 drops is reported as a warning at its line. Nothing is
removed silently.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import TypedDict

import nh3

from projcat.content.sitepaths import ALLOWED_SCHEMES, URL_SCHEME
from projcat.problems import Problem

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "a", "ul", "ol", "li", "h2", "h3", "h4", "h5", "h6",
    "blockquote", "code", "pre", "table", "thead", "tbody", "tr", "th", "td", "dl", "dt", "dd",
    "hr", "abbr", "sub", "sup", "img",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "hreflang"},
    "abbr": {"title"},
    "h2": {"id"}, "h3": {"id"}, "h4": {"id"}, "h5": {"id"}, "h6": {"id"},
    "th": {"scope"},
    "ol": {"start"},
    # A Markdown image; rendering replaces it with the image's resized variants.
    "img": {"src", "alt"},
}
URL_SCHEMES = set(ALLOWED_SCHEMES)
# Markdown links `[text](address)`, not images: the address nh3 would drop when its scheme is not allowed.
_MARKDOWN_LINK = re.compile(r"(?<!!)\[[^\]\n]*\]\(\s*<?([^)\s>]+)")


def clean(raw_html: str) -> str:
    """The sanitiser itself: `raw_html` with only what the allow-list keeps."""
    return nh3.clean(
        raw_html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )


def _without_comments(body: str) -> str:
    """HTML comments blanked, keeping lines and columns: the sanitiser drops them, notes to editors and all."""
    return re.sub(r"<!--.*?(-->|$)", lambda m: re.sub(r"[^\n]", " ", m.group(0)), body, flags=re.DOTALL)


def visible_lines(body: str) -> list[str]:
    """The body's lines with code (fenced, indented and inline) and comments blanked, keeping lines and
    columns: what Markdown passes on as text or HTML."""
    lines = []
    in_code = False
    for line in _without_comments(body).split("\n"):
        if line.lstrip().startswith(("```", "~~~")):
            in_code = not in_code
            lines.append("")
            continue
        if in_code or line.startswith(("    ", "\t")):
            lines.append("")
            continue
        lines.append(re.sub(r"`[^`]*`", lambda m: " " * len(m.group(0)), line))
    return lines


class Where(TypedDict):
    line: int
    col: int


# A tag's name as HTML has it; `<https://...>` and `<name@example.fi>` are Markdown autolinks.
_TAG_NAME = re.compile(r"^[a-z][a-z0-9-]*$")


class _Tags(HTMLParser):
    """Every start tag of a text, with its position and the tag as written."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, int, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not _TAG_NAME.match(tag):
            return
        line, offset = self.getpos()
        self.found.append((line, offset, tag, self.get_starttag_text() or ""))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)


class _Attributes(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)


def _parsed(fragment: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Attributes()
    parser.feed(fragment)
    parser.close()
    return parser.tags


def removed_html(body: str, path: str, body_line: int) -> list[Problem]:
    """A warning at its line for each tag, attribute and link address the sanitiser would remove."""
    lines = visible_lines(body)
    problems: list[Problem] = []
    tags = _Tags()
    tags.feed("\n".join(lines))
    tags.close()
    for line, offset, tag, written in tags.found:
        where: Where = {"line": body_line + line - 1, "col": offset + 1}
        kept = _parsed(clean(written))
        # A raw <img> is not a Markdown image: it has no variants, and rendering drops it.
        if not kept or tag == "img":
            problems.append(Problem.make(path, "body.removed_tag", severity="warning", tag=tag, **where))
            continue
        kept_attributes = kept[0][1]
        for name, value in _parsed(written)[0][1].items():
            if name not in kept_attributes:
                problems.append(Problem.make(path, "body.removed_attribute", severity="warning", tag=tag,
                                             name=name, value=value or "", **where))
    for index, text in enumerate(lines):
        for link in _MARKDOWN_LINK.finditer(text):
            scheme = URL_SCHEME.match(link.group(1))
            if scheme and scheme.group(1).lower() not in URL_SCHEMES:
                problems.append(Problem.make(path, "body.removed_link", severity="warning", value=link.group(1),
                                             scheme=scheme.group(1).lower(), line=body_line + index,
                                             col=link.start(1) + 1))
    return problems


def kept_tag(body: str, body_line: int) -> tuple[int, int, str] | None:
    """The first HTML tag the sanitiser keeps (`<b>`, `<abbr>`): its line, column and name."""
    tags = _Tags()
    tags.feed("\n".join(visible_lines(body)))
    tags.close()
    for line, offset, tag, written in tags.found:
        if tag != "img" and _parsed(clean(written)):
            return body_line + line - 1, offset + 1, tag
    return None
