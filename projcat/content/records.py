"""The project record: every front-matter field declared once.

Validation, the editors' JSON Schema (`schema`) and the field guide
(`fieldguide`) all come from these classes. Inputs are the plain strings,
lists and mappings that `yamlread` produces; each field type turns text into
a value or raises a `PydanticCustomError` whose type is a key of the strings
table. Each type also carries a `Kind`, which names it for editors, and the
JSON Schema an editor's YAML language server checks it with. The language
server reads YAML 1.2, so `2021` and `246500` reach it as numbers: the schema
accepts the same values this module does.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, ClassVar, Literal, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from projcat.content.dates import MAX_YEAR, MIN_YEAR, DateError, PartialDate, parse_partial_date
from projcat.content.sitepaths import ALLOWED_SCHEMES, URL_SCHEME
from projcat.strings import message


@dataclass(frozen=True)
class Kind:
    """What a field holds, as the field guide names it (`guide.kind.<name>`)."""

    name: str


def value_kind(value: Any) -> str:
    """The kind of a raw YAML value, as messages name it (`kind.<name>`)."""
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "mapping"
    if value is None or value == "":
        return "empty"
    return "text"


def as_text(value: Any) -> str:
    """A single value as trimmed text; a list, a mapping or a blank value is refused."""
    if isinstance(value, (list, dict)):
        raise PydanticCustomError("field.not_text", "not text", {"kind": value_kind(value)})
    text = value if isinstance(value, str) else str(value)
    if not text.strip():
        raise PydanticCustomError("field.empty", "empty", {})
    return text.strip()


def as_list(value: Any) -> list[Any]:
    if value is None or value == "":
        raise PydanticCustomError("field.empty", "empty", {})
    if not isinstance(value, list):
        raise PydanticCustomError("field.not_list", "not a list", {"kind": value_kind(value)})
    return value


def _date(value: Any) -> PartialDate:
    if isinstance(value, PartialDate):
        return value
    text = as_text(value)
    try:
        return parse_partial_date(text)
    except DateError as exc:
        raise PydanticCustomError(
            exc.code, "bad date", {"value": exc.value, "suggestion": exc.suggestion}
        ) from None


# Whole euros or cents. `153.999` is refused: in Finnish it means 153 999.
_AMOUNT = re.compile(r"^\d{1,15}(?:\.\d{1,2})?$")


def _amount(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise PydanticCustomError("amount.invalid", "bad amount", {"value": str(value)})
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    text = as_text(value)
    if not _AMOUNT.match(text):
        raise PydanticCustomError("amount.invalid", "bad amount", {"value": text})
    try:
        return Decimal(text)
    except InvalidOperation:
        raise PydanticCustomError("amount.invalid", "bad amount", {"value": text}) from None


# YAML 1.2's booleans, which an editor's YAML tools also accept; nothing else
# (`yes`, `on`, `kyllä` are not guessed).
_TRUE, _FALSE = ("true", "True", "TRUE"), ("false", "False", "FALSE")


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = as_text(value)
    if text not in _TRUE + _FALSE:
        raise PydanticCustomError("flag.invalid", "bad flag", {"value": text})
    return text in _TRUE


_OBFUSCATED_AT = re.compile(r"\s*(\((?:at|a|ät)\)|\[(?:at|a|ät)\]|\{(?:at|a|ät)\}| at | ät )\s*", re.IGNORECASE)
_OBFUSCATED_DOT = re.compile(r"\s*(\(dot\)|\[dot\]|\(piste\)|\[piste\]| dot )\s*", re.IGNORECASE)
_EMAIL = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}$")


def _email(value: Any) -> str:
    text = as_text(value)
    if "@" not in text and _OBFUSCATED_AT.search(text):
        suggestion = _OBFUSCATED_DOT.sub(".", _OBFUSCATED_AT.sub("@", text, count=1))
        raise PydanticCustomError(
            "email.obfuscated", "obfuscated email", {"value": text, "suggestion": suggestion}
        )
    if len(text) > 254 or not _EMAIL.match(text):
        raise PydanticCustomError("email.invalid", "bad email", {"value": text})
    return text


_PHONE = re.compile(r"^\+?[0-9][0-9 ()\-]{4,20}[0-9]$")


def _phone(value: Any) -> str:
    text = as_text(value)
    if not _PHONE.match(text):
        raise PydanticCustomError("phone.invalid", "bad phone", {"value": text})
    return text


URL_PATTERN = r"^(https?://[^/\s\"<>\\`]+|mailto:|tel:|/(?!/))[^\s\"<>\\`]*$"
_BAD_URL_CHARS = re.compile(r"[\s\"<>\\`]")


def as_url(value: Any) -> str:
    """A link as written, refused unless it is http(s), `mailto:`, `tel:` or a path on this site."""
    text = as_text(value)
    # Browsers decode entities in attributes and ignore control characters
    # and whitespace inside a scheme, so "java&#x09;script:" and
    # "java\tscript:" are still javascript:: judge what a browser would see.
    seen = re.sub(r"[\x00-\x20\x7f]+", "", html.unescape(text))
    scheme = URL_SCHEME.match(seen)
    if scheme:
        name = scheme.group(1).lower()
        if name not in ALLOWED_SCHEMES:
            raise PydanticCustomError("url.scheme", "bad scheme", {"scheme": name, "value": text})
    bad = _BAD_URL_CHARS.search(text)
    if bad:
        char = {" ": " ", "\t": "\\t"}.get(bad.group(0), bad.group(0))
        raise PydanticCustomError("url.bad_char", "bad character", {"char": char, "value": text})
    if scheme:
        name = scheme.group(1).lower()
        if name in ("http", "https") and not re.match(r"^https?://[^/?#]+", text, re.IGNORECASE):
            raise PydanticCustomError("url.invalid", "bad url", {"value": text})
        if not text.lower().startswith(name + ":"):
            # An entity or control character inside an allowed scheme.
            raise PydanticCustomError("url.invalid", "bad url", {"value": text})
        return text
    if text.startswith("//"):
        raise PydanticCustomError("url.invalid", "bad url", {"value": text})
    if not text.startswith("/"):
        raise PydanticCustomError("url.relative", "relative url", {"value": text})
    return text


_LANG = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")


def _lang(value: Any) -> str:
    text = as_text(value)
    if not _LANG.match(text):
        raise PydanticCustomError("lang.invalid", "bad language", {"value": text})
    return text


def _alt(value: Any) -> str:
    """An image's alternative text; `""` written out marks a decorative image, an empty `alt:` is refused."""
    if value is None:
        raise PydanticCustomError("image.alt_missing", "no alt", {"value": ""})
    if isinstance(value, (list, dict)):
        raise PydanticCustomError("field.not_text", "not text", {"kind": value_kind(value)})
    return str(value).strip()


