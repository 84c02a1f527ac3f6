"""Recognise a build that would change nothing, before anything heavy is imported.

After a successful `build`, `ROOT/.cache/stamp.json` records a digest of
everything the output is made from (the content of every file of
`site.yaml`, `content/`, `templates/` and `static/`, the tool's own code and
theme, the versions of the libraries that shape the output, the git commit
the dates come from, the command's options and the as-of date) together
with a listing of the output folder as the build left it (size,
modification time and inode of every file) and what the build printed.

The next `build` computes the same digest and lists the output folder. When
both are equal, the output is exactly what a full build would write, so the
build prints what it printed last time and stops: no record is parsed, no
page rendered, no library beyond the standard one imported. A source file
whose size, times and inode are as the stamp recorded them is not read again
(as git trusts its index), unless it changed within a few seconds of the
stamp's look at it. Anything that cannot be told for certain (a symbolic
link among the sources, a git folder of an unusual shape, an unreadable
file) means "not known": the full build runs. Only the standard library is
used here, on purpose.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import sys
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from projcat import __version__
from projcat.engine.files import CACHE_FOLDER, RACY_NS, file_digest, settled, stat_key, write_atomically
from projcat.engine.files import digest as content_digest

# Re-exported: what a stamp trusts (the racy window) and where it lives are asked of it too.
__all__ = ["CACHE_FOLDER", "RACY_NS", "Inputs", "Stamp", "Unknown", "code_fingerprint", "forget", "list_output",
           "read_inputs", "stamp_file", "today_in", "unchanged"]

FORMAT = 3
STAMP_NAME = "stamp.json"
RECORDS = "content/projects/"
SOURCES = ("site.yaml", "content", "templates", "static")
# Libraries whose version can change a byte of the output, or what `check` reports of it: pages
# and texts (Markdown, nh3, Jinja2, Babel, slugs), records (PyYAML, pydantic and its core), image
# variants (Pillow, and the codecs it ships), PDF checks (pikepdf, and the qpdf it ships) and the
# search index (Pagefind's program, shipped in its own package).
_SHAPING_LIBRARIES = ("markdown", "nh3", "jinja2", "markupsafe", "babel", "pydantic", "pydantic-core", "pyyaml",
                      "python-frontmatter", "python-slugify", "pillow", "pikepdf", "pagefind",
                      "pagefind-bin-extended", "pagefind-bin")
DEFAULT_TIME_ZONE = "Europe/Helsinki"

Listing = dict[str, list[int]]
# A source file by its relative path: its stat key (`files.stat_key`), then its content digest.
Known = dict[str, list[Any]]


class Unknown(Exception):
    """The inputs or the output cannot be described for certain."""


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A digest of the tool's own code and built-in theme, and of the libraries shaping its output."""
    from importlib import metadata

    package = Path(__file__).parent.parent
    digest = hashlib.sha256(f"{__version__}\0{sys.version}\0".encode())
    for name in _SHAPING_LIBRARIES:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = "-"
        digest.update(f"{name}={version}\0".encode())
    for file in sorted(package.rglob("*")):
        if file.is_file() and file.suffix in (".py", ".html", ".css", ".js", ".svg", ".mo"):
            digest.update(file.relative_to(package).as_posix().encode() + b"\0")
            digest.update(file.read_bytes())
    return digest.hexdigest()


def _hash_tree(digest: Any, root: str, rel: str, seen: Inputs, known: Known, last_look: int) -> None:
    # A plain string: a `Path` made for each of 10,000 record files was a third of reading the inputs.
    path = f"{root}/{rel}"
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        digest.update(f"-\0{rel}\0".encode())
        return
    if stat.S_ISLNK(st.st_mode):
        raise Unknown(rel)
    if stat.S_ISREG(st.st_mode):
        key = list(stat_key(st))
        kept = known.get(rel)
        if kept is not None and kept[:-1] == key and settled(key, last_look):
            content = str(kept[-1])
        elif rel.startswith(RECORDS) and rel.endswith(".md"):
            with open(path, "rb") as stream:
                data = stream.read()
            content = content_digest(data)
            seen.records[rel] = data
        else:
            content = file_digest(path)
        seen.files[rel] = [*key, content]
        digest.update(f"F\0{rel}\0{content}\0".encode())
        return
    if not stat.S_ISDIR(st.st_mode):
        raise Unknown(rel)
    for entry in sorted(os.scandir(path), key=lambda e: e.name):
        _hash_tree(digest, root, f"{rel}/{entry.name}", seen, known, last_look)


