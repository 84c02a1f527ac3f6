"""The record `build.py new` writes: every field of the model, explained and exemplified.

Made from the same model and the same strings as the JSON Schema and the
field guide, in the editors' language: the title and the theme written out,
every optional field commented out with a one-line explanation above it and
its example as its value, and a skeleton of the description's sections. An
editor removes the `# ` of the lines to use; the file checks clean as it is
once its title is filled in.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel

from projcat.content.records import Project
from projcat.editors.fieldguide import yaml_scalar
from projcat.editors.schema import doc_key, example_value, field_kind, item_model
from projcat.strings import N_, message

# The description's sections, composed as new.body.<section> (a heading) and new.body.<section>.hint.
BODY_SECTIONS = ("background", "goals", "work", "results")
N_("new.body.background"), N_("new.body.goals"), N_("new.body.work"), N_("new.body.results")
N_("new.body.background.hint"), N_("new.body.goals.hint"), N_("new.body.work.hint"), N_("new.body.results.hint")


def _explanation(model: type[BaseModel], name: str, lang: str) -> str:
    return " ".join(message(lang, f"doc.{doc_key(model, name)}", {}).split())


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return yaml_scalar(str(value))


def _sub_fields(model: type[BaseModel], values: dict[str, Any], indent: str, first: str, lang: str) -> list[str]:
    """A mapping's fields, each under its explanation; the first key after `first` (`- ` of a list item)."""
    lines: list[str] = []
    for position, (name, value) in enumerate(values.items()):
        lead = first if position == 0 else " " * len(first)
        lines.append(f"{indent}{' ' * len(first)}# {_explanation(model, name, lang)}")
        if isinstance(value, list):
            lines.append(f"{indent}{lead}{name}:")
            lines += [f"{indent}{' ' * len(first)}  - {_value(item)}" for item in value]
        else:
            lines.append(f"{indent}{lead}{name}: {_value(value)}")
    return lines


def _field(name: str, lang: str) -> list[str]:
    """One optional field of a record as YAML, its explanation first; not yet commented out."""
    info = Project.model_fields[name]
    kind, _ = field_kind(info)
    value = example_value(Project, name, lang)
    sub = item_model(info)
    if kind == "items" and sub is not None:
        return [f"{name}:", *_sub_fields(sub, value[0], "  ", "- ", lang)]
    if kind == "section" and sub is not None:
        return [f"{name}:", *_sub_fields(sub, value, "  ", "", lang)]
    if isinstance(value, list):
        return [f"{name}:"] + [f"  - {_value(item)}" for item in value]
    return [f"{name}: {_value(value)}"]


def record_text(title: str, theme: str | None, theme_ids: Sequence[str], lang: str) -> str:
    """The whole new record: front matter and the description's skeleton."""
    lines = ["---", f"# {message(lang, 'new.template_intro', {})}"]
    for name in Project.model_fields:
        explanation = _explanation(Project, name, lang)
        if name == "theme" and theme_ids:
            explanation += " " + message(lang, "guide.themes", {"choices": ", ".join(theme_ids)})
        lines.append(f"# {explanation}")
        if name == "title":
            lines.append(f"title: {yaml_scalar(title)}" if title else "title:")
        elif name == "theme" and theme:
            lines.append(f"theme: {theme}")
        elif name == "theme":
            lines.append(f"# theme: {theme_ids[0] if theme_ids else example_value(Project, name, lang)}")
        else:
            lines += ["# " + line for line in _field(name, lang)]
    lines += ["---", ""]
    for section in BODY_SECTIONS:
        lines += [f"## {message(lang, f'new.body.{section}', {})}", "",
                  f"<!-- {message(lang, f'new.body.{section}.hint', {})} -->", ""]
    return "\n".join(lines)
