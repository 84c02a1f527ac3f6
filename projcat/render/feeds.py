"""What search engines and feed readers read: sitemap.xml, robots.txt and the Atom feed.

Pure functions of the views, the catalogue and the git history; no clock.
The sitemap protocol and Atom both need absolute addresses: a sitemap's
`<loc>` must start with the protocol, so the sitemap (and robots.txt's
`Sitemap:` line) are written only when `base_url` names the host. The feed
works either way: its ids are `urn:uuid:` names derived from the site and
the project, not from the host, and its links may be relative references,
which RFC 4287 resolves against the feed's own address.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal
from xml.sax.saxutils import escape, quoteattr
from zoneinfo import ZoneInfo

from projcat.catalogue import Catalogue, Entry, content_changed, site_updated
from projcat.content.history import History
from projcat.content.settings import SiteConfig
from projcat.render import opendata
from projcat.render.pages import Page
from projcat.render.views import Views
from projcat.strings import N_, Strings

ATOM_NS = "http://www.w3.org/2005/Atom"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
# Feed readers show the newest entries; older events stay on the pages.
FEED_LIMIT = 100

Event = Literal["added", "started", "ended"]
# Within one day: an end reads before a start, a start before the record's arrival.
_EVENT_ORDER: dict[Event, int] = {"ended": 0, "started": 1, "added": 2}


def _page_entries(page: Page, catalogue: Catalogue) -> tuple[Entry, ...]:
    """The projects whose facts a page shows, so its last change follows theirs."""
    if page.kind == "project":
        return (catalogue.by_slug[page.context["project"].slug],)
    if page.kind == "theme":
        group = page.context["group"]
        return tuple(catalogue.by_slug[p.slug] for p in (*group.current, *group.ended))
    return catalogue.entries


def indexable_pages(pages: list[Page]) -> list[Page]:
    """Every page a search engine should list: all but the not-found page."""
    return [p for p in pages if p.kind != "not_found"]


def sitemap_xml(views: Views, catalogue: Catalogue, history: History, pages: list[Page]) -> bytes | None:
    urls = views.site.urls
    if not urls.origin:
        return None
    rows = []
    # The pages that show every project (front page, archive, search, statement) share one date.
    every: list[date | None] = []
    for page in indexable_pages(pages):
        location = urls.absolute(page.url)
        # A page lists the projects its own language version shows; their facts are the same in every one.
        if page.kind in ("project", "theme"):
            changed = content_changed(_page_entries(page, catalogue), history, catalogue.as_of)
        else:
            if not every:
                every.append(content_changed(catalogue.entries, history, catalogue.as_of))
            changed = every[0]
        lastmod = f"<lastmod>{changed.isoformat()}</lastmod>" if changed else ""
        # Every language's version of the page, itself included, as the sitemap protocol's alternates.
        shown = [(link.lang, link.href) for link in page.alternates]
        if page.default is not None:
            shown.append(("x-default", page.default.href))
        links = "".join(f'<xhtml:link rel="alternate" hreflang={quoteattr(lang)} href={quoteattr(href)}/>'
                        for lang, href in shown)
        rows.append(f"  <url><loc>{escape(location or '')}</loc>{lastmod}{links}</url>\n")
    namespaces = f' xmlns:xhtml="{XHTML_NS}"' if any(page.alternates for page in pages) else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="{SITEMAP_NS}"{namespaces}>\n' + "".join(sorted(rows)) + "</urlset>\n"
    ).encode("utf-8")


def robots_txt(views: Views) -> bytes:
    urls = views.site.urls
    lines = ["User-agent: *", "Disallow:"]
    sitemap = urls.absolute(urls.sitemap())
    if sitemap:
        lines += ["", f"Sitemap: {sitemap}"]
    return ("\n".join(lines) + "\n").encode("utf-8")


@dataclass(frozen=True)
class FeedEntry:
    event: Event
    day: date
    entry: Entry


def feed_events(catalogue: Catalogue, history: History) -> list[FeedEntry]:
    """Projects added (first commit), started and ended, on or before the as-of date, newest first.

    An end counts once the project's status is ended (the day after its end
    date's last day), so the feed changes on the day `next_change` names.
    """
    as_of = catalogue.as_of
    events: list[FeedEntry] = []
    for entry in catalogue.entries:
        project = entry.project
        added = history.added(entry.record.path)
        if added is not None and added <= as_of:
            events.append(FeedEntry("added", added, entry))
        if project.start is not None and project.start.first_day <= as_of:
            events.append(FeedEntry("started", project.start.first_day, entry))
        if project.end is not None and project.end.last_day < as_of:
            events.append(FeedEntry("ended", project.end.last_day, entry))
    events.sort(key=lambda e: (-e.day.toordinal(), _EVENT_ORDER[e.event], e.entry.slug))
    return events[:FEED_LIMIT]


def _timestamp(day: date, zone: ZoneInfo) -> str:
    """RFC 3339, as Atom requires: the start of the day in the site's time zone."""
    return datetime(day.year, day.month, day.day, tzinfo=zone).isoformat()


