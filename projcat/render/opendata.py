"""Open data: every project as published, as JSON and CSV, with the record's JSON Schema.

`hankkeet.json` keeps each record's front matter as it is (under `record`),
so it validates against `hanke.schema.json`, the schema of one record
generated from the same model that validates the editors' files. Beside
the record: the address, the status on the build's date, the theme's name,
the last change from git, and the description as Markdown.

`hankkeet.csv` is for spreadsheets: UTF-8 with a byte order mark (so Excel
shows ä and ö), semicolons between fields (the list separator of Finnish
Excel, which would put a comma-separated row into one cell), one row per
project. Simple lists are joined with "; "; funding, contacts and documents
get numbered columns (`funding_1_funder`, ...) so that every fact has a cell
of its own. A cell that a spreadsheet would run as a formula (it begins with
`=`, `+`, `-`, `@`, a tab or a carriage return) is written with a leading `'`,
as OWASP advises against CSV injection; the JSON keeps every value exact.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from projcat.catalogue import Catalogue, Entry, site_updated
from projcat.content.dates import PartialDate
from projcat.content.history import History
from projcat.content.records import Contact, Document, Funding, Project
from projcat.content.settings import SiteConfig
from projcat.render.memo import Memo
from projcat.render.views import Views, language_entry

LIST_SEPARATOR = "; "
CSV_DELIMITER = ";"
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
# Nested lists in the CSV: the column stem and the record model of one item.
_NESTED: tuple[tuple[str, type[BaseModel]], ...] = (
    ("funding", Funding), ("contacts", Contact), ("documents", Document),
)
_SIMPLE_LISTS = ("partners", "keywords")
# What Excel, LibreOffice and Google Sheets read as the start of a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def defused(cell: str) -> str:
    """A CSV cell no spreadsheet runs: one beginning like a formula gets a leading `'`."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def _plain(value: Any) -> Any:
    """A record value as JSON: dates at the precision written, amounts as numbers."""
    if isinstance(value, BaseModel):
        return {name: _plain(getattr(value, name)) for name in type(value).model_fields}
    if isinstance(value, PartialDate):
        return value.iso()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def record_data(project: Project) -> dict[str, Any]:
    """The front matter as JSON, valid against the record schema."""
    return _plain(project)  # type: ignore[no-any-return]


def _address(views: Views, url: str) -> str:
    return views.site.urls.absolute(url) or url


def shown_project(entry: Entry) -> tuple[Project, str, str | None]:
    """The record as the entry's language version publishes it: the translation's words over the
    main file's facts, its description, and the language they are in (None: the main language's)."""
    translated = entry.translation
    if translated is None:
        return entry.project, entry.record.body, None
    words = translated.translation
    update: dict[str, Any] = {"title": words.title, "short_title": words.short_title, "title_lang": None}
    if words.summary:
        update["summary"] = words.summary
    if words.keywords:
        update["keywords"] = list(words.keywords)
    if words.documents:
        update["documents"] = list(words.documents)
    return entry.project.model_copy(update=update), translated.body, translated.lang


def _published(entry: Entry, url: str, theme_name: str | None, changed: date | None,
               languages: tuple[str, ...]) -> dict[str, Any]:
    project, body, lang = shown_project(entry)
    published: dict[str, Any] = {"slug": entry.slug}
    if len(languages) > 1:
        # Only on a multilingual site: a one-language site's files stay as they were.
        published["language"] = lang or languages[0]
    published.update({
        "url": url,
        "status": entry.status,
        "theme_name": theme_name,
        "last_changed": changed.isoformat() if changed else None,
        "record": record_data(project),
        "description": body.strip(),
    })
    return published


def _by_slug(catalogue: Catalogue) -> list[Entry]:
    return sorted(catalogue.entries, key=lambda e: e.slug)


# One project's line of hankkeet.json and row of hankkeet.csv.
ProjectLines = tuple[str, str]
LinesMemo = Memo


def project_lines(entry: Entry, url: str, theme_name: str | None, changed: date | None, columns: tuple[str, ...],
                  languages: tuple[str, ...]) -> ProjectLines:
    """A project as published, once, written as its JSON line and its CSV row: its entry, its
    page's address, its theme's name, its last change, the CSV's columns and the site's languages."""
    published = _published(entry, url, theme_name, changed, languages)
    row = _row(entry, published)
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=CSV_DELIMITER, lineterminator="\r\n").writerow(
        [defused(row.get(column, "")) for column in columns])
    # json's C encoder runs only without `indent`: one project a line.
    return json.dumps(published, ensure_ascii=False), buffer.getvalue()


