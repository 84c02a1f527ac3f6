"""`build.py import FILE`: one record per row of a spreadsheet, written like a `new` record.

Columns are matched by their usual Finnish, Swedish or English names (or a
`--map` file); every cell is read into its field, and every record is
validated as `check` would before anything is written. A problem names the
sheet, the row and the column (`hankkeet.xlsx:Taulukko1:14:C`). While any
row has an error nothing is written; an existing record is never replaced.
"""

from __future__ import annotations

import difflib
import re
import sys
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Unpack

import yaml

from projcat.content.load import SLUG_RE, read_record, record_from_bytes
from projcat.content.records import Project, Translation
from projcat.content.settings import Paths, SiteConfig
from projcat.content.site_file import load_site
from projcat.content.validate import validate_record
from projcat.editors.cells import CellError, read_amount, read_date, split_items
from projcat.editors.sheets import Cell, Sheet, SheetError, column_letter, read_sheet
from projcat.editors.template import record_text
from projcat.problems import Problem, ProblemParams, Severity, has_errors
from projcat.strings import N_, message

# The targets a column can be mapped to: a record field, a field of the row's one funder, contact or
# link, or a numbered item of the site's own `hankkeet.csv` (`funding_2_amount_eur`, see `_nested`).
ALIASES: dict[str, tuple[str, ...]] = {
    "title": ("title", "nimi", "otsikko", "hanke", "hankkeen nimi", "hankenimi", "namn", "projekt",
              "projektets namn", "rubrik", "name", "project", "project name"),
    "short_title": ("short_title", "lyhyt nimi", "kort namn", "short title"),
    "title_lang": ("title_lang",),
    "theme": ("theme", "teema", "tema", "teeman nimi", "theme_name"),
    "start": ("start", "alkaa", "alku", "aloitus", "alkamispäivä", "alkupäivä", "aloituspäivä", "börjar",
              "början", "startdatum", "start date", "starts", "begins"),
    "end": ("end", "päättyy", "loppu", "loppuu", "päättymispäivä", "loppupäivä", "slutar", "slut",
            "slutdatum", "end date", "ends"),
    "status": ("record_status",),
    "lead": ("lead", "vastuutaho", "hallinnoija", "vastuuorganisaatio", "päätoteuttaja", "ansvarig",
             "huvudman", "lead organisation", "lead organization"),
    "partners": ("partners", "kumppanit", "kumppani", "yhteistyökumppanit", "partnerit", "partner",
                 "samarbetspartner", "samarbetspartners"),
    "funder": ("funder", "rahoittaja", "rahoittajat", "rahoituslähde", "finansiär", "finansiärer", "funders"),
    "amount": ("amount", "rahoitus", "summa", "budjetti", "rahoitus €", "rahoitus (€)", "myönnetty rahoitus",
               "finansiering", "belopp", "budget", "funding"),
    "contact": ("contact", "yhteyshenkilö", "yhteyshenkilöt", "kontaktperson", "kontakt", "contact person"),
    "email": ("email", "sähköposti", "sähköpostiosoite", "s-posti", "e-post", "e-mail"),
    "phone": ("phone", "puhelin", "puhelinnumero", "puh", "telefon", "telephone"),
    "summary": ("summary", "tiivistelmä", "lyhyt kuvaus", "sammanfattning"),
    "description": ("description", "kuvaus", "hankkeen kuvaus", "beskrivning"),
    "aims": ("aims", "tavoitteet", "tavoite", "hankkeen tavoitteet", "mål", "syfte", "objectives"),
    "results": ("results", "tulokset", "hankkeen tulokset", "resultat", "outcomes"),
    "link": ("link", "www", "linkki", "verkkosivu", "verkkosivut", "kotisivu", "webbplats", "länk", "website"),
    "keywords": ("keywords", "avainsanat", "asiasanat", "nyckelord"),
    "slug": ("slug", "tunniste"),
    # The site's own CSV: what the build derives, not what an editor writes.
    "language": ("language",),
    "-": ("url", "status", "last_changed", "image", "image_alt", "image_caption", "other_languages"),
}
TARGETS = tuple(name for name in ALIASES if name != "-")
_NESTED = re.compile(r"^(funding|contacts|documents|indicators)_(\d+)_([a-z_]+)$")
# Published facts of a funding entry that come from site.yaml's programme, not from the record.
_DERIVED_NESTED = re.compile(r"^funding_\d+_rules$")
# A cell the site's CSV defused (`opendata.defused`): the `'` before what a spreadsheet would run.
_DEFUSED = re.compile(r"^'(?=[=+\-@\t\r])")

