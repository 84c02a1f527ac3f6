"""check() and build(): load -> validate -> catalogue -> views -> render -> output.

Nothing is written until every record is valid; then each file is written as
it is made, into a new tree the output folder becomes only when every file is
there (`output.SiteWriter`), so a failed build leaves the old output. A
`BuildCache` (the interface of `projcat.engine.cache`; the caller picks the
implementation) lets a step reuse what an earlier build made from the same
input; the output is the same bytes with or without one.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from projcat.catalogue import Catalogue, build_catalogue, status_of
from projcat.content.brand import brand_problems, logo_problems
from projcat.content.history import History, read_history
from projcat.content.load import RawRecord, display_path, read_record, record_files
from projcat.content.media import NO_MEDIA, Media, check_media
from projcat.content.programmes import results_problems
from projcat.content.records import ValidRecord
from projcat.content.settings import Paths, SiteConfig
from projcat.content.site_file import SiteFile, read_site
from projcat.content.statement_checks import statement_problems
from projcat.content.translations import Validated, join_translations
from projcat.content.validate import collision_problems, validate_record
from projcat.engine.admin import admin_files
from projcat.engine.cache import BuildCache
from projcat.engine.files import digest
from projcat.engine.images import image_files
from projcat.engine.memory import MemoryCache
from projcat.engine.output import SiteWriter, WriteReport, check_output_folder
from projcat.engine.stamp import DEFAULT_TIME_ZONE, today_in
from projcat.engine.written import ByDigest
from projcat.problems import ContentError, OutputError, Problem, has_errors, sort_problems
from projcat.render.addresses import output_path
from projcat.render.brand import with_brand
from projcat.render.feeds import publish_languages
from projcat.render.markup import Renderer
from projcat.render.metadata import is_image_name, without_metadata
from projcat.render.pages import (
    Page,
    fingerprint,
    make_environment,
    plan_languages,
    render_site,
    static_files,
    with_data_files,
)
from projcat.render.parallel import let_go_early, started_early
from projcat.render.parts import shown
from projcat.render.views import Views, build_views, with_data_sizes


@dataclass
class CheckResult:
    site: SiteConfig | None
    records: list[ValidRecord]
    problems: list[Problem]
    catalogue: Catalogue | None
    files_read: int
    # The date the site is (or would have been) built for; None when site.yaml could not be read.
    as_of: date | None = None
    # The images and local documents the records use, as read (`content.media`).
    media: Media = NO_MEDIA

    @property
    def ok(self) -> bool:
        return not has_errors(self.problems)


@dataclass(frozen=True)
class BuildResult:
    check: CheckResult
    # Every output file's path, sorted: the bytes are in the output folder, not held.
    names: list[str]
    report: WriteReport | None
    history: History = field(default_factory=History)
    out: Path | None = None

    @property
    def files(self) -> dict[str, bytes]:
        """Every output file's bytes, read back from the output folder when asked."""
        assert self.out is not None
        return {name: self.out.joinpath(*name.split("/")).read_bytes() for name in self.names}


def today(site: SiteConfig | None) -> date:
    return today_in(site.time_zone if site else DEFAULT_TIME_ZONE)


