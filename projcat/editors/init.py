"""`build.py init DIR`: a new organisation's site folder that checks, builds and publishes as it is.

The answers (organisation, title, languages, themes, base URL, host) come
from flags or, in a terminal, from questions in the editors' language. Every
file is composed first and the new `site.yaml` is validated in a scratch
folder; only then is anything written, and never over a file that exists.
`site.yaml` is generated from the settings model, so every option the model
has is in it: the optional ones commented out under their explanation.
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from importlib.resources import files
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from projcat import __version__
from projcat.content.load import suggest_slug
from projcat.content.settings import Accessibility, Paths, SiteConfig, Theme
from projcat.content.site_file import load_site
from projcat.editors.fieldguide import editor_files, yaml_scalar
from projcat.editors.schema import SITE_SCHEMA_FILE
from projcat.editors.template import example_lines, explanation, record_text
from projcat.languages import LANGUAGES
from projcat.problems import Problem
from projcat.strings import N_, message

HOSTS: tuple[str, ...] = ("github", "gitlab", "none")
# The file each host reads its publishing steps from.
WORKFLOWS = {"github": (".github/workflows/pages.yml", "github-pages.yml"), "gitlab": (".gitlab-ci.yml",
                                                                                        "gitlab-ci.yml")}
# The editors' guide, named in its language.
N_("init.guide_file"), N_("init.guide")
# Comments of the starter files, replaced at their `@@key@@` markers.
N_("init.workflow.intro"), N_("init.workflow.nightly"), N_("init.workflow.history"), N_("init.workflow.build")
N_("init.workflow.gitlab_schedule"), N_("init.gitignore"), N_("init.precommit"), N_("init.requirements")
# The questions, and the refusals of an answer (`Refused`).
N_("init.ask_organisation"), N_("init.ask_title"), N_("init.ask_languages"), N_("init.ask_themes")
N_("init.ask_base_url"), N_("init.ask_host"), N_("init.bad_languages"), N_("init.bad_host"), N_("init.no_themes")
N_("init.duplicate_theme"), N_("init.missing"), N_("init.base_url_note"), N_("init.ask_feedback_email")


@dataclass(frozen=True)
class Answers:
    """What a new site is made of; `lang` is the editors' language (questions, comments, guide)."""

    lang: str
    organisation: str
    title: str
    languages: tuple[str, ...]
    themes: tuple[str, ...]
    base_url: str
    host: str
    # Where readers send accessibility feedback; the law asks for one, and only the organisation knows it.
    feedback_email: str | None = None


@dataclass(frozen=True)
class Given:
    """The flags as given; None where a flag was left out."""

    lang: str | None = None
    organisation: str | None = None
    title: str | None = None
    languages: str | None = None
    themes: str | None = None
    base_url: str | None = None
    host: str | None = None
    feedback_email: str | None = None


