"""The preview's builds: one at a time into the served folder, each ending as `Built` or `Failed`.

A failure of any kind becomes problems (a template's mistake at its file and
line), never a traceback. The last good files and the cache are kept between
builds. A preview built for today also watches the clock: midnight in the
site's time zone is a reason to build again.
"""

from __future__ import annotations

import os
import time
import traceback
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as dt_time
from pathlib import Path
from zoneinfo import ZoneInfo

import jinja2

from projcat.content.history import History, read_history, state_files
from projcat.content.load import display_path
from projcat.content.settings import base_path
from projcat.engine import pipeline
from projcat.engine.memory import MemoryCache
from projcat.preview.serving import only_fingerprints_differ
from projcat.preview.sync import sync_folder
from projcat.preview.watch import Snapshot, Source, differences, snapshot
from projcat.problems import OutputError, Problem
from projcat.render.pages import THEME_DIR

# Built for today: how often to look whether the date has changed. A timer set for midnight
# alone could come late: the monotonic clock stands still while the computer sleeps.
CLOCK_CHECK_SECONDS = 60.0
# Past midnight by this much, so the new date is already the date everywhere it is read.
AFTER_MIDNIGHT_SECONDS = 0.5


@dataclass(frozen=True)
class Built:
    ms: int
    records: int
    pages: int
    changed: tuple[str, ...]
    style_only: frozenset[str]  # pages changed only in their fingerprints; asked only when a stylesheet changed
    problems: tuple[Problem, ...]  # warnings only
    base: str


@dataclass(frozen=True)
class Failed:
    ms: int
    problems: tuple[Problem, ...]


def _shown_template(filename: str | None, root: Path) -> str:
    if not filename:
        return ""
    path = Path(filename)
    if path.is_relative_to(THEME_DIR):
        return "projcat/theme/" + path.relative_to(THEME_DIR).as_posix()
    return display_path(path, root)


def template_problem(exc: jinja2.TemplateError, root: Path) -> Problem:
    """A template's mistake at its file and line, found in Jinja's rewritten traceback."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return Problem.make(_shown_template(exc.filename, root), "preview.template_error",
                            line=exc.lineno, detail=exc.message or type(exc).__name__)
    where, line = "", None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename.endswith((".html", ".xml", ".txt")) and Path(frame.filename).is_file():
            where, line = _shown_template(frame.filename, root), frame.lineno
    detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return Problem.make(where, "preview.template_error", line=line, detail=detail)


class Builder:
    """Runs one build at a time into the served folder; keeps the last good files and the cache."""

    def __init__(self, root: Path, out: Path, as_of: date | None) -> None:
        self.root = root
        self.out = out
        self.as_of = as_of
        self.cache = MemoryCache()
        self.files: dict[str, bytes] = {}
        self.site_lang: str | None = None
        self.history_files = state_files(root)
        # The date the last build was for and the site's time zone: whether a new day needs a build.
        self.built_for: date | None = None
        self.time_zone: str | None = None
        self._history: History | None = None
        self._history_seen: Snapshot = {}

    def history(self) -> History:
        """The dates from git, read again only when a commit, checkout or reset moved something."""
        # Taken before reading: a commit landing meanwhile shows as a change next time.
        seen = snapshot([Source(path) for path in self.history_files], self._history_seen)
        if self._history is None or differences(self._history_seen, seen):
            self._history = read_history(self.root)
        self._history_seen = seen
        return self._history

    def build(self) -> Built | Failed:
        started = time.perf_counter()
        problem: Problem | None = None
        files: dict[str, bytes] = {}
        result: pipeline.CheckResult | None = None
        try:
            result = pipeline.check(self.root, self.as_of, cache=self.cache)
            self.built_for = result.as_of
            if result.site is not None:
                self.site_lang = result.site.language
                self.time_zone = result.site.time_zone
            if not result.ok:
                self.cache.finish_build(sweep=False)
                return Failed(_ms(started), tuple(result.problems))
            files = pipeline.render(result, self.root, self.history(), cache=self.cache)
        except jinja2.TemplateError as exc:
            problem = template_problem(exc, self.root)
        except OutputError as exc:
            problem = exc.problem
        except Exception as exc:
            if os.environ.get("PROJCAT_DEBUG"):
                raise
            problem = Problem.make("", "preview.internal", kind=type(exc).__name__,
                                   detail=str(exc).splitlines()[0] if str(exc) else "")
        if problem is not None:
            self.cache.finish_build(sweep=False)
            return Failed(_ms(started), (problem,))
        self.cache.finish_build(sweep=True)
        previous = self.files
        try:
            changed = sync_folder(self.out, previous, files)
        except (OSError, ValueError) as exc:
            # Half written: compare the next build with what is really there.
            self.files = files_on_disk(self.out)
            return Failed(_ms(started), (Problem.make("", "preview.output_error", detail=str(exc)),))
        self.files = files
        # Only asked when a stylesheet changed (see `Preview._notify`): comparing the long list
        # pages changed by an edit, without their fingerprints, took milliseconds of every save.
        style_only = frozenset(
            rel for rel in changed
            if rel.endswith(".html") and rel in previous and rel in files
            and only_fingerprints_differ(previous[rel], files[rel])
        ) if any(rel.endswith(".css") for rel in changed) else frozenset()
        assert result is not None and result.site is not None
        return Built(
            ms=_ms(started),
            records=len(result.records),
            pages=sum(1 for name in files if name.endswith(".html")),
            changed=tuple(changed),
            style_only=style_only,
            problems=tuple(result.problems),
            base=base_path(result.site.base_url),
        )

    def new_day(self, now: datetime) -> date | None:
        """Today's date when the preview builds for today and its last build was for another day.

        A project whose end date has passed is then shown as ended, without a restart.
        """
        if self.as_of is not None or self.built_for is None or self.time_zone is None:
            return None
        day = now.astimezone(ZoneInfo(self.time_zone)).date()
        return day if day != self.built_for else None


def seconds_to_next_clock_check(now: datetime, time_zone: str) -> float:
    """Until just after the next midnight in the site's time zone, or `CLOCK_CHECK_SECONDS` if sooner."""
    local = now.astimezone(ZoneInfo(time_zone))
    midnight = datetime.combine(local.date() + timedelta(days=1), dt_time(0), tzinfo=local.tzinfo)
    # In UTC: subtracting two times of one zone would ignore a daylight saving change between them.
    left = (midnight.astimezone(UTC) - now.astimezone(UTC)).total_seconds()
    return min(CLOCK_CHECK_SECONDS, max(0.0, left) + AFTER_MIDNIGHT_SECONDS)


def files_on_disk(out: Path) -> dict[str, bytes]:
    return {
        path.relative_to(out).as_posix(): path.read_bytes()
        for path in sorted(out.rglob("*")) if path.is_file() and not path.is_symlink()
    }


def _ms(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)

