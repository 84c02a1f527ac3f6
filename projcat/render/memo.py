"""What rendering may ask of a memo: the little of a build cache that `pages` uses.

Owned by render, so render needs nothing from the build stage: the build's
caches (`projcat.build.cache.BuildCache`) satisfy this protocol, and a page
rendered through one is the same bytes as one rendered without.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from jinja2 import Environment


class RenderMemo(Protocol):
    def environment(self, fresh: Environment) -> Environment:
        """`fresh`, or an environment kept from before whose templates are all the same."""
        ...

    def page(self, output: str, inputs: object, produce: Callable[[], bytes]) -> bytes:
        """`produce()`, or the bytes kept for `output` when `inputs` equals what produced them."""
        ...

    def piece(self, name: str, key: object, produce: Callable[[], object]) -> object:
        """`produce()`, or the value kept under `name` when it was made for an equal `key`."""
        ...