def check(
    root: Path,
    as_of: date | None = None,
    base_url: str | None = None,
    cache: BuildCache | None = None,
    loaded: SiteFile | None = None,
    listed: tuple[list[Path], list[Problem]] | None = None,
) -> CheckResult:
    """Read and validate everything; `loaded` is `site.yaml` as the caller has read it already,
    `listed` the record files as `record_files` listed them for it."""
    paths = Paths(root)
    read = cache.read_record if cache is not None else read_record
    validate = cache.validate_record if cache is not None else validate_record
    site_file = read_site(paths) if loaded is None else loaded
    site, problems = site_file.site, list(site_file.problems)
    if site is not None and base_url is not None:
        site = site.model_copy(update={"base_url": base_url})
    files, file_problems = record_files(paths.content, root) if listed is None else listed
    problems += file_problems
    raws = [read(f, display_path(f, root)) for f in files]
    problems += collision_problems(raws)
    validated: list[Validated] = []
    for raw in raws:
        record, record_problems = validate(raw, site, root)
        problems += record_problems
        validated.append((raw, record))
    records, join_problems = join_translations(validated)
    problems += join_problems
    with cache.reading() if cache is not None else nullcontext():
        media_problems, media = check_media(raws, site_file.document, site_file.shown, root,
                                            memo=cache.record_media if cache is not None else None)
    problems += media_problems
    if site is not None:
        problems += statement_problems(site, [r.project for r in records], site_file.document, site_file.shown)
        problems += brand_problems(site, site_file.document, site_file.shown)
        problems += logo_problems(site, site_file.document, site_file.shown, root)
    problems = sort_problems(problems)
    day = as_of or (today(site) if site is not None else None)
    catalogue = None
    if site is not None and day is not None and not has_errors(problems):
        catalogue = build_catalogue(records, site, day)
    if site is not None and day is not None:
        problems = sort_problems(problems + _results_problems(records, site, raws, day))
    return CheckResult(site, records, problems, catalogue, len(files) + 1, day, media)


def _results_problems(records: list[ValidRecord], site: SiteConfig, raws: list[RawRecord], day: date) -> list[Problem]:
    """Ended EU-funded projects without results: whether a project has ended depends on the build's date."""
    docs = {raw.path: raw.fields for raw in raws if not raw.lang}
    return [problem for record in records if record.path in docs
            for problem in results_problems(docs[record.path], record.path, record.project,
                                            status_of(record.project, day) == "ended", site)]


def render(
    result: CheckResult,
    root: Path,
    history: History | None = None,
    search: bool = False,
    cache: BuildCache | None = None,
    parallel: bool = False,
) -> dict[str, bytes]:
    """Every output file as bytes: pages, static files, feeds, open data and,
    when `search` is asked for, the search index. A `cache` (the preview's or
    the persistent one) lets unchanged projects' views and pages be reused;
    `parallel` converts many Markdown bodies across processes."""
    files: dict[str, bytes] = {}
    render_into(files.__setitem__, result, root, history, search, cache, parallel)
    return dict(sorted(files.items()))


