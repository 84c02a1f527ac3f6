"""Open data: every project as published, as JSON and CSV, with the record's JSON Schema.

`hankkeet.json` keeps each record's front matter as it is (under `record`),
so it validates against `hanke.schema.json`, the schema of one record
generated from the same model that validates the editors' files. Beside
the record: the address, the status on the build's date, the theme's name,
the last change from git, and the description as Markdown. The main image's
`src` is the published picture's address (the file as uploaded is never
published). Each language version's files show the texts of
`content.versions.version`, as its pages do; on a multilingual site a row
names its `language` and any text it shows in another (`other_languages`).

`hankkeet.csv` is for spreadsheets: UTF-8 with a byte order mark (so Excel
shows ä and ö), semicolons between fields (the list separator of Finnish
Excel, which would put a comma-separated row into one cell), one row per
project. Simple lists are joined with "; "; funding, contacts and documents
get numbered columns (`funding_1_funder`, ...) so that every fact has a cell
of its own; the main image is its address, alt text and caption. A cell that
a spreadsheet would run as a formula (it begins with `=`, `+`, `-`, `@`, a tab
or a carriage return) is written with a leading `'`, as OWASP advises against
CSV injection; the JSON keeps every value exact.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from projcat.catalogue import Catalogue, Entry, site_updated
from projcat.content.dates import PartialDate
from projcat.content.history import History
from projcat.content.records import Contact, Document, Funding, Indicator, Project
from projcat.content.settings import SiteConfig
from projcat.content.versions import Version, published_project, version
from projcat.render.memo import Memo
from projcat.render.views import Views, language_entry

LIST_SEPARATOR = "; "
CSV_DELIMITER = ";"
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
# Nested lists in the CSV: the column stem and the record model of one item.
_NESTED: tuple[tuple[str, type[BaseModel]], ...] = (
    ("funding", Funding), ("contacts", Contact), ("documents", Document), ("indicators", Indicator),
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


def shown_project(entry: Entry, main: str) -> tuple[Project, Version]:
    """The record as the entry's language version publishes it, and the version it comes from
    (`content.versions`: the same texts, in the same languages, as the version's pages show)."""
    shown = version(entry.record, entry.lang or main, main)
    return published_project(shown, entry.project), shown


def _image_address(views: Views, entry: Entry) -> str | None:
    """The public address of the project's main image: its largest variant in its own format."""
    image = views.projects[entry.slug].image
    return _address(views, image.src) if image is not None else None


def _main_language(views: Views) -> str:
    return (views.site.languages or (views.site.lang,))[0]


@dataclass(frozen=True)
class Published:
    """Everything a project's lines show beside its entry: what its language version's views say
    of it. The arguments of `project_lines`, so a kept line is reused only while all are equal."""

    url: str
    theme_name: str | None
    changed: date | None
    # The main image's published address (its largest variant), never the file as uploaded.
    image_src: str | None
    # Each funding entry's programme rules (`site.yaml`), in the order of `record.funding`.
    funding_rules: tuple[str | None, ...]


def _published(entry: Entry, facts: Published, main: str, multilingual: bool) -> dict[str, Any]:
    project, shown = shown_project(entry, main)
    record = record_data(project)
    if record.get("image") is not None:
        # The picture as published (a resized variant, without its metadata), not the file as uploaded.
        record["image"]["src"] = facts.image_src
    published: dict[str, Any] = {"slug": entry.slug}
    if multilingual:
        # Only on a multilingual site: a one-language site's files stay as they were. Each text
        # in another language than the row's (the main file's, where a translation gives none) is named.
        published["language"] = shown.language
        published["other_languages"] = shown.other_languages()
    published.update({
        "url": facts.url,
        "status": entry.status,
        "theme_name": facts.theme_name,
        "last_changed": facts.changed.isoformat() if facts.changed else None,
        "funding_rules": list(facts.funding_rules),
        "record": record,
        "description": shown.body.value.strip(),
    })
    return published


def _by_slug(catalogue: Catalogue) -> list[Entry]:
    return sorted(catalogue.entries, key=lambda e: e.slug)


# One project's line of hankkeet.json and row of hankkeet.csv, encoded once: encoding the
# whole files at each build took longer than joining them.
ProjectLines = tuple[bytes, bytes]
LinesMemo = Memo


def project_lines(entry: Entry, facts: Published, columns: tuple[str, ...], main: str,
                  multilingual: bool) -> ProjectLines:
    """A project as published, once, written as its JSON line and its CSV row: its entry, what
    its views say of it, the CSV's columns, the site's main language and whether it has others."""
    published = _published(entry, facts, main, multilingual)
    row = _row(published)
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=CSV_DELIMITER, lineterminator="\r\n").writerow(
        [defused(row.get(column, "")) for column in columns])
    # json's C encoder runs only without `indent`: one project a line.
    return json.dumps(published, ensure_ascii=False).encode("utf-8"), buffer.getvalue().encode("utf-8")


def table_columns(catalogue: Catalogue, views: Views) -> tuple[str, ...]:
    """The CSV's header for this language version: counted from every project, so made once
    per build and handed to both `all_project_lines` and `projects_csv`."""
    return tuple(csv_columns(catalogue, _main_language(views), views.site.multilingual))


