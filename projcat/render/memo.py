"""What rendering may ask of a memo: the little of a build cache that views and pages use.

Owned by render, so render needs nothing from the build stage: the build's
caches (`projcat.engine.cache.BuildCache`) satisfy these protocols, and a
page rendered through one is the same bytes as one rendered without.

A memoised step is a function called with its arguments spelled out,
`memo(step, name, args, function)`: the result is `function(*args)`, kept
under (`step`, `name`) and reused only while the arguments are equal and
every file the function read (through `projcat.content.inputs`) is
unchanged. Whatever the function uses must therefore be among `args` (or
be a pure function of them): no key is written beside the call.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

if TYPE_CHECKING:
    from jinja2 import Environment

T = TypeVar("T")


class Memo(Protocol):
    def __call__(self, step: str, name: str, args: tuple[Any, ...], function: Callable[..., T]) -> T:
        """`function(*args)`, or the value kept for (`step`, `name`) made from equal arguments
        by a call whose files are all unchanged."""
        ...


class RenderMemo(Protocol):
    def environment(self, fresh: Environment) -> Environment:
        """`fresh`, or an environment kept from before whose templates are all the same."""
        ...

    def memo(self, step: str, name: str, args: tuple[Any, ...], function: Callable[..., T]) -> T:
        """As `Memo`."""
        ...
