"""A reader-facing text of `site.yaml`, written once or once per language.

`name: Hyvinvointi` is the main language's text; `name: {fi: Hyvinvointi,
sv: Välfärd}` gives it per language. Either way the value is a `LocalText`.
It is a `str` whose value is the main language's text, so everything that
shows one language (today's one-language sites, templates, feeds) keeps
working unchanged; a page in another language asks `get`.

Which language is the main one, and which languages a mapping may name, are
facts of the site, not of the field: `SiteConfig` validates its fields inside
`site_languages`, and a field validated outside it (a default written in
code) takes Finnish, the default site language, as its main language.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from types import MappingProxyType
from typing import Annotated, Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError, core_schema

from projcat.content.records import Kind, as_text, value_kind
from projcat.languages import LANGUAGES

# The languages a site is validated in, main language first.
_LANGUAGES: ContextVar[tuple[str, ...]] = ContextVar("site_languages", default=("fi",))


@contextmanager
def site_languages(languages: tuple[str, ...]) -> Iterator[None]:
    """Validate the texts inside with these languages (the first is the main one)."""
    token = _LANGUAGES.set(languages)
    try:
        yield
    finally:
        _LANGUAGES.reset(token)


class LocalText(str):
    """A text in the main language (its `str` value) and, perhaps, in others."""

    by_lang: Mapping[str, str]

    def __new__(cls, main: str, by_lang: Mapping[str, str] | None = None) -> LocalText:
        self = super().__new__(cls, main)
        object.__setattr__(self, "by_lang", MappingProxyType(dict(by_lang or {})))
        return self

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"LocalText is immutable: cannot set {name}")

    # Equal only when every language's text is: a text edited in one language alone is a
    # different value to every cache and every comparison of settings. Against a plain `str`
    # it compares as its main text, and it hashes as that text, so equal values hash alike.
    def __eq__(self, other: object) -> bool:
        if isinstance(other, LocalText):
            return str.__eq__(self, other) and dict(self.by_lang) == dict(other.by_lang)
        return str.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = str.__hash__

    def __reduce__(self) -> tuple[type[LocalText], tuple[str, dict[str, str]]]:
        return LocalText, (str(self), dict(self.by_lang))

    def __repr__(self) -> str:
        return f"LocalText({str(self)!r}, {dict(self.by_lang)!r})"

    @property
    def main(self) -> str:
        return str(self)

    def get(self, lang: str, main: str) -> tuple[str, str]:
        """(text, its language): the text in `lang` when written, else the main language's text."""
        text = self.by_lang.get(lang)
        if text is not None:
            return text, lang
        return str(self), main

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.no_info_plain_validator_function(
            local_text,
            serialization=core_schema.plain_serializer_function_ser_schema(_plain),
        )

    @classmethod
    def __get_pydantic_json_schema__(cls, schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        return dict(LOCAL_TEXT_SCHEMA)


def _plain(value: LocalText) -> str | dict[str, str]:
    """As written: a plain string when only the main language has a text (and it is that
    string), else every language's text, so that no serialisation loses one."""
    texts = dict(value.by_lang)
    return str(value) if not texts or (len(texts) == 1 and str(value) in texts.values()) else texts


def language_candidate(code: str, choices: Sequence[str]) -> str:
    """The language among `choices` that `code` was probably meant as, or ""."""
    # The codes people write for a language that has another (`Language.aliases`).
    alias = next((lang.code for lang in LANGUAGES.values() if code.lower() in lang.aliases), None)
    if alias is not None and alias in choices:
        return alias
    close = difflib.get_close_matches(code.lower(), list(choices), n=1, cutoff=0.6)
    return close[0] if close else ""


def local_text(value: Any) -> LocalText:
    """A plain string (the main language's text) or a mapping from the site's languages to texts."""
    if isinstance(value, LocalText):
        return value
    languages = _LANGUAGES.get()
    main = languages[0]
    if not isinstance(value, dict):
        text = as_text(value)
        return LocalText(text, {main: text})
    if not value:
        raise PydanticCustomError("field.empty", "empty", {})
    texts: dict[str, str] = {}
    for key, item in value.items():
        lang = str(key).strip()
        if lang not in languages:
            raise PydanticCustomError("site.text_language", "language not in languages", {
                "value": lang, "choices": ", ".join(languages), "candidate": language_candidate(lang, languages)})
        if isinstance(item, (list, dict)):
            raise PydanticCustomError("field.not_text", "not text", {"kind": value_kind(item)})
        texts[lang] = as_text(item)
    if main not in texts:
        raise PydanticCustomError("site.text_no_main", "no main language text", {"expected": main})
    # The main language first, then the site's order: the order readers see.
    ordered = {lang: texts[lang] for lang in languages if lang in texts}
    return LocalText(texts[main], ordered)


LOCAL_TEXT_SCHEMA: dict[str, Any] = {
    "oneOf": [
        {"type": ["string", "number"]},
        {"type": "object", "additionalProperties": {"type": ["string", "number"]}, "minProperties": 1},
    ]
}

# The field type of every reader-facing text in `site.yaml`.
LocalTextField = Annotated[LocalText, Kind("local_text")]
