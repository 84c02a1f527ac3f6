"""The build cache's values as JSON text, made back into values without running anything they name.

A kept value is the tool's own data: records, settings, views, pages and the
standard library's value types. `encode` writes one as JSON in which
everything beyond a string, number, boolean or null is an array whose first
item says what it is: a small number for a built-in kind (list, tuple, dict,
date, bytes, Markup...), or, for the tool's own classes, one of the kinds
below and the class's `module:name`. Long texts and bytes (a page, a
converted body) follow the JSON, after its one line break, as they are, and
the JSON gives where each begins and ends: escaping them into JSON strings
and out again was a large part of the time a store took.

`decode` makes values only. A class name is looked up only in the tool's
modules of values (the same ones the pickled cache once allowed), and only a
dataclass, a pydantic model, an enum or a named tuple defined there is made,
by filling in its fields the way pickle does (no `__init__`, no validator, no
other call); anything else, an unknown kind, or text that is not this
format raises `Untrusted`, and the build then uses nothing from that cache
(`projcat.engine.disk`).

Instances of `SHARED` classes (a project's record, catalogue entry and view,
the site's settings) appear in many kept entries: a page, its list items and
the view step all hold the same view. They are written once, under the
digest of their own encoding, and an entry refers to them by digest (`Sharing`);
read back, every reference to one digest is the same object, as it was in
the build that saved it.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import importlib
import json
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from pathlib import PosixPath, PurePosixPath
from typing import Any

from markupsafe import Markup
from pydantic import BaseModel

from projcat.content.localtext import LocalText

__all__ = ["SHARED", "Sharing", "Untrusted", "decode", "encode", "encode_key"]


class Untrusted(ValueError):
    """The text is not a value this codec wrote: an unknown kind or class, or not this format."""


# The tool's modules of values (records, settings, views, pages, problems) and the cache's own
# entries: not the commands, the preview's server or anything else whose making could start something.
_VALUE_MODULES = frozenset({"projcat.catalogue", "projcat.problems", "projcat.languages", "projcat.engine.memory"})
_VALUE_PACKAGES = ("projcat.content.", "projcat.render.")

# Kept once, referred to by digest (see the module docstring).
SHARED = frozenset({
    ("projcat.catalogue", "Entry"), ("projcat.content.records", "ValidRecord"),
    ("projcat.content.records", "ValidTranslation"), ("projcat.content.settings", "SiteConfig"),
    ("projcat.render.views", "ProjectView"), ("projcat.render.views", "SiteView"),
})

# Built-in kinds: the first item of an array.
_LIST, _TUPLE, _DICT, _SET, _FROZENSET, _TEXT_BYTES, _BYTES, _DATE, _DATETIME, _DECIMAL, _PATH, _PURE_PATH, \
    _MARKUP, _LOCALTEXT, _REF, _PART_TEXT, _PART_BYTES = range(17)
# Texts and bytes this long are kept after the JSON, as they are, not escaped inside it.
_LONG = 256
# The tool's classes: the kind, then "module:name".
_ENUM, _TUPLE_CLASS, _FIELDS, _ATTRIBUTES, _MODEL, _MODEL_ATTRIBUTES = range(20, 26)


@dataclasses.dataclass(frozen=True)
class _Class:
    """How one allowed class is written and made again."""

    cls: type[Any]
    tag: str
    kind: int
    # Its fields in order: a value whose attributes are exactly these is written as their values alone.
    names: tuple[str, ...] = ()
    shared: bool = False


def _describe(cls: type[Any]) -> _Class | None:
    """How `cls` is kept, or `None` when it is not a value class of the tool's."""
    module, name = cls.__module__, cls.__qualname__
    if not (module in _VALUE_MODULES or module.startswith(_VALUE_PACKAGES)) or "." in name:
        return None
    tag = f"{module}:{name}"
    shared = (module, name) in SHARED
    if issubclass(cls, Enum):
        return _Class(cls, tag, _ENUM)
    if issubclass(cls, tuple) and hasattr(cls, "_fields"):
        return _Class(cls, tag, _TUPLE_CLASS)
    if issubclass(cls, BaseModel):
        return _Class(cls, tag, _MODEL, tuple(cls.model_fields), shared)
    if dataclasses.is_dataclass(cls) and "__slots__" not in cls.__dict__:
        return _Class(cls, tag, _FIELDS, tuple(f.name for f in dataclasses.fields(cls)), shared)
    return None


_BY_CLASS: dict[type[Any], _Class | None] = {}
_BY_TAG: dict[str, _Class] = {}


