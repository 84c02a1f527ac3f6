"""Catalogue + site -> the view objects templates receive.

Everything a template shows is prepared here: formatted periods and amounts
(`formatting`), labels in the site's language, URLs under the base path
(`addresses`). Templates never see front matter and never build an address.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from markupsafe import Markup

from projcat.catalogue import Catalogue, Entry, ThemeGroup, YearGroup, site_updated
from projcat.content.history import NO_HISTORY, History
from projcat.content.images import ImageFile
from projcat.content.media import NO_MEDIA, Media
from projcat.content.settings import Accessibility, SiteConfig
from projcat.content.versions import ShownImage, version
from projcat.render.addresses import DATA_CSV, DATA_JSON, DATA_SCHEMA, FEED, Urls
from projcat.render.brand import LogoView, logo_view
from projcat.render.formatting import (
    PageStrings,
    PeriodView,
    dated_sentence,
    format_amount,
    format_day,
    locale_for,
    locale_of,
    period_view,
)
from projcat.render.funding_blocks import FundingBlockView, funding_blocks
from projcat.render.images import BODY_SIZES, CARD_SIZES, ImageView, image_view, place_images
from projcat.render.markup import Renderer, first_sentence
from projcat.render.memo import Memo
from projcat.render.meta import CONTENT_SECURITY_POLICY, Icon, absolute_or_none, site_icon
from projcat.render.parts import (
    ContactView,
    DocumentView,
    FundingView,
    Link,
    ask_contact,
    contact_view,
    document_view,
    feedback_contact,
    format_size,
    other_lang,
    shown,
)
from projcat.strings import N_, Strings


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
    # On a language version: the language of the description (the body) when not the page's, and the
    # note saying it is given only in the main language.
    text_lang: str | None = None
    # The languages of the summary and of the description (summary or title) when not the page's.
    summary_lang: str | None = None
    description_lang: str | None = None
    only_in: str | None = None
    keywords_lang: str | None = None
    # The language of the facts written only in the main file (roles, notes, names of bodies)
    # on a page in another language.
    fact_lang: str | None = None
    # The main image (`image:`) on the project's page, near its top, and on its card in lists.
    image: ImageView | None = None
    card_image: ImageView | None = None
    # The start's year, for the search page's year filter; None without a start date.
    start_year: str | None = None
    # EU funding (`render.funding_blocks`): a block per programme near the top; aims, results and
    # indicators under their own headings, aims and results marked with their language when not the page's.
    funding_blocks: tuple[FundingBlockView, ...] = ()
    aims_html: Markup = field(default_factory=Markup)
    results_html: Markup = field(default_factory=Markup)
    aims_lang: str | None = None
    results_lang: str | None = None
    indicators: tuple[IndicatorView, ...] = ()


@dataclass(frozen=True)
class IndicatorView:
    name: str
    unit: str
    target: str
    actual: str


@dataclass(frozen=True)
class GroupView:
    id: str
    heading: str
    url: str | None
    intro_html: Markup
    current: tuple[ProjectView, ...]
    ended: tuple[ProjectView, ...]
    # The language of the heading and of the intro when not the page's (a theme not named in it).
    heading_lang: str | None = None
    intro_lang: str | None = None


@dataclass(frozen=True)
class YearView:
    id: str
    heading: str
    projects: tuple[ProjectView, ...]


@dataclass(frozen=True)
class DataFileView:
    """A file of the open data: its name as the link text, its address, what it holds, and its
    type and size (known once the files are made: `with_data_sizes`)."""

    name: str
    url: str
    description: str
    # The file it is written to; and its type and size, which `with_data_sizes` fills in once it is made.
    output: str = ""
    details: str = ""


def with_data_sizes(views: Views, files: Mapping[str, bytes]) -> None:
    """The open data's links given their type and size ("CSV, 18 kt") from the files as made."""
    # Kept apart from the site view, which every page's cache key holds: a size that changes
    # remakes the front page only.
    t = PageStrings(views.site.lang, locale_for(views.site.lang, views.site.multilingual))
    views.data_files = tuple(
        replace(f, details=f"{f.name.rsplit('.', 1)[-1].upper()}, {format_size(len(files[f.output]), t)}")
        if f.output in files else f
        for f in views.site.data_files)


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
    # The site's languages, main first: one item on a one-language site.
    languages: tuple[str, ...] = ()
    # The language of the site's title and of its intro when not the page's.
    title_lang: str | None = None
    intro_lang: str | None = None
    organisation_lang: str | None = None
    # The favicon every page links, and the sharing image (absolute; None: none or no host known).
    icon: Icon | None = None
    image: str | None = None
    # The organisation's logo in the header (`brand:` in site.yaml); None: none.
    logo: LogoView | None = None

    @property
    def content_security_policy(self) -> str:
        return CONTENT_SECURITY_POLICY

    @property
    def multilingual(self) -> bool:
        return len(self.languages) > 1

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
    # The open data's files with their type and size, once made (`with_data_sizes`); the front page's.
    data_files: tuple[DataFileView, ...] = ()


