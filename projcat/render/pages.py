"""Views -> {output path: bytes}. Jinja with autoescaping and strict undefined; no file writes."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape

from projcat.content.sitepaths import STATIC_FOLDER, THEME_FOLDER
from projcat.languages import language
from projcat.problems import OutputError
from projcat.render.addresses import Kind
from projcat.render.formatting import PageStrings, locale_for
from projcat.render.markup import first_sentence
from projcat.render.meta import PageMeta, og_locale
from projcat.render.parts import Link
from projcat.render.statement import build_statement
from projcat.render.views import ProjectView, SiteView, Views
from projcat.strings import Strings

if TYPE_CHECKING:
    from projcat.render.memo import RenderMemo

THEME_DIR = THEME_FOLDER


@dataclass(frozen=True)
class LanguageLink:
    """A page in one language, as its `<link rel="alternate" hreflang>` and its item in the switcher."""

    lang: str
    # The language's own name for reading in it: "Suomeksi", "På svenska", "In English".
    text: str
    url: str
    # The absolute address when the host is known (search engines want one), else `url`.
    href: str
    current: bool = False


@dataclass(frozen=True)
class Page:
    kind: Kind
    output: str
    template: str
    h1: str
    title: str
    url: str
    breadcrumbs: tuple[Link, ...] = ()
    context: dict[str, Any] = field(default_factory=dict)
    # The h1's language when it is not the site's (a record's `title_lang`),
    # so the breadcrumb naming this page is read in that language too.
    h1_lang: str | None = None
    # The site's navigation and footer links, the one naming this page marked current.
    nav: tuple[Link, ...] = ()
    footer: tuple[Link, ...] = ()
    # Multilingual sites only: the page's language, its key (a page is `(kind, key)` in every
    # language), the same page in every language (main first), and the main language's for x-default.
    lang: str = ""
    key: str = ""
    alternates: tuple[LanguageLink, ...] = ()
    default: LanguageLink | None = None
    # The head's description, Open Graph and canonical link, noindex.
    meta: PageMeta | None = None


def make_environment(site_templates: Path | None) -> Environment:
    """The templates' environment. Texts come from the catalogues through Jinja's i18n
    extension: `{{ _("nav.home") }}`, `{{ _("footer.generated", date=...) }}` (the ids are
    keys with `str.format` fields, so `{% trans %}` blocks are not used). `render_site`
    installs the build's language; a page in another language renders with
    `strings_variables(Strings(lang))` among its variables."""
    loaders = []
    if site_templates is not None and site_templates.is_dir():
        loaders.append(FileSystemLoader(str(site_templates)))
    loaders.append(FileSystemLoader(str(THEME_DIR / "templates")))
    env = Environment(
        loader=ChoiceLoader(loaders),
        autoescape=select_autoescape(["html", "xml"], default_for_string=True, default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
    )
    return env


def strings_variables(t: Strings) -> dict[str, Callable[..., str]]:
    """The template names that speak `t`'s language: `_` and `gettext` (the i18n extension's),
    `ngettext`, and `t`, what site templates written before the catalogues call.

    `_` is `t` itself rather than the extension's alias that looks `gettext` up at each
    call: a page calls it dozens of times, and the lookup made rendering slower."""
    def ngettext(singular: str, plural: str, n: int, **params: object) -> str:
        return t(singular if n == 1 else plural, n=n, **params)

    return {"_": t, "gettext": t, "ngettext": ngettext, "t": t}


def install_strings(env: Environment, t: Strings) -> None:
    """Make every template `env` renders speak `t`'s language, unless a render passes others."""
    env.globals.update(strings_variables(t))


def static_files(site_static: Path | None) -> dict[str, bytes]:
    """Files copied as they are to the output root: the built-in ones
    (`assets/style.css`), replaced file by file by the site's own `static/`."""
    files: dict[str, bytes] = {}
    for folder in (THEME_FOLDER / STATIC_FOLDER, site_static):
        if folder is None or not folder.is_dir():
            continue
        for file in sorted(folder.rglob("*")):
            if file.is_file() and not file.is_symlink() and not file.name.startswith("."):
                files[file.relative_to(folder).as_posix()] = file.read_bytes()
    return files


def fingerprint(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:10]


def _title(t: Strings, site_title: str, *parts: str) -> str:
    return " – ".join([p for p in parts if p] + [site_title])


def _marked(links: tuple[Link, ...], url: str) -> tuple[Link, ...]:
    """`links` with the one to `url` marked current; the same tuple when none is (most pages)."""
    if not any(link.url == url for link in links):
        return links
    return tuple(replace(link, current=link.url == url) for link in links)


