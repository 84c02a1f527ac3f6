"""Problems found in content: the one kind of failure the command line reports.

A problem carries a stable code and its parameters, not a sentence: the
sentence is looked up in the strings table at the moment it is shown, in the
language the user asked for.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, TypedDict, Unpack

from projcat.strings import N_, message

Severity = Literal["error", "warning"]
# Composed as severity.<severity> by `Problem.format`.
N_("severity.error"), N_("severity.warning")

# The advice `Problem.hint` composes as <code>.hint (or <code>.hint.suggestion); a code not listed has none.
N_("preview.template_error.hint"), N_("preview.internal.hint"), N_("output.holds_root.hint")
N_("output.overlaps.hint"), N_("output.not_folder.hint"), N_("output.static_replaces_page.hint")
N_("output.static_replaces_file.hint"), N_("file.too_large.hint"), N_("file.not_utf8.hint"), N_("file.utf16.hint")
N_("file.cr_only.hint"), N_("file.empty.hint"), N_("file.symlink.hint"), N_("file.bad_slug.hint")
N_("file.reserved_slug.hint"), N_("file.slug_collision.hint"), N_("frontmatter.missing.hint")
N_("frontmatter.unclosed.hint"), N_("frontmatter.not_mapping.hint"), N_("yaml.syntax.hint"), N_("yaml.tab.hint")
N_("yaml.colon.hint"), N_("yaml.curly_quotes.hint"), N_("yaml.reserved_start.hint"), N_("yaml.tag.hint")
N_("yaml.anchor.hint"), N_("yaml.duplicate_key.hint"), N_("yaml.key_not_string.hint"), N_("yaml.key_case.hint")
N_("yaml.complex_key.hint"), N_("yaml.maybe_comment.hint"), N_("field.missing.hint"), N_("field.unknown.hint")
N_("field.empty.hint"), N_("field.not_text.hint"), N_("field.not_list.hint"), N_("field.not_mapping.hint")
N_("date.impossible.hint"), N_("date.format.hint"), N_("date.format.hint.suggestion"), N_("date.range.hint")
N_("date.end_before_start.hint"), N_("status.invalid.hint"), N_("theme.unknown.hint"), N_("amount.invalid.hint")
N_("flag.invalid.hint"), N_("email.invalid.hint"), N_("email.obfuscated.hint"), N_("phone.invalid.hint")
N_("url.invalid.hint"), N_("url.scheme.hint"), N_("url.missing_file.hint"), N_("lang.invalid.hint")
N_("document.no_url.hint"), N_("text.invisible_space.hint"), N_("body.raw_html.hint"), N_("site.missing.hint")
N_("site.duplicate_theme.hint"), N_("site.bad_theme_id.hint"), N_("site.no_themes.hint"), N_("site.bad_base_url.hint")
N_("site.bad_time_zone.hint"), N_("site.bad_language.hint"), N_("statement.missing.hint")
N_("statement.no_feedback.hint"), N_("statement.compliance_too_high.hint"), N_("site.bad_compliance.hint")
N_("site.bad_assessment.hint"), N_("search.hint"), N_("file.control_char.hint"), N_("file.not_record.hint")
N_("file.not_regular.hint"), N_("frontmatter.not_first.hint"), N_("yaml.too_deep.hint"), N_("yaml.empty_key.hint")
N_("yaml.second_document.hint"), N_("yaml.tab_after.hint"), N_("yaml.indent.hint"), N_("yaml.unclosed_quote.hint")
N_("yaml.bad_escape.hint"), N_("yaml.no_colon.hint"), N_("yaml.text_after_quote.hint")
N_("yaml.unexpected_item.hint"), N_("date.format_impossible.hint"), N_("date.out_of_range.hint")
N_("url.bad_char.hint"), N_("url.relative.hint")
# What the sanitiser removes from a body.
N_("body.removed_tag.hint"), N_("body.removed_attribute.hint"), N_("body.removed_link.hint")
# Images and documents.
N_("image.alt_missing.hint"), N_("image.alt_file_name.hint"), N_("image.alt_generic.hint")
N_("image.alt_too_long.hint")
N_("image.remote.hint"), N_("image.outside.hint"), N_("image.missing_file.hint"), N_("image.format.hint")
N_("image.broken.hint"), N_("image.too_large.hint"), N_("document.size_mismatch.hint")
N_("document.pdf_no_tags.hint"), N_("document.pdf_no_lang.hint"), N_("document.pdf_no_title.hint")
N_("document.pdf_untagged.hint"), N_("document.pdf_encrypted.hint"), N_("document.pdf_broken.hint")
N_("image.alt_missing"), N_("image.remote"), N_("image.outside"), N_("image.missing_file"), N_("image.format")
N_("image.broken"), N_("image.too_large"), N_("document.pdf_no_tags"), N_("document.pdf_no_lang")
N_("document.pdf_no_title"), N_("document.pdf_encrypted"), N_("document.pdf_broken")
# Language versions.
N_("site.duplicate_language.hint"), N_("site.language_mismatch.hint"), N_("site.text_language.hint")
N_("site.text_no_main.hint"), N_("translation.fact.hint"), N_("translation.main_language.hint")
N_("translation.no_main.hint"), N_("translation.one_language.hint"), N_("translation.stale.hint")
N_("translation.unknown_language.hint"), N_("translation.image_src.hint"), N_("translation.image_no_main.hint")
# The value kinds `_params` composes as kind.<kind> (`value_kind` in content.records).
N_("kind.text"), N_("kind.list"), N_("kind.mapping"), N_("kind.empty")


class ProblemParams(TypedDict, total=False):
    """Every parameter a problem's message or hint may name, and the type its makers pass.

    Each is shown as `str(value)`; `kind` is also a key of the strings table
    (`kind.<value>`), and a non-empty `candidate` or `suggestion` chooses the hint."""

    candidate: str  # a close match of a misspelt name, or "" for none
    char: str  # a character as the editor should look for it, e.g. "U+00A0"
    choices: str  # the accepted values, joined with ", "
    count: int
    detail: str  # a parser's or the system's own words
    end: str
    expected: str
    folder: Path
    key: str
    kind: str
    limit: int
    name: str
    other: str  # the other file of a collision
    other_line: int
    out: Path
    root: Path
    scheme: str
    size: int
    slug: str
    start: str
    suggestion: str
    tag: str
    title: str
    value: str


@dataclass(frozen=True)
class Problem:
    path: str
    line: int | None
    col: int | None
    field: str
    code: str
    params: tuple[tuple[str, str], ...] = ()
    severity: Severity = "error"

    @classmethod
    def make(
        cls,
        path: str,
        code: str,
        *,
        line: int | None = None,
        col: int | None = None,
        field: str = "",
        severity: Severity = "error",
        **params: Unpack[ProblemParams],
    ) -> Problem:
        return cls(
            path=path,
            line=line,
            col=col,
            field=field,
            code=code,
            params=tuple(sorted((k, str(v)) for k, v in params.items())),
            severity=severity,
        )

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def _params(self, lang: str) -> dict[str, str]:
        # Where the problem stands is also a parameter, so a message or hint
        # may name the field or line ("lisää kenttä 'title'").
        params = {"field": self.field, "line": str(self.line or ""), "col": str(self.col or "")}
        params.update(self.params)
        if "kind" in params:
            params["kind"] = message(lang, "kind." + params["kind"], {}, default=params["kind"])
        return params

    def text(self, lang: str) -> str:
        return message(lang, self.code, self._params(lang))

    def hint(self, lang: str) -> str:
        params = self._params(lang)
        if params.get("candidate"):
            return message(lang, "did_you_mean", params)
        if params.get("suggestion"):
            specific = message(lang, self.code + ".hint.suggestion", params, default="")
            if specific:
                return specific
        return message(lang, self.code + ".hint", params, default="")

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.line or 0, self.col or 0, self.field, self.code)

    def format(self, lang: str) -> str:
        """`path:line:col: severity: field: what is wrong - what to do`."""
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.col is not None:
                where += f":{self.col}"
        # Both severities are named, so an editor can tell them apart without knowing the format.
        parts = [where, message(lang, f"severity.{self.severity}", {})]
        if self.field:
            parts.append(self.field)
        text = self.text(lang)
        hint = self.hint(lang)
        if hint:
            text = f"{text} - {hint}"
        parts.append(text)
        return ": ".join(parts)

    def as_json(self, lang: str) -> str:
        return json.dumps(
            {
                "path": self.path,
                "line": self.line,
                "col": self.col,
                "field": self.field,
                "severity": self.severity,
                "code": self.code,
                "message": self.text(lang),
                "hint": self.hint(lang),
            },
            ensure_ascii=False,
            sort_keys=True,
        )


@dataclass
class ContentError(Exception):
    """Raised when content has errors; carries every problem found, not just the first."""

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(p.format("en") for p in self.problems)


def printed_line(problem: Problem, lang: str) -> str:
    """As `check` prints it; a problem of the program itself has no file to name."""
    line = problem.format(lang)
    return line[2:] if not problem.path and line.startswith(": ") else line


class OutputError(Exception):
    """The site cannot be written as asked. Carries the reason as a problem (a code of the
    strings table and its parameters), so it is worded in the reader's language when shown."""

    def __init__(self, code: str, path: str = "", **params: Unpack[ProblemParams]) -> None:
        self.problem = Problem.make(path, code, **params)
        super().__init__(printed_line(self.problem, "en"))


# Composed below as count.<what>.<one|other>.
N_("count.problems.one"), N_("count.problems.other"), N_("count.files.one"), N_("count.files.other")
N_("count.errors.one"), N_("count.errors.other"), N_("count.warnings.one"), N_("count.warnings.other")


def summary_line(problems: list[Problem], lang: str) -> str:
    """`3 ongelmaa 2 tiedostossa: 2 virhettä, 1 varoitus.` with singular and plural right."""
    errors = sum(1 for p in problems if p.is_error)
    warnings = len(problems) - errors
    files = len({p.path for p in problems})

    def count(key: str, n: int) -> str:
        return message(lang, f"{key}.{'one' if n == 1 else 'other'}", {"n": n})

    return message(lang, "count.summary", {
        "problems": count("count.problems", len(problems)),
        "files": count("count.files", files),
        "errors": count("count.errors", errors),
        "warnings": count("count.warnings", warnings),
    })


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    unique = dict.fromkeys(problems)
    return sorted(unique, key=Problem.sort_key)


def has_errors(problems: Iterable[Problem]) -> bool:
    return any(p.is_error for p in problems)
