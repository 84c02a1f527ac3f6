"""Markdown HTML kept by text, and dropping what a build did not use, for every store.

Part of the in-memory cache (`projcat.build.memory`), apart so each stays small.
"""

from __future__ import annotations

from collections.abc import Hashable, MutableMapping
from typing import Any

from projcat.render.markup import Renderer


def retain(space: MutableMapping[Hashable, Any], keys: set[Any]) -> int:
    """Drop the entries of `space` whose key is not in `keys`; how many were dropped.

    A space kept in rows drops them without reading them (`rows.RowSpace.retain`)."""
    own = getattr(space, "retain", None)
    if own is not None:
        return int(own(keys))
    unseen = [key for key in space if key not in keys]
    for key in unseen:
        del space[key]
    return len(unseen)


class MemoizingRenderer(Renderer):
    """A Markdown renderer that converts each distinct text once, keeping the HTML in `html`.

    `Renderer.to_html` resets the converter for every document, so its
    result depends on the text alone and can be kept.
    """

    def __init__(self, html: MutableMapping[Hashable, Any] | None = None) -> None:
        # No converter yet: configuring Python-Markdown costs more than a rebuild that converts nothing.
        self._converter: Renderer | None = None
        self._html: MutableMapping[Hashable, Any] = {} if html is None else html
        self._used: set[tuple[str, int]] = set()

    def to_html(self, text: str, top: int = 2) -> str:
        key = (text, top)
        self._used.add(key)
        html = self._html.get(key)
        if html is None:
            if self._converter is None:
                self._converter = Renderer()
            html = self._converter.to_html(text, top)
            self._html[key] = html
        return html

    def prepare(self, items: list[tuple[str, int]], parallel: bool = False) -> None:
        """Convert the texts not yet kept, across processes when `parallel` and there are many."""
        from projcat.render.parallel import convert_all

        # Asked for in this build, so kept by `sweep` even when a reused view never converts it again.
        self._used.update(items)
        missing = sorted({item for item in items if item not in self._html})
        if not missing:
            return
        if not parallel:
            for text, top in missing:
                self.to_html(text, top)
            return
        for item, html in zip(missing, convert_all(missing), strict=True):
            self._html[item] = html

    def sweep(self) -> int:
        """Forget texts the last build did not ask for, so a day of edits does not pile up."""
        dropped = retain(self._html, self._used)
        self._used = set()
        return dropped
