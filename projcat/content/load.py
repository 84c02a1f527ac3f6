"""Read record files from disk: bytes -> text -> front matter and body.

Nothing here knows what a project is; it only turns files into positioned
YAML documents and Markdown bodies, or into problems that say why it could
not.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from frontmatter.default_handlers import YAMLHandler

from projcat.content.yamlread import Document, read_yaml
from projcat.problems import Problem

MAX_FILE_BYTES = 1024 * 1024
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# `<slug>.<lang>`: a record's translation, e.g. `avoin-kunta.sv.md`.
_TRANSLATION_STEM = re.compile(r"^(?P<slug>.+)\.(?P<lang>[a-z]{2,3})$")
# Names Windows cannot create; a city's editors may well be on Windows.
RESERVED_NAMES = frozenset(
    ["con", "prn", "aux", "nul"] + [f"com{i}" for i in range(1, 10)] + [f"lpt{i}" for i in range(1, 10)]
)
# The delimiter python-frontmatter itself recognises, so files it reads, we read.
_BOUNDARY = YAMLHandler.FM_BOUNDARY
# Characters no editor means to publish and YAML cannot read: C0 and C1
# controls other than tab and line ends, and the Unicode line separators
# that would make our line numbers differ from the editor's.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]")
MAX_CONTROL_PROBLEMS = 20
# The files a record's own folder (`content/projects/<slug>/`) may hold beside records: its images.
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp", ".gif"})


@dataclass
class RawRecord:
    """One record file as read: positioned front matter and the Markdown body."""

    path: str
    slug: str
    fields: Document
    body: str
    body_line: int
    problems: list[Problem] = field(default_factory=list)
    # The language of a translation (`<slug>.<lang>.md`); "" for a main file.
    lang: str = ""


def split_stem(stem: str) -> tuple[str, str]:
    """A record file's name without `.md` -> (slug, language): `("avoin-kunta", "sv")` for
    `avoin-kunta.sv`, `("avoin-kunta", "")` for the main file."""
    match = _TRANSLATION_STEM.match(stem)
    return (match.group("slug"), match.group("lang")) if match else (stem, "")


def read_limited(file: Path, display: str) -> tuple[bytes | None, list[Problem]]:
    """The file's bytes, never reading more than the size limit allows."""
    try:
        with open(file, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > MAX_FILE_BYTES:
                return None, [Problem.make(display, "file.too_large", line=1, col=1,
                                           size=size, limit=MAX_FILE_BYTES)]
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        return None, [Problem.make(display, "file.unreadable", line=1, col=1,
                                   detail=exc.strerror or type(exc).__name__)]
    if len(data) > MAX_FILE_BYTES:
        return None, [Problem.make(display, "file.too_large", line=1, col=1, size=len(data), limit=MAX_FILE_BYTES)]
    return data, []


def _position(text: str, index: int) -> tuple[int, int]:
    before = text[:index]
    return before.count("\n") + 1, index - (before.rfind("\n") + 1) + 1


def decode(data: bytes, path: str) -> tuple[str | None, list[Problem]]:
    """Bytes -> text with `\\n` line ends, or the reason it cannot be read as UTF-8."""
    if len(data) > MAX_FILE_BYTES:
        return None, [Problem.make(path, "file.too_large", line=1, col=1, size=len(data), limit=MAX_FILE_BYTES)]
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
        # Columns count characters, as the editor shows them.
        col = len(before[before.rfind(b"\n") + 1:].decode("utf-8", "replace")) + 1
        return None, [Problem.make(path, "file.not_utf8", line=line, col=col)]
    if "\r" in text:
        lone = re.search(r"\r(?!\n)", text)
        if lone:
            if "\n" not in text:
                return None, [Problem.make(path, "file.cr_only", line=1, col=1)]
            # Mixed line ends: point at the stray CR as an editor counts lines.
            line, col = _position(text, lone.start())
            return None, [Problem.make(path, "file.cr_only", line=line, col=col)]
        text = text.replace("\r\n", "\n")
    problems = []
    for match in _CONTROL.finditer(text):
        line, col = _position(text, match.start())
        problems.append(Problem.make(path, "file.control_char", line=line, col=col,
                                     char=f"U+{ord(match.group(0)):04X}"))
        if len(problems) >= MAX_CONTROL_PROBLEMS:
            break
    if problems:
        return None, problems
    return text, []


def split_front_matter(text: str, path: str) -> tuple[str, int, str, int] | list[Problem]:
    """Text -> (front matter, its first line, body, its first line), or problems."""
    if not text.strip():
        return [Problem.make(path, "file.empty", line=1, col=1)]
    lines = text.split("\n")
    if not _BOUNDARY.match(lines[0]):
        first = next(i for i, line in enumerate(lines) if line.strip())
        if _BOUNDARY.match(lines[first]):
            return [Problem.make(path, "frontmatter.not_first", line=first + 1, col=1)]
        return [Problem.make(path, "frontmatter.missing", line=1, col=1)]
    for index in range(1, len(lines)):
        if _BOUNDARY.match(lines[index]):
            front = "\n".join(lines[1:index])
            body = "\n".join(lines[index + 1:])
            return front, 2, body, index + 2
    return [Problem.make(path, "frontmatter.unclosed", line=_likely_end(lines) + 1, col=1)]


# A line YAML front matter may hold: a key, an indented or list line, a comment, nothing.
_YAML_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*\s*:(\s|$)")
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+\S")


def _likely_end(lines: list[str]) -> int:
    """The index of the line where front matter with no closing `---` most likely ends: the first
    that is not YAML. A heading after a blank line is the body's, though YAML would read it as a comment."""
    for index in range(1, len(lines)):
        line = lines[index]
        if not line.strip() or line.startswith((" ", "\t", "- ")) or line == "-" or _YAML_KEY.match(line):
            continue
        if line.startswith("#") and not (_MARKDOWN_HEADING.match(line) and not lines[index - 1].strip()):
            continue
        return index
    # All of it reads as YAML: it ends after its last line that holds anything.
    return max((i for i, line in enumerate(lines) if line.strip()), default=0) + 1


def _unclosed_parts(text: str) -> tuple[str, int, str, int]:
    """Front matter with no closing `---`, split where it most likely ends, so the fields above
    are still checked."""
    lines = text.split("\n")
    end = _likely_end(lines)
    return "\n".join(lines[1:end]), 2, "\n".join(lines[end:]), end + 1


def suggest_slug(name: str) -> str:
    from slugify import slugify

    return slugify(name) or "hanke"


def slug_problems(file: Path, display: str) -> list[Problem]:
    slug, lang = split_stem(file.stem)
    tail = f".{lang}" if lang else ""
    if not SLUG_RE.match(slug) or file.suffix != ".md":
        return [Problem.make(display, "file.bad_slug", line=1, col=1, name=safe_text(file.name),
                             suggestion=suggest_slug(safe_text(slug)) + tail)]
    if slug in RESERVED_NAMES:
        return [Problem.make(display, "file.reserved_slug", line=1, col=1, name=file.name,
                             suggestion=f"{slug}-hanke{tail}")]
    return []


def read_record(file: Path, display: str) -> RawRecord:
    data, problems = read_limited(file, display)
    if data is None:
        return unreadable_record(file, display, problems)
    return record_from_bytes(file, display, data)


def unreadable_record(file: Path, display: str, problems: list[Problem]) -> RawRecord:
    """A record file `read_limited` could not read: no fields, only why."""
    slug, lang = split_stem(safe_text(file.stem))
    return RawRecord(display, slug, Document(data=None), "", 1, slug_problems(file, display) + problems, lang)


def record_from_bytes(file: Path, display: str, data: bytes) -> RawRecord:
    """A record file the caller has read already (with `read_limited`) -> `read_record`'s answer.

    A cache reads each file once: the same bytes give it the content digest and the parse."""
    record = parse_record(data, display, *split_stem(safe_text(file.stem)))
    record.problems[:0] = slug_problems(file, display)
    return record


def parse_record(data: bytes, display: str, slug: str, lang: str = "") -> RawRecord:
    """A record file's bytes -> positioned front matter and body, or the problems that stop reading it."""
    empty = Document(data=None)
    text, decode_problems = decode(data, display)
    if text is None:
        return RawRecord(display, slug, empty, "", 1, decode_problems, lang)
    parts = split_front_matter(text, display)
    problems: list[Problem] = []
    if isinstance(parts, list):
        if [p.code for p in parts] != ["frontmatter.unclosed"]:
            return RawRecord(display, slug, empty, "", 1, parts, lang)
        problems, parts = parts, _unclosed_parts(text)
    front, front_line, body, body_line = parts
    document = read_yaml(front, display, line_offset=front_line - 1)
    return RawRecord(display, slug, document, body, body_line, problems, lang)


def _ignored(name: str) -> bool:
    """Editors' and systems' own files: hidden files and backups."""
    return name.startswith(".") or name.endswith("~") or name in ("Thumbs.db", "desktop.ini")


def record_files(content_dir: Path, root: Path) -> tuple[list[Path], list[Problem]]:
    """Every `*.md` under the content folder, in a stable order.

    Symbolic links are refused and never followed, so nothing outside the
    folder is read; other files are named, since they will not be published.
    """
    problems: list[Problem] = []
    files: list[Path] = []
    for folder in (content_dir.parent, content_dir):
        if folder.is_symlink():
            return files, [Problem.make(display_path(folder, root), "file.symlink", line=1, col=1)]
    if not content_dir.is_dir():
        return files, problems
    _walk(content_dir, content_dir, root, files, problems)
    files.sort(key=lambda p: p.as_posix())
    return files, problems


def _walk(folder: Path, content_dir: Path, root: Path, files: list[Path], problems: list[Problem]) -> None:
    """One folder of `record_files`, then its subfolders, as `os.walk` visits them (top down, in
    the order the system lists them; a folder that cannot be listed is passed over).

    Each directory entry's type comes from the listing itself: a `Path` made and an `lstat` asked
    for every file were most of a 10,000-record build's listing."""
    try:
        with os.scandir(folder) as listing:
            entries = list(listing)
    except OSError:
        return
    subfolders: list[os.DirEntry[str]] = []
    others: list[os.DirEntry[str]] = []
    for entry in entries:
        try:
            is_dir = entry.is_dir()  # followed through a link, as `os.walk` sorts them
        except OSError:
            is_dir = False
        (subfolders if is_dir else others).append(entry)
    walked: list[Path] = []
    for entry in subfolders:
        if entry.is_symlink():
            problems.append(Problem.make(display_path(folder / entry.name, root), "file.symlink", line=1, col=1))
        elif not _ignored(entry.name):
            walked.append(folder / entry.name)
    for entry in others:
        name = entry.name
        if _ignored(name):
            continue
        try:
            mode = entry.stat(follow_symlinks=False).st_mode
        except OSError:
            continue
        if stat.S_ISLNK(mode):
            problems.append(Problem.make(display_path(folder / name, root), "file.symlink", line=1, col=1))
        elif not stat.S_ISREG(mode):
            problems.append(Problem.make(display_path(folder / name, root), "file.not_regular", line=1, col=1))
        elif _suffix(name).lower() == ".md":
            files.append(folder / name)
        elif folder != content_dir and _suffix(name).lower() in IMAGE_SUFFIXES:
            continue  # a record's image in its own folder (`content.images`), published as variants
        else:
            problems.append(Problem.make(display_path(folder / name, root), "file.not_record", line=1, col=1,
                                         severity="warning"))
    for subfolder in walked:
        _walk(subfolder, content_dir, root, files, problems)


def _suffix(name: str) -> str:
    """`PurePath(name).suffix`, without making a path."""
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


def safe_text(text: str) -> str:
    """A file name as printable text, even when it was not valid UTF-8 on disk."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def display_path(file: Path, root: Path) -> str:
    # Asked for every record file at each build: the plain string's prefix spares pathlib's
    # parsing, which at 10,000 records was most of listing them.
    text, prefix = str(file), str(root)
    if os.sep == "/" and prefix not in ("", ".") and text.startswith(prefix.rstrip("/") + "/"):
        return safe_text(text[len(prefix.rstrip("/")) + 1:])
    try:
        shown = file.relative_to(root).as_posix()
    except ValueError:
        shown = file.as_posix()
    return safe_text(shown)