def _allowed(tag: object) -> _Class:
    """The class a tag names, looked up only among the tool's value modules."""
    found = _BY_TAG.get(tag) if isinstance(tag, str) else None
    if found is not None:
        return found
    if not isinstance(tag, str) or tag.count(":") != 1:
        raise Untrusted(f"not a class name: {tag!r}")
    module, name = tag.split(":")
    if not (module in _VALUE_MODULES or module.startswith(_VALUE_PACKAGES)) or not name.isidentifier():
        raise Untrusted(f"not a value class of this tool: {tag}")
    try:
        cls = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as error:
        raise Untrusted(f"no such value class: {tag}") from error
    described = _describe(cls) if isinstance(cls, type) else None
    if described is None or described.tag != tag:
        raise Untrusted(f"not a value class of this tool: {tag}")
    _BY_TAG[tag] = described
    return described


def _class_of(cls: type[Any]) -> _Class:
    if cls not in _BY_CLASS:
        _BY_CLASS[cls] = _describe(cls)
    described = _BY_CLASS[cls]
    if described is None:
        raise TypeError(f"the build cache keeps no {cls.__module__}.{cls.__qualname__}")
    _BY_TAG.setdefault(described.tag, described)
    return described


class Sharing:
    """The shared values met while encoding: digest -> encoded text, and which an entry uses.

    `known` maps the id of a value already in the store (loaded, or written by this
    sharing) to its digest, so an unchanged shared value is not encoded again; the value is
    held beside its id so the id cannot be reused by another object meanwhile. `used` is
    every shared value an entry needs, those inside the shared values it refers to too."""

    def __init__(self) -> None:
        self.known: dict[int, tuple[object, str]] = {}
        self.new: dict[str, bytes] = {}
        self.used: set[str] = set()
        # Digest -> the shared values inside it, at any depth.
        self._inside: dict[str, frozenset[str]] = {}

    def loaded(self, value: object, digest: str, inside: set[str]) -> None:
        """`value`, read from the store under `digest`, and the shared values it refers to directly.

        Those were read before it (a value is made from the inside out), so what they hold at any
        depth is known already."""
        self.known[id(value)] = (value, digest)
        found = set(inside)
        for child in inside:
            found.update(self._inside.get(child, ()))
        self._inside[digest] = frozenset(found)

    def _use(self, digest: str) -> None:
        self.used.add(digest)
        self.used.update(self._inside.get(digest, ()))

    def digest(self, value: object, described: _Class) -> str:
        kept = self.known.get(id(value))
        if kept is not None and kept[0] is value:
            self._use(kept[1])
            return kept[1]
        outer, self.used = self.used, set()
        try:
            out = _Out(self)
            text = out.joined(_tree(value, described, out, top=True))
        finally:
            inner, self.used = self.used, outer
        digest = hashlib.sha256(text).hexdigest()
        self._inside[digest] = frozenset(inner)
        self.known[id(value)] = (value, digest)
        self.new[digest] = text
        self._use(digest)
        return digest


def _tree(value: Any, described: _Class, out: _Out, top: bool = False) -> Any:
    """`value`, an instance of an allowed class, as a JSON-ready tree."""
    if described.shared and not top and out.sharing is not None:
        return [_REF, out.sharing.digest(value, described)]
    kind = described.kind
    if kind == _ENUM:
        return [kind, described.tag, value.name]
    if kind == _TUPLE_CLASS:
        return [kind, described.tag, *(_plain(item, out) for item in value)]
    if kind == _MODEL:
        attributes = value.__dict__
        extra = [_plain(value.__pydantic_extra__, out), _plain(value.__pydantic_private__, out),
                 sorted(value.__pydantic_fields_set__)]
        if tuple(attributes) == described.names:
            return [kind, described.tag, extra, *(_plain(item, out) for item in attributes.values())]
        return [_MODEL_ATTRIBUTES, described.tag, extra, _plain(dict(attributes), out)]
    attributes = value.__dict__
    if tuple(attributes) == described.names:
        return [_FIELDS, described.tag, *(_plain(item, out) for item in attributes.values())]
    return [_ATTRIBUTES, described.tag, _plain(dict(attributes), out)]


