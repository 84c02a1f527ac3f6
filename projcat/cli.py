"""The command line: parse arguments, call the pipeline, turn problems into exit codes.

0 success; 1 the content has problems (nothing written) or an internal error;
2 wrong usage.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from projcat.languages import LANGUAGES
from projcat.problems import ContentError, Problem, has_errors, printed_line, summary_line
from projcat.strings import N_, message

if TYPE_CHECKING:
    from projcat.content.records import ValidRecord
    from projcat.content.settings import SiteConfig
    from projcat.engine.pipeline import BuildResult
    from projcat.engine.stamp import Inputs

COMMANDS = ("build", "check", "serve", "new", "schema", "init", "import")
EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date as YYYY-MM-DD: {text!r}") from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="build.py",
        description="Validate project records and build the static site.",
    )
    sub = parser.add_subparsers(dest="command", metavar="{build,check,serve,new,schema,init,import}")

    def common(p: argparse.ArgumentParser, lang_help: str = "language of messages (default: the site's)") -> None:
        p.add_argument("--root", type=Path, default=Path("."), help="site folder holding site.yaml (default: .)")
        p.add_argument("--lang", choices=LANGUAGES, default=None, help=lang_help)

    def dated(p: argparse.ArgumentParser) -> None:
        p.add_argument("--as-of", type=_date, default=None, metavar="YYYY-MM-DD",
                       help="the date the site is built for (default: today in the site's time zone)")
        p.add_argument("--format", choices=("text", "json"), default="text", help="how problems are printed")
        p.add_argument("--next-change", action="store_true",
                       help="print only the next date (YYYY-MM-DD) on which the site changes; nothing when none")

    p_build = sub.add_parser("build", help="check the content and build the site (the default)")
    common(p_build)
    dated(p_build)
    p_build.add_argument("--out", type=Path, default=None, help="output folder (default: ROOT/site)")
    p_build.add_argument("--base-url", default=None, metavar="URL", help="overrides base_url from site.yaml")
    p_build.add_argument("--no-search", action="store_true", help="skip the search index (faster; search page says so)")
    p_build.add_argument("--no-cache", action="store_true",
                         help="ignore and do not update the build cache in ROOT/.cache (a cold build)")
    p_build.add_argument("--verify", action="store_true",
                         help="then build again without the cache into a temporary folder and fail on any difference")

    p_check = sub.add_parser("check", help="check the content without writing anything")
    common(p_check)
    dated(p_check)

    p_serve = sub.add_parser("serve", help="preview the site locally")
    common(p_serve)
    p_serve.add_argument("--host", default="127.0.0.1")
    p_serve.add_argument("--port", type=int, default=8000)
    p_serve.add_argument("--as-of", type=_date, default=None, metavar="YYYY-MM-DD")
    p_serve.add_argument("--cms", action="store_true",
                         help="also run decap-server: the admin at /admin/ edits these files (needs cms: in site.yaml)")

    p_new = sub.add_parser("new", help="create a new project record, or with --lang and --slug a translation of one")
    common(p_new, "language of messages; with --slug and no --title, the language of a translation to start")
    p_new.add_argument("--title", default=None)
    p_new.add_argument("--theme", default=None)
    p_new.add_argument("--slug", default=None)

    p_schema = sub.add_parser("schema", help="write the editors' JSON Schemas and field guide from the data model")
    common(p_schema)
    p_schema.add_argument("--check", action="store_true", help="only report files that are out of date (exit 1)")

    p_init = sub.add_parser("init", help="make a new site folder (asks in a terminal; every answer is also a flag)")
    p_init.add_argument("folder", type=Path, metavar="DIR", help="the new site's folder (made if missing)")
    p_init.add_argument("--lang", choices=LANGUAGES, default=None, help="the editors' language (questions, comments)")
    p_init.add_argument("--organisation", default=None, help="the organisation's name")
    p_init.add_argument("--title", default=None, help="the site's title")
    p_init.add_argument("--languages", default=None, metavar="fi,sv", help="the site's languages, main first")
    p_init.add_argument("--themes", default=None, metavar='"A,B"', help="the themes' names, comma-separated")
    p_init.add_argument("--base-url", default=None, metavar="URL", help="the address the site is published at")
    p_init.add_argument("--host", default=None, choices=("github", "gitlab", "none"),
                        help="the host whose publishing workflow to write")
    p_init.add_argument("--feedback-email", default=None, metavar="ADDRESS",
                        help="where readers send accessibility feedback (the statement's contact)")
    p_init.set_defaults(root=Path("."))

    p_import = sub.add_parser("import", help="write one record per row of a spreadsheet (.xlsx or .csv)")
    common(p_import)
    p_import.add_argument("file", type=Path, metavar="FILE", help="an .xlsx or .csv file")
    p_import.add_argument("--map", type=Path, default=None, metavar="MAP.yaml",
                          help="column name -> field (title, theme, start, ...); overrides the usual names")
    p_import.add_argument("--sheet", default=None, help="the sheet of a workbook to read (default: the first)")
    p_import.add_argument("--dry-run", action="store_true", help="report what would be written; write nothing")
    return parser


def _normalise(argv: list[str]) -> list[str]:
    """`build.py [--opts]` with no command means `build`."""
    if not argv or (argv[0] not in COMMANDS and argv[0] not in ("-h", "--help")):
        return ["build", *argv]
    return argv


def print_problems(problems: list[Problem], lang: str, fmt: str, stream: TextIO) -> None:
    if fmt == "json":
        for problem in problems:
            print(problem.as_json(lang), file=sys.stdout)
        return
    for problem in problems:
        print(problem.format(lang), file=stream)
    if problems:
        print(summary_line(problems, lang), file=stream)


def _message_lang(args: argparse.Namespace, site_lang: str | None) -> str:
    return args.lang or site_lang or "fi"


# Composed below as next_change.<kind>.<one|many>.
N_("next_change.starts.one"), N_("next_change.starts.many"), N_("next_change.ends.one"), N_("next_change.ends.many")


def _next_change_line(result: object, lang: str) -> str:
    from projcat.render.formatting import format_day

    catalogue = getattr(result, "catalogue", None)
    change = catalogue.next_change if catalogue else None
    if change is None:
        return message(lang, "summary.next_change.none", {})
    parts = [
        message(lang, f"next_change.{kind}.{'one' if count == 1 else 'many'}", {"count": count})
        for kind, count in (("starts", change.starting), ("ends", change.ending)) if count
    ]
    return message(lang, "summary.next_change", {
        "date": format_day(change.day, lang), "what": message(lang, "next_change.and", {}).join(parts),
    })


def _next_change_date(result: object) -> str | None:
    """Just the ISO date, for a scheduler; None when no date will change the site."""
    catalogue = getattr(result, "catalogue", None)
    change = catalogue.next_change if catalogue else None
    return change.day.isoformat() if change else None


def _print_next_change_only(result: object) -> None:
    # Nothing at all when there is no date: a scheduler reads an empty
    # answer as "no rebuild needed"; the exit status stays for errors.
    day = _next_change_date(result)
    if day:
        print(day)


def cmd_check(args: argparse.Namespace) -> int:
    from projcat.engine import pipeline

    result = pipeline.check(args.root, args.as_of)
    lang = _message_lang(args, result.site.language if result.site else None)
    languages = result.site.languages if result.site else ()
    problems = result.problems
    if len(languages) > 1:
        from projcat.catalogue import stale_translations
        from projcat.content.history import read_history
        from projcat.problems import sort_problems

        problems = sort_problems(problems + stale_translations(result.records, read_history(args.root)))
    print_problems(problems, lang, args.format, sys.stderr)
    if not result.ok:
        return EXIT_PROBLEMS
    if args.next_change:
        _print_next_change_only(result)
    elif args.format == "text":
        print(message(lang, "summary.ok", {"records": len(result.records)}))
        print(_next_change_line(result, lang))
        _print_coverage(result.records, languages, lang)
    return EXIT_OK


def _print_coverage(records: Sequence[ValidRecord], languages: tuple[str, ...], lang: str) -> None:
    """`sv: 12/40 hanketta käännetty`, per language other than the main one."""
    from projcat.catalogue import translation_coverage

    for line in translation_coverage(records, languages):
        print(message(lang, "check.coverage", {"lang": line.lang, "translated": line.translated,
                                               "total": line.total}))


def _stamp_options(args: argparse.Namespace, out: Path) -> dict[str, object]:
    """Everything on the command line that shapes the output or what is printed."""
    return {
        "root": str(args.root), "out": str(out), "out_resolved": str(out.resolve()),
        "base_url": args.base_url, "search": not args.no_search, "lang": args.lang, "format": args.format,
        "next_change": args.next_change, "as_of_given": args.as_of is not None,
    }


class _Tee:
    """A stream that also keeps what was written to it, for the build's stamp."""

    def __init__(self, name: str, stream: TextIO, kept: list[list[str]]) -> None:
        self.name, self.stream, self.kept = name, stream, kept

    def write(self, text: str) -> int:
        self.kept.append([self.name, text])
        return self.stream.write(text)

    def flush(self) -> None:
        self.stream.flush()


