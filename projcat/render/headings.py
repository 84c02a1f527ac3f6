"""Heading levels of editor-written HTML, fitted under the page's own headings.

An editor writes `#`, `##` or `####` as the text reads best to them; the page
decides which level their top heading may take. A screen-reader user moving by
headings must never meet a skipped level (h2 straight to h4) or a second h1,
so levels are renumbered here: a fragment's outermost headings get `top`, and
each deeper heading is at most one level below the heading it sits under.
"""

from __future__ import annotations

import re

_HEADING_TAG = re.compile(r"<(/?)h([1-6])\b([^>]*)>", re.IGNORECASE)
DEEPEST = 6


def fit_headings(html: str, top: int) -> str:
    """`html` with its headings renumbered to start at `top` and never skip a level.

    >>> str(fit_headings("<h4>A</h4><h6>B</h6><h2>C</h2>", 3))
    '<h3>A</h3><h4>B</h4><h3>C</h3>'
    """
    # (level the editor wrote, level it gets) for each heading still "open" above
    # the current position in the outline.
    outline: list[tuple[int, int]] = []
    current = top

    def renumber(match: re.Match[str]) -> str:
        nonlocal current
        closing, level, attributes = match.group(1), int(match.group(2)), match.group(3)
        if closing:
            return f"</h{current}>"
        while outline and outline[-1][0] >= level:
            outline.pop()
        current = min(outline[-1][1] + 1, DEEPEST) if outline else top
        outline.append((level, current))
        return f"<h{current}{attributes}>"

    return _HEADING_TAG.sub(renumber, html)
