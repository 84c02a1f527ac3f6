"""Every string a user reads (pages, messages, the CLI), from the gettext catalogues.

The texts live in `projcat/locale/<lang>/LC_MESSAGES/projcat.po`, compiled
beside it to `projcat.mo` (`make catalogues`; see the README). Message ids
are stable symbolic keys: a problem's code is its id, and `<code>.hint` is
the optional advice shown after the message. Parameters are `str.format`
fields. A text a language lacks falls back to English.

A language's catalogue is read on first use, not on import, so a command
that needs no text (a build that changes nothing) never reads one.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from projcat.languages import LANGUAGES

if TYPE_CHECKING:
    from gettext import NullTranslations

FALLBACK = "en"
DOMAIN = "projcat"
LOCALE_DIR = Path(__file__).parent / "locale"

_MISSING = object()


def N_(key: str) -> str:  # noqa: N802 - the name gettext tools know
    """Marks an id that code composes at run time (`f"status.{status}"`) so extraction finds it; returns it as is."""
    return key


# Printed by scripts/precommit-check.sh, which extraction does not read.
N_("precommit.no_tools")


class _Absent(Exception):
    """No catalogue in the chain has the id."""


@cache
def _translations(lang: str) -> NullTranslations:
    """`lang`'s catalogue, falling back to English and then to "absent"; read once per language."""
    from gettext import GNUTranslations, NullTranslations

    class Last(NullTranslations):
        def gettext(self, message: str) -> str:
            raise _Absent(message)

    chain: NullTranslations = Last()
    for name in dict.fromkeys((FALLBACK, lang)):
        path = LOCALE_DIR / name / "LC_MESSAGES" / f"{DOMAIN}.mo"
        if name in LANGUAGES and path.is_file():
            with path.open("rb") as file:
                translations = GNUTranslations(file)
            translations.add_fallback(chain)
            chain = translations
    return chain


def _template(lang: str, key: str) -> str | None:
    # The catalogue's metadata sits under the empty id; it is no message.
    if not key:
        return None
    try:
        return _translations(lang).gettext(key)
    except _Absent:
        return None


def message(lang: str, key: str, params: Mapping[str, object], default: object = _MISSING) -> str:
    template = _template(lang, key)
    if template is None:
        if default is _MISSING:
            raise KeyError(f"no string {key!r}")
        return str(default)
    return template.format(**params) if params else template


def known(key: str) -> bool:
    """Whether `key` is a message id (every id has an English text)."""
    return _template(FALLBACK, key) is not None


class Strings:
    """The strings of one language, as views and templates use them: `t("key", name=value)`."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __call__(self, key: str, **params: object) -> str:
        return message(self.lang, key, params)
