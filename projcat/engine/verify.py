"""`build --verify`: the site a cached build wrote, compared with a cold build of the same sources.

The cache promises to change no byte of the output. A nightly job can hold
it to that: after the ordinary build, the same sources are built again with
no cache into a temporary folder, and every file of the two folders is
compared. Any file missing, extra or different is a difference; the
command line reports it (up to `SHOWN` paths) and fails.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from projcat.content.site_file import SiteFile
from projcat.engine import pipeline
from projcat.engine.files import file_digest

# Paths listed in a report; a cache that went wrong tends to touch many files at once.
SHOWN = 20


@dataclass(frozen=True)
class Difference:
    """Relative paths: in the cold build only, in the cached output only, and in both but not equal."""

    missing: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()
    different: tuple[str, ...] = ()

    @property
    def none(self) -> bool:
        return not (self.missing or self.extra or self.different)

    def listed(self, limit: int = SHOWN) -> list[tuple[str, str]]:
        """(kind, path) of the first `limit` differences, missing files first."""
        every = [("missing", p) for p in self.missing] + [("extra", p) for p in self.extra] + \
            [("different", p) for p in self.different]
        return every[:limit]

    @property
    def count(self) -> int:
        return len(self.missing) + len(self.extra) + len(self.different)


def listing(folder: Path) -> dict[str, str]:
    """Every file under `folder` by relative path, with its content digest."""
    if not folder.is_dir():
        return {}
    return {p.relative_to(folder).as_posix(): file_digest(p) for p in sorted(folder.rglob("*"))
            if p.is_file()}


def compare(built: Path, cold: Path) -> Difference:
    """How the folder `built` differs from the folder `cold`, byte for byte."""
    ours, theirs = listing(built), listing(cold)
    return Difference(
        missing=tuple(sorted(theirs.keys() - ours.keys())),
        extra=tuple(sorted(ours.keys() - theirs.keys())),
        different=tuple(sorted(name for name in ours.keys() & theirs.keys() if ours[name] != theirs[name])),
    )


def verify(root: Path, out: Path, as_of: date, base_url: str | None, search: bool, loaded: SiteFile) -> Difference:
    """Build `root` cold into a temporary folder, for `as_of` as the cached build was, and compare with `out`.

    Raises `ContentError` when the cold build finds problems the cached build did not."""
    with tempfile.TemporaryDirectory(prefix="projcat-verify-") as folder:
        cold = Path(folder) / "site"
        pipeline.build(root, cold, as_of, base_url, search=search, cache=None, loaded=loaded)
        return compare(out, cold)
