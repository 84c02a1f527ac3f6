"""A warning at each text of a record that a spreadsheet would read as a formula.

`hankkeet.csv` defuses such cells (render/opendata.py), but the editor most
likely did not mean `=` as the first character: a title pasted from a
spreadsheet cell, say. A warning, with its line, never an error: the text
may be meant, and the JSON keeps it exactly as written.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from projcat.content.yamlread import Document as YamlDocument
from projcat.content.yamlread import dotted
from projcat.problems import Problem
from projcat.strings import N_

FORMULA_START = "="
# Composed by `Problem.hint` as <code>.hint.
N_("text.formula.hint")


def _texts(data: Any, loc: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], str]]:
    if isinstance(data, str):
        yield loc, data
    elif isinstance(data, dict):
        for key, value in data.items():
            if isinstance(key, str):
                yield from _texts(value, (*loc, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _texts(value, (*loc, index))


def formula_warnings(doc: YamlDocument, path: str) -> list[Problem]:
    """One warning per front matter text that begins with `=` (after any leading spaces)."""
    problems = []
    for loc, text in _texts(doc.data):
        if text.lstrip().startswith(FORMULA_START):
            mark = doc.mark(loc)
            problems.append(Problem.make(
                path, "text.formula", field=dotted(loc), severity="warning",
                line=mark.line if mark else None, col=mark.col if mark else None))
    return problems