def _git_state(root: Path) -> str:
    """The commit the history's dates come from: HEAD, resolved by reading git's own files."""
    git = root / ".git"
    if not git.exists() and not git.is_symlink():
        return "no git"
    if not git.is_dir() or git.is_symlink():
        raise Unknown(".git")
    head = (git / "HEAD").read_text(encoding="utf-8").strip()
    shallow = (git / "shallow").read_bytes() if (git / "shallow").is_file() else b""
    commit = head
    if head.startswith("ref: "):
        ref = head[5:]
        loose = git / ref
        if loose.is_file():
            commit = loose.read_text(encoding="utf-8").strip()
        else:
            packed = git / "packed-refs"
            lines = packed.read_text(encoding="utf-8").splitlines() if packed.is_file() else []
            found = [line.split(" ")[0] for line in lines if line.endswith(" " + ref)]
            commit = found[0] if found else "unborn"
    return f"{head}\0{commit}\0{content_digest(shallow)}"


@dataclass
class Inputs:
    """The digest of everything the output is made of, and each source file's content digest
    by its stat key, so the next build reads only files whose key changed."""

    digest: str
    files: Known = field(default_factory=dict)
    taken_ns: int = 0
    # The bytes of the record files read to digest them, by relative path, so the build that
    # follows parses them instead of reading each changed record a second time.
    records: dict[str, bytes] = field(default_factory=dict)


def read_inputs(root: Path, options: dict[str, Any], last: Stamp | None = None) -> Inputs | None:
    """What the output is made of; `None` when it cannot be told for certain.

    A file whose size, times and inode are those the last stamp recorded is
    taken to hold the bytes it held then, unless it was changed within
    `RACY_NS` of that stamp's look at the files: a save in the same tick of
    the file clock could leave its key as it was, so such a file is read.
    """
    taken_ns = time.time_ns()
    digest = hashlib.sha256(f"{FORMAT}\0{code_fingerprint()}\0".encode())
    digest.update(json.dumps(options, sort_keys=True, default=str).encode())
    seen = Inputs("", {}, taken_ns)
    known = last.files if last is not None else {}
    last_look = last.taken_ns if last is not None else 0
    try:
        digest.update(_git_state(root).encode())
        for rel in SOURCES:
            _hash_tree(digest, os.fspath(root), rel, seen, known, last_look)
    except (Unknown, OSError, UnicodeDecodeError):
        return None
    seen.digest = digest.hexdigest()
    return seen


def list_output(out: Path) -> Listing:
    """Every file of the output folder with its size, modification time and inode."""
    listing: Listing = {}

    def walk(folder: str, prefix: str) -> None:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    walk(entry.path, f"{prefix}{entry.name}/")
                    continue
                st = entry.stat(follow_symlinks=False)
                listing[prefix + entry.name] = [st.st_size, st.st_mtime_ns, st.st_ino, st.st_mode]

    walk(str(out), "")
    return listing


def today_in(time_zone: str) -> date:
    try:
        return datetime.now(ZoneInfo(time_zone)).date()
    except (ZoneInfoNotFoundError, ValueError):
        return datetime.now(ZoneInfo(DEFAULT_TIME_ZONE)).date()


def stamp_file(root: Path) -> Path:
    return root / CACHE_FOLDER / STAMP_NAME


@dataclass(frozen=True)
class Stamp:
    inputs: str
    as_of: str
    time_zone: str
    output: Listing
    printed: list[list[str]]  # [stream name, text] in the order they were printed
    files: Known = field(default_factory=dict)
    taken_ns: int = 0

    @classmethod
    def read(cls, root: Path) -> Stamp | None:
        try:
            data = json.loads(stamp_file(root).read_text(encoding="utf-8"))
            if data.get("format") != FORMAT:
                return None
            return cls(str(data["inputs"]), str(data["as_of"]), str(data["time_zone"]), dict(data["output"]),
                       [list(part) for part in data["printed"]], dict(data["files"]), int(data["taken_ns"]))
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def write(self, root: Path) -> None:
        """Atomically: a stamp is whole or absent, never half."""
        path = stamp_file(root)
        data = {"format": FORMAT, "inputs": self.inputs, "as_of": self.as_of, "time_zone": self.time_zone,
                "output": self.output, "printed": self.printed, "files": self.files, "taken_ns": self.taken_ns}
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        write_atomically(path, text.encode("utf-8"), mode=0o600)


def forget(root: Path) -> None:
    stamp_file(root).unlink(missing_ok=True)


def unchanged(stamp: Stamp | None, out: Path, inputs: Inputs | None, as_of: date | None) -> bool:
    """Whether building again would leave `out` exactly as the last build, stamped `stamp`, left it."""
    if inputs is None or stamp is None or stamp.inputs != inputs.digest:
        return False
    wanted = as_of or today_in(stamp.time_zone)
    if wanted.isoformat() != stamp.as_of:
        return False
    try:
        return list_output(out) == stamp.output
    except OSError:
        return False
