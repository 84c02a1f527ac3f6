"""The rules of EU funding, checked where an editor can fix them (README, "EU funding").

A record's funding entry names a programme of `site.yaml` (`programme:`); the
programme's `rules` say what its page must show and what the record must
say. Regulation (EU) 2021/1060 Art. 50(1)(a) asks for the project's aims and
results on the beneficiary's website: no `aims` is an error, no `results`
once the project has ended a warning (`results_problems`, which needs the
build's date). A funder that reads like EU funding but names no programme
gets a warning, since its page would show no emblem.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any

from projcat.content.dates import DateError, parse_partial_date
from projcat.content.images import MAX_PIXELS, ImageUse, alt_problems, locate, read_image
from projcat.content.records import Project
from projcat.content.settings import Programme, SiteConfig
from projcat.content.yamlread import Document as YamlDocument
from projcat.content.yamlread import dotted
from projcat.problems import Problem, ProblemParams
from projcat.strings import N_

N_("programme.unknown.hint"), N_("programme.unknown.hint.suggestion"), N_("programme.no_aims.hint")
N_("programme.no_results.hint"), N_("programme.start_outside.hint"), N_("programme.no_code.hint")
N_("funding.eu_without_programme.hint")
# The problems below are made by `_problem` from these codes.
N_("programme.unknown"), N_("programme.no_aims"), N_("programme.no_results"), N_("programme.start_outside")
N_("programme.no_code"), N_("funding.eu_without_programme"), N_("programme.duplicate"), N_("programme.needs_fund")
N_("programme.needs_logo")

# Words of a funder's name that mean EU money: the Finnish, Swedish and English names of the
# funds and programmes editors write.
_EU_WORDS = re.compile(
    r"\b(EU|ESR\+?|EAKR|ESF\+?|ERDF|EMKVR|JTF|EU:n|EU:s|Euroopan|Europeiska|European Union|Interreg|Horizon|"
    r"Horisontti|Erasmus\+?|LIFE|NextGenerationEU)\b|NextGenerationEU",
)

# The years a programme's projects may start in; none for rules without a period.
PERIODS: dict[str, tuple[int, int | None]] = {
    "eu-2014-2020": (2014, 2020),
    "eu-2021-2027": (2021, None),
    "nextgenerationeu": (2021, None),
}


def _where(doc: YamlDocument, path: tuple[Any, ...], *, key: bool = False) -> dict[str, int | None]:
    mark = doc.mark(path, key=key)
    return {"line": mark.line if mark else None, "col": mark.col if mark else None}


def _candidate(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word.lower(), choices, n=1, cutoff=0.6)
    return close[0] if close else ""


def _problem(doc: YamlDocument, path: str, code: str, loc: tuple[Any, ...], field: str = "",
             severity: str = "error", **params: Any) -> Problem:
    where = _where(doc, loc)
    checked: ProblemParams = params  # type: ignore[assignment]
    return Problem.make(path, code, field=field or dotted(loc), line=where["line"], col=where["col"],
                        severity="warning" if severity == "warning" else "error", **checked)


def eu_programmes(doc: YamlDocument, site: SiteConfig) -> list[tuple[int, Programme]]:
    """The funding entries (by index) that name a programme with EU rules."""
    raw = doc.data.get("funding") if isinstance(doc.data, dict) else None
    found = []
    for index, item in enumerate(raw if isinstance(raw, list) else []):
        name = item.get("programme") if isinstance(item, dict) else None
        programme = site.programme(name.strip()) if isinstance(name, str) else None
        if programme is not None and programme.is_eu:
            found.append((index, programme))
    return found


def funding_problems(doc: YamlDocument, path: str, site: SiteConfig | None) -> list[Problem]:
    """Unknown programmes, EU-like funders without one, and what an EU programme asks of the record."""
    data: dict[str, Any] = doc.data if isinstance(doc.data, dict) else {}
    raw = data.get("funding")
    if site is None or not isinstance(raw, list):
        return []
    ids = [p.id for p in site.programmes]
    problems = []
    for index, item in enumerate(raw):
        if not isinstance(item, dict):
            continue
        name, funder = item.get("programme"), item.get("funder")
        if isinstance(name, str) and name.strip() and site.programme(name.strip()) is None:
            problems.append(_problem(doc, path, "programme.unknown", ("funding", index, "programme"),
                                     value=name.strip(), choices=", ".join(ids) or "-",
                                     candidate=_candidate(name.strip(), ids)))
        elif name is None and isinstance(funder, str) and _EU_WORDS.search(funder):
            problems.append(_problem(doc, path, "funding.eu_without_programme", ("funding", index, "funder"),
                                     severity="warning", value=funder.strip()))
    for index, programme in eu_programmes(doc, site):
        loc = ("funding", index, "programme")
        aims = data.get("aims")
        if not isinstance(aims, str) or not aims.strip():
            problems.append(_problem(doc, path, "programme.no_aims", loc, field="aims", value=programme.id))
        entry: dict[str, Any] = raw[index]
        if programme.rules == "eu-direct" and not entry.get("code"):
            problems.append(_problem(doc, path, "programme.no_code", loc, severity="warning", value=programme.id))
        problems += _start_problems(doc, path, data.get("start"), programme)
    return problems


def _start_problems(doc: YamlDocument, path: str, start: Any, programme: Programme) -> list[Problem]:
    period = PERIODS.get(programme.rules)
    if period is None or not isinstance(start, str):
        return []
    try:
        year = parse_partial_date(start).year
    except DateError:
        return []  # the schema reports it
    first, last = period
    if year >= first and (last is None or year <= last):
        return []
    years = f"{first}–{last}" if last is not None else f"{first}–"
    return [_problem(doc, path, "programme.start_outside", ("start",), severity="warning",
                     value=programme.id, expected=years, start=str(year))]


def results_problems(doc: YamlDocument, path: str, project: Project, ended: bool,
                     site: SiteConfig) -> list[Problem]:
    """An ended EU-funded project without `results`: Art. 50(1)(a) asks for them."""
    if not ended or project.results:
        return []
    return [_problem(doc, path, "programme.no_results", ("funding", index, "programme"), field="results",
                     severity="warning", value=programme.id)
            for index, programme in eu_programmes(doc, site)[:1]]


def site_programme_problems(doc: YamlDocument, path: str, site: SiteConfig, root: Path) -> list[Problem]:
    """What a programme's rules need in `site.yaml`: the fund's name, Interreg's logo and its alt text."""
    problems = []
    seen: set[str] = set()
    for index, programme in enumerate(site.programmes):
        loc = ("programmes", index)
        if programme.id in seen:
            problems.append(_problem(doc, path, "programme.duplicate", (*loc, "id"), value=programme.id))
        seen.add(programme.id)
        if programme.rules == "eu-2014-2020" and programme.fund is None:
            problems.append(_problem(doc, path, "programme.needs_fund", (*loc, "rules"), field=dotted((*loc, "fund")),
                                     value=programme.id))
        if programme.rules == "interreg" and programme.logo is None:
            problems.append(_problem(doc, path, "programme.needs_logo", (*loc, "rules"), field=dotted((*loc, "logo")),
                                     value=programme.id))
        if programme.logo is None:
            continue
        where = _where(doc, (*loc, "logo"))
        use = ImageUse(programme.logo, str(programme.logo_alt) if programme.logo_alt is not None else None,
                       where["line"], where["col"], dotted((*loc, "logo_alt")))
        problems += alt_problems(use, path)
        file, code = locate(programme.logo, "", root)
        # A site path names a file under static/, as a document's does.
        code = "url.missing_file" if code == "image.missing_file" else code
        if code:
            problems.append(_problem(doc, path, code, (*loc, "logo"), value=programme.logo, slug=""))
        elif file is not None and file.suffix.lower() != ".svg":
            # A raster logo is read like any image: a broken or unpublishable file is named here.
            facts = read_image(file, root)
            if isinstance(facts, tuple):
                problems.append(_problem(doc, path, facts[0], (*loc, "logo"), value=programme.logo,
                                         detail=facts[1], limit=MAX_PIXELS // 1_000_000))
    return problems