class Refused(Exception):
    """An answer that cannot make a site: the message's key and parameters."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key, self.params = key, params
        # The language to say it in, once the editors have chosen one.
        self.lang: str | None = None


def split_list(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(part.strip() for part in text.replace(";", ",").split(",") if part.strip()))


def _languages(text: str) -> tuple[str, ...]:
    codes = split_list(text.lower())
    bad = [code for code in codes if code not in LANGUAGES]
    if bad or not codes:
        raise Refused("init.bad_languages", value=", ".join(bad) or text, choices=", ".join(LANGUAGES))
    return codes


def _host(text: str) -> str:
    host = text.strip().lower()
    if host not in HOSTS:
        raise Refused("init.bad_host", value=text, choices=", ".join(HOSTS))
    return host


def _themes(text: str) -> tuple[str, ...]:
    themes = split_list(text)
    if not themes:
        raise Refused("init.no_themes")
    ids = [suggest_slug(theme) for theme in themes]
    for index, theme_id in enumerate(ids):
        if theme_id in ids[:index]:
            raise Refused("init.duplicate_theme", value=themes[index])
    return themes


Ask = Callable[[str], str]


def _terminal_ask(prompt: str) -> str:
    try:
        return input(prompt).strip()
    except EOFError:
        # Ctrl-D: the editor wants out, not the same question again.
        print()
        raise Refused("init.not_written") from None


def answers(given: Given, ask: Ask | None) -> Answers:
    """Every answer, from the flags, else (with `ask`) from a question repeated until it is usable.

    Without `ask` (not a terminal) a missing organisation or theme list is refused:
    nothing about the organisation is made up."""
    lang = given.lang
    if lang is None and ask is not None:
        while lang not in LANGUAGES:
            # Asked before any language is known: in all three.
            lang = ask(message("fi", "init.ask_lang_all", {"choices": "/".join(LANGUAGES)})).lower() or "fi"
    lang = lang or "fi"

    def get(value: str | None, key: str, default: str | None, convert: Callable[[str], Any],
            **params: object) -> Any:
        if value is not None:
            return convert(value)
        if ask is None:
            if default is None:
                raise Refused("init.missing", flag=key.replace("init.ask_", "--").replace("_", "-"))
            return convert(default)
        while True:
            shown = message(lang, key, {"default": default or "", **params})
            text = ask(shown) or (default or "")
            try:
                if text:
                    return convert(text)
            except Refused as refused:
                print(message(lang, refused.key, refused.params), file=sys.stderr)

    try:
        organisation = get(given.organisation, "init.ask_organisation", None, str.strip)
        title = get(given.title, "init.ask_title", message(lang, "init.default_title", {}), str.strip)
        languages = get(given.languages, "init.ask_languages", lang, _languages, choices=", ".join(LANGUAGES))
        themes = get(given.themes, "init.ask_themes", None, _themes)
        base_url = get(given.base_url, "init.ask_base_url", "/", str.strip)
        host = get(given.host, "init.ask_host", "github", _host, choices=", ".join(HOSTS))
    except Refused as refused:
        refused.lang = lang
        raise
    # Optional: an empty answer leaves it out, and `check` then reminds the organisation of it.
    feedback = given.feedback_email if given.feedback_email is not None else (
        ask(message(lang, "init.ask_feedback_email", {})) if ask is not None else "")
    return Answers(lang, organisation, title, languages, themes, base_url, host, feedback.strip() or None)


# --- site.yaml


def _text(key: str, value: str, languages: Sequence[str], indent: str, lead: str = "") -> list[str]:
    """A text of site.yaml: plain on a one-language site, a mapping with the other languages to fill in."""
    first = indent + (lead or "")
    if len(languages) == 1:
        return [f"{first}{key}: {yaml_scalar(value)}"]
    inner = indent + " " * len(lead) + "  "
    return [f"{first}{key}:", f"{inner}{languages[0]}: {yaml_scalar(value)}",
            *(f"{inner}# {code}:" for code in languages[1:])]


def _commented(model: type[BaseModel], name: str, lang: str, indent: str = "") -> list[str]:
    return [f"{indent}# {explanation(model, name, lang)}",
            *(f"{indent}# {line}" for line in example_lines(name, lang, model))]


def _accessibility(lang: str, today: date, feedback_email: str | None) -> list[str]:
    """The statement's facts: not yet assessed, drawn up today, the feedback address when given;
    every other fact commented out."""
    lines = ["accessibility:", f"  # {message(lang, 'init.accessibility_note', {})}"]
    for name in Accessibility.model_fields:
        if name == "compliance":
            lines += [f"  # {explanation(Accessibility, name, lang)}", "  compliance: not-assessed"]
        elif name == "prepared":
            lines += [f"  # {explanation(Accessibility, name, lang)}", f"  prepared: {today.isoformat()}"]
        elif name == "feedback_email" and feedback_email:
            lines += [f"  # {explanation(Accessibility, name, lang)}",
                      f"  feedback_email: {yaml_scalar(feedback_email)}"]
        else:
            lines += _commented(Accessibility, name, lang, "  ")
    return lines


def site_yaml(a: Answers, today: date) -> str:
    """Every field of the settings model: the answers written out, every other option commented out."""
    lang, languages = a.lang, a.languages
    lines = [f"# yaml-language-server: $schema={SITE_SCHEMA_FILE}",
             f"# {message(lang, 'init.site_intro', {})}", ""]
    for name in SiteConfig.model_fields:
        doc = f"# {explanation(SiteConfig, name, lang)}"
        if name == "title":
            lines += [doc, *_text("title", a.title, languages, "")]
        elif name == "organisation":
            lines += [doc, *_text("organisation", a.organisation, languages, "")]
        elif name == "language":
            lines += [doc, f"# language: {languages[0]}"]
        elif name == "languages":
            lines += [doc, f"languages: [{', '.join(languages)}]"]
        elif name == "base_url":
            lines += [doc, f"base_url: {yaml_scalar(a.base_url)}"]
        elif name == "themes":
            lines += [doc, "themes:"]
            for theme in a.themes:
                lines += [f"  - id: {suggest_slug(theme)}", *_text("name", theme, languages, "    "),
                          *_commented(Theme, "intro", lang, "    ")]
        elif name == "accessibility":
            lines += [doc, *_accessibility(lang, today, a.feedback_email)]
        else:
            lines += _commented(SiteConfig, name, lang)
        lines.append("")
    return "\n".join(lines)


# --- the example record


def example_slug(lang: str) -> str:
    return suggest_slug(message(lang, "init.example.title", {}))


def example_records(a: Answers, today: date) -> dict[str, str]:
    """One example record in the main language and a translation in each other language."""
    main = a.languages[0]
    slug = example_slug(main)
    theme_ids = [suggest_slug(theme) for theme in a.themes]
    values = {"start": f"{today.year}-01", "summary": message(main, "init.example.summary", {}),
              "keywords": [message(main, "init.example.keyword", {})]}
    texts = {f"content/projects/{slug}.md": record_text(
        message(main, "init.example.title", {}), theme_ids[0], theme_ids, a.lang, values,
        intro=message(a.lang, "init.example.comment", {"slug": slug}),
        body=message(main, "init.example.body", {}))}
    for code in a.languages[1:]:
        front = {"title": message(code, "init.example.title", {}), "summary": message(code, "init.example.summary", {}),
                 "keywords": [message(code, "init.example.keyword", {})]}
        dumped = "\n".join(f"{key}: {yaml_scalar(value)}" if isinstance(value, str)
                           else f"{key}: [{', '.join(yaml_scalar(v) for v in value)}]" for key, value in front.items())
        comment = message(a.lang, "init.example.comment", {"slug": slug})
        texts[f"content/projects/{slug}.{code}.md"] = (
            f"---\n# {comment}\n{dumped}\n---\n{message(code, 'init.example.body', {}).rstrip()}\n")
    return texts


# --- the other files


def _starter(name: str) -> str:
    return files("projcat.editors").joinpath("starter", name).read_text(encoding="utf-8")


def _filled(text: str, lang: str, values: dict[str, str] | None = None) -> str:
    """A starter file with its `@@key@@` markers replaced: values first, then catalogue strings."""
    for key, value in (values or {}).items():
        text = text.replace(f"@@{key}@@", value)
    while "@@" in text:
        start = text.index("@@")
        end = text.index("@@", start + 2)
        key = text[start + 2:end]
        text = text[:start] + " ".join(message(lang, key, {}).split()) + text[end + 2:]
    return text


def _vscode() -> dict[str, str]:
    settings = {"yaml.schemas": {f"./{SITE_SCHEMA_FILE}": "site.yaml"}}
    extensions = {"recommendations": ["redhat.vscode-yaml"]}
    return {".vscode/settings.json": json.dumps(settings, indent=2) + "\n",
            ".vscode/extensions.json": json.dumps(extensions, indent=2) + "\n"}


def site_files(a: Answers, today: date) -> dict[str, str]:
    """Every file of the new site but the generated schemas, by path under the folder."""
    lang = a.lang
    out = {"site.yaml": site_yaml(a, today)}
    out.update(example_records(a, today))
    out[".gitignore"] = _filled(_starter("gitignore"), lang)
    out[".pre-commit-config.yaml"] = _filled(_starter("pre-commit-config.yaml"), lang)
    out["requirements.txt"] = _filled(_starter("requirements.txt"), lang, {"version": __version__})
    out.update(_vscode())
    out["static/.gitkeep"] = ""
    out[message(lang, "init.guide_file", {})] = message(lang, "init.guide", {
        "title": a.title, "example": f"content/projects/{example_slug(a.languages[0])}.md"})
    if a.host in WORKFLOWS:
        target, source = WORKFLOWS[a.host]
        out[target] = _filled(_starter(source), lang)
    return out


def _checked(texts: dict[str, str]) -> tuple[dict[str, str], list[Problem]]:
    """The files with the editors' schemas added, once `site.yaml` validates in a scratch folder."""
    with tempfile.TemporaryDirectory() as scratch:
        (Path(scratch) / "site.yaml").write_text(texts["site.yaml"], encoding="utf-8")
        site, problems = load_site(Paths(Path(scratch)))
    if site is None:
        return texts, problems
    return {**texts, **editor_files(site)}, []


