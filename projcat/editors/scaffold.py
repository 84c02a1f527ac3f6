"""`build.py new`: write a new record that already passes `check`, ready to fill in."""

from __future__ import annotations

import sys
from pathlib import Path

import frontmatter

from projcat.content.load import SLUG_RE, suggest_slug
from projcat.content.settings import Paths
from projcat.content.site_file import load_site
from projcat.strings import message


def _ask(prompt: str) -> str:
    try:
        return input(prompt).strip()
    except EOFError:
        return ""


def new_record(root: Path, title: str | None, theme: str | None, slug: str | None, lang: str | None) -> int:
    lang = lang or "fi"
    site, _problems = load_site(Paths(root))
    themes = [t.id for t in site.themes] if site else []
    interactive = title is None and sys.stdin.isatty()
    while not title:
        if not interactive:
            print("build.py new: --title is required", file=sys.stderr)
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
    if not SLUG_RE.match(slug):
        print(message(lang, "new.bad_slug", {"slug": slug}), file=sys.stderr)
        return 2
    target = Paths(root).content / f"{slug}.md"
    if target.exists():
        print(message(lang, "new.exists", {"path": target}), file=sys.stderr)
        return 2
    metadata: dict[str, object] = {"title": title}
    if theme:
        metadata["theme"] = theme
    post = frontmatter.Post("", handler=None, **metadata)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(frontmatter.dumps(post, sort_keys=False) + "\n", encoding="utf-8")
    print(message(lang, "new.created", {"path": target}))
    return 0