N_("import.unknown_column"), N_("import.unknown_column.hint"), N_("import.no_title_column")
N_("import.bad_date"), N_("import.bad_date.hint"), N_("import.bad_amount"), N_("import.bad_amount.hint")
N_("import.no_title"), N_("import.no_title.hint"), N_("import.duplicate_slug"), N_("import.duplicate_slug.hint")
N_("import.exists"), N_("import.exists.hint"), N_("import.unknown_theme"), N_("import.unknown_theme.hint")
N_("import.amounts_unpaired"), N_("import.amounts_unpaired.hint"), N_("import.bad_map"), N_("import.bad_slug")
N_("import.bad_slug.hint"), N_("import.empty"), N_("import.unreadable"), N_("import.no_sheet"), N_("import.bad_kind")
N_("import.amount_without_funder"), N_("import.amount_without_funder.hint")
N_("import.no_main"), N_("import.no_main.hint")
N_("import.written"), N_("import.dry_run"), N_("import.not_written"), N_("import.link_title")


def _normal(name: str) -> str:
    text = unicodedata.normalize("NFC", name).casefold().strip().rstrip(":").strip()
    return " ".join(text.split())


_BY_ALIAS = {_normal(alias): target for target, aliases in ALIASES.items() for alias in aliases}


@dataclass(frozen=True)
class Column:
    cell: Cell
    target: str

    @property
    def letter(self) -> str:
        return column_letter(self.cell.col)


def _place(sheet: Sheet, row: int, col: int | None = None) -> str:
    return f"{sheet.place}:{row}" + (f":{column_letter(col)}" if col else "")


def _problem(sheet: Sheet, cell: Cell, code: str, column: str = "", severity: Severity = "error",
             **params: Unpack[ProblemParams]) -> Problem:
    """A problem at a cell, naming the cell's value (`value`) and its column's name as the field."""
    named: ProblemParams = {"value": cell.text, **params}
    return Problem.make(_place(sheet, cell.row, cell.col), code, field=column, severity=severity, **named)


# How far down a header is looked for: a sheet often has its own title and a blank line above it.
HEADER_SEARCH = 10


def header_index(sheet: Sheet, mapping: Mapping[str, str]) -> int:
    """The first row that names a project's title column (by `mapping` or the usual names), else the first."""
    explicit = {_normal(name): target for name, target in mapping.items()}
    for index, row in enumerate(sheet.rows[:HEADER_SEARCH]):
        if any((explicit.get(_normal(c.text)) or _BY_ALIAS.get(_normal(c.text))) == "title" for c in row):
            return index
    return 0


def columns(sheet: Sheet, header: tuple[Cell, ...], mapping: Mapping[str, str]) -> tuple[list[Column], list[Problem]]:
    """Each header cell's target: the `--map` file's first, then the usual names."""
    found: list[Column] = []
    problems: list[Problem] = []
    explicit = {_normal(name): target for name, target in mapping.items()}
    for cell in header:
        name = _normal(cell.text)
        if not name:
            continue
        target = explicit.get(name) or _BY_ALIAS.get(name)
        if target is None and _DERIVED_NESTED.match(name):
            target = "-"
        if target is None and _NESTED.match(name):
            target = name
        if target is None:
            close = difflib.get_close_matches(name, list(_BY_ALIAS), n=1, cutoff=0.75)
            problems.append(_problem(sheet, cell, "import.unknown_column", cell.text, "warning",
                                     candidate=close[0] if close else "",
                                     choices=", ".join(TARGETS)))
            continue
        if target != "-":
            found.append(Column(cell, target))
    if not any(c.target == "title" for c in found):
        problems.append(Problem.make(_place(sheet, header[0].row), "import.no_title_column",
                                     choices=", ".join(ALIASES["title"][1:6])))
    return found, problems


