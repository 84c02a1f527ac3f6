"""Dates, periods and amounts as the site's language writes them, as text and as markup.

A date shown on a page is a `<time>` element carrying the ISO date, so the
markup versions keep the machine-readable value beside the formatted one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_decimal
from markupsafe import Markup, escape

from projcat.content.dates import PartialDate
from projcat.strings import Strings


@dataclass(frozen=True)
class PeriodView:
    text: str
    html: Markup


def format_day(day: date, lang: str) -> str:
    return format_date(day, "d.M.yyyy", locale=lang)


def format_partial(value: PartialDate, lang: str) -> str:
    if value.precision == "day":
        return format_day(value.first_day, lang)
    if value.precision == "month":
        return f"{value.month}/{value.year}"
    return str(value.year)


def format_amount(amount: Decimal, lang: str) -> str:
    pattern = "#,##0" if amount == amount.to_integral_value() else "#,##0.00"
    return f"{format_decimal(amount, format=pattern, locale=lang)}\u00a0€"


def _time(value: PartialDate, lang: str) -> Markup:
    return Markup('<time datetime="{}">{}</time>').format(value.iso(), format_partial(value, lang))


def with_markup(t: Strings, key: str, name: str, markup: Markup) -> Markup:
    """A string of the table with one parameter filled by markup that must stay markup."""
    return escape(t(key, **{name: "\x00"})).replace("\x00", markup)


def date_view(value: PartialDate, lang: str) -> PeriodView:
    return PeriodView(format_partial(value, lang), _time(value, lang))


def period_view(start: PartialDate | None, end: PartialDate | None, t: Strings) -> PeriodView | None:
    lang = t.lang
    if start and end:
        return PeriodView(
            f"{format_partial(start, lang)}–{format_partial(end, lang)}",
            _time(start, lang) + Markup("–") + _time(end, lang),
        )
    if end:
        return PeriodView(t("period.until", end=format_partial(end, lang)),
                          with_markup(t, "period.until", "end", _time(end, lang)))
    if start:
        return PeriodView(t("period.from", start=format_partial(start, lang)),
                          with_markup(t, "period.from", "start", _time(start, lang)))
    return None


def dated_sentence(t: Strings, key: str, day: date) -> PeriodView:
    """A sentence with a day in it, the day kept as `<time>` markup."""
    shown = format_day(day, t.lang)
    time = Markup('<time datetime="{}">{}</time>').format(day.isoformat(), shown)
    return PeriodView(t(key, date=shown), with_markup(t, key, "date", time))
