"""libyaml's C parser is the fast path; every document PyYAML's own parser
reads, it must read exactly the same way (values, styles, tags and the
positions problems point at), and every document it refuses, PyYAML refuses.

libyaml is more lenient in a few corners PyYAML refuses (a block scalar
header directly followed by `#`, as in `|#`, or some odd tags); such a
document is read rather than refused, and the schema still judges its values."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from projcat.content import yamlread
from projcat.content.yamlread import _events

# Without libyaml the fast path is the slow one, and comparing it with itself proves nothing.
LIBYAML = "PyYAML is installed without libyaml (yaml.__with_libyaml__ is false): the fast path is not tested"

# Lines built from the characters that make YAML structure, plus Finnish letters.
_LINE = st.lists(
    st.sampled_from(["title", "x", ":", " ", "  ", "- ", "'", '"', "#", "&a", "*a", "!", "!!str", "[", "]",
                     "{", "}", ",", "|", ">", "ä", "ö", "2021-11", "@", "`", "%", "?", "\u201c", "...", "---"]),
    max_size=8,
).map("".join)
_DOCUMENT = st.lists(_LINE, max_size=8).map("\n".join)


def _shape(events: object) -> list[tuple[object, ...]]:
    """What the walker reads of each event: kind, value, style, tag, anchor and
    the marks it reports (start of every node, end of a scalar). Where the
    stream or a document ends is not reported, and the parsers differ there."""
    shape = []
    for e in events:  # type: ignore[attr-defined]
        name = type(e).__name__
        if name in ("StreamEndEvent", "DocumentEndEvent", "StreamStartEvent", "SequenceEndEvent", "MappingEndEvent"):
            shape.append((name,))
            continue
        end = (e.end_mark.line, e.end_mark.column) if name == "ScalarEvent" else None
        shape.append((name, getattr(e, "value", None), getattr(e, "style", None) or None, getattr(e, "tag", None),
                      getattr(e, "anchor", None), e.start_mark.line, e.start_mark.column, end))
    return shape


def test_the_fast_path_is_libyamls_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    assert yaml.__with_libyaml__, LIBYAML
    assert yamlread._FAST_LOADER is yaml.CSafeLoader
    used: list[Any] = []
    parse = yaml.parse

    def spy(stream: str, Loader: Any) -> Any:  # noqa: N803 (PyYAML's own keyword)
        used.append(Loader)
        return parse(stream, Loader=Loader)

    monkeypatch.setattr(yamlread.yaml, "parse", spy)
    events = list(_events("title: Hanke\nfunding:\n  - amount_eur: 1000\n"))
    assert used == [yaml.CSafeLoader], used
    assert type(events[0]).__name__ == "StreamStartEvent"


@settings(max_examples=1500, deadline=None)
@given(_DOCUMENT)
def test_fast_path_reads_what_the_python_parser_reads(text: str) -> None:
    assert yaml.__with_libyaml__, LIBYAML
    try:
        expected = _shape(yaml.parse(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError:
        expected = None
    try:
        actual = _shape(_events(text))
    except yaml.YAMLError:
        actual = None
    if expected is not None:
        assert actual == expected
    if actual is None:
        assert expected is None
