"""Dates, periods and amounts as the site's language writes them, as text and as markup.

A date shown on a page is a `<time>` element carrying the ISO date, so the
markup versions keep the machine-readable value beside the formatted one.

`lang` is the Babel locale. A one-language site passes its language code and
keeps the Finnish day pattern it has always had; the language versions of a
multilingual site pass the locale of each (`Language.babel_locale`): Swedish and English
write dates and euros as Babel has them for that locale.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal
from markupsafe import Markup, escape

from projcat.content.dates import PartialDate
from projcat.languages import LANGUAGES, language
from projcat.strings import Strings


@dataclass(frozen=True)
class PeriodView:
    text: str
    html: Markup


def _babel_way(locale: str) -> bool:
    """Whether `locale` writes dates and amounts Babel's way; the others keep the site's Finnish patterns."""
    return any(lang.babel_way and lang.babel_locale == locale for lang in LANGUAGES.values())


def locale_for(lang: str, multilingual: bool) -> str:
    """The locale a page in `lang` formats with: a one-language site's own code, as it always was."""
    return language(lang).babel_locale if multilingual else lang


class PageStrings(Strings):
    """The strings of one language version, with the locale its dates and amounts are written in."""

    def __init__(self, lang: str, locale: str | None = None) -> None:
        super().__init__(lang)
        self.locale = locale or lang


def locale_of(t: Strings) -> str:
    return t.locale if isinstance(t, PageStrings) else t.lang


@functools.cache
def _babel(lang: str) -> Locale:
    # Babel parses a locale given by name at every call: tens of thousands of times in a large build.
    return Locale.parse(lang)


def format_day(day: date, lang: str) -> str:
    return format_date(day, "long" if _babel_way(lang) else "d.M.yyyy", locale=_babel(lang))


def format_partial(value: PartialDate, lang: str) -> str:
    if value.precision == "day":
        return format_day(value.first_day, lang)
    if value.precision == "month":
        if _babel_way(lang):
            return format_date(value.first_day, "LLLL y", locale=_babel(lang))
        return f"{value.month}/{value.year}"
    return str(value.year)


def format_amount(amount: Decimal, lang: str) -> str:
    whole = amount == amount.to_integral_value()
    if _babel_way(lang):
        pattern = _babel(lang).currency_formats["standard"].pattern
        if whole:
            pattern = pattern.replace(".00", "")
        return format_currency(amount, "EUR", format=pattern, locale=_babel(lang), currency_digits=False)
    pattern = "#,##0" if whole else "#,##0.00"
    return f"{format_decimal(amount, format=pattern, locale=_babel(lang))}\u00a0€"


def _time(value: PartialDate, lang: str) -> Markup:
    return Markup('<time datetime="{}">{}</time>').format(value.iso(), format_partial(value, lang))


def with_markup(t: Strings, key: str, name: str, markup: Markup) -> Markup:
    """A string of the table with one parameter filled by markup that must stay markup."""
    return escape(t(key, **{name: "\x00"})).replace("\x00", markup)


def date_view(value: PartialDate, lang: str) -> PeriodView:
    return PeriodView(format_partial(value, lang), _time(value, lang))


def period_view(start: PartialDate | None, end: PartialDate | None, t: Strings) -> PeriodView | None:
    lang = locale_of(t)
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
    shown = format_day(day, locale_of(t))
    time = Markup('<time datetime="{}">{}</time>').format(day.isoformat(), shown)
    return PeriodView(t(key, date=shown), with_markup(t, key, "date", time))