def _page(site: SiteView, kind: Kind, key: str, template: str, h1: str, title: str,
          breadcrumbs: tuple[Link, ...] = (), description: str = "", og_type: str = "website",
          image: str | None = None, **more: Any) -> Page:
    """`image`: the page's own sharing image (absolute), else the site's."""
    urls = site.urls
    url = urls.url(kind, key)
    nav = _marked(site.nav, url)
    # A page named in the navigation is marked there; the footer marks only the others (the statement).
    footer = site.footer if nav is not site.nav else _marked(site.footer, url)
    meta = PageMeta(
        description=description or h1, title=h1, site_name=site.title, type=og_type, locale=og_locale(site.lang),
        # The not-found page answers every wrong address: it has no address of its own to name.
        url=None if kind == "not_found" else urls.absolute(url),
        image=image or site.image, noindex=kind == "not_found",
    )
    return Page(kind, urls.output(kind, key), template, h1, title, url, breadcrumbs, nav=nav, footer=footer,
                key=key, meta=meta, **more)


def plan_pages(views: Views, t: Strings) -> list[Page]:
    """Every page of the site, once per build: rendering, the sitemap and the search index all read this list."""
    site = views.site
    home = Link(t("nav.home"), site.urls.index())
    who = {"site": site.title, "organisation": site.organisation}
    pages = [
        _page(site, "index", "", "index.html", site.title, f"{site.title} – {site.organisation}",
              description=first_sentence(site.intro_html) or t("meta.description.index", **who),
              context={"groups": views.groups, "data_files": views.data_files or site.data_files},
              h1_lang=site.title_lang),
        _page(site, "archive", "", "archive.html", t("archive.title"), _title(t, site.title, t("archive.title")),
              (home,), description=t("meta.description.archive", **who), context={"years": views.archive}),
        _page(site, "not_found", "", "404.html", t("notfound.title"), _title(t, site.title, t("notfound.title")),
              (home,), description=t("notfound.text")),
        _page(site, "statement", "", "statement.html", t("statement.title"),
              _title(t, site.title, t("statement.title")), (home,),
              description=t("meta.description.statement", **who),
              context={"statement": build_statement(views, t)}),
        _page(site, "search", "", "search.html", t("search.title"), _title(t, site.title, t("search.title")),
              (home,), description=t("meta.description.search", **who), context={"groups": views.groups}),
    ]
    for group in views.groups:
        if group.url:
            pages.append(_page(
                site, "theme", group.id, "theme.html", group.heading,
                _title(t, site.title, group.heading, t("theme.section")), (home,),
                description=first_sentence(group.intro_html)
                or t("meta.description.theme", theme=group.heading, **who),
                context={"group": group}, h1_lang=group.heading_lang,
            ))
    for project in views.projects.values():
        section = project.theme.text if project.theme else t("theme.other")
        crumbs = (home, project.theme) if project.theme else (home,)
        pages.append(_page(
            site, "project", project.slug, "project.html", project.title,
            _title(t, site.title, project.title, section), crumbs,
            description=project.description, og_type="article",
            image=site.urls.absolute(project.image.src) if project.image else None,
            context={"project": project}, h1_lang=project.title_lang,
        ))
    return pages


def plan_languages(versions: Sequence[Views]) -> list[Page]:
    """Every page of every language version (`versions`: one `Views` per language, main first).

    A one-language site's plan is `plan_pages`'s, untouched. On a multilingual site each page
    carries its language and the same page in every language, for hreflang and the switcher."""
    if len(versions) == 1:
        return plan_pages(versions[0], Strings(versions[0].site.lang))
    plans = []
    for views in versions:
        lang = views.site.lang
        plans.append(plan_pages(views, PageStrings(lang, locale_for(lang, True))))
    urls_of: dict[tuple[str, str], dict[str, tuple[str, str]]] = {}
    for views, plan in zip(versions, plans, strict=True):
        site = views.site
        for page in plan:
            urls_of.setdefault((page.kind, page.key), {})[site.lang] = (
                page.url, site.urls.absolute(page.url) or page.url)
    pages = []
    for views, plan in zip(versions, plans, strict=True):
        lang = views.site.lang
        for page in plan:
            found = urls_of[(page.kind, page.key)]
            alternates = tuple(
                LanguageLink(other, language(other).own_name, *found[other], current=other == lang)
                for other in views.site.languages if other in found
            )
            meta = page.meta and replace(page.meta, locale_alternates=tuple(
                og_locale(link.lang) for link in alternates if not link.current))
            pages.append(replace(page, lang=lang, alternates=alternates, default=alternates[0], meta=meta))
    return pages