def render_into(
    sink: Callable[[str, bytes], None],
    result: CheckResult,
    root: Path,
    history: History | None = None,
    search: bool = False,
    cache: BuildCache | None = None,
    parallel: bool = False,
    outputs: ByDigest | None = None,
) -> list[str]:
    """As `render`, but each file goes to `sink(output path, bytes)` as soon as it is made, and
    nothing is held once it has gone (a build writes each page then); returns every output path.
    The files are the same, with the same refusals, as `render` returns. With `outputs` (`cache`
    seen through `engine.written.ByDigest` with the folder the sink's files end up in), the cache
    keeps pages and files by digest and reads them back from there when reused, so it does not
    hold them either."""
    assert result.site is not None and result.catalogue is not None
    if outputs is None and cache is not None:
        outputs = ByDigest(cache, None)
    paths = Paths(root)
    history = read_history(root) if history is None else history
    # A photo a record uses is published only as its variants, stripped of metadata (GPS positions
    # included): the file as an editor put it under static/ would still carry them.
    used = {image.source for image in result.media.images.values()}
    assets = {name: data for name, data in static_files(paths.static).items() if f"static/{name}" not in used}
    # Every other image is published as it is, but never with its metadata (issue 20).
    assets = {name: _stripped(name, data, cache) for name, data in assets.items()}
    # The brand's colours are part of the stylesheet, so its fingerprint below follows them.
    assets = with_brand(assets, result.site.brand)
    stylesheet_hash = fingerprint(assets.get("assets/style.css", b""))
    script_hash = fingerprint(assets.get("assets/search.js", b""))
    site = result.site
    # The catalogue as each language version lists it, the main language's first.
    catalogues = [result.catalogue] + [
        build_catalogue([e.record for e in result.catalogue.entries], site, result.catalogue.as_of, lang)
        for lang in site.languages[1:]
    ]
    if cache is not None:
        # Markdown is most of a build's time: every body converted up front, in one go.
        texts = [(e.record.body, 3) for e in result.catalogue.entries]
        texts += [(t.body, 3) for e in result.catalogue.entries for t in e.record.translations.values()]
        for lang in site.languages:
            texts += [(shown(site.intro, lang, site.language)[0], 2)]
            texts += [(shown(theme.intro, lang, site.language)[0], 2) for theme in site.themes]
        cache.prepare(texts, parallel=parallel)
    # Workers started ahead for this conversion and not needed by it (the HTML was kept) go now.
    let_go_early()
    renderer = cache.renderer() if cache is not None else Renderer()
    versions = [
        build_views(catalogue, site, stylesheet=f"style.css?v={stylesheet_hash}", history=history,
                    search_script=f"search.js?v={script_hash}", renderer=renderer,
                    memo=cache.memo if cache else None, lang=lang, media=result.media)
        for catalogue, lang in zip(catalogues, (None, *site.languages[1:]), strict=True)
    ]
    views = versions[0]
    env = make_environment(paths.templates)
    pages = plan_languages(versions)
    # The open data is made first: the front page's links give each file's size.
    generated = _publish(list(zip(versions, catalogues, strict=True)), result, history, outputs, pages)
    for version in versions:
        with_data_sizes(version, generated)
    pages = with_data_files(pages, versions)
    names: set[str] = set()
    # Only the search index needs pages again once made: the project pages, and only when it is asked for.
    indexed = {page.output for page in pages if page.kind == "project"} if search else set()
    kept: dict[str, bytes] = {}

    def put(name: str, data: bytes) -> None:
        names.add(name)
        if name in indexed:
            kept[name] = data
        sink(name, data)

    def put_generated(files: dict[str, bytes], taken: set[str]) -> None:
        # Let go of each file once it has gone to the sink: the open data alone is hundreds of
        # megabytes at national scale.
        for name in sorted(files):
            data = files.pop(name)
            # A site's own robots.txt wins (a staging copy may forbid all);
            # any other clash would silently replace someone's file.
            if name == output_path("robots") and name in taken:
                continue
            if name in taken:
                raise OutputError("output.static_replaces_file", path=f"static/{name}", name=name)
            put(name, data)

    for page in pages:
        if page.output in assets:  # the refusal `render_site` makes, before any about the files below
            raise OutputError("output.static_replaces_page", path=f"static/{page.output}", name=page.output)
    # The feeds and open data go before the pages, so they are not held while the pages are made.
    put_generated(generated, set(assets) | {page.output for page in pages})
    render_site(versions, env, assets, outputs, pages, sink=put)
    generated = image_files(result.media, root)
    # Web editing (`cms:` in site.yaml): admin/, never planned with the public pages.
    generated.update(admin_files(site, root, env, f"style.css?v={stylesheet_hash}"))
    if search:
        generated.update(_search_index(views, kept, outputs, pages))
        kept.clear()
    put_generated(generated, set(names))
    return sorted(names)


def _stripped(name: str, data: bytes, cache: BuildCache | None) -> bytes:
    """A static file as published: an image without its metadata, kept by its bytes."""
    if not is_image_name(name):
        return data
    if cache is None:
        return without_metadata(name, data)
    return cache.memo("static-image", name, (name, data), without_metadata)


def _publish(versions: list[tuple[Views, Catalogue]], result: CheckResult, history: History,
             cache: ByDigest | None, pages: list[Page]) -> dict[str, bytes]:
    """Feed, sitemap, open data: a function of every record, its translations, its status and dates,
    and the site."""
    assert result.site is not None
    site = result.site

    def produce(versions: tuple[tuple[Views, Catalogue], ...], site: SiteConfig, history: History,
                pages: tuple[Page, ...]) -> dict[str, bytes]:
        return publish_languages(versions, site, history, list(pages), memo=cache.memo if cache else None)

    # Copies of the views: the front page's data file sizes are added to them afterwards.
    args = (tuple((replace(views), catalogue) for views, catalogue in versions), site, history, tuple(pages))
    if cache is None:
        return produce(*args)
    return dict(cache.memo("files", "publish", args, produce))