def holds_site(folder: Path) -> bool:
    return (folder / "site.yaml").exists() or (folder / "content" / "projects").exists()


def init_site(folder: Path, given: Given, today: date, ask: Ask | None = None) -> int:
    """Make the site in `folder` (made if missing); 0, or 2 without a change anywhere."""
    lang = given.lang or "fi"
    if holds_site(folder):
        print(message(lang, "init.holds_site", {"folder": folder}), file=sys.stderr)
        return 2
    if folder.exists() and not folder.is_dir():
        print(message(lang, "init.not_folder", {"folder": folder}), file=sys.stderr)
        return 2
    try:
        a = answers(given, ask)
    except Refused as refused:
        print(message(refused.lang or lang, refused.key, refused.params), file=sys.stderr)
        return 2
    texts, problems = _checked(site_files(a, today))
    if problems:
        for problem in problems:
            print(problem.format(a.lang), file=sys.stderr)
        print(message(a.lang, "init.not_written", {}), file=sys.stderr)
        return 2
    clashes = sorted(rel for rel in texts if (folder / rel).exists())
    if clashes:
        print(message(a.lang, "init.would_replace", {"files": ", ".join(clashes)}), file=sys.stderr)
        return 2
    for rel, text in texts.items():
        target = folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    print(message(a.lang, "init.created", {"folder": folder, "count": len(texts)}))
    print(message(a.lang, "init.next", {"folder": folder}))
    if a.host != "none" and "://" not in a.base_url:
        # Pages serves a project's site under a path of its own host: a bare "/" would break every link.
        print(message(a.lang, "init.base_url_note", {"base_url": a.base_url}))
    if a.host == "gitlab":
        print(message(a.lang, "init.gitlab_schedule", {}))
    return 0


def ask_in_terminal() -> Ask | None:
    """Questions only where someone can answer them."""
    return _terminal_ask if sys.stdin.isatty() else None
