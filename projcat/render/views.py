"""Catalogue + site -> the view objects templates receive.

Everything a template shows is prepared here: formatted periods and amounts
(`formatting`), labels in the site's language, URLs under the base path
(`addresses`). Templates never see front matter and never build an address.
"""

from __future__ import annotations

import functools
import posixpath
import re
from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import urlsplit

from markupsafe import Markup

from projcat.catalogue import Catalogue, Entry, ThemeGroup, YearGroup, site_updated
from projcat.content.history import NO_HISTORY, History
from projcat.content.records import Contact, Document
from projcat.content.settings import Accessibility, SiteConfig
from projcat.render.addresses import DATA_CSV, DATA_JSON, DATA_SCHEMA, FEED, Urls
from projcat.render.formatting import (
    PeriodView,
    date_view,
    dated_sentence,
    format_amount,
    format_day,
    period_view,
    with_markup,
)
from projcat.render.markup import Renderer, first_sentence
from projcat.strings import N_, Strings


@dataclass(frozen=True)
class Link:
    text: str
    url: str
    current: bool = False
    lang: str | None = None


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


def _ask_html(contact: ContactView | None, urls: Urls, t: Strings) -> Markup:
    """How to ask for an accessible version: the contact's address, or the statement's feedback section."""
    if contact is None:
        link = Markup('<a href="{}#palaute">{}</a>').format(urls.statement(), t("document.ask_statement_link"))
        return with_markup(t, "document.ask_statement", "link", link)
    if contact.email:
        who = Markup('{}, <a href="mailto:{}">{}</a>').format(contact.name, contact.email, contact.email)
    else:
        who = Markup('{}, <a href="{}">{}</a>').format(contact.name, contact.tel_href, contact.phone)
    return with_markup(t, "document.ask_accessible", "contact", who)


def feedback_contact(site: SiteConfig) -> ContactView | None:
    """The site's accessibility feedback channel as a contact, when it has an address or a number."""
    facts = site.accessibility
    if facts is None or not (facts.feedback_email or facts.feedback_phone):
        return None
    return ContactView(facts.feedback_handler or site.organisation, None, facts.feedback_email, facts.feedback_phone)


def ask_contact(contacts: tuple[ContactView, ...], fallback: ContactView | None) -> ContactView | None:
    """Whom a reader asks for an accessible version: the first contact who can be reached."""
    return (next((c for c in contacts if c.email), None)
            or next((c for c in contacts if c.phone), None)
            or fallback)


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
        ask_html=None if document.accessible else _ask_html(ask, urls, t),
        description=description,
        date=date_view(day, t.lang) if day else None,
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
    # For sharing and search engines: never empty (summary, first sentence or title).
    description: str = ""
    absolute_url: str | None = None
    # "Last changed <date>." from the record file's last commit; None outside a git checkout.
    last_changed: PeriodView | None = None


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
class DataFileView:
    """A file of the open data: its name as the link text, its address, what it holds."""

    name: str
    url: str
    description: str


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
    # The statement's facts from site.yaml (None: not given) and the channel they name.
    accessibility: Accessibility | None = None
    feedback: ContactView | None = None
    # The date the footer gives: the last change of content or status when
    # git history is known (so a daily rebuild changes nothing), else as_of.
    updated: str = ""
    search_script: str = ""
    # The footer's links; like `nav`, with no link marked current: each page gets its own copies.
    footer: tuple[Link, ...] = ()
    data_files: tuple[DataFileView, ...] = ()

    @property
    def stylesheet_url(self) -> str:
        return self.urls.asset(self.stylesheet)

    @property
    def search_script_url(self) -> str:
        return self.urls.asset(self.search_script)


@dataclass
class Views:
    site: SiteView
    projects: dict[str, ProjectView]
    groups: tuple[GroupView, ...]
    archive: tuple[YearView, ...]
    group_of: dict[str, str] = field(default_factory=dict)


