"""Dates at the precision an editor knows them: a year, a month, or a day.

The source material says "2020-2021" as often as "1.2.2020", so a date keeps
its precision all the way to the page, and comparisons use the first or last
day it covers.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

Precision = Literal["year", "month", "day"]

_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_FINNISH = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_LOOSE_ISO = re.compile(r"^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_ONE = r"(?:\d{4}|\d{1,2}\.\d{1,2}\.\d{4}|\d{4}-\d{2}-\d{2})"
_RANGE = re.compile(rf"^{_ONE}\s*[-–—]\s*{_ONE}$")


class DateError(ValueError):
    """A date the editor wrote that cannot be read; `code` keys the strings table."""

    def __init__(self, code: str, value: str, suggestion: str = "") -> None:
        super().__init__(code)
        self.code = code
        self.value = value
        self.suggestion = suggestion


@dataclass(frozen=True, order=True)
class PartialDate:
    year: int
    month: int | None = None
    day: int | None = None

    @property
    def precision(self) -> Precision:
        if self.day is not None:
            return "day"
        if self.month is not None:
            return "month"
        return "year"

    @property
    def first_day(self) -> date:
        return date(self.year, self.month or 1, self.day or 1)

    @property
    def last_day(self) -> date:
        if self.day is not None:
            return date(self.year, self.month or 1, self.day)
        if self.month is not None:
            return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])
        return date(self.year, 12, 31)

    def iso(self) -> str:
        """The value for `<time datetime>` and the editor's own notation."""
        if self.day is not None:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month is not None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"

    def __str__(self) -> str:
        return self.iso()


# Years a project record can plausibly mention; the bound also keeps date
# arithmetic (the day after an end) inside what `datetime.date` can hold.
MIN_YEAR, MAX_YEAR = 1900, 2199


def _checked(year: int, month: int | None, day: int | None, raw: str) -> PartialDate:
    if month is not None and not 1 <= month <= 12:
        raise DateError("date.impossible", raw)
    if day is not None:
        assert month is not None
        if not 1 <= day <= calendar.monthrange(year, month)[1]:
            raise DateError("date.impossible", raw)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise DateError("date.out_of_range", str(year))
    return PartialDate(year, month, day)


def parse_partial_date(raw: str) -> PartialDate:
    """Read `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; name the likely intent otherwise.

    >>> parse_partial_date("2021-11")
    PartialDate(year=2021, month=11, day=None)
    """
    text = raw.strip()
    match = _ISO.match(text)
    if match:
        year, month, day = (int(g) if g else None for g in match.groups())
        assert year is not None
        return _checked(year, month, day, text)
    # Everything below is a recognisable but wrong notation: say what was meant.
    if _RANGE.match(text):
        raise DateError("date.range", text)
    suggestion = ""
    for pattern, order in ((_FINNISH, "dmy"), (_LOOSE_ISO, "ymd"), (_COMPACT, "ymd")):
        m = pattern.match(text)
        if not m:
            continue
        parts = dict(zip(order, m.groups(), strict=True))
        y, mo = int(parts["y"]), int(parts["m"])
        d = int(parts["d"]) if parts.get("d") else None
        try:
            suggestion = _checked(y, mo, d, text).iso()
        except DateError:
            # The notation is wrong and the date does not exist either:
            # suggesting a nearby date would only guess.
            raise DateError("date.format_impossible", text) from None
        break
    raise DateError("date.format", text, suggestion)
