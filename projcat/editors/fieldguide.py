"""The editors' field guide (Markdown), generated from the same models as the JSON Schema.

Every key, its kind, whether it is required, its description and an example
come from `records`/`settings` and the strings table, so the guide cannot
drift from what `check` accepts. The complete example record at the end is
built from the same examples, and the tests check that it validates.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel

from projcat.content.records import Project
from projcat.content.settings import SiteConfig
from projcat.editors.schema import doc_key, example_text, example_value, field_kind, item_model
from projcat.languages import LANGUAGES
from projcat.strings import N_, message

# A plain YAML value is safe to write unquoted unless one of these holds.
_NEEDS_QUOTES = re.compile(r"""^[\s@`\[\]{}*&!%|>"'#,?:\-]|: | #|:$|\s$""")


def yaml_scalar(text: str) -> str:
    """`text` as a YAML value that our reader returns unchanged."""
    if not text or _NEEDS_QUOTES.search(text):
        return "'" + text.replace("'", "''") + "'"
    return text


# Composed below as guide.kind.<kind>, guide.col.<column> and guide.<items|section>.
N_("guide.kind.text"), N_("guide.kind.date"), N_("guide.kind.amount"), N_("guide.kind.flag"), N_("guide.kind.email")
N_("guide.kind.phone"), N_("guide.kind.url"), N_("guide.kind.lang"), N_("guide.kind.status"), N_("guide.kind.theme")
N_("guide.kind.theme_id"), N_("guide.kind.time_zone"), N_("guide.kind.base_url"), N_("guide.kind.items")
N_("guide.kind.local_text"), N_("guide.kind.alt")
N_("guide.kind.section"), N_("guide.kind.choice"), N_("guide.kind.port"), N_("guide.kind.media_folder")
N_("guide.kind.colour")
N_("guide.kind.programme")
N_("guide.col.field"), N_("guide.col.type"), N_("guide.col.required"), N_("guide.col.description")
N_("guide.col.example"), N_("guide.items"), N_("guide.section"), N_("guide.required.yes"), N_("guide.required.no")


def _kind_label(kind: str, item: str | None, lang: str) -> str:
    if kind == "list":
        return message(lang, "guide.kind.list", {"item": _kind_label(item or "text", None, lang)})
    if kind == "language":
        return message(lang, "guide.kind.language", {"choices": ", ".join(LANGUAGES)})
    return message(lang, f"guide.kind.{kind}", {})


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _example_cell(model: type[BaseModel], name: str, kind: str, lang: str, theme_ids: Sequence[str]) -> str:
    if kind in ("items", "section"):
        return ""
    if kind == "theme" and theme_ids:
        return f"`{theme_ids[0]}`"
    text = example_text(model, name, lang)
    return f"`{yaml_scalar(text)}`"


def _table(model: type[BaseModel], lang: str, theme_ids: Sequence[str]) -> list[str]:
    head = [message(lang, f"guide.col.{c}", {}) for c in ("field", "type", "required", "description", "example")]
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    for name, info in model.model_fields.items():
        kind, item = field_kind(info)
        description = message(lang, f"doc.{doc_key(model, name)}", {})
        if kind == "theme" and theme_ids:
            description += " " + message(lang, "guide.themes", {"choices": ", ".join(theme_ids)})
        required = message(lang, "guide.required.yes" if info.is_required() else "guide.required.no", {})
        cells = [f"`{name}`", _kind_label(kind, item, lang), required, description,
                 _example_cell(model, name, kind, lang, theme_ids)]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return lines


def _section(model: type[BaseModel], lang: str, theme_ids: Sequence[str]) -> list[str]:
    lines = _table(model, lang, theme_ids)
    for name, info in model.model_fields.items():
        kind, _ = field_kind(info)
        sub = item_model(info)
        if sub is None or kind not in ("items", "section"):
            continue
        lines += ["", "### " + message(lang, f"guide.{kind}", {"field": name}), ""]
        lines += _section(sub, lang, theme_ids) if kind == "section" else _table(sub, lang, theme_ids)
    return lines


def _yaml_lines(key: str, value: Any, indent: str = "") -> list[str]:
    if isinstance(value, bool):
        return [f"{indent}{key}: {'true' if value else 'false'}"]
    if isinstance(value, (int, float)):
        return [f"{indent}{key}: {value}"]
    if isinstance(value, dict):
        lines = [f"{indent}{key}:"]
        for k, v in value.items():
            lines += _yaml_lines(k, v, indent + "  ")
        return lines
    if isinstance(value, list):
        lines = [f"{indent}{key}:"]
        for item in value:
            if isinstance(item, dict):
                first = True
                for k, v in item.items():
                    sub = _yaml_lines(k, v, indent + "    ")
                    if first:
                        sub[0] = indent + "  - " + sub[0].lstrip()
                        first = False
                    lines += sub
            else:
                lines.append(f"{indent}  - {yaml_scalar(str(item))}")
        return lines
    return [f"{indent}{key}: {yaml_scalar(str(value))}"]


def example_front_matter(model: type[BaseModel], lang: str, theme_ids: Sequence[str] = ()) -> str:
    """Every field of `model` with its example, as YAML our reader accepts."""
    lines: list[str] = []
    for name in model.model_fields:
        value = example_value(model, name, lang)
        if field_kind(model.model_fields[name])[0] == "theme" and theme_ids:
            value = theme_ids[0]
        lines += _yaml_lines(name, value)
    return "\n".join(lines) + "\n"


def field_guide(site: SiteConfig | None, lang: str) -> str:
    """The whole guide as Markdown, for the site's themes and language."""
    theme_ids = [t.id for t in site.themes] if site else []

    def t(key: str, **params: object) -> str:
        return message(lang, key, params)

    lines = [
        f"# {t('guide.title')}", "",
        t("guide.generated"), "",
        t("guide.values"), "",
        f"## {t('guide.record.heading')}", "",
        t("guide.record.intro"), "",
    ]
    lines += _section(Project, lang, theme_ids)
    lines += [
        "", f"### {t('guide.example.heading')}", "",
        t("guide.example.record"), "",
        "```markdown", "---", example_front_matter(Project, lang, theme_ids).rstrip("\n"), "---", "",
        example_text(Project, "summary", lang), "```", "",
        f"## {t('guide.site.heading')}", "",
        t("guide.site.intro"), "",
    ]
    lines += _section(SiteConfig, lang, theme_ids)
    lines += [
        "", f"### {t('guide.example.heading')}", "",
        t("guide.example.site"), "",
        "```yaml", example_front_matter(SiteConfig, lang).rstrip("\n"), "```", "",
    ]
    return "\n".join(lines)


def editor_files(site: SiteConfig) -> dict[str, str]:
    """Every file generated for editors' tools, by path under the site folder, in the site's language."""
    from projcat.editors.schema import (
        RECORD_SCHEMA_FILE,
        SITE_SCHEMA_FILE,
        record_json_schema,
        schema_text,
        site_json_schema,
    )

    lang = site.language
    return {
        RECORD_SCHEMA_FILE: schema_text(record_json_schema([t.id for t in site.themes], lang,
                                                           [p.id for p in site.programmes])),
        SITE_SCHEMA_FILE: schema_text(site_json_schema(lang)),
        "docs/" + message(lang, "guide.file", {}): field_guide(site, lang),
    }
