"""Decap CMS's `config.yml`, generated from the same models as the JSON Schema and the field guide.

A hand-written Decap configuration drifts from what `check` accepts; this
one cannot. Each front-matter field of `Project` becomes one widget, chosen
by the field's `Kind`; its required flag comes from the model, its pattern
from the JSON Schema the model generates, its hint from the field guide's
description and its label from the catalogues, all in the editors' language
(the site's main one). A language version (`<slug>.<lang>.md`) gets a
collection of its own with the fields of `Translation`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import yaml
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from projcat.content.records import Project, Translation
from projcat.content.settings import Cms, SiteConfig
from projcat.editors.schema import doc_key, field_kind, item_model, record_json_schema
from projcat.languages import language
from projcat.strings import N_, known, message

RECORD_FOLDER = "content/projects"
STATIC_FOLDER = "static"
BODY = "body"
# Free texts that usually run to several sentences get a text area, the rest a one-line input.
LONG_TEXTS = frozenset({"summary", "funding.note", "document.accessibility_note"})
# Markdown like the body: shown under their own headings on the page.
MARKDOWN_TEXTS = frozenset({"aims", "results"})

# Composed below as label.<doc key>: each field's short name in a form.
N_("label.title"), N_("label.short_title"), N_("label.title_lang"), N_("label.theme"), N_("label.start")
N_("label.end"), N_("label.status"), N_("label.summary"), N_("label.lead"), N_("label.partners")
N_("label.funding"), N_("label.contacts"), N_("label.documents"), N_("label.keywords"), N_("label.body")
N_("label.funding.funder"), N_("label.funding.amount_eur"), N_("label.funding.up_to"), N_("label.funding.note")
N_("label.contact.name"), N_("label.contact.role"), N_("label.contact.email"), N_("label.contact.phone")
N_("label.document.title"), N_("label.document.url"), N_("label.document.type"), N_("label.document.size")
N_("label.document.accessible"), N_("label.document.accessibility_note"), N_("label.image"), N_("label.image.src")
N_("label.image.alt"), N_("label.image.caption")
N_("label.aims"), N_("label.results"), N_("label.indicators"), N_("label.funding.programme"), N_("label.funding.code")
N_("label.indicator.name"), N_("label.indicator.unit"), N_("label.indicator.target"), N_("label.indicator.actual")
# Composed below as cms.pattern.<kind>: why a value that does not match its pattern is refused.
N_("cms.pattern.date"), N_("cms.pattern.email"), N_("cms.pattern.url"), N_("cms.pattern.lang")
N_("cms.pattern.other")
N_("cms.collection"), N_("cms.collection.translation")


def decap_locale(site: SiteConfig) -> str:
    """The language of Decap's own interface (buttons, menus, messages) for `site`'s editors: Decap's
    own Swedish and English, and our Finnish (`theme/admin/decap-fi.js`, registered by the admin page
    before Decap reads this configuration)."""
    return language(site.language).decap_locale


def _label(key: str, name: str, lang: str) -> str:
    # A field added to the model before its label is translated still gets a widget, named as in YAML.
    return message(lang, f"label.{key}", {}) if known(f"label.{key}") else name


def _pattern(prop: dict[str, Any]) -> str | None:
    """The text pattern of a JSON Schema property, also inside an `anyOf` (a date's, an amount's)."""
    if isinstance(prop.get("pattern"), str):
        return str(prop["pattern"])
    for arm in prop.get("anyOf", []):
        if arm.get("type") == "string" and isinstance(arm.get("pattern"), str):
            return str(arm["pattern"])
    return None


def _properties(schema: dict[str, Any], model: type[BaseModel]) -> dict[str, Any]:
    """The JSON Schema properties of `model` (the record itself or one of its definitions)."""
    if model is Project or model is Translation:
        return dict(schema.get("properties", {}))
    return dict(schema.get("definitions", {}).get(model.__name__, {}).get("properties", {}))


class _Fields:
    """Makes the widgets of one model, for one site, in the editors' language."""

    def __init__(self, site: SiteConfig, schema: dict[str, Any]) -> None:
        self.site, self.schema, self.lang = site, schema, site.language

    def widgets(self, model: type[BaseModel], optional: bool = False) -> list[dict[str, Any]]:
        """`optional`: the fields of a section the record may leave out, which Decap would otherwise
        require as soon as the record is saved, image or not; `check` still requires them in a section
        that is there."""
        props = _properties(self.schema, model)
        return [self.widget(model, name, info, props.get(name, {}), optional)
                for name, info in model.model_fields.items()]

    def widget(self, model: type[BaseModel], name: str, info: FieldInfo, prop: dict[str, Any],
               optional: bool = False) -> dict[str, Any]:
        key = doc_key(model, name)
        kind, _ = field_kind(info)
        field: dict[str, Any] = {
            "label": _label(key, name, self.lang), "name": name,
            "hint": message(self.lang, f"doc.{key}", {}), "required": info.is_required() and not optional,
        }
        field.update(self.kind_widget(kind, key, info))
        pattern = _pattern(prop)
        # Decap checks a pattern against a text; a file widget's value is not one, and what it holds
        # (an upload's address, or a link chosen by its own dialog) is checked by `check`.
        if pattern is not None and field["widget"] in ("string", "text"):
            reason = f"cms.pattern.{kind}" if known(f"cms.pattern.{kind}") else "cms.pattern.other"
            field["pattern"] = [pattern, message(self.lang, reason, {})]
        return field

    def kind_widget(self, kind: str, key: str, info: FieldInfo) -> dict[str, Any]:
        if kind == "items":
            sub = item_model(info)
            assert sub is not None
            # Empty until an editor adds an item: an untouched item would hold empty required fields.
            return {"widget": "list", "collapsed": False, "default": [], "fields": self.widgets(sub)}
        sub = item_model(info)
        if sub is not None:
            # Any other nested model (the image, ...) is one mapping: a group of its own fields.
            return {"widget": "object", "collapsed": False,
                    "fields": self.widgets(sub, optional=not info.is_required())}
        if kind == "list":
            return {"widget": "list", "collapsed": False, "default": [],
                    "field": {"label": _label(key, key, self.lang), "name": "item", "widget": "string"}}
        if kind == "amount":
            return {"widget": "number", "value_type": "float", "min": 0, "step": 0.01}
        if kind == "flag":
            return {"widget": "boolean", "default": bool(info.default)}
        if kind == "theme" and self.site.themes:
            options = [{"label": theme.name.get(self.lang, self.site.language)[0], "value": theme.id}
                       for theme in self.site.themes]
            return {"widget": "select", "options": options}
        if kind == "programme" and self.site.programmes:
            options = [{"label": (p.name.get(self.lang, self.site.language)[0] if p.name else p.id), "value": p.id}
                       for p in self.site.programmes]
            return {"widget": "select", "options": options}
        if key in MARKDOWN_TEXTS:
            return {"widget": "markdown"}
        if kind == "status":
            return {"widget": "select", "options": [{"label": message(self.lang, "status.ended", {}),
                                                     "value": "ended"}]}
        if kind == "url" and key == "document.url":
            # A document is a file of the site's own (uploaded to the media folder) or a link elsewhere.
            return {"widget": "file", "choose_url": True}
        if key == "image.src":
            # Chosen or uploaded into the media folder under static/ and written as a site path
            # (`/tiedostot/x.jpg`), which is where the build looks for it; never another site's address.
            return {"widget": "image", "choose_url": False}
        return {"widget": "text" if key in LONG_TEXTS else "string"}


