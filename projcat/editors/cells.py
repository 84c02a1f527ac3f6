"""A spreadsheet cell's value as a record field: dates and amounts as Finnish sheets write them.

Each reader returns the value as the record writes it, or raises `CellError`
with a problem code; the importer adds the cell's place.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from projcat.editors.sheets import Cell


class CellError(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


_DAY = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_MONTH = re.compile(r"^(\d{1,2})\s*[/.]\s*(\d{4})$")
_YEAR = re.compile(r"^(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")


def _checked(year: int, month: int, day: int | None) -> str:
    try:
        date(year, month, day or 1)
    except ValueError:
        raise CellError("import.bad_date") from None
    return f"{year:04d}-{month:02d}" + (f"-{day:02d}" if day else "")


def read_date(cell: Cell) -> str:
    """`1.2.2020` -> 2020-02-01, `2/2020` -> 2020-02, `2020`, ISO forms, or a date cell."""
    value = cell.value
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = cell.text
    if (m := _DAY.match(text)) is not None:
        return _checked(int(m[3]), int(m[2]), int(m[1]))
    if (m := _MONTH.match(text)) is not None:
        return _checked(int(m[2]), int(m[1]), None)
    if (m := _YEAR.match(text)) is not None:
        return text
    if (m := _ISO.match(text)) is not None:
        return _checked(int(m[1]), int(m[2]), int(m[3]) if m[3] else None)
    raise CellError("import.bad_date")


# Spaces a sheet puts between thousands: ordinary, no-break, narrow no-break and thin.
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
_UP_TO = re.compile(r"^(enintään|max\.?|högst|up to|upto)\s*", re.IGNORECASE)
_THOUSANDS_DOTS = re.compile(r"^\d{1,3}(\.\d{3})+(,\d+)?$")
# `2,000` or `1,250,000.50` in an English sheet: euros have two decimals, so three after a comma are thousands.
_THOUSANDS_COMMAS = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")


def read_amount(cell: Cell) -> tuple[int | float, bool]:
    """(euros, whether the text said "up to"): `68 850 €`, `68850,00`, `enintään 5 000`, a number cell."""
    value = cell.value
    if isinstance(value, bool):
        raise CellError("import.bad_amount")
    if isinstance(value, (int, float)):
        number = Decimal(str(value))
        up_to = False
    else:
        text = cell.text
        up_to = bool(_UP_TO.match(text))
        text = _UP_TO.sub("", text)
        text = re.sub(r"(€|eur(oa)?|euro)$", "", text.strip(), flags=re.IGNORECASE)
        text = _SPACES.sub("", text)
        if _THOUSANDS_DOTS.match(text):
            text = text.replace(".", "")
        elif _THOUSANDS_COMMAS.match(text):
            text = text.replace(",", "")
        text = text.replace(",", ".")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise CellError("import.bad_amount") from None
    if number < 0 or not number.is_finite():
        raise CellError("import.bad_amount")
    return (int(number) if number == number.to_integral_value() else float(number)), up_to


def split_items(text: str) -> list[str]:
    """Funders, partners and keywords: one per line or separated by semicolons."""
    return [part.strip() for part in re.split(r"[;\n\r]+", text) if part.strip()]
