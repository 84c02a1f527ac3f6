"""A strict YAML reader that keeps every value as the text the editor wrote.

PyYAML's loaders turn `NO` into False, `01234` into 1234 and `12:30` into
750, expand aliases, construct tagged objects and let the last duplicate key
win. Editors never mean any of that. This reader walks PyYAML's event stream
instead and builds plain `str | list | dict` values, refusing tags, anchors,
aliases and duplicate keys, and recording where each key and value stands so
a problem can point at the editor's line and column.

A syntax error stops PyYAML at the first mistake. So that an editor sees
every mistake of a file in one run, the reader then blanks the top-level
field the mistake sits in (keeping the line numbers) and reads the rest
again, a bounded number of times. Fields blanked this way are listed in
`Document.skipped`, so the schema does not also call them missing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Protocol, Unpack

import yaml
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    Event,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
    StreamStartEvent,
)
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

from projcat.content.yamlerrors import CURLY_QUOTES, block_of, classify, single_item, tab_problems
from projcat.problems import Problem, ProblemParams, Severity

Value = str | list["Value"] | dict[str, "Value"]
Path = tuple[str | int, ...]

_STR_TAG = "tag:yaml.org,2002:str"
_RESOLVER = Resolver()
# Front matter is a handful of fields; nesting deeper than this is a mistake,
# and refusing it keeps the walk's recursion bounded whatever the input.
MAX_DEPTH = 12
# Re-reading after a syntax error costs a parse each time: bound it.
MAX_RECOVERIES = 25
MAX_RECOVERY_CHARS = 64 * 1024


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
    # Top-level keys left out because their lines could not be read.
    skipped: set[str] = field(default_factory=set)
    # Where the document starts, for problems about the whole of it.
    origin: Mark | None = None
    # Values written as nothing at all (`alt:`), unlike an empty text written out (`alt: ""`).
    blank: set[Path] = field(default_factory=set)

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
                return self.origin
            probe = probe[:-1]


class _Position(Protocol):
    """A mark of either PyYAML parser: the pure-Python one's or libyaml's."""

    @property
    def line(self) -> int: ...

    @property
    def column(self) -> int: ...


class _Refused(Exception):
    """Stops the walk at a node that must not be read; `mark` is where it stands."""

    def __init__(self, mark: _Position | None) -> None:
        super().__init__("refused")
        self.mark = mark


def editor_tag(tag: str) -> str:
    """`tag:yaml.org,2002:python/object` -> `!!python/object`, as it was typed."""
    prefix = "tag:yaml.org,2002:"
    return "!!" + tag[len(prefix):] if tag.startswith(prefix) else tag


class _Walker:
    def __init__(self, text: str, path: str, line_offset: int) -> None:
        self.text_lines = text.split("\n")
        self.path = path
        self.offset = line_offset
        self.doc = Document(data=None)

    def mark_of(self, m: _Position | None) -> Mark:
        # Both parsers mark every event; the stubs only leave room for None.
        assert m is not None
        return Mark(m.line + 1 + self.offset, m.column + 1)

    def problem(self, code: str, m: _Position | None, *, field: str = "", severity: Severity = "error",
                **params: Unpack[ProblemParams]) -> None:
        mk = self.mark_of(m)
        self.doc.problems.append(
            Problem.make(self.path, code, line=mk.line, col=mk.col, field=field, severity=severity, **params)
        )

    def refuse_extras(self, event: Event, path: Path) -> None:
        if isinstance(event, AliasEvent) or getattr(event, "anchor", None) is not None:
            self.problem("yaml.anchor", event.start_mark, field=dotted(path))
            raise _Refused(event.start_mark)
        tag = getattr(event, "tag", None)
        if tag is not None and tag != "!":
            self.problem("yaml.tag", event.start_mark, field=dotted(path), tag=editor_tag(tag))
            raise _Refused(event.start_mark)

    def node(self, event: Event, events: Iterator[Event], path: Path) -> Value:
        self.refuse_extras(event, path)
        if len(path) > MAX_DEPTH:
            self.problem("yaml.too_deep", event.start_mark, field=dotted(path[:1]))
            raise _Refused(event.start_mark)
        self.doc.values[path] = self.mark_of(event.start_mark)
        if isinstance(event, ScalarEvent):
            self.check_scalar(event, path)
            if event.style is None and not event.value:
                self.doc.blank.add(path)
            return event.value
        if isinstance(event, SequenceStartEvent):
            items: list[Value] = []
            for child in events:
                if isinstance(child, SequenceEndEvent):
                    return items
                items.append(self.node(child, events, (*path, len(items))))
            raise _Refused(event.start_mark)
        if isinstance(event, MappingStartEvent):
            return self.mapping(events, path)
        raise _Refused(event.start_mark)

    def mapping(self, events: Iterator[Event], path: Path) -> dict[str, Value]:
        result: dict[str, Value] = {}
        for key_event in events:
            if isinstance(key_event, MappingEndEvent):
                return result
            self.refuse_extras(key_event, path)
            if not isinstance(key_event, ScalarEvent):
                self.problem("yaml.complex_key", key_event.start_mark, field=dotted(path))
                raise _Refused(key_event.start_mark)
            key = key_event.value
            key_path = (*path, key)
            usable = True
            if key_event.style is None:
                resolved = _RESOLVER.resolve(ScalarNode, key, (True, False))  # type: ignore[no-untyped-call]
                if not key.strip():
                    self.problem("yaml.empty_key", key_event.start_mark, field=dotted(path))
                    usable = False
                elif resolved != _STR_TAG:
                    # Other YAML tools read `yes:` as true and `1:` as a number.
                    self.problem("yaml.key_not_string", key_event.start_mark, field=dotted(key_path), key=key)
                    usable = False
            value = self.node(next(events), events, key_path)
            if not usable:
                continue
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
        raise _Refused(None)

    def check_scalar(self, event: ScalarEvent, path: Path) -> None:
        if event.style is not None or not event.value:
            return
        value = event.value
        if value[0] in CURLY_QUOTES:
            self.problem("yaml.curly_quotes", event.start_mark, field=dotted(path))
        # PyYAML drops comments; a plain value followed by ` #` lost its tail.
        end = event.end_mark
        start = event.start_mark
        assert end is not None and start is not None  # as in `mark_of`
        line = self.text_lines[end.line] if end.line < len(self.text_lines) else ""
        if start.line == end.line and re.match(r"[ \t]+#", line[end.column:]):
            self.problem("yaml.maybe_comment", event.start_mark, field=dotted(path), severity="warning")

    def walk(self, text: str) -> None:
        events = iter(_events(text))
        for event in events:
            if isinstance(event, (StreamStartEvent, DocumentStartEvent)):
                continue
            if isinstance(event, StreamEndEvent):
                break
            if isinstance(event, DocumentEndEvent):
                # A second document in front matter is never meant.
                following = next(events)
                if not isinstance(following, StreamEndEvent):
                    self.problem("yaml.second_document", following.start_mark)
                    raise _Refused(following.start_mark)
                break
            self.doc.data = self.node(event, events, ())


_FAST_LOADER = getattr(yaml, "CSafeLoader", None)


def _events(text: str) -> Iterable[Event]:
    """PyYAML's events for `text`, from libyaml's C parser when it can read them.

    The C parser is about twenty times faster, which matters at thousands of
    records. A document it refuses is parsed again by the pure-Python parser,
    whose error messages and positions the problem texts are written for.
    Only the scalar style differs between the two (`''` versus `None` for a
    plain scalar), so it is made the same. Two cases take the pure-Python
    path because the parsers disagree there: a tab (libyaml accepts one after
    a colon, PyYAML and our messages refuse it) and an empty value (each puts
    it at a different place, and the problem points at it).
    """
    if _FAST_LOADER is not None and "\t" not in text:
        try:
            events = list(yaml.parse(text, Loader=_FAST_LOADER))
        except yaml.YAMLError:
            pass
        else:
            plain_empty = False
            for event in events:
                if isinstance(event, ScalarEvent) and event.style == "":
                    event.style = None
                    plain_empty = plain_empty or event.value == ""
            if not plain_empty:
                return events
    return yaml.parse(text, Loader=yaml.SafeLoader)


def dotted(path: Path) -> str:
    """`('funding', 0, 'amount_eur')` -> `funding[0].amount_eur`, as an editor reads it."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out