def _status(value: Any) -> str:
    text = as_text(value)
    if text != "ended":
        raise PydanticCustomError("status.invalid", "bad status", {"value": text})
    return text


# JSON Schema pieces: what a YAML 1.2 reader hands the editor's language server.
_ANY_TEXT = {"type": ["string", "number"]}
_DATE_SCHEMA = {
    "anyOf": [
        {"type": "string", "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$"},
        {"type": "integer", "minimum": MIN_YEAR, "maximum": MAX_YEAR},
    ]
}

Text = Annotated[str, BeforeValidator(as_text), WithJsonSchema(_ANY_TEXT), Kind("text")]
TextList = Annotated[list[Text], BeforeValidator(as_list), Kind("list")]
Date = Annotated[PartialDate, BeforeValidator(_date), WithJsonSchema(_DATE_SCHEMA), Kind("date")]
Amount = Annotated[
    Decimal, BeforeValidator(_amount),
    WithJsonSchema({"anyOf": [{"type": "number", "minimum": 0},
                              {"type": "string", "pattern": _AMOUNT.pattern}]}),
    Kind("amount"),
]
Flag = Annotated[bool, BeforeValidator(_flag), WithJsonSchema({"type": "boolean"}), Kind("flag")]
Email = Annotated[str, BeforeValidator(_email), WithJsonSchema({"type": "string", "pattern": _EMAIL.pattern}),
                  Kind("email")]
Phone = Annotated[str, BeforeValidator(_phone), WithJsonSchema({"type": ["string", "integer"]}), Kind("phone")]
Url = Annotated[str, BeforeValidator(as_url), WithJsonSchema({"type": "string", "pattern": URL_PATTERN}), Kind("url")]
Lang = Annotated[str, BeforeValidator(_lang), WithJsonSchema({"type": "string", "pattern": _LANG.pattern}),
                 Kind("lang")]
Status = Annotated[Literal["ended"], BeforeValidator(_status), WithJsonSchema({"enum": ["ended"]}), Kind("status")]
Alt = Annotated[str, BeforeValidator(_alt), WithJsonSchema({"type": ["string", "number"]}), Kind("alt")]
ThemeRef = Annotated[str, BeforeValidator(as_text), WithJsonSchema({"type": "string"}), Kind("theme")]
ProgrammeRef = Annotated[str, BeforeValidator(as_text), WithJsonSchema({"type": "string"}), Kind("programme")]


def doc(name: str) -> str:
    """A field's description for editors, from the Finnish catalogue."""
    return message("fi", f"doc.{name}", {})