# Composed below as status.<status>.
N_("status.upcoming"), N_("status.ongoing"), N_("status.ended")


def project_view(entry: Entry, site: SiteConfig, urls: Urls, renderer: Renderer, t: Strings,
                 history: History = NO_HISTORY) -> ProjectView:
    project = entry.project
    # The description sits under the page's h2 "Kuvaus": its headings start at h3.
    body_html = Markup(renderer.to_html(entry.record.body, top=3))
    summary = project.summary or first_sentence(body_html)
    changed = history.changed(entry.record.path)
    theme = next((th for th in site.themes if th.id == project.theme), None)
    contacts = tuple(contact_view(c) for c in project.contacts)
    ask = ask_contact(contacts, feedback_contact(site))
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
        summary=summary,
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
        description=summary or project.title,
        absolute_url=urls.absolute(urls.project(entry.slug)),
        last_changed=dated_sentence(t, "project.last_changed", changed) if changed else None,
    )


def build_views(
    catalogue: Catalogue,
    site: SiteConfig,
    stylesheet: str,
    renderer: Renderer | None = None,
    history: History = NO_HISTORY,
    search_script: str = "",
    memo: Callable[[str, object, Callable[[], ProjectView]], ProjectView] | None = None,
) -> Views:
    """`memo(slug, inputs, produce)` may return a view kept from an earlier build for equal inputs
    (see `cache.BuildCache.project_view`); the inputs are everything `project_view` reads."""
    renderer = renderer or Renderer()
    t = Strings(site.language)
    urls = Urls.for_site(site.base_url)

    def one(entry: Entry) -> ProjectView:
        return project_view(entry, site, urls, renderer, t, history)

    projects = {
        e.slug: memo(e.slug, (e, site, history.changed(e.record.path)), functools.partial(one, e))
        if memo else one(e)
        for e in catalogue.entries
    }
    groups = tuple(_group_view(g, projects, urls, renderer, t) for g in catalogue.groups)
    nav = (Link(t("nav.home"), urls.index()),) + tuple(
        Link(g.heading, g.url) for g in groups if g.url
    ) + (Link(t("nav.archive"), urls.archive()), Link(t("nav.search"), urls.search()))
    updated = site_updated(catalogue.entries, history, catalogue.as_of)
    site_view = SiteView(
        title=site.title,
        organisation=site.organisation,
        lang=site.language,
        urls=urls,
        nav=nav,
        intro_html=Markup(renderer.to_html(site.intro or "", top=2)),
        documents=tuple(document_view(d, urls, feedback_contact(site), t) for d in site.documents),
        as_of=format_day(catalogue.as_of, site.language),
        stylesheet=stylesheet,
        base_url=site.base_url,
        accessibility=site.accessibility,
        feedback=feedback_contact(site),
        updated=format_day(updated, site.language),
        search_script=search_script,
        footer=(Link(t("nav.archive"), urls.archive()), Link(t("footer.statement"), urls.statement()),
                Link(t("footer.data"), urls.index() + "#avoin-data")),
        data_files=(
            DataFileView(DATA_JSON, urls.data_json(), t("opendata.json")),
            DataFileView(DATA_CSV, urls.data_csv(), t("opendata.csv")),
            DataFileView(DATA_SCHEMA, urls.data_schema(), t("opendata.schema")),
            DataFileView(FEED, urls.feed(), t("opendata.feed")),
        ),
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
        intro_html=Markup(renderer.to_html(theme.intro or "", top=2)) if theme else Markup(""),
        current=tuple(projects[e.slug] for e in group.current),
        ended=tuple(projects[e.slug] for e in group.ended),
    )


def _year_view(group: YearGroup, projects: dict[str, ProjectView], t: Strings) -> YearView:
    return YearView(
        id=f"vuosi-{group.year}" if group.year else "vuosi-tuntematon",
        heading=str(group.year) if group.year else t("archive.year_unknown"),
        projects=tuple(projects[e.slug] for e in group.entries),
    )
