"""When each content file was added and last changed, from git history.

Only when the site folder is a git checkout (it holds `.git`) and its
history is complete: a shallow clone knows only its newest commits, so
every file would look added and changed on the same day. One `git log`
for all files, parsed once; commit dates only, never the clock.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

# What the pages and feeds date: the records and the site's own settings.
SITE_FILE = "site.yaml"
TRACKED = ("content/projects", SITE_FILE)
_MARK = "\x01"


@dataclass(frozen=True)
class FileDates:
    added: date
    changed: date


@dataclass(frozen=True)
class History:
    """Dates by path relative to the site folder (`content/projects/alfa.md`)."""

    files: dict[str, FileDates] = field(default_factory=dict)
    # True when the folder is a git checkout whose history was cut short.
    shallow: bool = False

    @property
    def known(self) -> bool:
        return bool(self.files)

    def changed(self, path: str) -> date | None:
        dates = self.files.get(path)
        return dates.changed if dates else None

    def added(self, path: str) -> date | None:
        dates = self.files.get(path)
        return dates.added if dates else None

    def until(self, day: date) -> History:
        """The history as a build for `day` may show it: no change dated after that day.

        A site built for a past date would otherwise say a record changed
        after the date it speaks for (a commit made since). A file added
        later keeps its date, so the feed, which lists only what happened
        by `day`, still leaves it out."""
        if all(dates.changed <= day for dates in self.files.values()):
            return self
        files = {path: FileDates(dates.added, min(dates.changed, day)) if dates.changed > day else dates
                 for path, dates in self.files.items()}
        return History(files, self.shallow)


NO_HISTORY = History()


def _git(root: Path, *args: str) -> str | None:
    # A clean environment for the parts that change git's output format;
    # a user's pager or colour settings must not reach the parser.
    env = {**os.environ, "GIT_PAGER": "cat", "LC_ALL": "C"}
    try:
        done = subprocess.run(
            ["git", "-C", str(root), "-c", "core.quotepath=off", *args],
            capture_output=True, text=True, encoding="utf-8", errors="replace", env=env, timeout=120, check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def parse_log(text: str) -> dict[str, FileDates]:
    """`git log --format=<MARK>%cs --name-only` output -> first and last commit date per file."""
    files: dict[str, FileDates] = {}
    day: date | None = None
    for line in text.splitlines():
        if line.startswith(_MARK):
            day = date.fromisoformat(line[len(_MARK):].strip())
            continue
        name = line.strip()
        if not name or day is None:
            continue
        known = files.get(name)
        if known is None:
            files[name] = FileDates(day, day)
        else:
            # max/min rather than order of appearance: git's order follows
            # the graph, and committer clocks are not always monotonic.
            files[name] = FileDates(min(known.added, day), max(known.changed, day))
    return files


def read_history(root: Path) -> History:
    if not (root / ".git").exists():
        return NO_HISTORY
    shallow = _git(root, "rev-parse", "--is-shallow-repository")
    if shallow is None:
        return NO_HISTORY
    if shallow.strip() == "true":
        return History(shallow=True)
    log = _git(root, "log", f"--format={_MARK}%cs", "--name-only", "--relative", "--", *TRACKED)
    if log is None:
        return NO_HISTORY
    return History(parse_log(log))


def state_files(root: Path) -> tuple[Path, ...]:
    """The repository's files whose change can change `read_history(root)`: HEAD, the
    branches it may point at (loose and packed), and the mark of a shallow clone.

    `git log` reads commits only, so the index and the working tree are left out:
    `git status` rewrites the index without changing any date. Empty outside a
    git checkout. Works for a linked worktree too, whose HEAD lives apart from
    the branches it shares.
    """
    if not (root / ".git").exists():
        return ()
    found = _git(root, "rev-parse", "--path-format=absolute", "--git-dir", "--git-common-dir")
    if found is None or len(found.splitlines()) != 2:
        return ()
    git_dir, common = (Path(line) for line in found.splitlines())
    return (git_dir / "HEAD", common / "packed-refs", common / "refs" / "heads", common / "shallow")
