"""Raw documents -> typed records, or every problem with the editor's line.

The schema itself lives in `records` and `settings`; this module runs it,
turns pydantic's errors into positioned problems in the strings table's
terms, and adds the checks that need more than one field or file. Those
checks read the raw values, so they still run when some other field of the
same record is wrong: an editor sees every mistake in one run.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import replace
from pathlib import Path
from typing import Any, TypedDict, TypeVar, cast

from pydantic import BaseModel, ValidationError
from pydantic_core import PydanticCustomError

from projcat.content.bodyhtml import kept_tag, removed_html
from projcat.content.dates import DateError, parse_partial_date
from projcat.content.formulas import formula_warnings
from projcat.content.load import RawRecord
from projcat.content.localtext import language_candidate
from projcat.content.programmes import funding_problems, site_programme_problems
from projcat.content.records import (
    FIELD_NAMES,
    Contact,
    Document,
    Funding,
    Image,
    Indicator,
    Project,
    TranslatedImage,
    Translation,
    ValidRecord,
    ValidTranslation,
    as_url,
    value_kind,
)
from projcat.content.settings import Programme, SiteConfig, SiteDocument, Theme
from projcat.content.sitepaths import is_site_path, published_file, static_file
from projcat.content.yamlread import Document as YamlDocument
from projcat.content.yamlread import Mark, dotted
from projcat.problems import Problem, ProblemParams

M = TypeVar("M", bound=BaseModel)

# Which model a path inside a record belongs to, for "did you mean" hints.
_NESTED: dict[str, type[BaseModel]] = {"funding": Funding, "contacts": Contact, "documents": Document,
                                       "image": Image, "indicators": Indicator}
_TRANSLATION_NESTED: dict[str, type[BaseModel]] = {**_NESTED, "image": TranslatedImage}
_SITE_NESTED: dict[str, type[BaseModel]] = {"themes": Theme, "documents": SiteDocument, "programmes": Programme}
_INVISIBLE = re.compile("[\u00a0\u200b\u200c\u200d\u2060\ufeff\u202f\u00ad]")
_PROBLEM_PREFIXES = ("field.", "date.", "amount.", "flag.", "email.", "phone.", "url.", "lang.",
                     "status.", "site.", "image.")


def _model_at(loc: tuple[Any, ...], top: type[BaseModel], nested: dict[str, type[BaseModel]]) -> type[BaseModel]:
    # A list's item is `(name, index, field)`; a single mapping's field, such as the image's, `(name, field)`.
    if len(loc) >= (2 if isinstance(loc[1:2] and loc[1], str) else 3) and isinstance(loc[0], str) \
            and loc[0] in nested:
        return nested[loc[0]]
    return top


def _did_you_mean(word: str, candidates: tuple[str, ...] | list[str]) -> str:
    close = difflib.get_close_matches(word.lower(), list(candidates), n=1, cutoff=0.6)
    return close[0] if close else ""


class Where(TypedDict):
    """Where a problem stands, passed on to `Problem.make` as its `line` and `col`."""

    line: int | None
    col: int | None


def _at(doc: YamlDocument, path: tuple[Any, ...], *, key: bool = False) -> Where:
    mark: Mark | None = doc.mark(path, key=key)
    return {"line": mark.line if mark else None, "col": mark.col if mark else None}


def _raw(data: Any, loc: tuple[Any, ...]) -> Any:
    for part in loc:
        if isinstance(data, dict) and isinstance(part, str):
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        else:
            return None
    return data


def _errors_to_problems(
    exc: ValidationError,
    doc: YamlDocument,
    path: str,
    top: type[BaseModel],
    nested: dict[str, type[BaseModel]],
) -> list[Problem]:
    problems = []
    errors = exc.errors(include_url=False)
    # "titel" reported as "did you mean 'title'?" already says title is missing.
    suggested: set[tuple[Any, ...]] = set()
    for error in errors:
        if error["type"] == "extra_forbidden":
            loc = tuple(error["loc"])
            model = _model_at(loc, top, nested)
            candidate = _did_you_mean(str(loc[-1]), FIELD_NAMES.get(model, tuple(model.model_fields)))
            if candidate:
                suggested.add((*loc[:-1], candidate))
    for error in errors:
        loc = tuple(error["loc"])
        if loc and loc[0] in doc.skipped and error["type"] in ("missing", "field.empty"):
            continue  # its lines could not be read; that problem is already reported
        kind = error["type"]
        # The validators of `records` and `settings` raise with the parameters their code names.
        ctx = cast(ProblemParams, dict(error.get("ctx") or {}))
        if kind == "site.language_mismatch":
            loc = ("language",)  # a check of the whole model; the key it is about
        field = dotted(loc)
        where = _at(doc, loc, key=kind in ("extra_forbidden", "missing"))
        if kind == "site.text_language":
            # At the language's own key inside the mapping, where it is to be fixed.
            where = _at(doc, (*loc, ctx.get("value", "")), key=True)
        model = _model_at(loc, top, nested)
        names = FIELD_NAMES.get(model, tuple(model.model_fields))
        if kind == "extra_forbidden":
            key = str(loc[-1])
            if key.lower() in names and key != key.lower():
                problems.append(Problem.make(path, "yaml.key_case", field=field, key=key, expected=key.lower(),
                                             **where))
                continue
            problems.append(Problem.make(path, "field.unknown", field=field, key=key,
                                         choices=", ".join(names), candidate=_did_you_mean(key, names), **where))
            continue
        if kind == "missing":
            name = str(loc[-1])
            parent = _raw(doc.data, loc[:-1])
            if loc in suggested:
                continue
            if isinstance(parent, dict) and any(k.lower() == name for k in parent if k != name):
                continue  # written with capitals; reported as such
            problems.append(Problem.make(path, "field.missing", field=field, name=name, **where))
            continue
        if kind in ("model_type", "dict_type", "model_attributes_type"):
            problems.append(Problem.make(path, "field.not_mapping", field=field, kind=value_kind(error.get("input")),
                                         **where))
            continue
        if kind == "string_type":
            problems.append(Problem.make(path, "field.not_text", field=field, kind=value_kind(error.get("input")),
                                         **where))
            continue
        if kind == "list_type":
            problems.append(Problem.make(path, "field.not_list", field=field, kind=value_kind(error.get("input")),
                                         **where))
            continue
        if kind.startswith(_PROBLEM_PREFIXES):
            problems.append(Problem.make(path, kind, field=field, **ctx, **where))
            continue
        problems.append(Problem.make(path, "field.invalid", field=field, detail=error["msg"], **where))
    return problems


def validate_model(
    model: type[M],
    doc: YamlDocument,
    path: str,
    nested: dict[str, type[BaseModel]],
) -> tuple[M | None, list[Problem]]:
    data = doc.data
    if not isinstance(data, dict):
        return None, [Problem.make(path, "frontmatter.not_mapping", kind=value_kind(data), **_at(doc, ()))]
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        return None, _errors_to_problems(exc, doc, path, model, nested)


def _dates_in_order(doc: YamlDocument, path: str) -> list[Problem]:
    """End before start, from the raw values, flagged at both fields."""
    raw = doc.data if isinstance(doc.data, dict) else {}
    start, end = raw.get("start"), raw.get("end")
    if not isinstance(start, str) or not isinstance(end, str):
        return []
    try:
        first, last = parse_partial_date(start), parse_partial_date(end)
    except DateError:
        return []
    if last.last_day >= first.first_day:
        return []
    return [
        Problem.make(path, "date.end_before_start", field=field, start=first.iso(), end=last.iso(),
                     **_at(doc, (field,)))
        for field in ("end", "start")
    ]


def _theme_problems(doc: YamlDocument, path: str, site: SiteConfig | None) -> list[Problem]:
    """Checked on the raw value, so it is reported even when other fields are wrong."""
    theme = doc.data.get("theme") if isinstance(doc.data, dict) else None
    if not isinstance(theme, str) or not theme.strip() or site is None:
        return []
    theme = theme.strip()
    ids = [t.id for t in site.themes]
    if theme in ids:
        return []
    return [Problem.make(path, "theme.unknown", field="theme", value=theme, choices=", ".join(ids),
                         candidate=_did_you_mean(theme, ids), **_at(doc, ("theme",)))]


def document_problems(doc: YamlDocument, path: str, root: Path) -> list[Problem]:
    """Documents with no address (a warning) and site paths with no file behind them."""
    problems = []
    raw = doc.data.get("documents") if isinstance(doc.data, dict) else None
    if not isinstance(raw, list):
        return []
    # With a misspelt key ("ulr") the missing address is that key's problem.
    known = set(Document.model_fields) | set(SiteDocument.model_fields)
    for index, item in enumerate(raw):
        loc = ("documents", index)
        if not isinstance(item, dict):
            continue
        url = item.get("url")
        if url is None and set(item) <= known:
            title = item.get("title")
            problems.append(Problem.make(
                path, "document.no_url", field=dotted(loc), severity="warning",
                title=title.strip() if isinstance(title, str) else "", **_at(doc, loc),
            ))
            continue
        if not isinstance(url, str):
            continue
        try:
            checked = as_url(url)
        except PydanticCustomError:
            continue  # the schema reports it
        if is_site_path(checked) and static_file(checked, root) is None:
            problems.append(Problem.make(path, "url.missing_file", field=dotted((*loc, "url")), value=checked,
                                         **_at(doc, (*loc, "url"))))
    return problems


def _text_warnings(doc: YamlDocument, path: str) -> list[Problem]:
    """Invisible and non-breaking spaces in titles, where they break search and wrapping."""
    raw = doc.data if isinstance(doc.data, dict) else {}
    places: list[tuple[Any, ...]] = [("title",), ("short_title",)]
    documents = raw.get("documents")
    if isinstance(documents, list):
        places += [("documents", i, "title") for i in range(len(documents))]
    problems = []
    for loc in places:
        value = _raw(raw, loc)
        if isinstance(value, str) and _INVISIBLE.search(value.strip()):
            problems.append(Problem.make(path, "text.invisible_space", field=dotted(loc), severity="warning",
                                         **_at(doc, loc)))
    return problems


def _body_warnings(raw: RawRecord) -> list[Problem]:
    """What the sanitiser would remove, each at its line; and HTML it keeps, once, as a hint to write Markdown."""
    problems = removed_html(raw.body, raw.path, raw.body_line)
    kept = kept_tag(raw.body, raw.body_line)
    if kept is not None:
        line, col, tag = kept
        problems.append(Problem.make(raw.path, "body.raw_html", line=line, col=col, severity="warning", tag=tag))
    return problems


def validate_record(
    raw: RawRecord, site: SiteConfig | None, root: Path
) -> tuple[ValidRecord | ValidTranslation | None, list[Problem]]:
    """A main file -> its `ValidRecord`; a translation (`raw.lang`) -> its `ValidTranslation`.

    Whether a translation's main file exists is a question about all files:
    `translations.join_translations` asks it."""
    if raw.lang:
        return _validate_translation(raw, site, root)
    problems = list(raw.problems) + list(raw.fields.problems)
    doc = raw.fields
    if doc.data is None:
        return None, problems
    project, schema_problems = validate_model(Project, doc, raw.path, _NESTED)
    problems += schema_problems
    if isinstance(doc.data, dict):
        problems += _theme_problems(doc, raw.path, site)
        problems += _dates_in_order(doc, raw.path)
        problems += funding_problems(doc, raw.path, site)
    problems += _words_problems(raw, root)
    if project is None or any(p.is_error for p in problems):
        return None, problems
    return ValidRecord(raw.slug, raw.path, project, raw.body, raw.body_line), problems


def _words_problems(raw: RawRecord, root: Path) -> list[Problem]:
    """What a main file and a translation are both checked for: documents, texts and the body."""
    problems: list[Problem] = []
    if isinstance(raw.fields.data, dict):
        problems += document_problems(raw.fields, raw.path, root)
        problems += _text_warnings(raw.fields, raw.path) + formula_warnings(raw.fields, raw.path)
    return problems + _body_warnings(raw)


def _translation_language(raw: RawRecord, site: SiteConfig) -> list[Problem]:
    main, others = site.languages[0], site.languages[1:]
    where: Where = {"line": 1, "col": 1}
    if not others:
        return [Problem.make(raw.path, "translation.one_language", value=raw.lang, expected=main, **where)]
    if raw.lang == main:
        return [Problem.make(raw.path, "translation.main_language", value=raw.lang, slug=raw.slug, **where)]
    if raw.lang in others:
        return []
    return [Problem.make(raw.path, "translation.unknown_language", value=raw.lang, choices=", ".join(others),
                         candidate=language_candidate(raw.lang, others), **where)]


def _validate_translation(
    raw: RawRecord, site: SiteConfig | None, root: Path
) -> tuple[ValidTranslation | None, list[Problem]]:
    problems = list(raw.problems) + list(raw.fields.problems)
    if site is not None:
        problems += _translation_language(raw, site)
    doc = raw.fields
    if doc.data is None:
        return None, problems
    words = doc
    if isinstance(doc.data, dict):
        # A fact is the main file's for every language: named as such, not as an unknown field.
        facts = [key for key in doc.data if key in Project.model_fields and key not in Translation.model_fields]
        for key in facts:
            problems.append(Problem.make(raw.path, "translation.fact", field=key, key=key, slug=raw.slug,
                                         **_at(doc, (key,), key=True)))
        data = {k: v for k, v in doc.data.items() if k not in facts}
        image = data.get("image")
        if isinstance(image, dict) and "src" in image:
            # The picture is the main file's in every language; only its words are translated.
            problems.append(Problem.make(raw.path, "translation.image_src", field="image.src", slug=raw.slug,
                                         **_at(doc, ("image", "src"), key=True)))
            data["image"] = {k: v for k, v in image.items() if k != "src"}
        if data != doc.data:
            words = replace(doc, data=data)
    translation, schema_problems = validate_model(Translation, words, raw.path, _TRANSLATION_NESTED)
    problems += schema_problems
    problems += _words_problems(raw, root)
    if translation is None or any(p.is_error for p in problems):
        return None, problems
    return ValidTranslation(raw.lang, raw.path, translation, raw.body, raw.body_line), problems


# `site.yaml`'s addresses of files every page links; a document's `url` is checked with its document.
_SITE_FILES = ("favicon", "image")


def _published_file_problems(doc: YamlDocument, path: str, root: Path) -> list[Problem]:
    """A favicon or sharing image named by a site path with no file under `static/` or the theme's."""
    assert isinstance(doc.data, dict)
    problems = []
    for key in _SITE_FILES:
        value = doc.data.get(key)
        if not isinstance(value, str):
            continue
        try:
            checked = as_url(value)
        except PydanticCustomError:
            continue  # the schema reports it
        if is_site_path(checked) and published_file(checked, root) is None:
            problems.append(Problem.make(path, "url.missing_file", field=key, value=checked, **_at(doc, (key,))))
    return problems


