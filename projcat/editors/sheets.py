"""A spreadsheet's rows with the position of every cell: CSV (any of the usual encodings and
delimiters) or an Excel workbook (openpyxl, values as last computed)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

# What the cells of a sheet hold: text from CSV; text, numbers, dates or nothing from a workbook.
CellValue = object


@dataclass(frozen=True)
class Cell:
    value: CellValue
    row: int
    col: int

    @property
    def text(self) -> str:
        if self.value is None:
            return ""
        if isinstance(self.value, float) and self.value.is_integer():
            return str(int(self.value))
        return str(self.value).strip()


@dataclass(frozen=True)
class Sheet:
    """`place` names the file (and the sheet of a workbook) as problems show it: `hankkeet.xlsx:Taulukko1`.

    `rows` are the rows that hold anything, each cell with its own row and column."""

    place: str
    rows: tuple[tuple[Cell, ...], ...]

    def split(self, header: int) -> tuple[tuple[Cell, ...], tuple[tuple[Cell, ...], ...]]:
        """The header row (`header` indexes `rows`) and the rows below it."""
        return self.rows[header], self.rows[header + 1:]


class SheetError(Exception):
    """The file cannot be read as a sheet: a message key and its parameters."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key, self.params = key, params


def column_letter(col: int) -> str:
    """1 -> A, 27 -> AA: the column as a spreadsheet names it."""
    letters = ""
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _decoded(data: bytes) -> str:
    # Excel writes UTF-8 with a byte order mark, or the Windows code page of its locale.
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def _delimiter(text: str) -> str:
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=";,\t").delimiter
    except csv.Error:
        # Finnish Excel's CSV uses `;` (the comma is the decimal separator).
        return ";"


def _table(place: str, rows: list[list[CellValue]]) -> Sheet:
    cells = [tuple(Cell(value, number, col) for col, value in enumerate(row, start=1))
             for number, row in enumerate(rows, start=1)]
    filled = tuple(row for row in cells if any(cell.text for cell in row))
    if not filled:
        raise SheetError("import.empty", file=place)
    return Sheet(place, filled)


def read_csv(path: Path) -> Sheet:
    try:
        text = _decoded(path.read_bytes())
    except OSError as exc:
        raise SheetError("import.unreadable", file=path.name, detail=exc.strerror or type(exc).__name__) from None
    rows: list[list[CellValue]] = [list(row) for row in csv.reader(io.StringIO(text), delimiter=_delimiter(text))]
    return _table(path.name, rows)


def read_xlsx(path: Path, sheet: str | None) -> Sheet:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise SheetError("import.unreadable", file=path.name, detail=str(exc) or type(exc).__name__) from None
    try:
        names = book.sheetnames
        if sheet is not None and sheet not in names:
            raise SheetError("import.no_sheet", file=path.name, sheet=sheet, choices=", ".join(names))
        worksheet = book[sheet or names[0]]
        rows = [list(row) for row in worksheet.iter_rows(values_only=True)]
        return _table(f"{path.name}:{worksheet.title}", rows)
    finally:
        book.close()


def read_sheet(path: Path, sheet: str | None = None) -> Sheet:
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path, sheet)
    if suffix in (".csv", ".txt"):
        return read_csv(path)
    raise SheetError("import.bad_kind", file=path.name)
