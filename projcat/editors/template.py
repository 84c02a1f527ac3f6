"""The record `build.py new` writes: every field of the model, explained and exemplified.

Made from the same model and the same strings as the JSON Schema and the
field guide, in the editors' language: the title and the theme written out,
every optional field commented out with a one-line explanation above it and
its example as its value, and a skeleton of the description's sections. An
editor removes the `# ` of the lines to use; the file checks clean as it is
once its title is filled in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import yaml
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


def explanation(model: type[BaseModel], name: str, lang: str) -> str:
    """A field's one-line explanation from the strings table, in `lang`."""
    return _explanation(model, name, lang)


def example_lines(name: str, lang: str, model: type[BaseModel] = Project) -> list[str]:
    """One optional field of `model` as YAML with its example value; not yet commented out."""
    info = model.model_fields[name]
    kind, _ = field_kind(info)
    value = example_value(model, name, lang)
    sub = item_model(info)
    if kind == "items" and sub is not None:
        return [f"{name}:", *_sub_fields(sub, value[0], "  ", "- ", lang)]
    if kind == "section" and sub is not None:
        return [f"{name}:", *_sub_fields(sub, value, "  ", "", lang)]
    if isinstance(value, list):
        return [f"{name}:"] + [f"  - {_value(item)}" for item in value]
    return [f"{name}: {_value(value)}"]


def _written(name: str, value: Any) -> list[str]:
    """A field with its value, as YAML lines."""
    return yaml.safe_dump({name: value}, allow_unicode=True, sort_keys=False, width=1000).splitlines()


def record_text(title: str, theme: str | None, theme_ids: Sequence[str], lang: str,
                values: Mapping[str, Any] | None = None, intro: str | None = None, body: str | None = None) -> str:
    """The whole new record: front matter and the description's skeleton.

    `values` are fields already known (an imported row, the example record):
    written out under their explanation instead of commented out; `intro`
    replaces the first comment line and `body` the description's skeleton.
    """
    values = values or {}
    lines = ["---", f"# {intro or message(lang, 'new.template_intro', {})}"]
    for name in Project.model_fields:
        explanation = _explanation(Project, name, lang)
        if name == "theme" and theme_ids:
            explanation += " " + message(lang, "guide.themes", {"choices": ", ".join(theme_ids)})
        lines.append(f"# {explanation}")
        if name == "title":
            lines.append(f"title: {yaml_scalar(title)}" if title else "title:")
        elif name == "theme" and theme:
            lines.append(f"theme: {theme}")
        elif name in values:
            lines += _written(name, values[name])
        elif name == "theme":
            lines.append(f"# theme: {theme_ids[0] if theme_ids else example_value(Project, name, lang)}")
        else:
            lines += ["# " + line for line in example_lines(name, lang)]
    lines += ["---", ""]
    if body is not None:
        return "\n".join(lines) + body.rstrip("\n") + "\n"
    for section in BODY_SECTIONS:
        lines += [f"## {message(lang, f'new.body.{section}', {})}", "",
                  f"<!-- {message(lang, f'new.body.{section}.hint', {})} -->", ""]
    return "\n".join(lines)