def _body(lang: str) -> dict[str, Any]:
    return {"label": _label(BODY, BODY, lang), "name": BODY, "widget": "markdown", "required": False,
            "hint": message(lang, "cms.body.hint", {})}


def _backend(cms: Cms) -> dict[str, Any]:
    backend: dict[str, Any] = {"name": cms.backend, "repo": cms.repo, "branch": cms.branch}
    for name in ("base_url", "auth_endpoint", "app_id", "api_root"):
        value = getattr(cms, name)
        if value is not None:
            backend[name] = value
    if cms.backend == "gitlab" and cms.app_id is not None:
        # A GitLab application is signed in to with PKCE: no server of our own holds a secret.
        backend["auth_type"] = "pkce"
    return backend


def _collection(site: SiteConfig, lang: str | None, fields: _Fields, preview_path: str | None) -> dict[str, Any]:
    """The main records' collection (`lang` None), or one language version's."""
    editors = site.language
    main = lang is None
    collection: dict[str, Any] = {
        "name": "projects" if main else f"projects_{lang}",
        "label": message(editors, "cms.collection" if main else "cms.collection.translation", {"lang": lang}),
        "label_singular": message(editors, "cms.collection.singular", {}),
        "folder": RECORD_FOLDER,
        # A language version is `<slug>.<lang>.md`: its collection lists just those files.
        "extension": "md" if main else f"{lang}.md",
        "format": "frontmatter",
        "create": main,
        "slug": "{{slug}}",
        "identifier_field": "title",
        "summary": "{{title}}",
    }
    if main and preview_path is not None:
        collection["preview_path"] = preview_path
    collection["fields"] = [*fields.widgets(Project if main else Translation), _body(editors)]
    return collection


def cms_config(site: SiteConfig, preview_path: str | None = None, local: bool = True) -> dict[str, Any]:
    """Decap CMS's configuration for `site`, which has a `cms:` section.

    `preview_path` is a project page's address below the site's, with `{{slug}}` for its slug
    (the addresses are render's to know); `local` lets `serve --cms` edit the files on this computer."""
    assert site.cms is not None
    cms = site.cms
    schema = record_json_schema([t.id for t in site.themes], site.language, [p.id for p in site.programmes])
    fields = _Fields(site, schema)
    config: dict[str, Any] = {"backend": _backend(cms)}
    if local:
        # Used only when the admin is opened on this computer (`serve --cms`), never on the public host.
        config["local_backend"] = {"url": f"http://127.0.0.1:{cms.local_port}/api/v1",
                                   "allowed_hosts": ["127.0.0.1", "localhost"]}
    config.update({
        "locale": decap_locale(site),
        **({"site_url": site.base_url, "display_url": site.base_url} if "://" in site.base_url else {}),
        "media_folder": f"{STATIC_FOLDER}/{cms.media_folder}",
        "public_folder": f"/{cms.media_folder}",
        # Addresses are made of lower-case ASCII, as `new` makes them.
        "slug": {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"},
        "collections": [_collection(site, None, fields, preview_path),
                        *(_collection(site, lang, fields, None) for lang in site.languages[1:])],
    })
    return config


def cms_config_text(site: SiteConfig, preview_path: str | None = None) -> str:
    """`config.yml` as written into `admin/`: same site, same bytes."""
    header = "# " + message(site.language, "cms.config.generated", {}) + "\n"
    config = cms_config(site, preview_path)
    return header + yaml.safe_dump(config, allow_unicode=True, sort_keys=False, width=1000)


def widget_paths(fields: list[dict[str, Any]], prefix: str = "") -> Iterator[str]:
    """Every widget's path in a config's field list: `title`, `funding.funder`, ..."""
    for field in fields:
        path = prefix + field["name"]
        yield path
        yield from widget_paths(field.get("fields", []), path + ".")