def cmd_build(args: argparse.Namespace) -> int:
    out: Path = args.out or args.root / "site"
    code = _cached_build(args, out)
    if code != EXIT_OK or not args.verify:
        return code
    return _verify(args, out)


def _cached_build(args: argparse.Namespace, out: Path) -> int:
    from projcat.engine import stamp

    inputs = None
    if args.no_cache:
        stamp.forget(args.root)
    else:
        last = stamp.Stamp.read(args.root)
        inputs = stamp.read_inputs(args.root, _stamp_options(args, out), last)
        if last is not None and stamp.unchanged(last, out, inputs, args.as_of):
            # Nothing the output is made of changed: it is already what a build would write.
            for name, text in last.printed:
                (sys.stderr if name == "stderr" else sys.stdout).write(text)
            return EXIT_OK
    printed: list[list[str]] = []
    real = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _Tee("stdout", real[0], printed), _Tee("stderr", real[1], printed)
    try:
        code, built = _full_build(args, out, inputs)
    finally:
        sys.stdout, sys.stderr = real
    if code == EXIT_OK and inputs is not None and built is not None:
        assert built.check.site is not None and built.check.catalogue is not None
        stamp.Stamp(inputs.digest, built.check.catalogue.as_of.isoformat(), built.check.site.time_zone,
                    stamp.list_output(out), printed, inputs.files, inputs.taken_ns).write(args.root)
    return code