def _search_index(views: Views, files: dict[str, bytes], cache: ByDigest | None,
                  plan: list[Page]) -> dict[str, bytes]:
    from projcat.engine.search import build_shard, shard_documents, shard_name, shards_for, with_manifest

    pages = [(page.output, files[page.output]) for page in plan if page.kind == "project"]
    # A multilingual site's pages are indexed each in the language of its `<html lang>`.
    language = None if views.site.multilingual else views.site.lang
    shards = {}
    for number, documents in enumerate(shard_documents(pages, shards_for(len(pages)))):
        name = shard_name(number)
        if cache is None:
            shards[name] = build_shard(documents, language, name)
            continue

        def index(digests: tuple[tuple[str, str], ...], language: str | None, name: str,
                  documents: tuple[tuple[str, bytes], ...] = tuple(documents)) -> dict[str, bytes]:
            return build_shard(documents, language, name)

        # Pagefind has no incremental mode: a shard is indexed again, whole, only when one of
        # its documents changed, so an edit to one record re-runs it for one shard. The documents
        # are known by their digests, so the cache does not keep every project page a second time.
        digests = tuple((output, digest(document)) for output, document in documents)
        shards[name] = dict(cache.memo("files", f"search-shard-{name}", (digests, language, name), index))
    return with_manifest(shards)


def build(
    root: Path,
    out: Path | None = None,
    as_of: date | None = None,
    base_url: str | None = None,
    search: bool = False,
    cache: BuildCache | None = None,
    loaded: SiteFile | None = None,
) -> BuildResult:
    """Check, render and write; raises ContentError (nothing written) when content has errors.

    `search` builds the Pagefind index too; it is off by default because
    only a build for publishing needs it (the preview never does).
    `cache` reuses what earlier builds made (the command line passes the
    persistent one in `ROOT/.cache/`) and is told when the build is done;
    the output is the same bytes either way: without one, the build runs the
    same steps with an empty cache of its own. `loaded` is `site.yaml` as the
    caller has read it already.
    """
    if cache is None:
        cache = MemoryCache()
    # A loaded cache is hundreds of thousands of long-lived objects: keep the cyclic
    # collector from walking them again in every collection this build triggers.
    gc.freeze()
    try:
        # Listed once: the count decides whether to start the workers, the list is what is checked.
        listed = record_files(Paths(root).content, root)
        with started_early(len(listed[0])):
            return _build(root, out, as_of, base_url, search, cache, loaded, listed)
    finally:
        gc.unfreeze()


def _build(root: Path, out: Path | None, as_of: date | None, base_url: str | None, search: bool,
           cache: BuildCache, loaded: SiteFile | None, listed: tuple[list[Path], list[Problem]]) -> BuildResult:
    result = check(root, as_of, base_url, cache=cache, loaded=loaded, listed=listed)
    if not result.ok:
        raise ContentError(result.problems)
    paths = Paths(root)
    out = out or root / "site"
    check_output_folder(out, paths.root, [paths.content, paths.templates, paths.static])
    history = read_history(root)
    # Each file is written as it is made (into a new tree beside the output, put in place
    # only at the end), so the build never holds the whole site's bytes.
    outputs = ByDigest(cache, out)
    with SiteWriter(out) as writer:

        def write(name: str, data: bytes) -> None:
            writer.add(name, data, as_before=name in outputs.read_back)

        names = render_into(write, result, root, history, search, cache=cache, parallel=True, outputs=outputs)
        report = writer.finish()
    cache.finish_build(sweep=True)
    return BuildResult(result, names, report, history, out)