def _plain(value: Any, out: _Out) -> Any:
    kind = type(value)
    if kind is str:
        return value if len(value) < _LONG else out.part(_PART_TEXT, value.encode())
    if kind is int or kind is float or kind is bool or value is None:
        return value
    if kind is list:
        return [_LIST, *(_plain(item, out) for item in value)]
    if kind is tuple:
        return [_TUPLE, *(_plain(item, out) for item in value)]
    if kind is dict:
        flat: list[Any] = [_DICT]
        for key, item in value.items():
            flat.append(_plain(key, out))
            flat.append(_plain(item, out))
        return flat
    if kind is Markup:
        return [_MARKUP, str(value)]
    if kind is LocalText:
        return [_LOCALTEXT, str(value), *(part for pair in value.by_lang.items() for part in pair)]
    if kind is bytes:
        if len(value) >= _LONG:
            return out.part(_PART_BYTES, value)
        try:
            return [_TEXT_BYTES, value.decode()]
        except UnicodeDecodeError:
            return [_BYTES, base64.b64encode(value).decode()]
    if kind is set or kind is frozenset:
        # Sorted by encoding, so equal sets are equal text (and one digest when shared).
        items = sorted((_plain(item, out) for item in value), key=_dumps)
        return [_SET if kind is set else _FROZENSET, *items]
    if kind is PosixPath:
        return [_PATH, str(value)]
    if kind is PurePosixPath:
        return [_PURE_PATH, str(value)]
    if kind is date:
        return [_DATE, value.isoformat()]
    if kind is datetime:
        return [_DATETIME, value.isoformat()]
    if kind is Decimal:
        return [_DECIMAL, str(value)]
    return _tree(value, _class_of(kind), out)


def _dumps(tree: Any) -> str:
    return json.dumps(tree, ensure_ascii=False, separators=(",", ":"), allow_nan=True)


class _Out:
    """Where one encoding puts its shared values and its long texts."""

    def __init__(self, sharing: Sharing | None, inline: bool = False) -> None:
        self.sharing = sharing
        self.parts: list[bytes] = []
        self.size = 0
        # Everything inside the JSON: a key is compared as text.
        self.inline = inline

    def part(self, kind: int, data: bytes) -> Any:
        if self.inline:
            if kind == _PART_TEXT:
                return data.decode()
            try:
                return [_TEXT_BYTES, data.decode()]
            except UnicodeDecodeError:
                return [_BYTES, base64.b64encode(data).decode()]
        start = self.size
        self.parts.append(data)
        self.size += len(data)
        return [kind, start, self.size]

    def joined(self, tree: Any) -> bytes:
        # JSON written compactly has no line break, so the first one ends it.
        return b"\n".join((_dumps(tree).encode(), b"".join(self.parts)))


def encode(value: Any, sharing: Sharing | None = None) -> bytes:
    """`value` as bytes; its `SHARED` parts go to `sharing` (written whole when there is none)."""
    out = _Out(sharing)
    return out.joined(_plain(value, out))


def encode_key(key: Any) -> str:
    """A store key as text: equal keys give equal text."""
    return _dumps(_plain(key, _Out(None, inline=True)))


def _new(cls: type[Any], attributes: dict[str, Any]) -> Any:
    value = object.__new__(cls)
    value.__dict__.update(attributes)
    return value


def _pairs(items: list[Any], start: int, source: _Source) -> dict[Any, Any]:
    if (len(items) - start) % 2:
        raise Untrusted("a mapping with a key and no value")
    made = _values(items[start:], source)
    return dict(zip(made[::2], made[1::2], strict=True))


def _object(tree: list[Any], source: _Source) -> Any:
    kind = tree[0]
    described = _allowed(tree[1])
    if {_ATTRIBUTES: _FIELDS, _MODEL_ATTRIBUTES: _MODEL}.get(kind, kind) != described.kind:
        raise Untrusted(f"{described.tag} is not kept as kind {kind}")
    cls = described.cls
    if kind == _ENUM:
        member = cls.__members__.get(tree[2]) if isinstance(tree[2], str) else None
        if member is None:
            raise Untrusted(f"no member {tree[2]!r} in {described.tag}")
        return member
    if kind == _TUPLE_CLASS:
        items = [_value(item, source) for item in tree[2:]]
        if len(items) != len(cls._fields):
            raise Untrusted(f"{described.tag} with {len(items)} fields")
        return tuple.__new__(cls, items)
    if kind in (_MODEL, _MODEL_ATTRIBUTES):
        extra, private, fields_set = tree[2]
        if kind == _MODEL:
            attributes = dict(_named(described, tree[3:], source))
        elif len(tree) != 4 or not isinstance(attributes := _value(tree[3], source), dict):
            raise Untrusted(f"{described.tag} without its fields")
        model = object.__new__(cls)
        object.__setattr__(model, "__dict__", attributes)
        object.__setattr__(model, "__pydantic_extra__", _value(extra, source))
        object.__setattr__(model, "__pydantic_private__", _value(private, source))
        object.__setattr__(model, "__pydantic_fields_set__", {str(name) for name in fields_set})
        return model
    if kind == _ATTRIBUTES:
        attributes = _value(tree[2], source)
        if not isinstance(attributes, dict) or not all(isinstance(name, str) for name in attributes):
            raise Untrusted(f"{described.tag} with attributes that are not names")
        return _new(cls, attributes)
    return _new(cls, dict(_named(described, tree[2:], source)))