def read_yaml(text: str, path: str, line_offset: int = 0) -> Document:
    """Read one YAML document; `line_offset` is how many file lines precede `text`."""
    lines = text.split("\n")
    origin = Mark(max(line_offset, 1), 1)
    blanked: set[int] = set()
    skipped: set[str] = set()
    problems: list[Problem] = []

    def blank(index: int | None) -> bool | None:
        """Leave out what line `index` belongs to: True if that changed the text,
        False if it was already left out, None if there is no field to leave out."""
        block = block_of(lines, index) if index is not None else None
        if block is None or index is None:
            return None
        # A broken list item alone is left out; the rest of its list still counts.
        span = range(index, index + 1) if single_item(lines, index) else range(block[0], block[1])
        if all(i in blanked for i in span):
            return False
        blanked.update(span)
        if block[2]:
            skipped.add(block[2])
        return True

    for index, problem in tab_problems(lines, path, line_offset):
        problems.append(problem)
        if blank(index) is None:
            return Document(data=None, problems=problems, origin=origin)
    recoveries = MAX_RECOVERIES if len(text) <= MAX_RECOVERY_CHARS else 0
    while True:
        current = "\n".join("" if i in blanked else line for i, line in enumerate(lines))
        walker = _Walker(current, path, line_offset)
        walker.doc.origin = origin
        try:
            walker.walk(current)
        except _Refused as refused:
            problems += walker.doc.problems
            if recoveries > 0 and blank(refused.mark.line if refused.mark else None):
                recoveries -= 1
                continue
            return Document(data=None, problems=problems, skipped=skipped, origin=origin)
        except yaml.YAMLError as exc:
            problem, failed = classify(exc, lines, path, line_offset)
            problems.append(problem)
            if recoveries > 0 and blank(failed):
                recoveries -= 1
                continue
            return Document(data=None, problems=problems, skipped=skipped, origin=origin)
        doc = walker.doc
        doc.problems = problems + doc.problems
        doc.skipped = skipped
        if doc.data is None:
            doc.data = {}
        return doc