class Strict(BaseModel):
    """A model that refuses unknown fields and cannot change once validated."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)
    # Where this model's fields are described in the strings table:
    # `doc.<prefix><field>` and `example.<prefix><field>`.
    doc_prefix: ClassVar[str] = ""


class Funding(Strict):
    doc_prefix: ClassVar[str] = "funding."
    funder: Text = Field(description=doc("funding.funder"))
    amount_eur: Amount | None = Field(None, description=doc("funding.amount_eur"))
    up_to: Flag = Field(False, description=doc("funding.up_to"))
    note: Text | None = Field(None, description=doc("funding.note"))
    programme: ProgrammeRef | None = Field(None, description=doc("funding.programme"))
    code: Text | None = Field(None, description=doc("funding.code"))


class Contact(Strict):
    doc_prefix: ClassVar[str] = "contact."
    name: Text = Field(description=doc("contact.name"))
    role: Text | None = Field(None, description=doc("contact.role"))
    email: Email | None = Field(None, description=doc("contact.email"))
    phone: Phone | None = Field(None, description=doc("contact.phone"))


class Document(Strict):
    doc_prefix: ClassVar[str] = "document."
    title: Text = Field(description=doc("document.title"))
    url: Url | None = Field(None, description=doc("document.url"))
    type: Text | None = Field(None, description=doc("document.type"))
    size: Text | None = Field(None, description=doc("document.size"))
    accessible: Flag = Field(True, description=doc("document.accessible"))
    accessibility_note: Text | None = Field(None, description=doc("document.accessibility_note"))


class Indicator(Strict):
    doc_prefix: ClassVar[str] = "indicator."
    name: Text = Field(description=doc("indicator.name"))
    unit: Text | None = Field(None, description=doc("indicator.unit"))
    target: Text | None = Field(None, description=doc("indicator.target"))
    actual: Text | None = Field(None, description=doc("indicator.actual"))


class Image(Strict):
    doc_prefix: ClassVar[str] = "image."
    src: Text = Field(description=doc("image.src"))
    alt: Alt = Field(description=doc("image.alt"))
    caption: Text | None = Field(None, description=doc("image.caption"))


_M = TypeVar("_M", bound=BaseModel)
# The type of a field holding a list of models, such as `funding` or `themes`: `Items[Funding]`.
Items = Annotated[list[_M], BeforeValidator(as_list), Kind("items")]


class Project(Strict):
    """One development project: the front matter of `content/projects/<slug>.md`."""

    title: Text = Field(description=doc("title"))
    short_title: Text | None = Field(None, description=doc("short_title"))
    title_lang: Lang | None = Field(None, description=doc("title_lang"))
    theme: ThemeRef | None = Field(None, description=doc("theme"))
    start: Date | None = Field(None, description=doc("start"))
    end: Date | None = Field(None, description=doc("end"))
    status: Status | None = Field(None, description=doc("status"))
    summary: Text | None = Field(None, description=doc("summary"))
    lead: Text | None = Field(None, description=doc("lead"))
    image: Annotated[Image, Kind("section")] | None = Field(None, description=doc("image"))
    partners: TextList = Field(default_factory=list, description=doc("partners"))
    funding: Items[Funding] = Field(default_factory=list, description=doc("funding"))
    aims: Text | None = Field(None, description=doc("aims"))
    results: Text | None = Field(None, description=doc("results"))
    indicators: Items[Indicator] = Field(default_factory=list, description=doc("indicators"))
    contacts: Items[Contact] = Field(default_factory=list, description=doc("contacts"))
    documents: Items[Document] = Field(default_factory=list, description=doc("documents"))
    keywords: TextList = Field(default_factory=list, description=doc("keywords"))


class TranslatedImage(Strict):
    """The main image in a translation: its alt text and caption in that language, never its picture."""

    doc_prefix: ClassVar[str] = "image."
    alt: Alt | None = Field(None, description=doc("image.alt"))
    caption: Text | None = Field(None, description=doc("image.caption"))


class Translation(Strict):
    """A record in another language: the front matter of `content/projects/<slug>.<lang>.md`.

    Only what is written in words; the facts (dates, theme, funding, people)
    are the main file's, so they cannot disagree between languages."""

    title: Text = Field(description=doc("title"))
    short_title: Text | None = Field(None, description=doc("short_title"))
    summary: Text | None = Field(None, description=doc("summary"))
    aims: Text | None = Field(None, description=doc("aims"))
    results: Text | None = Field(None, description=doc("results"))
    keywords: TextList = Field(default_factory=list, description=doc("keywords"))
    documents: Items[Document] = Field(default_factory=list, description=doc("documents"))
    image: Annotated[TranslatedImage, Kind("section")] | None = Field(None, description=doc("translation.image"))


@dataclass(frozen=True)
class ValidTranslation:
    """A translation that passed validation, and the Markdown body under its front matter."""

    lang: str
    path: str
    translation: Translation
    body: str
    body_line: int


@dataclass(frozen=True)
class ValidRecord:
    """A record that passed validation: its project, and the Markdown body under the front matter."""

    slug: str
    path: str
    project: Project
    body: str
    body_line: int
    # Its valid translations by language; never the main language.
    translations: Mapping[str, ValidTranslation] = field(default_factory=dict)


FIELD_NAMES: dict[type[BaseModel], tuple[str, ...]] = {
    model: tuple(model.model_fields)
    for model in (Project, Funding, Indicator, Contact, Document, Image, Translation, TranslatedImage)
}
