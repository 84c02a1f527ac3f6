"""Read record files from disk: bytes -> text -> front matter and body.

Nothing here knows what a project is; it only turns files into positioned
YAML documents and Markdown bodies, or into problems that say why it could
not.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from pathlib import Path

import frontmatter

from projcat.problems import Problem
from projcat.yamlread import Document, read_yaml

MAX_FILE_BYTES = 1024 * 1024
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Names Windows cannot create; a city's editors may well be on Windows.
RESERVED_NAMES = frozenset(
    ["con", "prn", "aux", "nul"] + [f"com{i}" for i in range(1, 10)] + [f"lpt{i}" for i in range(1, 10)]
)
# The delimiter python-frontmatter itself recognises, so files it reads, we read.
_BOUNDARY = frontmatter.YAMLHandler.FM_BOUNDARY


@dataclass
class RawRecord:
    """One record file as read: positioned front matter and the Markdown body."""

    path: str
    slug: str
    fields: Document
    body: str
    body_line: int
    problems: list[Problem] = field(default_factory=list)


def decode(data: bytes, path: str) -> tuple[str | None, list[Problem]]:
    """Bytes -> text with `\\n` line ends, or the reason it cannot be read as UTF-8."""
    if len(data) > MAX_FILE_BYTES:
        return None, [Problem.make(path, "file.too_large", size=len(data), limit=MAX_FILE_BYTES)]
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or (
        len(data) >= 4 and data.count(b"\x00") * 4 >= len(data)
    ):
        return None, [Problem.make(path, "file.utf16", line=1, col=1)]
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        col = len(before) - (before.rfind(b"\n") + 1) + 1
        return None, [Problem.make(path, "file.not_utf8", line=line, col=col)]
    if "\r" in text:
        if re.search(r"\r(?!\n)", text):
            return None, [Problem.make(path, "file.cr_only", line=1, col=1)]
        text = text.replace("\r\n", "\n")
    return text, []


def split_front_matter(text: str, path: str) -> tuple[str, int, str, int] | list[Problem]:
    """Text -> (front matter, its first line, body, its first line), or problems."""
    if not text.strip():
        return [Problem.make(path, "file.empty", line=1, col=1)]
    lines = text.split("\n")
    if not _BOUNDARY.match(lines[0]):
        return [Problem.make(path, "frontmatter.missing", line=1, col=1)]
    for index in range(1, len(lines)):
        if _BOUNDARY.match(lines[index]):
            front = "\n".join(lines[1:index])
            body = "\n".join(lines[index + 1:])
            return front, 2, body, index + 2
    return [Problem.make(path, "frontmatter.unclosed", line=1, col=1)]


def suggest_slug(name: str) -> str:
    from slugify import slugify

    return slugify(name) or "hanke"


def slug_problems(file: Path, display: str) -> list[Problem]:
    stem = file.stem
    if not SLUG_RE.match(stem):
        return [Problem.make(display, "file.bad_slug", name=file.name, suggestion=suggest_slug(stem))]
    if stem in RESERVED_NAMES:
        return [Problem.make(display, "file.reserved_slug", name=file.name, suggestion=f"{stem}-hanke")]
    return []


def read_record(file: Path, display: str) -> RawRecord:
    slug = file.stem
    empty = Document(data=None)
    problems = slug_problems(file, display)
    try:
        data = file.read_bytes()
    except OSError as exc:
        problems.append(Problem.make(display, "file.unreadable", detail=exc.strerror or type(exc).__name__))
        return RawRecord(display, slug, empty, "", 1, problems)
    text, decode_problems = decode(data, display)
    if text is None:
        return RawRecord(display, slug, empty, "", 1, problems + decode_problems)
    parts = split_front_matter(text, display)
    if isinstance(parts, list):
        return RawRecord(display, slug, empty, "", 1, problems + parts)
    front, front_line, body, body_line = parts
    document = read_yaml(front, display, line_offset=front_line - 1)
    if document.data is None and not document.problems:
        document.data = {}
    return RawRecord(display, slug, document, body, body_line, problems)


def record_files(content_dir: Path, root: Path) -> tuple[list[Path], list[Problem]]:
    """Every `*.md` under the content folder, in a stable order; symlinks refused."""
    problems: list[Problem] = []
    files: list[Path] = []
    if not content_dir.is_dir():
        return files, problems
    for file in sorted(content_dir.rglob("*"), key=lambda p: p.as_posix()):
        if file.is_symlink():
            problems.append(Problem.make(display_path(file, root), "file.symlink"))
            continue
        if file.is_file() and file.suffix.lower() == ".md":
            files.append(file)
    return files, problems


def display_path(file: Path, root: Path) -> str:
    try:
        return file.relative_to(root).as_posix()
    except ValueError:
        return file.as_posix()
