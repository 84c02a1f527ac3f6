"""A cold build streamed through worker processes: the same bytes as `pipeline.build`, in bounded memory.

Without a cache to reuse there is nothing to gain from holding the site: the
workers (`projcat.build.workers`) read, validate and convert the records on
every core from the start; the main process checks across files, makes the
catalogue, the views and the plan, as `pipeline.check` and `pipeline.render`
do; the workers render the project pages and write each into the new output
tree as it is made, while the main process renders the lists and the feeds.
Pagefind then indexes the project pages in that tree in place (one run, no
second copy), and the tree is swapped in whole. Content errors are found
before anything is written; any later failure (a page that does not render,
a static file in a page's place) discards the new tree, so the previous
output stays as it was.

The main process keeps what the lists, feeds and open data need (records,
catalogue, views), never a body's HTML nor a page's bytes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from projcat.build.output import NewTree, WriteReport, check_output_folder
from projcat.build.pipeline import BuildResult, CheckResult, today
from projcat.build.workers import Crew, ReadRecord
from projcat.catalogue import build_catalogue
from projcat.content.history import read_history
from projcat.content.load import RawRecord, record_files
from projcat.content.settings import Paths, SiteConfig
from projcat.content.site_file import SiteFile
from projcat.content.statement_checks import statement_problems
from projcat.content.translations import Validated, join_translations
from projcat.content.validate import collision_problems
from projcat.content.yamlread import Document
from projcat.problems import ContentError, OutputError, Problem, has_errors, sort_problems
from projcat.render.addresses import output_path
from projcat.render.feeds import publish_languages
from projcat.render.markup import Renderer
from projcat.render.pages import (
    Page,
    fingerprint,
    make_environment,
    plan_languages,
    prepare_environment,
    render_page,
    static_files,
)
from projcat.render.views import Views, build_views


class _FirstParagraphs(Renderer):
    """What the main process's views need of a body: its first paragraph (for a first sentence) when
    no summary stands in for it, else nothing; the workers put the whole body into each page."""

    def __init__(self, known: dict[str, str]) -> None:
        super().__init__()
        self._known = known

    def to_html(self, text: str, top: int = 2) -> str:
        known = self._known.get(text) if top == 3 else None
        return known if known is not None else super().to_html(text, top)


def _check(site_file: SiteFile, site: SiteConfig, crew: Crew, files: list[Path], file_problems: list[Problem],
           as_of: date | None) -> tuple[CheckResult, dict[str, str]]:
    """`pipeline.check` over what the workers read: the same problems, records and catalogue."""
    read: list[ReadRecord] = crew.records()
    raws = [RawRecord(r.path, r.slug, Document(None), "", r.body_line, [], r.lang) for r in read]
    problems = list(site_file.problems) + file_problems + collision_problems(raws)
    validated: list[Validated] = []
    known: dict[str, str] = {}
    for raw, record in zip(raws, read, strict=True):
        problems += record.problems
        validated.append((raw, record.result))
        if record.result is not None:
            if record.first_paragraph is not None:
                known[record.result.body] = record.first_paragraph
            else:
                known.setdefault(record.result.body, "")
    records, join_problems = join_translations(validated)
    problems += join_problems
    problems += statement_problems(site, [r.project for r in records], site_file.document, site_file.shown)
    problems = sort_problems(problems)
    day = as_of or today(site)
    catalogue = build_catalogue(records, site, day) if not has_errors(problems) else None
    return CheckResult(site, records, problems, catalogue, len(files) + 1, day), known


def cold_build(root: Path, out: Path, as_of: date | None, site_file: SiteFile, site: SiteConfig,
               search: bool, workers: int) -> BuildResult:
    """`pipeline.build` without a cache, streamed; `site` is `site_file`'s settings with any override."""
    paths = Paths(root)
    files, file_problems = record_files(paths.content, root)
    crew = Crew(workers, files, site, root, paths.templates)
    try:
        result, known = _check(site_file, site, crew, files, file_problems, as_of)
        if not result.ok:
            raise ContentError(result.problems)
        assert result.catalogue is not None
        check_output_folder(out, paths.root, [paths.content, paths.templates, paths.static])
        history = read_history(root)
        assets = static_files(paths.static)
        stylesheet_hash = fingerprint(assets.get("assets/style.css", b""))
        script_hash = fingerprint(assets.get("assets/search.js", b""))
        catalogues = [result.catalogue] + [
            build_catalogue([e.record for e in result.catalogue.entries], site, result.catalogue.as_of, lang)
            for lang in site.languages[1:]
        ]
        renderer = _FirstParagraphs(known)
        versions = [
            build_views(catalogue, site, stylesheet=f"style.css?v={stylesheet_hash}", history=history,
                        search_script=f"search.js?v={script_hash}", renderer=renderer, lang=lang)
            for catalogue, lang in zip(catalogues, (None, *site.languages[1:]), strict=True)
        ]
        pages = plan_languages(versions)
        names = set(assets)
        for page in pages:
            if page.output in names:
                raise OutputError("output.static_replaces_page", path=f"static/{page.output}", name=page.output)
            names.add(page.output)
        # The body each language version's page shows: its translation's, else the main file's.
        bodies = {
            (lang or "", entry.slug): (entry.translation.body if entry.translation else entry.record.body)
            for catalogue, lang in zip(catalogues, (None, *site.languages[1:]), strict=True)
            for entry in catalogue.entries
        }
        if site.languages[1:]:
            bodies.update({(site.language, slug): body for (lang, slug), body in list(bodies.items()) if not lang})
        tree = NewTree.open(out)
        try:
            def publish() -> dict[str, bytes]:
                return publish_languages(list(zip(versions, catalogues, strict=True)), site, history, pages)

            report = _write(tree, crew, versions, pages, bodies, assets, publish, paths.templates, names, search)
            tree.swap()
        except BaseException:
            tree.discard()
            raise
    finally:
        crew.close()
    return BuildResult(result, {}, report, history, tuple(sorted(names)))


