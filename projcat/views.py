"""Catalogue + site -> the view objects templates receive.

Everything a template shows is prepared here: formatted periods and amounts,
labels in the site's language, URLs under the base path. Templates never see
front matter.
"""

from __future__ import annotations

import functools
import posixpath
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Callable
from urllib.parse import urlsplit

from babel.dates import format_date
from babel.numbers import format_decimal
from markupsafe import Markup, escape

from projcat.catalogue import Catalogue, Entry, ThemeGroup, YearGroup
from projcat.dates import PartialDate
from projcat.markup import Renderer, first_sentence
from projcat.records import Contact, Document
from projcat.settings import SiteConfig, base_path
from projcat.strings import Strings


@dataclass(frozen=True)
class Urls:
    """Every internal address, under the site's base path, so a sub-path host works."""

    base: str

    def index(self) -> str:
        return self.base

    def theme(self, theme_id: str) -> str:
        return f"{self.base}teemat/{theme_id}/"

    def project(self, slug: str) -> str:
        return f"{self.base}hankkeet/{slug}/"

    def archive(self) -> str:
        return f"{self.base}paattyneet/"

    def statement(self) -> str:
        return f"{self.base}saavutettavuusseloste/"

    def asset(self, name: str) -> str:
        return f"{self.base}assets/{name}"

    def site_path(self, path: str) -> str:
        """A site-relative document path as written by an editor (`/tiedostot/x.pdf`)."""
        return self.base + path.lstrip("/")


@dataclass(frozen=True)
class Link:
    text: str
    url: str
    current: bool = False
    lang: str | None = None


def format_day(day: date, lang: str) -> str:
    return format_date(day, "d.M.yyyy", locale=lang)


def format_partial(value: PartialDate, lang: str) -> str:
    if value.precision == "day":
        return format_day(value.first_day, lang)
    if value.precision == "month":
        return f"{value.month}/{value.year}"
    return str(value.year)


def _time(value: PartialDate, lang: str) -> Markup:
    return Markup('<time datetime="{}">{}</time>').format(value.iso(), format_partial(value, lang))


@dataclass(frozen=True)
class PeriodView:
    text: str
    html: Markup


def period_view(start: PartialDate | None, end: PartialDate | None, t: Strings) -> PeriodView | None:
    lang = t.lang
    if start and end:
        return PeriodView(
            f"{format_partial(start, lang)}–{format_partial(end, lang)}",
            _time(start, lang) + Markup("–") + _time(end, lang),
        )
    if end:
        return PeriodView(t("period.until", end=format_partial(end, lang)),
                          Markup(escape(t("period.until", end="\x00"))).replace("\x00", _time(end, lang)))
    if start:
        return PeriodView(t("period.from", start=format_partial(start, lang)),
                          Markup(escape(t("period.from", start="\x00"))).replace("\x00", _time(start, lang)))
    return None


def format_amount(amount: Decimal, lang: str) -> str:
    pattern = "#,##0" if amount == amount.to_integral_value() else "#,##0.00"
    return f"{format_decimal(amount, format=pattern, locale=lang)}\u00a0€"


@dataclass(frozen=True)
class FundingView:
    funder: str
    amount: str | None
    note: str | None


@dataclass(frozen=True)
class ContactView:
    name: str
    role: str | None
    email: str | None
    phone: str | None

    @property
    def tel_href(self) -> str | None:
        if not self.phone:
            return None
        digits = re.sub(r"[^0-9+]", "", self.phone)
        return f"tel:{digits}"


@dataclass(frozen=True)
class DocumentView:
    title: str
    url: str | None
    type_label: str | None
    size: str | None
    accessible: bool
    accessibility_note: str | None
    ask_html: Markup | None
    description: str | None = None
    date: PeriodView | None = None

    @property
    def details(self) -> str:
        return ", ".join(part for part in (self.type_label, self.size) if part)


def _document_type(document: Document) -> str | None:
    if document.type:
        return document.type.upper()
    if document.url:
        extension = posixpath.splitext(urlsplit(document.url).path)[1].lstrip(".")
        return extension.upper() or None
    return None


def _ask_html(contact: ContactView, t: Strings) -> Markup:
    """"Ask for an accessible version: <name>, <mailto link>." with the link kept as markup."""
    who = Markup('{}, <a href="mailto:{}">{}</a>').format(contact.name, contact.email, contact.email)
    return Markup(escape(t("document.ask_accessible", contact="\x00"))).replace("\x00", who)


def document_view(document: Document, urls: Urls, ask: ContactView | None, t: Strings) -> DocumentView:
    url = document.url
    if url and url.startswith("/"):
        url = urls.site_path(url)
    description = getattr(document, "description", None)
    day = getattr(document, "date", None)
    return DocumentView(
        title=document.title,
        url=url,
        type_label=_document_type(document),
        size=document.size,
        accessible=document.accessible,
        accessibility_note=document.accessibility_note,
        ask_html=None if document.accessible or ask is None else _ask_html(ask, t),
        description=description,
        date=PeriodView(format_partial(day, t.lang), _time(day, t.lang)) if day else None,
    )


def contact_view(contact: Contact) -> ContactView:
    return ContactView(contact.name, contact.role, contact.email, contact.phone)


