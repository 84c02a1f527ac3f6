"""The pure middle: status from the as-of date, grouping, ordering, next change, change dates.

Every function here is a function of (records, site, as-of date), and for
the change dates of the git history already read: no clock, no disk.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache, cached_property
from typing import Literal

from projcat.content.history import SITE_FILE, History
from projcat.content.records import Project, ValidRecord, ValidTranslation
from projcat.content.settings import SiteConfig, Theme
from projcat.languages import language
from projcat.problems import Problem

Status = Literal["upcoming", "ongoing", "ended"]


def status_of(project: Project, as_of: date) -> Status:
    """`end: 2021` ends after 31.12.2021; no dates at all means a standing programme."""
    if project.status == "ended":
        return "ended"
    if project.end is not None and project.end.last_day < as_of:
        return "ended"
    if project.start is not None and project.start.first_day > as_of:
        return "upcoming"
    return "ongoing"


# Everything but letters, digits and spaces: `\\w` is `str.isalnum()` plus the underscore.
_NOT_SORTED = re.compile(r"[^\w ]|_")


@cache
def title_key(title: str, lang: str = "fi") -> str:
    """The sort key of a title in `lang`'s alphabet (Finnish when not given, as one-language sites sort)."""
    # Cached: every list sorts by it, and at thousands of projects it was a second of each build.
    # Each language's alphabet (`Language.collation`); without one, the plain letters, accents set aside.
    order = language(lang).collation_table
    text = title.casefold()
    if order is None:
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return _NOT_SORTED.sub("", text).strip().translate(order or {})


@dataclass(frozen=True)
class Entry:
    record: ValidRecord
    status: Status
    # The language version this entry is listed in; None: the site's main language.
    lang: str | None = None

    @property
    def slug(self) -> str:
        return self.record.slug

    @property
    def project(self) -> Project:
        return self.record.project

    @property
    def translation(self) -> ValidTranslation | None:
        """The record's translation into this entry's language, if it has one."""
        return self.record.translations.get(self.lang) if self.lang is not None else None

    @property
    def list_title(self) -> str:
        shown = self.translation
        if shown is not None:
            return shown.translation.short_title or shown.translation.title
        return self.project.short_title or self.project.title

    @cached_property
    def sort_key(self) -> str:
        """The list title as the entry's language sorts it (kept: every list sorts by it again)."""
        return title_key(self.list_title, self.lang or "fi")


def _by_title(entry: Entry) -> tuple[str, str]:
    return (entry.sort_key, entry.slug)


def _by_end_desc(entry: Entry) -> tuple[int, str, str]:
    end = entry.project.end
    ordinal = end.last_day.toordinal() if end else 0
    return (-ordinal, entry.sort_key, entry.slug)


@dataclass(frozen=True)
class ThemeGroup:
    theme: Theme | None  # None: the final "other projects" group
    current: tuple[Entry, ...]
    ended: tuple[Entry, ...]

    @property
    def id(self) -> str | None:
        return self.theme.id if self.theme else None


@dataclass(frozen=True)
class YearGroup:
    year: int | None  # None: ended without a known end date
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class NextChange:
    day: date
    starting: int
    ending: int


@dataclass(frozen=True)
class Catalogue:
    as_of: date
    entries: tuple[Entry, ...]
    groups: tuple[ThemeGroup, ...]
    archive: tuple[YearGroup, ...]
    next_change: NextChange | None

    @cached_property
    def by_slug(self) -> dict[str, Entry]:
        """Every entry by its slug: pages that list thousands of projects look each one up."""
        return {entry.slug: entry for entry in self.entries}

    def entry(self, slug: str) -> Entry:
        return self.by_slug[slug]


def group_by_theme(entries: list[Entry], site: SiteConfig) -> tuple[ThemeGroup, ...]:
    groups = []
    for theme in site.themes:
        members = [e for e in entries if e.project.theme == theme.id]
        groups.append(_group(theme, members))
    others = [e for e in entries if e.project.theme is None]
    if others:
        groups.append(_group(None, others))
    return tuple(groups)


def _group(theme: Theme | None, members: list[Entry]) -> ThemeGroup:
    current = sorted((e for e in members if e.status != "ended"), key=_by_title)
    ended = sorted((e for e in members if e.status == "ended"), key=_by_end_desc)
    return ThemeGroup(theme, tuple(current), tuple(ended))