# Composed below as status.<status>.
N_("status.upcoming"), N_("status.ongoing"), N_("status.ended")


# Composed as language.in.<main language>.
N_("language.in.fi"), N_("language.in.sv"), N_("language.in.en")

def project_view(entry: Entry, site: SiteConfig, urls: Urls, renderer: Renderer, t: Strings,
                 history: History = NO_HISTORY, media: Media = NO_MEDIA) -> ProjectView:
    """The project as a page in `t.lang` shows it: its translation into that language when it
    has one, else its main-language texts marked as such."""
    project = entry.project
    main = site.language
    lang = t.lang
    locale = locale_of(t)
    # Which text of each field this language shows, and in which language: decided in `version` alone.
    shown_texts = version(entry.record, lang, main)
    title, title_lang = shown_texts.title.value, shown_texts.title.lang
    text_lang, keywords = shown_texts.body.lang, shown_texts.keywords.value
    documents, documents_lang = shown_texts.documents.value, shown_texts.documents.lang
    # The description sits under the page's h2 "Kuvaus": its headings start at h3.
    images = dict(media.images_of(entry.slug))
    body_html = markdown_html(renderer, shown_texts.body.value, 3, urls, images)
    # A record that gives no summary is listed with the first sentence of its description.
    summary, summary_lang = ((shown_texts.summary.value, shown_texts.summary.lang) if shown_texts.summary
                             else (first_sentence(body_html), text_lang))
    description, description_lang = (summary, summary_lang) if summary else (title, title_lang)
    changed = _changed(entry, history)
    theme = next((th for th in site.themes if th.id == project.theme), None)
    theme_name, theme_lang = shown(theme.name, lang, main) if theme else ("", lang)
    contacts = tuple(contact_view(c) for c in project.contacts)
    ask = ask_contact(contacts, feedback_contact(site, lang))
    return ProjectView(
        slug=entry.slug,
        url=urls.project(entry.slug),
        title=title,
        title_lang=other_lang(title_lang, lang),
        list_title=entry.list_title,
        period=period_view(project.start, project.end, t),
        status=entry.status,
        status_label=t(f"status.{entry.status}"),
        theme=Link(theme_name, urls.theme(theme.id), lang=other_lang(theme_lang, lang)) if theme else None,
        summary=summary,
        body_html=body_html,
        lead=project.lead,
        partners=tuple(project.partners),
        funding=tuple(
            FundingView(
                f.funder,
                (t("funding.up_to", amount=format_amount(f.amount_eur, locale)) if f.up_to
                 else format_amount(f.amount_eur, locale)) if f.amount_eur is not None else None,
                f.note,
                *_programme_of(f.programme, site, lang),
                f.code,
                p.rules if (p := site.programme(f.programme)) else None,
            )
            for f in project.funding
        ),
        contacts=contacts,
        documents=tuple(document_view(d, urls, ask, t, main, documents_lang, media.documents.get(d.url or ""))
                        for d in documents),
        keywords=keywords,
        source_path=entry.record.path,
        description=description,
        description_lang=other_lang(description_lang, lang),
        summary_lang=other_lang(summary_lang, lang),
        absolute_url=urls.absolute(urls.project(entry.slug)),
        last_changed=dated_sentence(t, "project.last_changed", changed) if changed else None,
        text_lang=other_lang(text_lang, lang),
        keywords_lang=other_lang(shown_texts.keywords.lang, lang) if keywords else None,
        only_in=t("project.only_in", language=t(f"language.in.{main}")) if other_lang(text_lang, lang) else None,
        fact_lang=other_lang(main, lang),
        image=main_image(shown_texts.image, images, urls, lang, lazy=False),
        # On a card the title's link says what the image is of: there it is decorative.
        card_image=main_image(shown_texts.image, images, urls, lang, sizes=CARD_SIZES, decorative=True),
        start_year=str(project.start.year) if project.start else None,
        funding_blocks=funding_blocks(project, site, urls, t),
        # Sanitised by nh3 in to_html; under their own h2, their headings start at h3.
        # An image in them is not one the record's checks read: dropped, as in a theme's intro.
        aims_html=markdown_html(renderer, shown_texts.aims.value, 3, urls) if shown_texts.aims else Markup(""),
        results_html=(markdown_html(renderer, shown_texts.results.value, 3, urls) if shown_texts.results
                      else Markup("")),
        aims_lang=other_lang(shown_texts.aims.lang, lang) if shown_texts.aims else None,
        results_lang=other_lang(shown_texts.results.lang, lang) if shown_texts.results else None,
        indicators=tuple(IndicatorView(i.name, i.unit or "", i.target or "", i.actual or "")
                         for i in project.indicators),
    )


