"""What a build may reuse from an earlier run: the interface, not a store.

A build given a `BuildCache` must produce exactly the bytes it produces
without one; the cache only saves work. Each method therefore stands for a
pure step, and an implementation answers from memory only when the step's
whole input is the same as before:

- `read_record`: file bytes + the path shown in messages -> `RawRecord`
  (front matter parsed with positions; the slow part of a build);
- `renderer`: a Markdown renderer whose `to_html` may be memoised by text;
- `page`: (page, site view, template sources) -> the page's bytes.

`projcat.incremental.MemoryCache` keeps these in memory for the preview.
A persistent cache for `build` can implement the same three methods.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Protocol

from projcat.load import RawRecord
from projcat.markup import Renderer


class BuildCache(Protocol):
    def read_record(self, file: Path, display: str) -> RawRecord:
        """`load.read_record(file, display)`, or the same result kept from before."""
        ...

    def renderer(self) -> Renderer:
        """The Markdown renderer to use for this build."""
        ...

    def page(self, output: str, inputs: object, produce: Callable[[], bytes]) -> bytes:
        """`produce()`, or the bytes kept for `output` when `inputs` equals what produced them."""
        ...