def _verify(args: argparse.Namespace, out: Path) -> int:
    """`build --verify`: the output just built, compared with a cold build of the same sources."""
    from projcat.content.settings import Paths
    from projcat.content.site_file import read_site
    from projcat.engine.files import CACHE_FOLDER
    from projcat.engine.pipeline import today
    from projcat.engine.search import SearchError
    from projcat.engine.stamp import Stamp
    from projcat.engine.verify import verify

    loaded = read_site(Paths(args.root))
    lang = _message_lang(args, loaded.site.language if loaded.site else None)
    # The date the cached build was for, even when it ran just before midnight.
    last = None if args.no_cache else Stamp.read(args.root)
    as_of = args.as_of or (date.fromisoformat(last.as_of) if last else today(loaded.site))
    try:
        difference = verify(args.root, out, as_of, args.base_url, not args.no_search, loaded)
    except ContentError as exc:
        print_problems(exc.problems, lang, args.format, sys.stderr)
        print(message(lang, "verify.cold_failed", {}), file=sys.stderr)
        return EXIT_PROBLEMS
    except SearchError as exc:
        print(message(lang, "build.search_failed", {"detail": exc}), file=sys.stderr)
        return EXIT_PROBLEMS
    if difference.none:
        if args.format == "text" and not args.next_change:
            # Not with --next-change: a scheduler reads stdout as the date alone.
            print(message(lang, "verify.same", {}))
        return EXIT_OK
    print(message(lang, "verify.differs", {
        "count": difference.count, "missing": len(difference.missing), "extra": len(difference.extra),
        "different": len(difference.different), "cache": args.root / CACHE_FOLDER,
    }), file=sys.stderr)
    for kind, path in difference.listed():
        print(message(lang, f"verify.{kind}", {"path": path}), file=sys.stderr)
    hidden = difference.count - len(difference.listed())
    if hidden:
        print(message(lang, "verify.more", {"count": hidden}), file=sys.stderr)
    return EXIT_PROBLEMS