def _named(described: _Class, items: list[Any], source: _Source) -> zip[tuple[str, Any]]:
    if len(items) != len(described.names):
        raise Untrusted(f"{described.tag} with {len(items)} fields")
    return zip(described.names, _values(items, source), strict=True)


# What JSON makes that is a value as it is; testing for it inline saves a call per string.
_LEAVES = frozenset({str, int, float, bool, type(None)})


def _values(items: list[Any], source: _Source) -> list[Any]:
    return [item if type(item) in _LEAVES else _value(item, source) for item in items]


def _text(tree: list[Any]) -> str:
    if len(tree) != 2 or type(tree[1]) is not str:
        raise Untrusted(f"kind {tree[0]} without its text")
    return tree[1]


def _value(tree: Any, source: _Source) -> Any:
    kind = type(tree)
    if kind is not list:
        if kind is dict:
            raise Untrusted("an object where this format has none")
        return tree
    if not tree or type(tree[0]) is not int:
        raise Untrusted("an array without its kind")
    what = tree[0]
    if what == _LIST:
        return _values(tree[1:], source)
    if what == _TUPLE:
        return tuple(_values(tree[1:], source))
    if what == _DICT:
        return _pairs(tree, 1, source)
    if what == _MARKUP:
        # The tool made it safe before keeping it. A store is kept from running code, not from holding
        # other HTML: its page bytes are written out as they are too.
        return Markup(_text(tree))  # noqa: S704
    if what == _TEXT_BYTES:
        return _text(tree).encode()
    if what == _LOCALTEXT:
        if len(tree) < 2 or not all(type(part) is str for part in tree[1:]) or len(tree) % 2:
            raise Untrusted("a text in languages that is not texts")
        return LocalText(tree[1], dict(zip(tree[2::2], tree[3::2], strict=True)))
    if what == _PART_TEXT:
        return source.part(tree).decode()
    if what == _PART_BYTES:
        return source.part(tree)
    if what == _REF:
        return source.resolve(_text(tree))
    if what in _SIMPLE:
        try:
            return _SIMPLE[what](_text(tree))
        except (ValueError, ArithmeticError) as error:
            raise Untrusted(f"kind {what} from {tree[1]!r}") from error
    if what == _SET:
        return {_value(item, source) for item in tree[1:]}
    if what == _FROZENSET:
        return frozenset(_value(item, source) for item in tree[1:])
    if _ENUM <= what <= _MODEL_ATTRIBUTES and len(tree) >= 2:
        return _object(tree, source)
    raise Untrusted(f"unknown kind {what}")


_SIMPLE: Mapping[int, Callable[[str], Any]] = {
    _BYTES: lambda text: base64.b64decode(text, validate=True), _DATE: date.fromisoformat,
    _DATETIME: datetime.fromisoformat, _DECIMAL: Decimal, _PATH: PosixPath, _PURE_PATH: PurePosixPath,
}


def _no_references(digest: str) -> Any:
    raise Untrusted(f"a reference to a shared value where none is kept: {digest}")


class _Source:
    """What one decoding reads from besides its JSON: the shared values and the long texts."""

    def __init__(self, resolve: Callable[[str], Any], parts: bytes) -> None:
        self.resolve = resolve
        self.parts = parts

    def part(self, tree: list[Any]) -> bytes:
        if len(tree) != 3 or type(tree[1]) is not int or type(tree[2]) is not int \
                or not 0 <= tree[1] <= tree[2] <= len(self.parts):
            raise Untrusted("a long text outside its entry")
        return self.parts[tree[1]:tree[2]]


def decode(data: bytes | str, resolve: Callable[[str], Any] = _no_references) -> Any:
    """The value `data` (from `encode`, or a key from `encode_key`) holds; `resolve(digest)` gives
    a shared value. Raises `Untrusted`."""
    if isinstance(data, str):
        data = data.encode()
    head, _, parts = data.partition(b"\n")
    try:
        tree = json.loads(head)
    except (ValueError, RecursionError) as error:
        raise Untrusted("not a kept value") from error
    try:
        return _value(tree, _Source(resolve, parts))
    except (TypeError, IndexError, RecursionError, ValueError, UnicodeDecodeError) as error:
        if isinstance(error, Untrusted):
            raise
        raise Untrusted(f"not a kept value: {error}") from error

