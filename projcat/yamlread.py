"""A strict YAML reader that keeps every value as the text the editor wrote.

PyYAML's loaders turn `NO` into False, `01234` into 1234 and `12:30` into
750, expand aliases, construct tagged objects and let the last duplicate key
win. Editors never mean any of that. This reader walks PyYAML's event stream
instead and builds plain `str | list | dict` values, refusing tags, anchors,
aliases and duplicate keys, and recording where each key and value stands so
a problem can point at the editor's line and column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterator, Union

import yaml
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    Event,
    MappingEndEvent,
    MappingStartEvent,
    NodeEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
    StreamStartEvent,
)
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

from projcat.problems import Problem

Value = Union[str, list["Value"], dict[str, "Value"]]
Path = tuple[Union[str, int], ...]

CURLY_QUOTES = "\u201c\u201d\u201e\u2018\u2019\u201a\u00ab\u00bb"
_STR_TAG = "tag:yaml.org,2002:str"
_RESOLVER = Resolver()


@dataclass(frozen=True)
class Mark:
    line: int
    col: int


@dataclass
class Document:
    """One YAML document: its value, where each part stands, and what was wrong."""

    data: Value | None
    values: dict[Path, Mark] = field(default_factory=dict)
    keys: dict[Path, Mark] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def mark(self, path: Path, *, key: bool = False) -> Mark | None:
        """The position of `path`, or of its nearest ancestor that has one."""
        probe = path
        while True:
            table = self.keys if key else self.values
            if probe in table:
                return table[probe]
            if key and probe in self.values:
                return self.values[probe]
            if not probe:
                return None
            probe = probe[:-1]


class _Refused(Exception):
    """Stops the walk: the document holds something that must not be read on."""


class _Walker:
    def __init__(self, text: str, path: str, line_offset: int) -> None:
        self.text_lines = text.split("\n")
        self.path = path
        self.offset = line_offset
        self.doc = Document(data=None)

    def mark_of(self, m: yaml.Mark) -> Mark:
        return Mark(m.line + 1 + self.offset, m.column + 1)

    def problem(self, code: str, m: yaml.Mark, *, field: str = "", **params: object) -> None:
        mk = self.mark_of(m)
        self.doc.problems.append(
            Problem.make(self.path, code, line=mk.line, col=mk.col, field=field, **params)
        )

    def warn(self, code: str, m: yaml.Mark, *, field: str = "", **params: object) -> None:
        mk = self.mark_of(m)
        self.doc.problems.append(
            Problem.make(
                self.path, code, line=mk.line, col=mk.col, field=field, severity="warning", **params
            )
        )

    def refuse_extras(self, event: NodeEvent, path: Path) -> None:
        if isinstance(event, AliasEvent) or event.anchor is not None:
            self.problem("yaml.anchor", event.start_mark, field=dotted(path))
            raise _Refused
        tag = getattr(event, "tag", None)
        if tag is not None and tag != "!":
            self.problem("yaml.tag", event.start_mark, field=dotted(path), tag=tag)
            raise _Refused

    def node(self, event: Event, events: Iterator[Event], path: Path) -> Value:
        assert isinstance(event, NodeEvent)
        self.refuse_extras(event, path)
        self.doc.values[path] = self.mark_of(event.start_mark)
        if isinstance(event, ScalarEvent):
            self.check_scalar(event, path)
            return event.value
        if isinstance(event, SequenceStartEvent):
            items: list[Value] = []
            for child in events:
                if isinstance(child, SequenceEndEvent):
                    return items
                items.append(self.node(child, events, path + (len(items),)))
            raise _Refused
        if isinstance(event, MappingStartEvent):
            return self.mapping(events, path)
        raise _Refused

    def mapping(self, events: Iterator[Event], path: Path) -> dict[str, Value]:
        result: dict[str, Value] = {}
        for key_event in events:
            if isinstance(key_event, MappingEndEvent):
                return result
            if not isinstance(key_event, ScalarEvent):
                self.refuse_extras(key_event, path)  # type: ignore[arg-type]
                self.problem("yaml.complex_key", key_event.start_mark, field=dotted(path))
                raise _Refused
            self.refuse_extras(key_event, path)
            key = key_event.value
            key_path = path + (key,)
            if key_event.style is None:
                resolved = _RESOLVER.resolve(ScalarNode, key, (True, False))
                if resolved != _STR_TAG:
                    self.problem("yaml.key_not_string", key_event.start_mark, field=key, key=key)
            value_event = next(events)
            value = self.node(value_event, events, key_path)
            if key in result:
                first = self.doc.keys[key_path]
                this = self.mark_of(key_event.start_mark)
                self.problem(
                    "yaml.duplicate_key", key_event.start_mark, field=dotted(key_path),
                    key=key, other_line=first.line,
                )
                self.doc.problems.append(
                    Problem.make(
                        self.path, "yaml.duplicate_key", line=first.line, col=first.col,
                        field=dotted(key_path), key=key, other_line=this.line,
                    )
                )
                continue
            self.doc.keys[key_path] = self.mark_of(key_event.start_mark)
            result[key] = value
        raise _Refused

    def check_scalar(self, event: ScalarEvent, path: Path) -> None:
        if event.style is not None:
            return
        value = event.value
        if value[:1] in CURLY_QUOTES:
            self.problem("yaml.curly_quotes", event.start_mark, field=dotted(path))
        # PyYAML drops comments; a plain value followed by ` #` lost its tail.
        line = self.text_lines[event.end_mark.line] if event.end_mark.line < len(self.text_lines) else ""
        if re.match(r"[ \t]+#", line[event.end_mark.column:]) and event.start_mark.line == event.end_mark.line:
            self.warn("yaml.maybe_comment", event.start_mark, field=dotted(path))


def dotted(path: Path) -> str:
    """`('funding', 0, 'amount_eur')` -> `funding[0].amount_eur`, as an editor reads it."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out


