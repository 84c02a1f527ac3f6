"""The editors' JSON Schemas, generated from the typed models in `records` and `settings`.

An editor's YAML language server (VS Code's YAML extension, and others)
reads these files for autocomplete, hover help and inline errors. It speaks
JSON Schema draft-07, so the schema pydantic generates is rewritten into
that dialect: `$defs` become `definitions`, optional fields lose the `null`
alternative (an empty value is an error here too), and each field gets its
description and an example from the strings table in the site's language.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, get_args

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from projcat.content.records import Contact, Document, Funding, Image, Indicator, Kind, Project
from projcat.content.settings import (
    Accessibility,
    Brand,
    Cms,
    Programme,
    SiteConfig,
    SiteDocument,
    SupervisoryAuthority,
    Theme,
)
from projcat.strings import N_, known, message

DRAFT = "http://json-schema.org/draft-07/schema#"
RECORD_SCHEMA_FILE = "schema/hanke.schema.json"
SITE_SCHEMA_FILE = "schema/site.schema.json"
_MODELS: dict[str, type[BaseModel]] = {
    m.__name__: m
    for m in (Project, Funding, Indicator, Contact, Document, Image, SiteConfig, Theme, SiteDocument, Accessibility,
              SupervisoryAuthority, Cms, Brand, Programme)
}


def doc_key(model: type[BaseModel], name: str) -> str:
    """The strings-table key part describing `model.name`, e.g. `funding.amount_eur`."""
    for klass in model.__mro__:
        prefix = getattr(klass, "doc_prefix", None)
        if prefix is None:
            continue
        if known(f"doc.{prefix}{name}") and name in getattr(klass, "__annotations__", {}):
            return f"{prefix}{name}"
    return f"{getattr(model, 'doc_prefix', '')}{name}"


def field_kind(info: FieldInfo) -> tuple[str, str | None]:
    """(kind, item kind) of a field: `("list", "text")`, `("date", None)`."""
    def search(objects: Sequence[Any]) -> list[str]:
        found: list[str] = []
        for obj in objects:
            if isinstance(obj, Kind):
                found.append(obj.name)
            else:
                found += search(getattr(obj, "__metadata__", ())) + search(
                    [a for a in get_args(obj) if not isinstance(a, Kind)] if get_args(obj) else [])
        return found

    kinds = search(list(info.metadata)) + search([info.annotation])
    kind = kinds[0] if kinds else "text"
    item = kinds[1] if kind == "list" and len(kinds) > 1 else None
    return kind, item


def item_model(info: FieldInfo) -> type[BaseModel] | None:
    """The model of each item of a list-of-items field, or of a section's one mapping."""
    def find(annotation: Any) -> type[BaseModel] | None:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            return annotation
        for arg in get_args(annotation):
            found = find(arg)
            if found is not None:
                return found
        return None

    return find(info.annotation)


# Composed below as example.<doc key>: every field but a list of items or a section has one.
N_("example.site.accessibility.compliance"), N_("example.site.accessibility.prepared")
N_("example.site.accessibility.reviewed"), N_("example.site.accessibility.assessment")
N_("example.site.accessibility.assessor"), N_("example.site.accessibility.feedback_email")
N_("example.site.accessibility.feedback_phone"), N_("example.site.accessibility.feedback_url")
N_("example.site.accessibility.feedback_handler"), N_("example.site.accessibility.other_issues")
N_("example.site.accessibility.supervisory_authority.name")
N_("example.site.accessibility.supervisory_authority.url")
N_("example.site.accessibility.supervisory_authority.email")
N_("example.site.accessibility.supervisory_authority.phone"), N_("example.title"), N_("example.short_title")
N_("example.title_lang"), N_("example.theme"), N_("example.start"), N_("example.end"), N_("example.status")
N_("example.summary"), N_("example.lead"), N_("example.partners"), N_("example.funding.funder")
N_("example.funding.amount_eur"), N_("example.funding.up_to"), N_("example.funding.note"), N_("example.contact.name")
N_("example.contact.role"), N_("example.contact.email"), N_("example.contact.phone"), N_("example.document.title")
N_("example.document.url"), N_("example.document.type"), N_("example.document.size")
N_("example.document.accessible"), N_("example.document.accessibility_note"), N_("example.keywords")
N_("example.site.title"), N_("example.site.organisation"), N_("example.site.language"), N_("example.site.time_zone")
N_("example.site.base_url"), N_("example.site.intro"), N_("example.site.theme.id"), N_("example.site.theme.name")
N_("example.site.theme.intro"), N_("example.site.document.description"), N_("example.site.document.date")
N_("example.site.languages"), N_("example.image.src"), N_("example.image.alt"), N_("example.image.caption")
N_("example.site.cms.backend"), N_("example.site.cms.repo"), N_("example.site.cms.branch")
N_("example.site.cms.base_url"), N_("example.site.cms.auth_endpoint"), N_("example.site.cms.app_id")
N_("example.site.cms.api_root"), N_("example.site.cms.media_folder"), N_("example.site.cms.local_port")
N_("example.aims"), N_("example.results"), N_("example.funding.programme"), N_("example.funding.code")
N_("example.indicator.name"), N_("example.indicator.unit"), N_("example.indicator.target")
N_("example.indicator.actual"), N_("example.site.programme.id"), N_("example.site.programme.rules")
N_("example.site.programme.name"), N_("example.site.programme.fund"), N_("example.site.programme.statement")
N_("example.site.programme.logo"), N_("example.site.programme.logo_alt")