# Composed above as verify.<kind>.
N_("verify.missing"), N_("verify.extra"), N_("verify.different")


def _full_build(args: argparse.Namespace, out: Path, inputs: Inputs | None = None) -> tuple[int, BuildResult | None]:
    from projcat.content.settings import Paths
    from projcat.content.site_file import read_site
    from projcat.engine import pipeline
    from projcat.engine.disk import DiskCache, build_with_store
    from projcat.engine.search import SearchError
    from projcat.problems import OutputError

    # Read once: the build and the messages about it use the same settings.
    loaded = read_site(Paths(args.root))
    site = loaded.site

    def attempt(cache: DiskCache | None) -> BuildResult:
        if inputs is not None and cache is not None:
            # One read per record file: the stamp's, which digested every record that changed.
            cache.offer({args.root / rel: (tuple(inputs.files[rel][:-1]), data)
                         for rel, data in inputs.records.items()})
        return pipeline.build(args.root, args.out, args.as_of, args.base_url, search=not args.no_search,
                              cache=cache, loaded=loaded)

    try:
        # A store found untrusted midway is built again cold (see `build_with_store`).
        built = attempt(None) if args.no_cache else build_with_store(args.root, attempt)
    except ContentError as exc:
        lang = _message_lang(args, site.language if site else None)
        print_problems(exc.problems, lang, args.format, sys.stderr)
        if args.format == "text":
            print(message(lang, "summary.not_written", {}), file=sys.stderr)
        return EXIT_PROBLEMS, None
    except OutputError as exc:
        lang = _message_lang(args, site.language if site else None)
        print(f"build.py: {printed_line(exc.problem, lang)}", file=sys.stderr)
        return EXIT_USAGE, None
    except SearchError as exc:
        print(message(args.lang or "fi", "build.search_failed", {"detail": exc}), file=sys.stderr)
        return EXIT_PROBLEMS, None
    result = built.check
    assert result.site is not None and result.catalogue is not None
    lang = _message_lang(args, result.site.language)
    print_problems(result.problems, lang, args.format, sys.stderr)
    if args.format == "text":
        _publishing_notes(built, lang)
    if args.next_change:
        _print_next_change_only(result)
    elif args.format == "text":
        pages = sum(1 for name in built.names if name.endswith(".html"))
        print(message(lang, "summary.built", {
            "out": out, "pages": pages, "records": len(result.records),
            "as_of": result.catalogue.as_of.isoformat(),
        }))
        print(_next_change_line(result, lang))
    return EXIT_OK, built


def _publishing_notes(built: BuildResult, lang: str) -> None:
    """What a publisher should know about this build (stderr, so stdout stays the summary)."""
    from projcat.render.addresses import origin_of

    site = built.check.site
    if site is not None and not origin_of(site.base_url):
        print(message(lang, "build.no_sitemap", {"base_url": site.base_url}), file=sys.stderr)
    if built.history.shallow:
        print(message(lang, "build.shallow_history", {}), file=sys.stderr)


def cmd_serve(args: argparse.Namespace) -> int:
    from projcat.preview.server import serve

    if args.cms:
        return _serve_with_cms(args)
    return serve(args.root, args.host, args.port, args.as_of, args.lang)


def _site_or_problems(args: argparse.Namespace) -> tuple[SiteConfig | None, str]:
    """`site.yaml`'s settings and the language to speak in; None after printing why it cannot be read."""
    from projcat.content.settings import Paths
    from projcat.content.site_file import load_site

    site, problems = load_site(Paths(args.root))
    lang = _message_lang(args, site.language if site else None)
    if site is None:
        print_problems(problems, lang, "text", sys.stderr)
    return site, lang


