"""Digests of a memo's inputs, so a cache compares a few bytes instead of keeping the inputs.

A page's inputs hold its project's view, the site's view and the templates;
keeping them beside each page's bytes would keep the site view thousands of
times over, and comparing them means reading them back. A cache keeps their
digest instead. Objects the cache made itself (a validated record, a view it
returned) stand in the digest by the version they were made from, and an
object several inputs share is digested once per build, so the digest of an
unchanged page costs a few small pickles.

A digest must be the same in every process for equal inputs: pydantic
models stand in by their JSON, sets by their members' digests in order
(a set's pickle follows the process's hash seed).
"""

from __future__ import annotations

import hashlib
import io
import pickle
from typing import Any

from pydantic import BaseModel


def _hash(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=20).digest()


class _Pickler(pickle.Pickler):
    def __init__(self, stream: io.BytesIO, owner: Fingerprints) -> None:
        super().__init__(stream, protocol=pickle.HIGHEST_PROTOCOL)
        # No memo: with one, equal values pickle differently as they are one object or two.
        self.fast = True
        self._owner = owner

    def persistent_id(self, obj: Any) -> Any:
        return self._owner.stand_in(obj)


class Fingerprints:
    """What a cache knows the version of, and the digests made this build; `clear()` after each build."""

    def __init__(self) -> None:
        # By identity, with the object itself so its id is not reused while it is known.
        self._known: dict[int, tuple[object, bytes]] = {}
        # Digests of whole inputs' members made this build. Apart from `_known`: an object must be
        # pickled the same whether or not it was digested before, or a digest would depend on order.
        self._made: dict[int, tuple[object, bytes]] = {}

    def register(self, obj: object, version: bytes) -> None:
        """`obj` stands in every later digest as `version` (it must not change meanwhile)."""
        self._known[id(obj)] = (obj, version)

    def of(self, inputs: object) -> bytes:
        """The digest of `inputs`; each member of a tuple is digested apart and remembered."""
        if isinstance(inputs, tuple):
            return _hash(b"".join(self._digest(member) for member in inputs))
        return self._digest(inputs)

    def _digest(self, obj: object) -> bytes:
        known = self._known.get(id(obj)) or self._made.get(id(obj))
        if known is not None:
            return known[1]
        if isinstance(obj, str | bytes | int | float | bool | None):
            return _hash(repr(obj).encode())
        stream = io.BytesIO()
        _Pickler(stream, self).dump(obj)
        made = _hash(stream.getvalue())
        self._made[id(obj)] = (obj, made)
        return made

    def stand_in(self, obj: object) -> Any:
        """What `obj` is pickled as in a digest, or None to pickle it as it is."""
        known = self._known.get(id(obj))
        if known is not None:
            return known[1]
        if isinstance(obj, BaseModel):
            made = _hash(f"{type(obj).__module__}.{type(obj).__qualname__}\0".encode()
                         + obj.model_dump_json().encode())
            self.register(obj, made)
            return made
        if isinstance(obj, set | frozenset):
            return (type(obj).__name__, sorted(self._digest(member) for member in obj))
        return None

    def clear(self) -> None:
        self._known = {}
        self._made = {}