@dataclass(frozen=True)
class ProjectView:
    slug: str
    url: str
    title: str
    title_lang: str | None
    list_title: str
    period: PeriodView | None
    status: str
    status_label: str
    theme: Link | None
    summary: str
    body_html: Markup
    lead: str | None
    partners: tuple[str, ...]
    funding: tuple[FundingView, ...]
    contacts: tuple[ContactView, ...]
    documents: tuple[DocumentView, ...]
    keywords: tuple[str, ...]
    source_path: str


@dataclass(frozen=True)
class GroupView:
    id: str
    heading: str
    url: str | None
    intro_html: Markup
    current: tuple[ProjectView, ...]
    ended: tuple[ProjectView, ...]


@dataclass(frozen=True)
class YearView:
    id: str
    heading: str
    projects: tuple[ProjectView, ...]


@dataclass(frozen=True)
class SiteView:
    title: str
    organisation: str
    lang: str
    urls: Urls
    nav: tuple[Link, ...]
    intro_html: Markup
    documents: tuple[DocumentView, ...]
    as_of: str
    stylesheet: str
    base_url: str


@dataclass
class Views:
    site: SiteView
    projects: dict[str, ProjectView]
    groups: tuple[GroupView, ...]
    archive: tuple[YearView, ...]
    group_of: dict[str, str] = field(default_factory=dict)


def project_view(entry: Entry, site: SiteConfig, urls: Urls, renderer: Renderer, t: Strings) -> ProjectView:
    project = entry.project
    body_html = Markup(renderer.to_html(entry.record.body))
    theme = next((th for th in site.themes if th.id == project.theme), None)
    contacts = tuple(contact_view(c) for c in project.contacts)
    ask = next((c for c in contacts if c.email), None)
    return ProjectView(
        slug=entry.slug,
        url=urls.project(entry.slug),
        title=project.title,
        title_lang=project.title_lang if project.title_lang != site.language else None,
        list_title=entry.list_title,
        period=period_view(project.start, project.end, t),
        status=entry.status,
        status_label=t(f"status.{entry.status}"),
        theme=Link(theme.name, urls.theme(theme.id)) if theme else None,
        summary=project.summary or first_sentence(body_html),
        body_html=body_html,
        lead=project.lead,
        partners=tuple(project.partners),
        funding=tuple(
            FundingView(
                f.funder,
                (t("funding.up_to", amount=format_amount(f.amount_eur, t.lang)) if f.up_to
                 else format_amount(f.amount_eur, t.lang)) if f.amount_eur is not None else None,
                f.note,
            )
            for f in project.funding
        ),
        contacts=contacts,
        documents=tuple(document_view(d, urls, ask, t) for d in project.documents),
        keywords=tuple(project.keywords),
        source_path=entry.record.path,
    )


def build_views(
    catalogue: Catalogue,
    site: SiteConfig,
    stylesheet: str,
    renderer: Renderer | None = None,
    memo: Callable[[str, object, Callable[[], ProjectView]], ProjectView] | None = None,
) -> Views:
    """`memo(slug, inputs, produce)` may return a view kept from an earlier build for equal inputs
    (see `cache.BuildCache.project_view`); the inputs are everything `project_view` reads."""
    renderer = renderer or Renderer()
    t = Strings(site.language)
    urls = Urls(base_path(site.base_url))

    def one(entry: Entry) -> ProjectView:
        return project_view(entry, site, urls, renderer, t)

    projects = {
        e.slug: memo(e.slug, (e, site), functools.partial(one, e)) if memo else one(e)
        for e in catalogue.entries
    }
    groups = tuple(_group_view(g, projects, urls, renderer, t) for g in catalogue.groups)
    nav = (Link(t("nav.home"), urls.index()),) + tuple(
        Link(g.heading, g.url) for g in groups if g.url
    ) + (Link(t("nav.archive"), urls.archive()),)
    site_view = SiteView(
        title=site.title,
        organisation=site.organisation,
        lang=site.language,
        urls=urls,
        nav=nav,
        intro_html=Markup(renderer.to_html(site.intro or "")),
        documents=tuple(document_view(d, urls, None, t) for d in site.documents),
        as_of=format_day(catalogue.as_of, site.language),
        stylesheet=stylesheet,
        base_url=site.base_url,
    )
    return Views(
        site=site_view,
        projects=projects,
        groups=groups,
        archive=tuple(_year_view(y, projects, t) for y in catalogue.archive),
    )


def _group_view(group: ThemeGroup, projects: dict[str, ProjectView], urls: Urls, renderer: Renderer, t: Strings) -> GroupView:
    theme = group.theme
    return GroupView(
        id=theme.id if theme else "muut",
        heading=theme.name if theme else t("theme.other"),
        url=urls.theme(theme.id) if theme else None,
        intro_html=Markup(renderer.to_html(theme.intro or "")) if theme else Markup(""),
        current=tuple(projects[e.slug] for e in group.current),
        ended=tuple(projects[e.slug] for e in group.ended),
    )


def _year_view(group: YearGroup, projects: dict[str, ProjectView], t: Strings) -> YearView:
    return YearView(
        id=f"vuosi-{group.year}" if group.year else "vuosi-tuntematon",
        heading=str(group.year) if group.year else t("archive.year_unknown"),
        projects=tuple(projects[e.slug] for e in group.entries),
    )