def archive_by_year(entries: list[Entry]) -> tuple[YearGroup, ...]:
    ended = [e for e in entries if e.status == "ended"]
    # One pass: scanning every ended project for each year grew with years times projects.
    by_year: dict[int, list[Entry]] = {}
    for e in ended:
        if e.project.end:
            by_year.setdefault(e.project.end.year, []).append(e)
    groups = [YearGroup(year, tuple(sorted(by_year[year], key=_by_end_desc)))
              for year in sorted(by_year, reverse=True)]
    unknown = sorted((e for e in ended if e.project.end is None), key=_by_title)
    if unknown:
        groups.append(YearGroup(None, tuple(unknown)))
    return tuple(groups)


def next_change(records: list[ValidRecord], as_of: date) -> NextChange | None:
    """The first day after `as_of` on which some project's status differs."""
    starts: dict[date, int] = {}
    ends: dict[date, int] = {}
    for record in records:
        project = record.project
        if project.status == "ended":
            continue
        if project.start is not None and project.start.first_day > as_of:
            day = project.start.first_day
            starts[day] = starts.get(day, 0) + 1
        if project.end is not None and project.end.last_day >= as_of:
            day = project.end.last_day + timedelta(days=1)
            ends[day] = ends.get(day, 0) + 1
    days = sorted(set(starts) | set(ends))
    if not days:
        return None
    first = days[0]
    return NextChange(first, starts.get(first, 0), ends.get(first, 0))


# --- change dates: pure functions of (entries, history, as-of date)


def last_transition(project: Project, as_of: date) -> date | None:
    """The latest day on or before `as_of` on which the project's status changed by date."""
    if project.status == "ended":
        return None  # marked ended: its dates never change what the pages say
    days = []
    if project.start is not None and project.start.first_day <= as_of:
        days.append(project.start.first_day)
    if project.end is not None and project.end.last_day < as_of:
        days.append(project.end.last_day + timedelta(days=1))
    return max(days, default=None)


def content_changed(entries: Iterable[Entry], history: History, as_of: date) -> date | None:
    """When pages showing these projects last changed: an edit (git) or a status change.

    None without history: an edit made outside git has no date, and a date
    that ignores edits would be wrong rather than missing.
    """
    if not history.known:
        return None
    days = [d for d in (history.changed(SITE_FILE),) if d]
    for entry in entries:
        days += [d for d in (history.changed(entry.record.path), last_transition(entry.project, as_of)) if d]
    if not days:
        return None
    return min(max(days), as_of)


def site_updated(entries: Iterable[Entry], history: History, as_of: date) -> date:
    """The date the site states its information is from: the last change, or as_of without history."""
    return content_changed(entries, history, as_of) or as_of


def build_catalogue(records: list[ValidRecord], site: SiteConfig, as_of: date, lang: str | None = None) -> Catalogue:
    """The catalogue as one language version lists it (`lang`; None: the main language):
    statuses and groups are the same in every language, only the titles and their order differ."""
    entries = [Entry(r, status_of(r.project, as_of), lang) for r in records]
    entries.sort(key=_by_title)
    return Catalogue(
        as_of=as_of,
        entries=tuple(entries),
        groups=group_by_theme(entries, site),
        archive=archive_by_year(entries),
        next_change=next_change(records, as_of),
    )


@dataclass(frozen=True)
class Coverage:
    """How many of the catalogue's projects have a translation in `lang`."""

    lang: str
    translated: int
    total: int


def translation_coverage(records: Iterable[ValidRecord], languages: tuple[str, ...]) -> list[Coverage]:
    """Per language other than the main one (the first), in the site's order; none for a one-language site."""
    records = list(records)
    return [Coverage(lang, sum(1 for r in records if lang in r.translations), len(records))
            for lang in languages[1:]]


def stale_translations(records: Iterable[ValidRecord], history: History) -> list[Problem]:
    """A warning at each translation whose main file changed in git after it did: the
    translation may no longer say what the main text says. Same-day changes are not
    told apart (git dates are days), and without history nothing is said."""
    problems = []
    for record in records:
        main = history.changed(record.path)
        for translation in record.translations.values():
            own = history.changed(translation.path)
            if main is not None and own is not None and main > own:
                problems.append(Problem.make(translation.path, "translation.stale", line=1, col=1,
                                             severity="warning", slug=record.slug,
                                             value=own.isoformat(), expected=main.isoformat()))
    return problems