def _serve_with_cms(args: argparse.Namespace) -> int:
    """The preview with decap-server beside it, so the admin edits the local files and the preview shows them."""
    from projcat.editors.decap import local_backend
    from projcat.preview.server import serve
    from projcat.problems import OutputError

    site, lang = _site_or_problems(args)
    if site is None:
        return EXIT_PROBLEMS
    if site.cms is None:
        print(message(lang, "serve.cms.not_configured", {}), file=sys.stderr)
        return EXIT_USAGE
    try:
        with local_backend(args.root, site.cms.local_port):
            print(message(lang, "serve.cms.started", {"port": site.cms.local_port}), flush=True)
            return serve(args.root, args.host, args.port, args.as_of, args.lang)
    except OutputError as exc:
        print(f"build.py: {printed_line(exc.problem, lang)}", file=sys.stderr)
        return EXIT_PROBLEMS


def cmd_new(args: argparse.Namespace) -> int:
    from projcat.editors.scaffold import new_record, new_translation

    if args.lang and args.slug and args.title is None:
        return new_translation(args.root, args.slug, args.lang)
    return new_record(args.root, args.title, args.theme, args.slug, args.lang)


def cmd_schema(args: argparse.Namespace) -> int:
    from projcat.editors.fieldguide import editor_files
    from projcat.engine.files import write_atomically

    site, lang = _site_or_problems(args)
    if site is None:
        return EXIT_PROBLEMS
    stale = 0
    for rel, text in editor_files(site).items():
        target = args.root / rel
        if target.is_file() and target.read_text(encoding="utf-8") == text:
            print(message(lang, "schema.unchanged", {"path": rel}))
        elif args.check:
            print(message(lang, "schema.outdated", {"path": rel}), file=sys.stderr)
            stale += 1
        else:
            write_atomically(target, text.encode("utf-8"))
            print(message(lang, "schema.written", {"path": rel}))
    return EXIT_PROBLEMS if stale else EXIT_OK


def cmd_init(args: argparse.Namespace) -> int:
    from projcat.content.settings import SiteConfig
    from projcat.editors.init import Given, ask_in_terminal, init_site
    from projcat.engine.stamp import today_in

    given = Given(args.lang, args.organisation, args.title, args.languages, args.themes, args.base_url, args.host,
                  args.feedback_email)
    today = today_in(str(SiteConfig.model_fields["time_zone"].default))
    return init_site(args.folder, given, today, ask_in_terminal())


def cmd_import(args: argparse.Namespace) -> int:
    from projcat.editors.importer import import_sheet

    return import_sheet(args.root, args.file, args.map, args.sheet, args.dry_run, args.lang)


def main(argv: Sequence[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        # A terminal that cannot show 'ä' must not turn a message into a traceback.
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    args = _parser().parse_args(_normalise(list(sys.argv[1:] if argv is None else argv)))
    if not (args.root / "site.yaml").exists() and not args.root.is_dir():
        print(message(args.lang or "fi", "usage.no_root", {"root": args.root}), file=sys.stderr)
        return EXIT_USAGE
    handlers = {"build": cmd_build, "check": cmd_check, "serve": cmd_serve, "new": cmd_new, "schema": cmd_schema,
                "init": cmd_init, "import": cmd_import}
    try:
        return handlers[args.command](args)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        if os.environ.get("PROJCAT_DEBUG"):
            raise
        detail = str(exc).splitlines()[0] if str(exc) else ""
        print(message(args.lang or "fi", "summary.internal", {"kind": type(exc).__name__, "detail": detail}),
              file=sys.stderr)
        return EXIT_PROBLEMS


def run() -> None:
    """The command's entry point: `main()`, then leave at once.

    A build holds hundreds of thousands of objects; freeing them one by one
    as the interpreter shuts down took longer than a one-record rebuild's
    own work at 1,000 records. Everything was written and closed by now
    (output, cache, stamp), so the process ends without that teardown,
    as mypy's command line does.
    """
    code = main()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)


__all__ = ["has_errors", "main", "run"]
