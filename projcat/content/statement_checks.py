"""What the accessibility statement may claim, checked against the content.

The statement's page is drawn in `render.statement`; these checks run with
the others, before anything is rendered, so a statement that would claim
more than the content allows stops the build like any other error.
"""

from __future__ import annotations

from collections.abc import Iterable

from projcat.content.records import Project
from projcat.content.settings import SiteConfig
from projcat.content.yamlread import Document
from projcat.problems import Problem, ProblemParams, Severity
from projcat.strings import N_


def _count_issues(site: SiteConfig, projects: Iterable[Project]) -> int:
    """The documents marked not accessible, on the front page or a project, and the other issues listed."""
    documents = list(site.documents) + [d for p in projects for d in p.documents]
    other = len(site.accessibility.other_issues) if site.accessibility else 0
    return sum(1 for d in documents if not d.accessible) + other


# Problem codes named in the tuples below.
N_("statement.compliance_too_high"), N_("statement.no_feedback")


def statement_problems(site: SiteConfig, projects: Iterable[Project], document: Document | None,
                       shown: str) -> list[Problem]:
    """A statement that would claim more than the content allows, or that names no way to give feedback.

    `document` is `site.yaml` as already read (`shown` is its name in problems):
    the problems point at the field's line in it.
    """
    facts = site.accessibility
    if facts is None:
        return [Problem.make(shown, "statement.missing", line=1, col=1, field="accessibility", severity="warning")]
    found: list[tuple[tuple[str, ...], str, Severity, ProblemParams]] = []
    issues = _count_issues(site, projects)
    if facts.compliance == "full" and issues:
        found.append((("accessibility", "compliance"), "statement.compliance_too_high", "error", {"count": issues}))
    if not facts.has_feedback_channel:
        found.append((("accessibility",), "statement.no_feedback", "warning", {}))
    problems = []
    for loc, code, severity, params in found:
        mark = document.mark(loc, key=True) if document else None
        problems.append(Problem.make(
            shown, code, line=mark.line if mark else None, col=mark.col if mark else None,
            field=".".join(loc), severity=severity, **params,
        ))
    return problems