def all_project_lines(catalogue: Catalogue, views: Views, history: History,
                      memo: LinesMemo | None = None) -> dict[str, ProjectLines]:
    """Every project's lines by slug. `memo` (`render.memo.Memo`) may return the lines kept from
    an earlier build made from equal arguments: with thousands of projects, writing them all
    again was most of a one-record rebuild."""
    columns = tuple(csv_columns(catalogue, views.site.multilingual))

    def arguments(entry: Entry) -> tuple[Entry, str, str | None, date | None, tuple[str, ...], tuple[str, ...]]:
        view = views.projects[entry.slug]
        return (language_entry(entry), _address(views, view.url), view.theme.text if view.theme else None,
                history.changed(entry.record.path), columns, views.site.languages)

    if memo is None:
        return {e.slug: project_lines(*arguments(e)) for e in catalogue.entries}
    # Keyed by language too, so each language version keeps its own lines (the main one's keys of old).
    prefix = "" if views.site.lang == (views.site.languages or (views.site.lang,))[0] else f"{views.site.lang}:"
    return {e.slug: memo("data", prefix + e.slug, arguments(e), project_lines) for e in catalogue.entries}


def projects_json(catalogue: Catalogue, site: SiteConfig, views: Views, history: History,
                  lines: dict[str, ProjectLines] | None = None) -> bytes:
    lines = lines if lines is not None else all_project_lines(catalogue, views, history)
    document = {
        "title": views.site.title,
        "organisation": views.site.organisation,
        "language": views.site.lang,
        "updated": site_updated(catalogue.entries, history, catalogue.as_of).isoformat(),
        "record_schema": _address(views, views.site.urls.data_schema()),
    }
    head = json.dumps(document, ensure_ascii=False, indent=2)[: -len("\n}")]
    projects = ",\n".join("    " + lines[e.slug][0] for e in _by_slug(catalogue))
    text = head + (',\n  "projects": [\n' + projects + "\n  ]\n}" if projects else ',\n  "projects": []\n}')
    return (text + "\n").encode("utf-8")


def record_schema(views: Views) -> bytes:
    schema: dict[str, Any] = {"$schema": JSON_SCHEMA_DIALECT}
    absolute = views.site.urls.absolute(views.site.urls.data_schema())
    if absolute:
        schema["$id"] = absolute
    schema.update(Project.model_json_schema())
    return (json.dumps(schema, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def csv_columns(catalogue: Catalogue, multilingual: bool = False) -> list[str]:
    """The header: published facts, then the record's fields in declared order."""
    columns = ["slug", *(["language"] if multilingual else []), "url", "status", "theme_name", "last_changed"]
    for name in Project.model_fields:
        nested = dict(_NESTED).get(name)
        if nested is None:
            columns.append("record_status" if name == "status" else name)
            continue
        most = max((len(getattr(shown_project(e)[0], name)) for e in catalogue.entries), default=0)
        for number in range(1, most + 1):
            columns += [f"{name}_{number}_{field}" for field in nested.model_fields]
    columns.append("description")
    return columns


def _row(entry: Entry, published: dict[str, Any]) -> dict[str, str]:
    row: dict[str, str] = {key: _cell(published[key])
           for key in ("slug", "language", "url", "status", "theme_name", "last_changed") if key in published}
    project, _, _ = shown_project(entry)
    for name in Project.model_fields:
        value = getattr(project, name)
        if name in dict(_NESTED):
            for number, item in enumerate(value, start=1):
                for field in type(item).model_fields:
                    row[f"{name}_{number}_{field}"] = _cell(getattr(item, field))
        elif name in _SIMPLE_LISTS:
            row[name] = LIST_SEPARATOR.join(value)
        else:
            row["record_status" if name == "status" else name] = _cell(value)
    row["description"] = published["description"]
    return row


def projects_csv(catalogue: Catalogue, views: Views, history: History,
                 lines: dict[str, ProjectLines] | None = None) -> bytes:
    lines = lines if lines is not None else all_project_lines(catalogue, views, history)
    header = io.StringIO()
    csv.writer(header, delimiter=CSV_DELIMITER, lineterminator="\r\n").writerow(
        csv_columns(catalogue, views.site.multilingual))
    rows = "".join(lines[e.slug][1] for e in _by_slug(catalogue))
    return ("\ufeff" + header.getvalue() + rows).encode("utf-8")