def _tab_problems(text: str, path: str, offset: int) -> list[Problem]:
    problems = []
    for number, line in enumerate(text.split("\n"), start=1):
        indent = re.match(r"[ \t]*", line).group(0)  # type: ignore[union-attr]
        if "\t" in indent and line.strip():
            problems.append(
                Problem.make(path, "yaml.tab", line=number + offset, col=indent.index("\t") + 1)
            )
    return problems


def _syntax_problem(exc: yaml.YAMLError, text: str, path: str, offset: int) -> Problem:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 + offset if mark else None
    col = mark.column + 1 if mark else None
    detail = str(getattr(exc, "problem", "") or exc).strip()
    source_line = text.split("\n")[mark.line] if mark and mark.line < len(text.split("\n")) else ""
    if any(q in source_line for q in CURLY_QUOTES):
        return Problem.make(path, "yaml.curly_quotes", line=line, col=col)
    if "mapping values are not allowed" in detail:
        return Problem.make(path, "yaml.colon", line=line, col=col)
    found = re.search(r"found character '(.)' that cannot start any token", detail)
    if found:
        return Problem.make(path, "yaml.reserved_start", line=line, col=col, char=found.group(1))
    if "found character '\\t'" in detail or "\\t" in detail:
        return Problem.make(path, "yaml.tab", line=line, col=col)
    return Problem.make(path, "yaml.syntax", line=line, col=col, detail=detail)


def read_yaml(text: str, path: str, line_offset: int = 0) -> Document:
    """Read one YAML document; `line_offset` is how many file lines precede `text`."""
    tabs = _tab_problems(text, path, line_offset)
    if tabs:
        return Document(data=None, problems=tabs)
    walker = _Walker(text, path, line_offset)
    try:
        events = iter(yaml.parse(text, Loader=yaml.SafeLoader))
        for event in events:
            if isinstance(event, (StreamStartEvent, DocumentStartEvent)):
                continue
            if isinstance(event, (StreamEndEvent,)):
                break
            if isinstance(event, DocumentEndEvent):
                # A second document in front matter is never meant.
                following = next(events)
                if not isinstance(following, StreamEndEvent):
                    walker.problem("yaml.syntax", following.start_mark, detail="---")
                break
            walker.doc.data = walker.node(event, events, ())
    except _Refused:
        walker.doc.data = None
    except yaml.YAMLError as exc:
        walker.doc.problems.append(_syntax_problem(exc, text, path, line_offset))
        walker.doc.data = None
    return walker.doc
