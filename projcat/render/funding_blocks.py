"""The EU funding block of a project page: the emblem and the statement its programme's rules ask for.

One block per funding entry that names a programme with EU rules, in the
page's language. The statement is real text beside the emblem (`alt=""`): the
words say what the flag shows. What each set of rules asks (README, "EU
funding"):

- eu-2021-2027 and eu-direct: "Funded by" / "Co-funded by the European Union"
  (Regulation (EU) 2021/1060 Art. 47, Annex IX), no fund; eu-direct adds the
  grant agreement number;
- eu-2014-2020: "European Union", the fund's name and the national slogan
  (Regulation 1303/2013 Annex XII, Regulation 821/2014);
- nextgenerationeu: "Funded by the European Union – NextGenerationEU";
- interreg: the programme's own logo, which holds the emblem, with its alt text.
"""

from __future__ import annotations

from dataclasses import dataclass

from projcat.content.records import Project
from projcat.content.settings import Programme, SiteConfig
from projcat.render.addresses import Urls
from projcat.render.parts import other_lang, shown
from projcat.strings import N_, Strings

EMBLEM = "eu-emblem.svg"

N_("eu.statement.funded"), N_("eu.statement.co-funded"), N_("eu.statement.nextgenerationeu")
N_("eu.union"), N_("eu.slogan_2014_2020")


@dataclass(frozen=True)
class TextLine:
    text: str
    lang: str | None = None


@dataclass(frozen=True)
class FundingBlockView:
    """One programme's block: the emblem (None: the programme's logo holds it), its lines, or a logo."""

    programme: str
    emblem_url: str | None
    lines: tuple[TextLine, ...]
    logo_url: str | None = None
    logo_alt: str = ""
    logo_alt_lang: str | None = None


def statement_lines(programme: Programme, code: str | None, t: Strings, main: str) -> tuple[TextLine, ...]:
    """The statement of `programme`'s rules in `t.lang`, line by line."""
    rules = programme.rules
    if rules in ("eu-2021-2027", "eu-direct"):
        lines = [TextLine(t(f"eu.statement.{programme.statement}"))]
        if rules == "eu-direct" and code:
            lines.append(TextLine(t("eu.grant_agreement", code=code)))
        return tuple(lines)
    if rules == "nextgenerationeu":
        return (TextLine(t("eu.statement.nextgenerationeu")),)
    if rules == "eu-2014-2020":
        fund, fund_lang = shown(programme.fund, t.lang, main)
        return (TextLine(t("eu.union")), TextLine(fund, other_lang(fund_lang, t.lang)),
                TextLine(t("eu.slogan_2014_2020")))
    return ()


def funding_blocks(project: Project, site: SiteConfig, urls: Urls, t: Strings) -> tuple[FundingBlockView, ...]:
    """A block per funding entry with an EU programme, in the record's order."""
    blocks = []
    for funding in project.funding:
        programme = site.programme(funding.programme)
        if programme is None or not programme.is_eu:
            continue
        if programme.rules == "interreg":
            alt, alt_lang = shown(programme.logo_alt, t.lang, site.language)
            blocks.append(FundingBlockView(
                programme.id, None, (), urls.site_path(programme.logo) if programme.logo else None,
                alt, other_lang(alt_lang, t.lang)))
            continue
        # A programme's own logo, when it has one, beside the emblem and never larger (the stylesheet).
        alt, alt_lang = shown(programme.logo_alt, t.lang, site.language)
        blocks.append(FundingBlockView(programme.id, urls.asset(EMBLEM),
                                       statement_lines(programme, funding.code, t, site.language),
                                       urls.site_path(programme.logo) if programme.logo else None,
                                       alt, other_lang(alt_lang, t.lang)))
    return tuple(blocks)