def _write(tree: NewTree, crew: Crew, versions: list[Views], pages: list[Page], bodies: dict[tuple[str, str], str],
           assets: dict[str, bytes], publish: Callable[[], dict[str, bytes]], templates: Path | None,
           names: set[str], search: bool) -> WriteReport:
    """Everything into `tree`: project pages by the workers, meanwhile the rest here. A clash found
    late fails the build like one found early: the tree is discarded, never swapped in."""
    sites = [views.site for views in versions]
    crew.start(tree, sites)
    projects = [page for page in pages if page.kind == "project"]
    for page in projects:
        crew.render(page.key, page, bodies[(page.lang, page.key)])
    crew.send()
    changed: list[str] = []
    env = make_environment(templates)
    local = prepare_environment(env, sites)
    for page in pages:
        if page.kind != "project" and tree.put(page.output, render_page(env, page, local.get(page.lang, {}))):
            changed.append(page.output)
    generated = publish()
    for name in generated:
        if name in names and name != output_path("robots"):
            raise OutputError("output.static_replaces_file", path=f"static/{name}", name=name)
    generated = {name: data for name, data in generated.items() if name not in names}
    names.update(generated)
    for name, data in (*assets.items(), *generated.items()):
        if tree.put(name, data):
            changed.append(name)
    changed += crew.finish()
    if search and projects:
        from projcat.build.search import index_folder, project_glob

        views = versions[0]
        language = None if views.site.multilingual else views.site.lang
        glob = project_glob([page.output for page in projects], names - {page.output for page in projects})
        bundle = index_folder(tree.temporary, glob, language) if glob else None
        if bundle is None:
            from projcat.build.search import build_index

            bundle = build_index([(p.output, (tree.temporary / p.output).read_bytes()) for p in projects], language)
        for name, data in bundle.items():
            if name in names:
                raise OutputError("output.static_replaces_file", path=f"static/{name}", name=name)
            names.add(name)
            if tree.put(name, data):
                changed.append(name)
    return WriteReport(len(changed), len(names) - len(changed), tuple(sorted(changed)))
