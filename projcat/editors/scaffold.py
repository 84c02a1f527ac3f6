"""`build.py new`: write a new record that already passes `check`, ready to fill in."""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

from projcat.content.load import RESERVED_NAMES, SLUG_RE, read_record, suggest_slug
from projcat.content.records import Translation
from projcat.content.settings import Paths
from projcat.content.site_file import load_site
from projcat.editors.template import record_text
from projcat.strings import message


def _ask(prompt: str) -> str:
    try:
        return input(prompt).strip()
    except EOFError:
        return ""


def new_record(root: Path, title: str | None, theme: str | None, slug: str | None, lang: str | None) -> int:
    """Write `content/projects/<slug>.md` with every field of a record, in the editors' language
    (`lang`, else the site's): see `template.record_text`."""
    site, _problems = load_site(Paths(root))
    lang = lang or (site.language if site else "fi")
    themes = [t.id for t in site.themes] if site else []
    interactive = title is None and sys.stdin.isatty()
    while not title:
        if not interactive:
            print(message(lang, "new.title_required", {}), file=sys.stderr)
            return 2
        title = _ask(message(lang, "new.ask_title", {}))
    if theme is None and interactive:
        theme = _ask(message(lang, "new.ask_theme", {"choices": ", ".join(themes)})) or None
    if theme is not None and themes and theme not in themes:
        print(message(lang, "new.bad_theme", {"theme": theme, "choices": ", ".join(themes)}), file=sys.stderr)
        return 2
    default_slug = suggest_slug(title)
    if slug is None and interactive:
        slug = _ask(message(lang, "new.ask_slug", {"default": default_slug})) or None
    slug = slug or default_slug
    if not SLUG_RE.match(slug) or slug in RESERVED_NAMES:
        print(message(lang, "new.bad_slug", {"slug": slug}), file=sys.stderr)
        return 2
    target = Paths(root).content / f"{slug}.md"
    if target.exists():
        print(message(lang, "new.exists", {"path": target}), file=sys.stderr)
        return 2
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(record_text(title, theme or None, themes, lang), encoding="utf-8")
    print(message(lang, "new.created", {"path": target}))
    return 0


def _words(front: object) -> dict[str, object]:
    """The fields of a main file a translation holds, as written there: its skeleton."""
    if not isinstance(front, dict):
        return {}
    words = {name: front[name] for name in Translation.model_fields if front.get(name) not in (None, "", [])}
    documents = words.get("documents")
    if isinstance(documents, list):
        # Each document's title to translate, and its address, which may be replaced by the language's own.
        words["documents"] = [{key: item[key] for key in ("title", "url") if key in item}
                              for item in documents if isinstance(item, dict)]
    image = words.get("image")
    if isinstance(image, dict):
        # The picture is the main file's: a translation gives only its words.
        words["image"] = {key: image[key] for key in ("alt", "caption") if key in image}
    return words


def new_translation(root: Path, slug: str, lang: str) -> int:
    """Write `<slug>.<lang>.md` from `<slug>.md`: the texts to translate, under a comment saying so."""
    paths = Paths(root)
    site, problems = load_site(paths)
    if site is None:
        for problem in problems:
            print(problem.format("fi"), file=sys.stderr)
        return 1
    editors = site.language
    others = site.languages[1:]
    if not others:
        print(message(editors, "new.one_language", {"main": editors, "lang": lang}), file=sys.stderr)
        return 2
    if lang not in others:
        print(message(editors, "new.bad_language", {"lang": lang, "choices": ", ".join(others)}), file=sys.stderr)
        return 2
    main = paths.content / f"{slug}.md"
    target = paths.content / f"{slug}.{lang}.md"
    if not SLUG_RE.match(slug) or not main.is_file():
        print(message(editors, "new.no_main", {"path": main}), file=sys.stderr)
        return 2
    if target.exists():
        print(message(editors, "new.translation_exists", {"path": target}), file=sys.stderr)
        return 2
    raw = read_record(main, f"{slug}.md")
    comment = message(editors, "new.translation_comment", {"lang": lang, "slug": slug})
    front = yaml.safe_dump(_words(raw.fields.data), allow_unicode=True, sort_keys=False, width=1000)
    body = raw.body if raw.body.endswith("\n") or not raw.body else raw.body + "\n"
    target.write_text(f"---\n# {comment}\n{front}---\n{body}", encoding="utf-8")
    print(message(editors, "new.created", {"path": target}))
    return 0