def with_data_files(pages: list[Page], versions: Sequence[Views]) -> list[Page]:
    """The plan with each front page given its language's open data links as made
    (`views.with_data_sizes`): the one thing the plan learns after the open data is written,
    so the rest of it is not planned twice."""
    main = versions[0].site.lang
    shown = {views.site.lang: views.data_files or views.site.data_files for views in versions}
    return [replace(page, context={**page.context, "data_files": shown[page.lang or main]})
            if page.kind == "index" else page for page in pages]


def template_fingerprint(env: Environment) -> str:
    """A digest of every template the environment would load, as it would load them."""
    digest = hashlib.sha256()
    assert env.loader is not None
    for name in sorted(env.loader.list_templates()):
        source, _, _ = env.loader.get_source(env, name)
        digest.update(f"{name}\0{len(source)}\0".encode())
        digest.update(source.encode("utf-8"))
    return digest.hexdigest()


def _cards(env: Environment, site: SiteView, templates: str, cache: RenderMemo | None,
           prefix: str = "") -> Callable[..., object]:
    """The list item of one project (`partials/project_card.html`), made once per project and level.

    The lists of thousands of projects are re-rendered whenever one of them
    changes; their items are reused while the project, the site and the
    templates are the same. A fresh module each build: its globals are this build's."""
    # A template module exposes its macros as attributes no type can declare.
    macro = env.get_template("partials/project_card.html").make_module().card  # type: ignore[attr-defined]
    if cache is None:
        return macro  # type: ignore[no-any-return]

    # The macro's module sees the environment's globals: the main language's site view and strings.
    main = env.globals.get("site")

    def one(project: ProjectView, level: int, site: SiteView, main: object, templates: str) -> object:
        # What the macro may read: its arguments, the site views and the templates (their digest stands for them).
        return macro(project, level)

    def card(project: ProjectView, level: int) -> object:
        return cache.memo("piece", f"card:{prefix}{level}:{project.slug}",
                          (project, level, site, main if main is not site else None, templates), one)

    return card


def render_site(
    views: Views | Sequence[Views], env: Environment, assets: dict[str, bytes], cache: RenderMemo | None = None,
    pages: list[Page] | None = None, sink: Callable[[str, bytes], None] | None = None,
) -> dict[str, bytes]:
    """Every page as bytes, beside the static `assets`; `views` is the site's, or one per language
    version (main first); `pages` is the build's plan (made here when not given). With a `sink`,
    each file goes to it as soon as it is made instead (a build writes it then and holds no page)."""
    versions = [views] if isinstance(views, Views) else list(views)
    main = versions[0]
    files: dict[str, bytes] = dict(assets)
    names = set(files)
    if sink is not None:
        for name, data in sorted(files.items()):
            sink(name, data)
        files = {}
    if cache is not None:
        env = cache.environment(env)
    # A page's bytes are a function of the page, the site view and the templates, so equal inputs may reuse them.
    templates = template_fingerprint(env) if cache is not None else ""
    local = prepare_environment(env, [v.site for v in versions], cache, templates)
    for page in plan_languages(versions) if pages is None else pages:
        if page.output in names:
            raise OutputError("output.static_replaces_page", path=f"static/{page.output}", name=page.output)
        names.add(page.output)
        own = local.get(page.lang, {})

        def produce(page: Page, site: object, templates: str, own: dict[str, object] = own) -> bytes:
            # `own` is the strings, `site` and list items of the page's language: made from
            # `page.lang`, `site` and the templates (their digest stands for the environment).
            return render_page(env, page, own)

        site = own.get("site", main.site)
        if cache is None:
            data = produce(page, site, templates)
        else:
            data = cache.memo("page", page.output, (page, site, templates), produce)
        if sink is None:
            files[page.output] = data
        else:
            sink(page.output, data)
    return dict(sorted(files.items()))


def prepare_environment(env: Environment, sites: Sequence[SiteView], cache: RenderMemo | None = None,
                        templates: str = "") -> dict[str, dict[str, object]]:
    """Install the main language version's (`sites[0]`) strings, site view and list items in `env`;
    return each other language's own template variables, for `render_page`. A build's worker
    processes call this too, so a page renders there exactly as it would here."""
    main = sites[0]
    install_strings(env, Strings(main.lang))
    env.globals["site"] = main
    env.globals["card"] = _cards(env, main, templates, cache)
    # Each other language version renders with its own strings, site view and list items.
    return {
        site.lang: {**strings_variables(Strings(site.lang)), "site": site,
                    "card": _cards(env, site, templates, cache, f"{site.lang}:")}
        for site in sites[1:]
    }


def render_page(env: Environment, page: Page, own: dict[str, object]) -> bytes:
    """One page's bytes; `own` is its language's variables from `prepare_environment` ({} for the main one)."""
    return env.get_template(page.template).render(page=page, **own, **page.context).encode("utf-8")