@dataclass
class Row:
    """One row as a record: its fields, its description and where each field came from."""

    number: int
    title: str = ""
    slug: str = ""
    # The language of a row of a multilingual site's own CSV; "" (or the main language) for a record.
    lang: str = ""
    values: dict[str, Any] = field(default_factory=dict)
    # Empty without a description: a `new` record's skeleton of headings would be published empty.
    body: str = ""
    cells: dict[str, Cell] = field(default_factory=dict)


def _theme(cell: Cell, site: SiteConfig) -> str | None:
    text = cell.text
    for theme in site.themes:
        names = {theme.id, str(theme.name), *getattr(theme.name, "by_lang", {}).values()}
        if text.casefold() in {n.casefold() for n in names}:
            return theme.id
    return None


def _theme_candidate(text: str, site: SiteConfig) -> str:
    names = {str(theme.name): theme.id for theme in site.themes} | {t.id: t.id for t in site.themes}
    close = difflib.get_close_matches(text, list(names), n=1, cutoff=0.5)
    return names[close[0]] if close else ""


def _cell_text(cell: Cell) -> str:
    return _DEFUSED.sub("", cell.text)


def read_row(sheet: Sheet, cells: tuple[Cell, ...], cols: list[Column], site: SiteConfig,
             problems: list[Problem]) -> Row:
    by_col = {cell.col: cell for cell in cells}
    row = Row(cells[0].row if cells else 0)
    funders: list[str] = []
    amounts: list[tuple[Cell, int | float, bool]] = []
    contact: dict[str, str] = {}
    nested: dict[tuple[str, int], dict[str, Any]] = {}
    for col in cols:
        cell = by_col.get(col.cell.col) or Cell(None, row.number, col.cell.col)
        text = _cell_text(cell)
        if not text and not isinstance(cell.value, (int, float)):
            continue
        row.cells[col.target] = cell
        target = col.target
        try:
            if target == "title":
                row.title = text
            elif target == "slug":
                row.slug = text
            elif target == "language":
                row.lang = text
            elif target in ("start", "end"):
                row.values[target] = read_date(cell)
            elif target == "theme":
                theme = _theme(cell, site)
                if theme is None:
                    problems.append(_problem(sheet, cell, "import.unknown_theme", col.cell.text,
                                             candidate=_theme_candidate(text, site),
                                             choices=", ".join(t.id for t in site.themes)))
                else:
                    row.values["theme"] = theme
            elif target in ("partners", "keywords"):
                row.values[target] = split_items(text)
            elif target == "funder":
                funders = split_items(text)
            elif target == "amount":
                amounts = [(cell, *read_amount(Cell(part, cell.row, cell.col)))
                           for part in ([cell.value] if not isinstance(cell.value, str) else split_items(text))]
            elif target in ("contact", "email", "phone"):
                contact[{"contact": "name"}.get(target, target)] = text
            elif target == "description":
                row.body = text.replace("\r\n", "\n")
            elif target in ("aims", "results"):
                row.values[target] = text.replace("\r\n", "\n")
            elif target == "link":
                nested[("documents", 0)] = {"title": message(site.language, "import.link_title", {}), "url": text}
            elif (m := _NESTED.match(target)) is not None:
                item = nested.setdefault((m[1], int(m[2])), {})
                item[m[3]] = _nested_value(m[3], cell)
            else:
                row.values[target] = text
        except CellError as error:
            problems.append(_problem(sheet, cell, error.code, col.cell.text))
    if amounts and not funders:
        problems.append(_problem(sheet, amounts[0][0], "import.amount_without_funder", ""))
        amounts = []
    if amounts and len(amounts) != len(funders):
        # One total for several funders cannot be told apart: the sheet must say whose is what.
        problems.append(_problem(sheet, amounts[0][0], "import.amounts_unpaired", "", count=len(funders)))
        amounts = []
    if funders:
        items: list[dict[str, Any]] = [{"funder": funder} for funder in funders]
        for item, (_cell, amount, up_to) in zip(items, amounts, strict=False):
            item["amount_eur"] = amount
            if up_to:
                item["up_to"] = True
        # Numbered below zero: before any `funding_<n>_...` column's items.
        nested.update({("funding", i - len(items)): item for i, item in enumerate(items)})
    if contact:
        nested[("contacts", 0)] = contact
    for (name, _number), item in sorted(nested.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        if any(value not in ("", None) for value in item.values()):
            row.values.setdefault(name, []).append({k: v for k, v in item.items() if v not in ("", None)})
    return row


def _nested_value(name: str, cell: Cell) -> Any:
    if name == "amount_eur":
        return read_amount(cell)[0]
    if name in ("up_to", "accessible"):
        return cell.text.lower() in ("true", "kyllä", "ja", "yes", "1")
    return _cell_text(cell)


def _slug(title: str) -> str:
    from slugify import slugify

    return slugify(title, max_length=60, word_boundary=True) or "hanke"


def _ordered(values: dict[str, Any]) -> dict[str, Any]:
    """The fields in the record's declared order, each item's keys in its model's order."""
    return {name: values[name] for name in Project.model_fields if name in values}


@dataclass(frozen=True)
class Planned:
    path: Path
    text: str
    row: int


def plan(sheet: Sheet, site: SiteConfig, root: Path, mapping: Mapping[str, str],
         lang: str) -> tuple[list[Planned], list[Problem]]:
    """Every record the sheet makes, and every problem, in row order; nothing is written."""
    header, rows = sheet.split(header_index(sheet, mapping))
    cols, problems = columns(sheet, header, mapping)
    if has_errors(problems):
        return [], problems
    planned: list[Planned] = []
    taken: set[str] = set()
    theme_ids = [t.id for t in site.themes]
    content = Paths(root).content
    # Each record's row by the slug the sheet gives it, and the slug it was written under.
    mains: dict[str, tuple[Row, str]] = {}
    for cells in rows:
        found: list[Problem] = []
        row = read_row(sheet, cells, cols, site, found)
        problems += found
        title_col = next(c for c in cols if c.target == "title").cell.col
        if not row.title:
            problems.append(Problem.make(_place(sheet, row.number, title_col), "import.no_title"))
            continue
        if row.lang and row.lang != site.languages[0]:
            planned += _translation(sheet, row, mains, site, root, cols, lang, problems)
            continue
        base = row.slug or _slug(row.title)
        if not SLUG_RE.match(base):
            cell = row.cells.get("slug", Cell(base, row.number, title_col))
            problems.append(_problem(sheet, cell, "import.bad_slug", "slug", suggestion=_slug(base)))
            continue
        if (content / f"{base}.md").exists():
            problems.append(Problem.make(_place(sheet, row.number, title_col), "import.exists", field="title",
                                         severity="warning", other=f"content/projects/{base}.md"))
            continue
        slug, number = base, 1
        while slug in taken or (content / f"{slug}.md").exists():
            number += 1
            slug = f"{base}-{number}"
        if slug != base:
            problems.append(Problem.make(_place(sheet, row.number, title_col), "import.duplicate_slug",
                                         field="title", severity="warning", slug=base, suggestion=slug))
        taken.add(slug)
        mains[row.slug or base] = (row, slug)
        if found and has_errors(found):
            continue
        values = _ordered(row.values)
        theme = values.pop("theme", None)
        text = record_text(row.title, theme, theme_ids, lang, values,
                           intro=message(lang, "import.comment", {"file": sheet.place, "row": row.number}),
                           body=row.body)
        problems += _validated(sheet, row, slug, text, site, root, cols)
        planned.append(Planned(content / f"{slug}.md", text, row.number))
    return planned, problems


def _translation(sheet: Sheet, row: Row, mains: dict[str, tuple[Row, str]], site: SiteConfig, root: Path,
                 cols: list[Column], lang: str, problems: list[Problem]) -> list[Planned]:
    """A row of another language (the site's own CSV): `<slug>.<lang>.md` with the words that are its own.

    The CSV repeats the main file's summary, keywords and documents where a
    translation has none; those are left out, so the page still shows them
    as the main language's."""
    title_col = next(c for c in cols if c.target == "title").cell.col
    main = _main_values(row.slug, mains, root)
    if main is None or row.lang not in site.languages:
        problems.append(Problem.make(_place(sheet, row.number, title_col), "import.no_main", field="language",
                                     slug=row.slug, value=row.lang, choices=", ".join(site.languages[1:])))
        return []
    main_values, slug = main
    target = Paths(root).content / f"{slug}.{row.lang}.md"
    if target.exists():
        problems.append(Problem.make(_place(sheet, row.number, title_col), "import.exists", field="title",
                                     severity="warning", other=f"content/projects/{target.name}"))
        return []
    front: dict[str, Any] = {"title": row.title}
    for name in Translation.model_fields:
        value = row.values.get(name)
        if name != "title" and value not in (None, "", []) and value != main_values.get(name):
            front[name] = value
    comment = message(lang, "import.comment", {"file": sheet.place, "row": row.number})
    dumped = yaml.safe_dump(front, allow_unicode=True, sort_keys=False, width=1000)
    text = f"---\n# {comment}\n{dumped}---\n{row.body.rstrip(chr(10))}\n"
    problems += _validated(sheet, row, f"{slug}.{row.lang}", text, site, root, cols)
    return [Planned(target, text, row.number)]


def _main_values(slug: str, mains: dict[str, tuple[Row, str]], root: Path) -> tuple[dict[str, Any], str] | None:
    """The main record's fields and slug: a row of this sheet, else a record written before
    (each language's `hankkeet.csv` is a file of its own, imported after the main one's)."""
    if slug in mains:
        row, written = mains[slug]
        return row.values, written
    if not SLUG_RE.match(slug):
        return None
    file = Paths(root).content / f"{slug}.md"
    if not file.is_file():
        return None
    data = read_record(file, file.name).fields.data
    return (data if isinstance(data, dict) else {}), slug


def _validated(sheet: Sheet, row: Row, stem: str, text: str, site: SiteConfig, root: Path,
               cols: list[Column]) -> list[Problem]:
    """The record as `check` will see it: each of its problems moved to the row and the field's column."""
    raw = record_from_bytes(root / "content" / "projects" / f"{stem}.md", f"{stem}.md", text.encode("utf-8"))
    _record, found = validate_record(raw, site, root)
    by_field = {c.target: c.cell.col for c in cols}
    by_field |= {"funding": by_field.get("funder") or by_field.get("amount") or 0,
                 "contacts": by_field.get("contact") or by_field.get("email") or 0}
    moved = []
    for problem in found:
        top = problem.field.split(".")[0].split("[")[0]
        col = row.cells[top].col if top in row.cells else by_field.get(top) or None
        moved.append(Problem(_place(sheet, row.number, col), None, None, problem.field, problem.code,
                             problem.params, problem.severity))
    return moved


N_("import.comment")


def _mapping(path: Path | None) -> dict[str, str]:
    if path is None:
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not all(isinstance(v, str) and (v in ALIASES or _NESTED.match(v))
                                             for v in data.values()):
        raise SheetError("import.bad_map", file=path.name, choices=", ".join(ALIASES))
    return {str(k): str(v) for k, v in data.items()}


def import_sheet(root: Path, file: Path, map_file: Path | None, sheet_name: str | None, dry_run: bool,
                 lang: str | None) -> int:
    """0 when every row was written (or would be, with `dry_run`); 1 when any row has an error."""
    site, site_problems = load_site(Paths(root))
    lang = lang or (site.language if site else "fi")
    if site is None:
        for problem in site_problems:
            print(problem.format(lang), file=sys.stderr)
        return 1
    try:
        sheet = read_sheet(file, sheet_name)
        planned, problems = plan(sheet, site, root, _mapping(map_file), lang)
    except SheetError as error:
        print(message(lang, error.key, error.params), file=sys.stderr)
        return 2
    for problem in problems:
        print(problem.format(lang), file=sys.stderr)
    if has_errors(problems):
        print(message(lang, "import.not_written", {}), file=sys.stderr)
        return 1
    if dry_run:
        print(message(lang, "import.dry_run", {"count": len(planned)}))
        return 0
    for item in planned:
        item.path.parent.mkdir(parents=True, exist_ok=True)
        with item.path.open("x", encoding="utf-8") as out:
            out.write(item.text)
    print(message(lang, "import.written", {"count": len(planned), "folder": Paths(root).content}))
    return 0
