"""Babel extraction methods for projcat's message ids (babel.cfg names them).

Message ids are symbolic keys (`nav.home`, `field.missing.hint`), so a
translator needs the text itself beside each id: every id extracted here
carries its English text (from the English catalogue) as an extracted
comment, which `pybabel update` copies into every language's catalogue.

Python files are read with `ast` rather than Babel's token scanner, which
takes a keyword passed as a plain value (`with_markup(t, "period.from")`,
`_at(doc, ...)`) for a call and loses the id. A call counts when its
function's name (`message`, or `make` in `Problem.make`) is one of the
`keywords` given in babel.cfg as `name:argument` (1-based), and that
argument is a string literal. `doc("funding.note")` in the models names the
id `doc.funding.note`. Ids composed at run time (`f"status.{status}"`)
are listed beside the code that composes them with the no-op `N_("...")`.

`pybabel` imports this module by babel.cfg's `[extractors]` section; run it
with this folder on PYTHONPATH (`make catalogues` does).
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from typing import IO, Any, BinaryIO, cast

from babel.messages.pofile import read_po
from jinja2.ext import babel_extract as _jinja

ENGLISH = Path(__file__).resolve().parent.parent / "projcat" / "locale" / "en" / "LC_MESSAGES" / "projcat.po"
# Functions whose argument becomes a message id under a prefix.
PREFIXED = {"doc": "doc."}

Extracted = tuple[int, str, Any, list[str]]


@lru_cache(maxsize=1)
def english() -> Mapping[str, str]:
    """id -> English text, as the English catalogue has it now (empty before it exists)."""
    if not ENGLISH.is_file():
        return {}
    with ENGLISH.open("rb") as file:
        catalogue = read_po(file)
    return {str(m.id): str(m.string) for m in catalogue if m.id and m.string}


def _english_comment(msgid: object) -> list[str]:
    text = english().get(msgid) if isinstance(msgid, str) else None
    return [f"en: {text}"] if text else []


def _arguments(call: ast.Call, prefix: str) -> tuple[str | None, ...]:
    """The call's positional arguments as Babel's extractors give them: a string literal, else None."""
    return tuple(prefix + a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None
                 for a in call.args)


def extract_python(fileobj: IO[bytes], keywords: Collection[str], comment_tags: Collection[str],
                   options: Mapping[str, Any]) -> Iterator[Extracted]:
    specs: Mapping[str, Any] = options.get("keywords") or {}
    for node in ast.walk(ast.parse(fileobj.read())):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        if name not in keywords:
            continue
        arguments = _arguments(node, PREFIXED.get(name, ""))
        index = (specs.get(name) or (1,))[0]
        if len(arguments) >= index:
            yield node.lineno, name, arguments, _english_comment(arguments[index - 1])


def extract_jinja(fileobj: IO[bytes], keywords: Collection[str], comment_tags: Collection[str],
                  options: Mapping[str, Any]) -> Iterator[Extracted]:
    found = _jinja(cast(BinaryIO, fileobj), list(keywords), list(comment_tags), dict(options))
    for line, function, messages, comments in found:
        first = messages[0] if isinstance(messages, (list, tuple)) else messages
        yield line, function, messages, list(comments) + _english_comment(first)