def all_project_lines(catalogue: Catalogue, views: Views, history: History,
                      memo: LinesMemo | None = None,
                      columns: tuple[str, ...] | None = None) -> dict[str, ProjectLines]:
    """Every project's lines by slug. `memo` (`render.memo.Memo`) may return the lines kept from
    an earlier build made from equal arguments: with thousands of projects, writing them all
    again was most of a one-record rebuild. `columns`: `table_columns`, when already made."""
    main, multilingual = _main_language(views), views.site.multilingual
    columns = table_columns(catalogue, views) if columns is None else columns

    def arguments(entry: Entry) -> tuple[Entry, Published, tuple[str, ...], str, bool]:
        view = views.projects[entry.slug]
        facts = Published(_address(views, view.url), view.theme.text if view.theme else None,
                          history.changed(entry.record.path), _image_address(views, entry),
                          tuple(f.rules for f in view.funding))
        return language_entry(entry), facts, columns, main, multilingual

    if memo is None:
        return {e.slug: project_lines(*arguments(e)) for e in catalogue.entries}
    # Keyed by language too, so each language version keeps its own lines (the main one's keys of old).
    prefix = "" if views.site.lang == main else f"{views.site.lang}:"
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
    head = json.dumps(document, ensure_ascii=False, indent=2)[: -len("\n}")].encode("utf-8")
    projects = b",\n".join(b"    " + lines[e.slug][0] for e in _by_slug(catalogue))
    return head + (b',\n  "projects": [\n' + projects + b"\n  ]\n}" if projects else b',\n  "projects": []\n}') + b"\n"


def record_schema(views: Views, memo: Memo | None = None) -> bytes:
    """The record's JSON Schema at its address; `memo` keeps it, as making the model's schema
    took a quarter of a second of every build."""
    absolute = views.site.urls.absolute(views.site.urls.data_schema())
    return memo("piece", "data-schema", (absolute,), _schema_text) if memo else _schema_text(absolute)


def _schema_text(absolute: str | None) -> bytes:
    schema: dict[str, Any] = {"$schema": JSON_SCHEMA_DIALECT}
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


def csv_columns(catalogue: Catalogue, main: str, multilingual: bool = False) -> list[str]:
    """The header: published facts, then the record's fields in declared order; `main` is the
    site's main language."""
    columns = ["slug", *(["language"] if multilingual else []), "url", "status", "theme_name", "last_changed"]
    if multilingual:
        columns.append("other_languages")
    for name in Project.model_fields:
        if name == "image":
            # The published picture's address, and its words in the row's language version.
            columns += ["image", "image_alt", "image_caption"]
            continue
        nested = dict(_NESTED).get(name)
        if nested is None:
            columns.append("record_status" if name == "status" else name)
            continue
        most = max((_shown_count(e, name, main) for e in catalogue.entries), default=0)
        for number in range(1, most + 1):
            columns += [f"{name}_{number}_{field}" for field in nested.model_fields]
            if name == "funding":
                columns.append(f"funding_{number}_rules")
    columns.append("description")
    return columns


def _shown_count(entry: Entry, name: str, main: str) -> int:
    """How many items of the nested list `name` the entry's row publishes: `shown_project`'s count,
    without copying the record (the header counts every project's lists at each build)."""
    project = entry.project
    if name == "documents":
        # The one nested list a translation gives in place of the main file's (`versions.version`).
        lang = entry.lang or main
        translated = entry.record.translations.get(lang) if lang != main else None
        if translated is not None and translated.translation.documents:
            return len(translated.translation.documents)
    return len(getattr(project, name))


def _row(published: dict[str, Any]) -> dict[str, str]:
    """A project's CSV cells, from what its JSON line publishes."""
    row: dict[str, str] = {key: _cell(published[key])
           for key in ("slug", "language", "url", "status", "theme_name", "last_changed") if key in published}
    if "other_languages" in published:
        row["other_languages"] = LIST_SEPARATOR.join(f"{name}={lang}"
                                                     for name, lang in published["other_languages"].items())
    record = published["record"]
    for name in Project.model_fields:
        value = record[name]
        if name == "image":
            image = value or {}
            row.update({"image": _cell(image.get("src")), "image_alt": _cell(image.get("alt")),
                        "image_caption": _cell(image.get("caption"))})
        elif name in dict(_NESTED):
            for number, item in enumerate(value, start=1):
                for field, cell in item.items():
                    row[f"{name}_{number}_{field}"] = _cell(cell)
            if name == "funding":
                for number, rules in enumerate(published["funding_rules"], start=1):
                    row[f"funding_{number}_rules"] = _cell(rules)
        elif name in _SIMPLE_LISTS:
            row[name] = LIST_SEPARATOR.join(value)
        else:
            row["record_status" if name == "status" else name] = _cell(value)
    row["description"] = published["description"]
    return row


def projects_csv(catalogue: Catalogue, views: Views, history: History,
                 lines: dict[str, ProjectLines] | None = None, columns: tuple[str, ...] | None = None) -> bytes:
    """`lines` and `columns` as `all_project_lines` and `table_columns` made them for this build."""
    columns = table_columns(catalogue, views) if columns is None else columns
    lines = lines if lines is not None else all_project_lines(catalogue, views, history, columns=columns)
    header = io.StringIO()
    csv.writer(header, delimiter=CSV_DELIMITER, lineterminator="\r\n").writerow(columns)
    rows = b"".join(lines[e.slug][1] for e in _by_slug(catalogue))
    return ("\ufeff" + header.getvalue()).encode("utf-8") + rows