def _programme_of(programme_id: str | None, site: SiteConfig, lang: str) -> tuple[str | None, str | None]:
    """A funding entry's programme as a page in `lang` names it: its name, else its id."""
    programme = site.programme(programme_id)
    if programme is None:
        return None, None
    if programme.name is None:
        return programme.id, None
    name, name_lang = shown(programme.name, lang, site.language)
    return name, other_lang(name_lang, lang)


def markdown_html(renderer: Renderer, text: str, top: int, urls: Urls,
                  images: Mapping[str, ImageFile] | None = None) -> Markup:
    """A Markdown text as a page shows it, with headings from level `top`: the one way every text
    reaches a page, so no image marker is ever left in one. Its images are placed from the checked
    files (`images`); a text with none (an intro of site.yaml) has every image dropped."""
    # Sanitised by nh3 in to_html; a marker is turned into a checked image's <picture> or nothing.
    return Markup(place_images(renderer.to_html(text, top=top), images or {}, urls))  # noqa: S704


def main_image(image: ShownImage | None, images: Mapping[str, ImageFile], urls: Urls, page_lang: str,
               sizes: str = BODY_SIZES, lazy: bool = True, decorative: bool = False) -> ImageView | None:
    """A project's main image as a page in `page_lang` shows it, when it has one and its file was
    read: its alt text and caption marked with their language when it is not the page's."""
    found = images.get(image.src) if image is not None else None
    if image is None or found is None:
        return None
    if decorative:
        return image_view(found, "", urls, sizes, None, lazy)
    caption = image.caption
    return replace(image_view(found, image.alt.value, urls, sizes, caption.value if caption else None, lazy),
                   alt_lang=other_lang(image.alt.lang, page_lang) if image.alt.value else None,
                   caption_lang=other_lang(caption.lang, page_lang) if caption else None)


def _changed(entry: Entry, history: History) -> date | None:
    """When the texts a language version shows last changed: the main file's facts, or its translation."""
    main = history.changed(entry.record.path)
    translated = entry.translation
    if translated is None:
        return main
    days = [d for d in (main, history.changed(translated.path)) if d is not None]
    return max(days, default=None)


def language_entry(entry: Entry) -> Entry:
    """The entry with only the translation its language version shows: what a step making that
    version is given, so that editing another language's translation leaves its arguments equal."""
    translated = entry.translation
    shown = {entry.lang: translated} if translated is not None and entry.lang is not None else {}
    if dict(entry.record.translations) == shown:
        return entry
    return replace(entry, record=replace(entry.record, translations=shown))


