"""Where a YAML mistake stands, in the editor's terms.

PyYAML's errors speak of tokens and scanners; this turns one into the
problem an editor can act on (a Word quote, a missing colon, a tab, an
unclosed quote...) at its line and column, with the field it sits in. It
also says which top-level field or list item a line belongs to, so the
reader can leave out just that part and read the rest again.
"""

from __future__ import annotations

import re
from typing import Unpack

import yaml

from projcat.problems import Problem, ProblemParams

CURLY_QUOTES = "\u201c\u201d\u201e\u2018\u2019\u201a\u00ab\u00bb"
_TOP_KEY_LINE = re.compile(r"^[^\s#\-]|^-[^\s\-]")
_KEY_ON_LINE = re.compile(r"""^\s*(?:-\s+)?(["']?)([^\s:#"'][^:#"']*?)\1\s*:(?:\s|$)""")


def tab_problems(lines: list[str], path: str, offset: int) -> list[tuple[int, Problem]]:
    """Each line indented with a tab, which YAML refuses: its index and the problem."""
    problems = []
    for index, line in enumerate(lines):
        indent = re.match(r"[ \t]*", line).group(0)  # type: ignore[union-attr]
        if "\t" in indent and line.strip():
            problems.append((index, Problem.make(path, "yaml.tab", line=index + 1 + offset,
                                                 col=indent.index("\t") + 1, field=_field_for_line(lines, index))))
    return problems


def _key_on(line: str) -> str:
    """The field name a line starts with, if it plainly starts with one."""
    match = _KEY_ON_LINE.match(line)
    return match.group(2).strip() if match else ""


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _field_for_line(lines: list[str], index: int) -> str:
    """The field a line belongs to: its own key, or for a list item the key above it."""
    if not 0 <= index < len(lines):
        return ""
    own = _key_on(lines[index])
    if own:
        return own
    depth = _indent(lines[index])
    # A list item may sit at its key's own indentation (`partners:` / `- x`).
    item = lines[index].lstrip().startswith("-")
    for above in range(index - 1, -1, -1):
        line = lines[above]
        if not line.strip():
            continue
        if _indent(line) < depth or (item and _indent(line) == depth and not line.lstrip().startswith("-")):
            return _key_on(line)
    return ""


def _value_start(line: str) -> int | None:
    """Index of the first character of the value after `key: ` (or `- `) on a line."""
    match = re.match(r"""^\s*(?:-\s+)?(?:(["']?)[^:#"'\s][^:#"']*?\1\s*:\s+)?""", line)
    if match is None or match.end() >= len(line) or line[match.end()].isspace():
        return None
    return match.end()


def single_item(lines: list[str], index: int) -> bool:
    """Whether line `index` is a whole list item of its own (`  - value`), nothing nested under it."""
    line = lines[index] if 0 <= index < len(lines) else ""
    if not re.match(r"^\s*-\s+\S", line) or _key_on(line):
        return False
    following = next((ln for ln in lines[index + 1:] if ln.strip()), "")
    return not following or _indent(following) <= _indent(line)


def classify(exc: yaml.YAMLError, lines: list[str], path: str, offset: int) -> tuple[Problem, int | None]:
    """A PyYAML error -> the editor's problem, and the line (0-based) it belongs to."""
    if isinstance(exc, yaml.reader.ReaderError):
        text = "\n".join(lines)
        before = text[: exc.position]
        index = before.count("\n")
        col = len(before) - (before.rfind("\n") + 1) + 1
        return Problem.make(path, "file.control_char", line=index + 1 + offset, col=col,
                            char=f"U+{exc.character:04X}" if isinstance(exc.character, int)
                            else f"U+{ord(exc.character):04X}"), index
    problem_mark = getattr(exc, "problem_mark", None)
    context_mark = getattr(exc, "context_mark", None)
    detail = str(getattr(exc, "problem", "") or "").strip()
    context = str(getattr(exc, "context", "") or "").strip()
    mark = problem_mark or context_mark
    if mark is None:
        return Problem.make(path, "yaml.syntax", line=offset + 1, col=1, detail=detail or str(exc)), None
    index = min(mark.line, len(lines) - 1)

    def at(code: str, line_index: int, col: int, **params: Unpack[ProblemParams]) -> tuple[Problem, int]:
        return Problem.make(path, code, line=line_index + 1 + offset, col=col + 1,
                            field=_field_for_line(lines, line_index), **params), line_index

    # Word's quotes explain most errors on a line that has them: the error's
    # own line, or where the scalar being scanned began.
    scanning = context_mark is not None and "scanning" in context
    for candidate in ([context_mark.line] if scanning and context_mark else []) + [index]:
        source = lines[candidate] if 0 <= candidate < len(lines) else ""
        curly = next((i for i, c in enumerate(source) if c in CURLY_QUOTES), None)
        if curly is not None:
            return at("yaml.curly_quotes", candidate, curly)
    line = lines[index] if 0 <= index < len(lines) else ""
    if "mapping values are not allowed" in detail:
        if _key_on(line) and line.find(":") < mark.column:
            return at("yaml.colon", index, mark.column)
        return at("yaml.indent", index, len(line) - len(line.lstrip()))
    if "found character '\\t'" in detail:
        return at("yaml.tab_after", index, mark.column)
    found = re.search(r"found character '(.)' that cannot start any token", detail)
    if found:
        return at("yaml.reserved_start", index, mark.column, char=found.group(1))
    if context_mark is not None:
        cline, ccol = context_mark.line, context_mark.column
        csource = lines[cline] if 0 <= cline < len(lines) else ""
        char = csource[ccol] if ccol < len(csource) else ""
        if "scanning an alias" in context or "scanning an anchor" in context or "scanning a tag" in context \
                or "scanning a block scalar" in context:
            return at("yaml.reserved_start", cline, ccol, char=char)
        if "unknown escape character" in detail:
            return at("yaml.bad_escape", index, mark.column)
        if "scanning a quoted scalar" in context or "scanning a double-quoted scalar" in context \
                or "scanning a single-quoted scalar" in context:
            return at("yaml.unclosed_quote", cline, ccol)
        if "parsing a flow" in context or "scanning a flow" in context:
            return at("yaml.reserved_start", cline, ccol, char=char)
        if "could not find expected ':'" in detail:
            return at("yaml.no_colon", cline, len(csource) - len(csource.lstrip()))
        if "expected <block end>, but found '<scalar>'" in detail:
            start = _value_start(line)
            if start is not None and line[start] in "\"'":
                return at("yaml.text_after_quote", index, mark.column)
            if start is not None and line[start] in "[{":
                return at("yaml.reserved_start", index, start, char=line[start])
        if "expected <block end>, but found '-'" in detail or "found '<block sequence start>'" in detail:
            return at("yaml.unexpected_item", index, mark.column)
        if "expected <block end>, but found ':'" in detail:
            return at("yaml.empty_key", index, mark.column)
    return at("yaml.syntax", index, mark.column, detail=f"{context} {detail}".strip())


def block_of(lines: list[str], index: int) -> tuple[int, int, str] | None:
    """The top-level field holding line `index`: (first line, end line, its key)."""
    if not 0 <= index < len(lines):
        return None
    start = next((i for i in range(index, -1, -1) if _TOP_KEY_LINE.match(lines[i])), None)
    if start is None:
        return None
    end = next((i for i in range(index + 1, len(lines)) if _TOP_KEY_LINE.match(lines[i])), len(lines))
    return start, end, _key_on(lines[start])