def example_text(model: type[BaseModel], name: str, lang: str) -> str:
    return message(lang, f"example.{doc_key(model, name)}", {})


def example_value(model: type[BaseModel], name: str, lang: str) -> Any:
    """A field's example as the YAML language server would see it."""
    info = model.model_fields[name]
    kind, _ = field_kind(info)
    if kind == "items":
        sub = item_model(info)
        assert sub is not None
        return [{n: example_value(sub, n, lang) for n in sub.model_fields}]
    if kind == "section":
        sub = item_model(info)
        assert sub is not None
        return {n: example_value(sub, n, lang) for n in sub.model_fields}
    text = example_text(model, name, lang)
    if kind == "list":
        return [text]
    if kind == "amount":
        amount = Decimal(text)
        return int(amount) if amount == amount.to_integral_value() else float(amount)
    if kind == "flag":
        return text == "true"
    return text


def _strip_null(prop: dict[str, Any]) -> dict[str, Any]:
    arms = prop.get("anyOf")
    if isinstance(arms, list) and {"type": "null"} in arms:
        rest = [a for a in arms if a != {"type": "null"}]
        del prop["anyOf"]
        if len(rest) == 1:
            prop.update(rest[0])
        else:
            prop["anyOf"] = rest
    if prop.get("default", 0) is None:
        del prop["default"]
    return prop


def _localise(obj: dict[str, Any], model: type[BaseModel], lang: str) -> None:
    # Class names and docstrings are for developers, in English.
    obj.pop("title", None)
    obj.pop("description", None)
    for name, prop in obj.get("properties", {}).items():
        _strip_null(prop)
        prop.pop("title", None)
        prop["description"] = message(lang, f"doc.{doc_key(model, name)}", {})
        if field_kind(model.model_fields[name])[0] not in ("items", "section"):
            prop["examples"] = [example_value(model, name, lang)]


# Composed below as <title_key>.title and <title_key>.description.
N_("schema.record.title"), N_("schema.record.description"), N_("schema.site.title"), N_("schema.site.description")


def _generate(model: type[BaseModel], lang: str, title_key: str) -> dict[str, Any]:
    raw = model.model_json_schema(ref_template="#/definitions/{model}")
    definitions = raw.pop("$defs", {})
    _localise(raw, model, lang)
    for name, definition in definitions.items():
        _localise(definition, _MODELS[name], lang)
    schema: dict[str, Any] = {
        "$schema": DRAFT,
        "title": message(lang, f"{title_key}.title", {}),
        "description": message(lang, f"{title_key}.description", {}),
    }
    schema.update(raw)
    if definitions:
        schema["definitions"] = dict(sorted(definitions.items()))
    return schema


def record_json_schema(theme_ids: Sequence[str] | None = None, lang: str = "fi",
                       programme_ids: Sequence[str] | None = None) -> dict[str, Any]:
    """The JSON Schema of a project's front matter.

    With `theme_ids` (a site's themes, in order) the `theme` field offers
    exactly those; without, any text. `programme_ids` (a site's programmes)
    do the same for each funding entry's `programme`.
    """
    schema = _generate(Project, lang, "schema.record")
    if theme_ids:
        theme = schema["properties"]["theme"]
        theme.pop("type", None)
        theme["enum"] = list(theme_ids)
        theme["examples"] = [theme_ids[0]]
    if programme_ids:
        programme = schema["definitions"]["Funding"]["properties"]["programme"]
        programme.pop("type", None)
        programme["enum"] = list(programme_ids)
        programme["examples"] = [programme_ids[0]]
    return schema


def site_json_schema(lang: str = "fi") -> dict[str, Any]:
    """The JSON Schema of `site.yaml`."""
    return _generate(SiteConfig, lang, "schema.site")


def schema_text(schema: dict[str, Any]) -> str:
    """Stable text for a committed file: same schema, same bytes."""
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