def build_views(
    catalogue: Catalogue,
    site: SiteConfig,
    stylesheet: str,
    renderer: Renderer | None = None,
    history: History = NO_HISTORY,
    search_script: str = "",
    memo: Memo | None = None,
    lang: str | None = None,
    media: Media = NO_MEDIA,
) -> Views:
    """The views of one language version (`lang`; None: the site's main language), from the
    catalogue as that language lists it. `memo` (`render.memo.Memo`) may return a view kept from
    an earlier build made from equal arguments."""
    renderer = renderer or Renderer()
    history = history.until(catalogue.as_of)
    main = site.language
    page_lang = lang or main
    languages = site.languages or (main,)
    locale = locale_for(page_lang, len(languages) > 1)
    t = PageStrings(page_lang, locale)
    urls = Urls.for_language(site.base_url, page_lang, main)
    # The main language's views keep their keys of old: a one-language site's cache is unchanged.
    prefix = "" if page_lang == main else f"{page_lang}:"

    def one(entry: Entry, site: SiteConfig, lang: str, history: History, media: Media) -> ProjectView:
        # `urls` and `t` are made from `site` and `lang`; the renderer's HTML from the text alone.
        return project_view(entry, site, urls, renderer, t, history, media)

    def arguments(entry: Entry) -> tuple[Entry, SiteConfig, str, History, Media]:
        """What one project's view is made from, and nothing else: its record with only the
        translation this language shows, and the dates and files of that record alone."""
        own = language_entry(entry)
        shown = own.record.translations
        paths = [entry.record.path, *(tr.path for tr in shown.values())]
        written = [d.url or "" for d in entry.project.documents] + [
            d.url or "" for tr in shown.values() for d in tr.translation.documents]
        dates = History({p: history.files[p] for p in paths if p in history.files}, history.shallow)
        return own, site, page_lang, dates, media.only(entry.slug, written)

    projects = {
        e.slug: memo("view", prefix + e.slug, arguments(e), one) if memo else one(*arguments(e))
        for e in catalogue.entries
    }
    groups = tuple(_group_view(g, projects, urls, renderer, t, main) for g in catalogue.groups)
    nav = (
        Link(t("nav.home"), urls.index()),
        *(Link(g.heading, g.url, lang=g.heading_lang) for g in groups if g.url),
        Link(t("nav.archive"), urls.archive()),
        Link(t("nav.search"), urls.search()),
    )
    updated = site_updated(catalogue.entries, history, catalogue.as_of)
    title, title_lang = shown(site.title, page_lang, main)
    organisation, organisation_lang = shown(site.organisation, page_lang, main)
    intro, intro_lang = shown(site.intro, page_lang, main)
    feedback = feedback_contact(site, page_lang)
    site_view = SiteView(
        title=title,
        organisation=organisation,
        lang=page_lang,
        urls=urls,
        nav=nav,
        intro_html=markdown_html(renderer, intro, 2, urls),
        documents=tuple(document_view(d, urls, feedback, t, main, facts=media.documents.get(d.url or ""))
                        for d in site.documents),
        as_of=format_day(catalogue.as_of, locale),
        stylesheet=stylesheet,
        base_url=site.base_url,
        accessibility=site.accessibility,
        feedback=feedback,
        updated=format_day(updated, locale),
        search_script=search_script,
        footer=(Link(t("nav.archive"), urls.archive()), Link(t("footer.statement"), urls.statement()),
                Link(t("footer.data"), urls.index() + "#avoin-data")),
        data_files=(
            DataFileView(DATA_JSON, urls.data_json(), t("opendata.json"), urls.output("data_json")),
            DataFileView(DATA_CSV, urls.data_csv(), t("opendata.csv"), urls.output("data_csv")),
            DataFileView(DATA_SCHEMA, urls.data_schema(), t("opendata.schema"), urls.output("data_schema")),
            DataFileView(FEED, urls.feed(), t("opendata.feed"), urls.output("feed")),
        ),
        languages=languages if len(languages) > 1 else (),
        title_lang=other_lang(title_lang, page_lang),
        intro_lang=other_lang(intro_lang, page_lang) if intro else None,
        organisation_lang=other_lang(organisation_lang, page_lang),
        icon=site_icon(urls, site.favicon),
        image=absolute_or_none(urls, site.image),
        logo=logo_view(site.brand, urls, page_lang, main),
    )
    return Views(
        site=site_view,
        projects=projects,
        groups=groups,
        archive=tuple(_year_view(y, projects, t) for y in catalogue.archive),
    )


def _group_view(group: ThemeGroup, projects: dict[str, ProjectView], urls: Urls, renderer: Renderer,
                t: Strings, main: str) -> GroupView:
    theme = group.theme
    heading, heading_lang = shown(theme.name, t.lang, main) if theme else (t("theme.other"), t.lang)
    intro, intro_lang = shown(theme.intro, t.lang, main) if theme else ("", t.lang)
    return GroupView(
        id=theme.id if theme else "muut",
        heading=heading,
        url=urls.theme(theme.id) if theme else None,
        intro_html=markdown_html(renderer, intro, 2, urls) if theme else Markup(""),
        current=tuple(projects[e.slug] for e in group.current),
        ended=tuple(projects[e.slug] for e in group.ended),
        heading_lang=other_lang(heading_lang, t.lang),
        intro_lang=other_lang(intro_lang, t.lang) if intro else None,
    )


def _year_view(group: YearGroup, projects: dict[str, ProjectView], t: Strings) -> YearView:
    return YearView(
        id=f"vuosi-{group.year}" if group.year else "vuosi-tuntematon",
        heading=str(group.year) if group.year else t("archive.year_unknown"),
        projects=tuple(projects[e.slug] for e in group.entries),
    )
