"""The page the preview shows instead of any page while the content has errors.

It lists every problem as `check` prints it (file, line, field, message and
hint) in the site's language, from the strings table. It is self-contained
(inline style, no site template), so a broken template cannot break it too.
"""

from __future__ import annotations

from dataclasses import dataclass

from jinja2 import Environment, StrictUndefined

from projcat.problems import Problem, printed_line, summary_line
from projcat.strings import N_, Strings, message

_TEMPLATE = """<!DOCTYPE html>
<html lang="{{ lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ t("error.page_title") }}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 0; color: #1a1a1a; background: #fff; line-height: 1.5; }
main { max-width: 72rem; margin: 0 auto; padding: 1.5rem; }
h1 { color: #a4000f; font-size: 1.75rem; margin: 0 0 .5rem; }
table { border-collapse: collapse; width: 100%; margin: 1.5rem 0; }
th, td { border: 1px solid #767676; padding: .4rem .6rem; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
td.where { font-family: ui-monospace, monospace; white-space: nowrap; }
pre { background: #f6f6f6; border: 1px solid #ccc; padding: .75rem; overflow-x: auto; white-space: pre-wrap; }
</style>
</head>
<body>
<main>
<h1>{{ t("error.title") }}</h1>
<p>{{ t("error.intro") }}</p>
<p>{{ summary }}</p>
<table>
<thead>
<tr>
<th scope="col">{{ t("error.file") }}</th>
<th scope="col">{{ t("error.line") }}</th>
<th scope="col">{{ t("error.field") }}</th>
<th scope="col">{{ t("error.message") }}</th>
</tr>
</thead>
<tbody>
{% for row in rows %}
<tr{% if row.warning %} class="warning"{% endif %}>
<td class="where">{{ row.path }}</td>
<td class="where">{{ row.line }}</td>
<td class="where">{{ row.field }}</td>
<td>{{ row.text }}</td>
</tr>
{% endfor %}
</tbody>
</table>
<h2>{{ t("error.as_printed") }}</h2>
<pre>{% for row in rows %}{{ row.printed }}
{% endfor %}</pre>
</main>
</body>
</html>
"""

# The template above uses these; extraction does not read inside a Python string.
N_("error.page_title"), N_("error.title"), N_("error.intro"), N_("error.file"), N_("error.line"), N_("error.field")
N_("error.message"), N_("error.as_printed")

_ENV = Environment(autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


@dataclass(frozen=True)
class ProblemRow:
    path: str
    line: str
    field: str
    text: str
    warning: bool
    printed: str


def problem_row(problem: Problem, lang: str) -> ProblemRow:
    line = "" if problem.line is None else str(problem.line) + ("" if problem.col is None else f":{problem.col}")
    text = problem.text(lang)
    hint = problem.hint(lang)
    if hint:
        text = f"{text} - {hint}"
    text = f"{message(lang, f'severity.{problem.severity}', {})}: {text}"
    return ProblemRow(problem.path, line, problem.field, text, not problem.is_error, printed_line(problem, lang))


def error_page(problems: list[Problem], lang: str) -> str:
    """The whole page, as text; the preview injects its reload script like into any page."""
    template = _ENV.from_string(_TEMPLATE)
    return template.render(
        lang=lang,
        t=Strings(lang),
        summary=summary_line(problems, lang),
        rows=[problem_row(p, lang) for p in problems],
    )
