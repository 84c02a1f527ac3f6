"""The languages a site can be written in: one record per language, and nothing else.

Every fact of a language that some stage needs (its path words, Babel locale,
alphabet order, Open Graph locale, Decap CMS locale, the alternative texts
that say nothing in it, its own name in the switcher, the codes people write
for it) is a field of its
`Language` in `LANGUAGES`, as a Zola site declares `[languages.xx]`. Adding a
language is adding one entry here and its gettext catalogue under `locale/`.

`language(code)` is the only lookup: a code that is not in the table is an
error naming it and the known ones, never a quiet fallback to Finnish. Codes
an editor writes (`site.yaml`'s `language`/`languages`, a translation's
`<slug>.<lang>.md`, `--lang`) are checked against `LANGUAGES` where they are
read, so the lookup below them never fails on a site that passed its checks.

The table is read at each call, not copied at import, so a test that adds a
language to it sees every stage take it up.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class PathWords:
    """The path word of each page kind that has one (the Finnish ones by default)."""

    theme: str = "teemat"
    project: str = "hankkeet"
    archive: str = "paattyneet"
    statement: str = "saavutettavuusseloste"
    search: str = "haku"


@dataclass(frozen=True)
class Language:
    code: str
    # The language's own phrase for reading in it, in the language switcher: "Suomeksi".
    own_name: str
    path_words: PathWords
    # The Babel locale a multilingual site's version in this language formats dates and amounts with.
    babel_locale: str
    # Whether dates and amounts are written as Babel has them for `babel_locale`; False keeps the
    # catalogue's own Finnish patterns (`1.3.2024`, `12 000 €`).
    babel_way: bool
    # Open Graph names a language with its country (`og:locale`).
    og_locale: str
    # The language of Decap CMS's own interface for an editor of a site in this language.
    decap_locale: str
    # Alternative texts that say nothing about a picture, written in this language.
    generic_alts: frozenset[str] = frozenset()
    # The alphabet's order as letters moved past `z` (e.g. ("å", "{")): titles sort by the letters
    # translated so. Empty: sorted by the plain letters, accents set aside (as English sorts).
    collation: tuple[tuple[str, str], ...] = field(default=())
    # Codes people write for this language when they mean it: a country's, or ISO 639-2's. A problem
    # about a language code suggests this language for them.
    aliases: frozenset[str] = frozenset()

    @property
    def collation_table(self) -> dict[int, str] | None:
        return str.maketrans(dict(self.collation)) if self.collation else None


LANGUAGES: dict[str, Language] = {
    "fi": Language(
        code="fi", own_name="Suomeksi", path_words=PathWords(),
        babel_locale="fi", babel_way=False, og_locale="fi_FI",
        # Decap ships no Finnish interface: ours, in theme/admin/decap-fi.js, is registered as "fi".
        decap_locale="fi",
        generic_alts=frozenset({"kuva", "valokuva", "kuvituskuva", "img"}),
        # å, ä and ö come after z (and w sorts with v).
        collation=(("å", "{"), ("ä", "|"), ("ö", "}"), ("w", "v"), ("é", "e"), ("ü", "y")),
        aliases=frozenset({"fin"}),
    ),
    "sv": Language(
        code="sv", own_name="På svenska",
        path_words=PathWords(theme="teman", project="projekt", archive="avslutade",
                             statement="tillganglighetsutlatande", search="sok"),
        babel_locale="sv_FI", babel_way=True, og_locale="sv_FI", decap_locale="sv",
        generic_alts=frozenset({"bild", "foto", "fotografi", "img"}),
        # å, ä and ö after z in that order (æ and ø with ä and ö); w is a letter of its own.
        collation=(("å", "{"), ("ä", "|"), ("æ", "|"), ("ö", "}"), ("ø", "}"), ("é", "e"), ("ü", "y")),
        aliases=frozenset({"se", "sw", "swe"}),
    ),
    "en": Language(
        code="en", own_name="In English",
        path_words=PathWords(theme="themes", project="projects", archive="ended", statement="accessibility",
                             search="search"),
        # British English: the English of the EU's institutions.
        babel_locale="en_GB", babel_way=True, og_locale="en_GB", decap_locale="en",
        generic_alts=frozenset({"image", "photo", "picture", "img"}),
        aliases=frozenset({"eng", "uk", "gb"}),
    ),
}


class UnknownLanguage(KeyError):
    """A language code that is not in `LANGUAGES`."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code

    def __str__(self) -> str:
        return f"unknown language {self.code!r}; known languages: {', '.join(LANGUAGES)}"


def language(code: str) -> Language:
    """The record of `code`; `UnknownLanguage` when the table has none."""
    found = LANGUAGES.get(code)
    if found is None:
        raise UnknownLanguage(code)
    return found


def codes() -> tuple[str, ...]:
    """Every known language code, in the table's order."""
    return tuple(LANGUAGES)


def generic_alts(languages: Iterable[Language] | None = None) -> frozenset[str]:
    """The say-nothing alternative texts of every language (an alt may be written in any of them)."""
    return frozenset().union(*(lang.generic_alts for lang in (languages or LANGUAGES.values())))