def _urn(*parts: str) -> str:
    """A stable, host-independent id: the same project and event keep it across builds and hosts."""
    return uuid.uuid5(uuid.NAMESPACE_URL, "projcat:" + "\x1f".join(parts)).urn


def _element(name: str, text: str, **attributes: str) -> str:
    attrs = "".join(f" {key}={quoteattr(value)}" for key, value in attributes.items())
    return f"<{name}{attrs}>{escape(text)}</{name}>"


def _summary(text: str, lang: str | None) -> str:
    """An entry's summary, with its language when it is not the feed's (an untranslated project)."""
    return _element("summary", text, **({"xml:lang": lang} if lang else {}))
# Composed below as feed.<event> and feed.category.<event>.
N_("feed.added"), N_("feed.started"), N_("feed.ended")
N_("feed.category.added"), N_("feed.category.started"), N_("feed.category.ended")


def feed_xml(views: Views, catalogue: Catalogue, site: SiteConfig, history: History) -> bytes:
    """The feed of one language version: its texts and links; a language other than the main
    one has ids of its own, as its entries are other documents than the main feed's."""
    lang = views.site.lang
    t = Strings(lang)
    # The main language's ids are those the feed has always had.
    own = () if lang == site.language else (lang,)
    title, organisation = views.site.title, views.site.organisation
    urls = views.site.urls
    zone = ZoneInfo(site.time_zone)
    events = feed_events(catalogue, history)
    newest = events[0].day if events else site_updated(catalogue.entries, history, catalogue.as_of)
    feed_url = urls.absolute(urls.feed()) or urls.feed()
    home = urls.absolute(urls.index()) or urls.index()
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="{ATOM_NS}" xml:lang={quoteattr(lang)}>',
        "  " + _element("title", f"{title} – {organisation}"),
        "  " + _element("subtitle", t("feed.subtitle")),
        "  " + _element("id", _urn(str(site.organisation), str(site.title), *own)),
        "  " + _element("updated", _timestamp(newest, zone)),
        f"  <author>{_element('name', organisation)}</author>",
        f'  <link rel="self" type="application/atom+xml" href={quoteattr(feed_url)}/>',
        f'  <link rel="alternate" type="text/html" href={quoteattr(home)}/>',
    ]
    for event in events:
        project = views.projects[event.entry.slug]
        link = project.absolute_url or project.url
        lines += [
            "  <entry>",
            "    " + _element("id", _urn(str(site.organisation), event.entry.slug, event.event, *own)),
            "    " + _element("title", t(f"feed.{event.event}", title=project.title)),
            "    " + _element("updated", _timestamp(event.day, zone)),
            f'    <link rel="alternate" type="text/html" href={quoteattr(link)}/>',
            f"    <category term={quoteattr(event.event)} label={quoteattr(t(f'feed.category.{event.event}'))}/>",
            "    " + _summary(project.description, project.description_lang),
            "  </entry>",
        ]
    lines.append("</feed>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def publish_files(views: Views, catalogue: Catalogue, site: SiteConfig, history: History, pages: list[Page],
                  memo: opendata.LinesMemo | None = None) -> dict[str, bytes]:
    """Every non-page file the site publishes beside its pages, by output path; `pages` is the
    build's plan (for the sitemap), `memo` as in `opendata.all_project_lines`."""
    urls = views.site.urls
    # No change date after the date the build speaks for: not in the data, the feed or the sitemap.
    history = history.until(catalogue.as_of)
    columns = opendata.table_columns(catalogue, views)
    lines = opendata.all_project_lines(catalogue, views, history, memo, columns)
    files = {
        urls.output("robots"): robots_txt(views),
        urls.output("feed"): feed_xml(views, catalogue, site, history),
        urls.output("data_json"): opendata.projects_json(catalogue, site, views, history, lines),
        urls.output("data_csv"): opendata.projects_csv(catalogue, views, history, lines, columns),
        urls.output("data_schema"): opendata.record_schema(views, memo),
    }
    sitemap = sitemap_xml(views, catalogue, history, pages)
    if sitemap is not None:
        files[urls.output("sitemap")] = sitemap
    return files


def publish_languages(versions: Sequence[tuple[Views, Catalogue]], site: SiteConfig, history: History,
                      pages: list[Page], memo: opendata.LinesMemo | None = None) -> dict[str, bytes]:
    """`publish_files` for every language version (main first): each language's feed and open data
    under its own prefix; the record schema, robots.txt and the sitemap (of every page) once."""
    main_views, main_catalogue = versions[0]
    files = publish_files(main_views, main_catalogue, site, history, pages, memo)
    history = history.until(main_catalogue.as_of)
    for views, catalogue in versions[1:]:
        urls = views.site.urls
        columns = opendata.table_columns(catalogue, views)
        lines = opendata.all_project_lines(catalogue, views, history, memo, columns)
        files[urls.output("feed")] = feed_xml(views, catalogue, site, history)
        files[urls.output("data_json")] = opendata.projects_json(catalogue, site, views, history, lines)
        files[urls.output("data_csv")] = opendata.projects_csv(catalogue, views, history, lines, columns)
    return files
