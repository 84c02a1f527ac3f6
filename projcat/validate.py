"""Raw documents -> typed records, or every problem with the editor's line.

The schema itself lives in `records` and `settings`; this module runs it,
turns pydantic's errors into positioned problems in the strings table's
terms, and adds the checks that need more than one field or file.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from projcat.load import RawRecord
from projcat.problems import Problem
from projcat.records import FIELD_NAMES, Contact, Document, Funding, Project
from projcat.settings import SiteConfig, SiteDocument, Theme
from projcat.yamlread import Document as YamlDocument
from projcat.yamlread import dotted

M = TypeVar("M", bound=BaseModel)

# Which model a path inside a record belongs to, for "did you mean" hints.
_NESTED: dict[str, type[BaseModel]] = {"funding": Funding, "contacts": Contact, "documents": Document}
_SITE_NESTED: dict[str, type[BaseModel]] = {"themes": Theme, "documents": SiteDocument}
_INVISIBLE = re.compile("[\u00a0\u200b\u200c\u200d\u2060\ufeff\u202f]")
_RAW_HTML = re.compile(r"<\s*/?\s*([A-Za-z][A-Za-z0-9-]*)[^>]*>")


@dataclass(frozen=True)
class ValidRecord:
    slug: str
    path: str
    project: Project
    body: str
    body_line: int


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "mapping"
    if value in (None, ""):
        return "empty"
    return "text"


def _model_at(loc: tuple[Any, ...], top: type[BaseModel], nested: dict[str, type[BaseModel]]) -> type[BaseModel]:
    if len(loc) >= 3 and isinstance(loc[0], str) and loc[0] in nested:
        return nested[loc[0]]
    return top


def _did_you_mean(word: str, candidates: tuple[str, ...] | list[str]) -> str:
    close = difflib.get_close_matches(word.lower(), list(candidates), n=1, cutoff=0.6)
    return close[0] if close else ""


def _errors_to_problems(
    exc: ValidationError,
    doc: YamlDocument,
    path: str,
    top: type[BaseModel],
    nested: dict[str, type[BaseModel]],
) -> list[Problem]:
    problems = []
    for error in exc.errors(include_url=False):
        loc = tuple(error["loc"])
        kind = error["type"]
        ctx = {k: v for k, v in (error.get("ctx") or {}).items()}
        field = dotted(loc)
        mark = doc.mark(loc, key=kind in ("extra_forbidden", "missing"))
        line, col = (mark.line, mark.col) if mark else (None, None)
        model = _model_at(loc, top, nested)
        names = FIELD_NAMES.get(model, tuple(model.model_fields))
        if kind == "extra_forbidden":
            key = str(loc[-1])
            if key.lower() in names and key != key.lower():
                problems.append(Problem.make(path, "yaml.key_case", line=line, col=col, field=field, key=key, expected=key.lower()))
                continue
            problems.append(
                Problem.make(path, "field.unknown", line=line, col=col, field=field, key=key,
                             choices=", ".join(names), candidate=_did_you_mean(key, names))
            )
            continue
        if kind == "missing":
            problems.append(Problem.make(path, "field.missing", line=line, col=col, field=field))
            continue
        if kind in ("model_type", "dict_type", "model_attributes_type"):
            problems.append(Problem.make(path, "field.not_mapping", line=line, col=col, field=field,
                                         kind=_kind(error.get("input"))))
            continue
        if kind == "string_type":
            problems.append(Problem.make(path, "field.not_text", line=line, col=col, field=field,
                                         kind=_kind(error.get("input"))))
            continue
        if kind == "list_type":
            problems.append(Problem.make(path, "field.not_list", line=line, col=col, field=field,
                                         kind=_kind(error.get("input"))))
            continue
        if kind.startswith(("field.", "date.", "amount.", "flag.", "email.", "phone.", "url.", "lang.",
                            "status.", "site.")):
            problems.append(Problem.make(path, kind, line=line, col=col, field=field, **ctx))
            continue
        problems.append(Problem.make(path, "field.invalid", line=line, col=col, field=field, detail=error["msg"]))
    return problems


def validate_model(
    model: type[M],
    doc: YamlDocument,
    path: str,
    nested: dict[str, type[BaseModel]],
) -> tuple[M | None, list[Problem]]:
    data = doc.data
    if not isinstance(data, dict):
        kind = _kind(data)
        mark = doc.mark(())
        return None, [Problem.make(path, "frontmatter.not_mapping", line=mark.line if mark else 1,
                                   col=mark.col if mark else 1, kind=kind)]
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        return None, _errors_to_problems(exc, doc, path, model, nested)


def _dates_in_order(project: Project, doc: YamlDocument, path: str) -> list[Problem]:
    if project.start and project.end and project.end.last_day < project.start.first_day:
        problems = []
        for field in ("end", "start"):
            mark = doc.mark((field,))
            problems.append(Problem.make(
                path, "date.end_before_start", line=mark.line if mark else None,
                col=mark.col if mark else None, field=field,
                start=project.start.iso(), end=project.end.iso(),
            ))
        return problems
    return []


def _theme_problems(doc: YamlDocument, path: str, site: SiteConfig | None) -> list[Problem]:
    """Checked on the raw value, so it is reported even when other fields are wrong."""
    theme = doc.data.get("theme") if isinstance(doc.data, dict) else None
    if not isinstance(theme, str) or not theme.strip() or site is None:
        return []
    theme = theme.strip()
    ids = [t.id for t in site.themes]
    if theme in ids:
        return []
    mark = doc.mark(("theme",))
    return [Problem.make(path, "theme.unknown", line=mark.line if mark else None,
                         col=mark.col if mark else None, field="theme", value=theme,
                         choices=", ".join(ids), candidate=_did_you_mean(theme, ids))]


def document_problems(
    documents: list[Document], doc: YamlDocument, path: str, root: Path, prefix: tuple[Any, ...] = ("documents",)
) -> list[Problem]:
    problems = []
    for index, document in enumerate(documents):
        loc = prefix + (index,)
        if document.url is None:
            mark = doc.mark(loc)
            problems.append(Problem.make(
                path, "document.no_url", line=mark.line if mark else None, col=mark.col if mark else None,
                field=dotted(loc), severity="warning", title=document.title,
            ))
        elif document.url.startswith("/"):
            target = (root / "static" / document.url.lstrip("/")).resolve()
            static = (root / "static").resolve()
            if not target.is_relative_to(static) or not target.is_file():
                mark = doc.mark(loc + ("url",))
                problems.append(Problem.make(
                    path, "url.missing_file", line=mark.line if mark else None,
                    col=mark.col if mark else None, field=dotted(loc + ("url",)), value=document.url,
                ))
    return problems


def _text_warnings(project: Project, doc: YamlDocument, path: str) -> list[Problem]:
    problems = []
    for field in ("title", "short_title"):
        value = getattr(project, field)
        if value and _INVISIBLE.search(value):
            mark = doc.mark((field,))
            problems.append(Problem.make(path, "text.invisible_space", line=mark.line if mark else None,
                                         col=mark.col if mark else None, field=field, severity="warning"))
    return problems


def _body_warnings(raw: RawRecord) -> list[Problem]:
    in_code = False
    for offset, line in enumerate(raw.body.split("\n")):
        if line.lstrip().startswith("```"):
            in_code = not in_code
            continue
        if in_code or line.startswith("    "):
            continue
        # Inline code spans are not HTML.
        found = _RAW_HTML.search(re.sub(r"`[^`]*`", "", line))
        if found:
            return [Problem.make(raw.path, "body.raw_html", line=raw.body_line + offset, col=found.start() + 1,
                                 severity="warning", tag=found.group(1).lower())]
    return []


def validate_record(raw: RawRecord, site: SiteConfig | None, root: Path) -> tuple[ValidRecord | None, list[Problem]]:
    problems = list(raw.problems) + list(raw.fields.problems)
    if any(p.is_error for p in problems):
        return None, problems
    project, schema_problems = validate_model(Project, raw.fields, raw.path, _NESTED)
    problems += schema_problems
    problems += _theme_problems(raw.fields, raw.path, site)
    if project is None:
        return None, problems
    problems += _dates_in_order(project, raw.fields, raw.path)
    problems += document_problems(list(project.documents), raw.fields, raw.path, root)
    problems += _text_warnings(project, raw.fields, raw.path)
    problems += _body_warnings(raw)
    if any(p.is_error for p in problems):
        return None, problems
    return ValidRecord(raw.slug, raw.path, project, raw.body, raw.body_line), problems


def validate_site(doc: YamlDocument, path: str, root: Path) -> tuple[SiteConfig | None, list[Problem]]:
    problems = list(doc.problems)
    if any(p.is_error for p in problems):
        return None, problems
    site, schema_problems = validate_model(SiteConfig, doc, path, _SITE_NESTED)
    problems += schema_problems
    if site is None:
        return None, problems
    seen: dict[str, int] = {}
    for index, theme in enumerate(site.themes):
        if theme.id in seen:
            mark = doc.mark(("themes", index, "id"))
            problems.append(Problem.make(path, "site.duplicate_theme", line=mark.line if mark else None,
                                         col=mark.col if mark else None, field=f"themes[{index}].id", value=theme.id))
        seen.setdefault(theme.id, index)
    if not site.themes:
        mark = doc.mark(("themes",))
        problems.append(Problem.make(path, "site.no_themes", line=mark.line if mark else None,
                                     col=mark.col if mark else None, field="themes"))
    problems += document_problems(list(site.documents), doc, path, root)
    if any(p.is_error for p in problems):
        return None, problems
    return site, problems


def slug_key(slug: str) -> str:
    return unicodedata.normalize("NFKC", slug).casefold()


def collision_problems(raws: list[RawRecord]) -> list[Problem]:
    """Two files that would publish to the same address."""
    first: dict[str, RawRecord] = {}
    problems = []
    for raw in raws:
        key = slug_key(raw.slug)
        if key in first:
            problems.append(Problem.make(raw.path, "file.slug_collision", line=1, col=1,
                                         slug=raw.slug, other=first[key].path))
        else:
            first[key] = raw
    return problems