def validate_site(doc: YamlDocument, path: str, root: Path) -> tuple[SiteConfig | None, list[Problem]]:
    problems = list(doc.problems)
    if doc.data is None:
        return None, problems
    site, schema_problems = validate_model(SiteConfig, doc, path, _SITE_NESTED)
    problems += schema_problems
    themes = doc.data.get("themes") if isinstance(doc.data, dict) else None
    if isinstance(themes, list):
        seen: set[str] = set()
        for index, theme in enumerate(themes):
            theme_id = theme.get("id") if isinstance(theme, dict) else None
            if not isinstance(theme_id, str):
                continue
            if theme_id.strip() in seen:
                problems.append(Problem.make(path, "site.duplicate_theme", field=f"themes[{index}].id",
                                             value=theme_id.strip(), **_at(doc, ("themes", index, "id"))))
            seen.add(theme_id.strip())
        if not themes:
            problems.append(Problem.make(path, "site.no_themes", field="themes", **_at(doc, ("themes",))))
    if isinstance(doc.data, dict):
        problems += document_problems(doc, path, root) + _published_file_problems(doc, path, root)
    if site is not None:
        problems += site_programme_problems(doc, path, site, root)
    if site is None or any(p.is_error for p in problems):
        return None, problems
    return site, problems


def slug_key(slug: str) -> str:
    return unicodedata.normalize("NFKC", slug).casefold()


def collision_problems(raws: list[RawRecord]) -> list[Problem]:
    """Two files that would publish to the same address, on any file system."""
    first: dict[tuple[str, str], RawRecord] = {}
    problems = []
    for raw in raws:
        # A translation shares its main file's slug; it collides only with another of its language.
        key = (slug_key(raw.slug), raw.lang)
        if key in first:
            problems.append(Problem.make(raw.path, "file.slug_collision", line=1, col=1,
                                         slug=raw.slug, other=first[key].path))
        else:
            first[key] = raw
    return problems
