"""The project record: every front-matter field declared once.

Validation, the editors' JSON Schema and the field reference all come from
these classes. Inputs are the plain strings, lists and mappings that
`yamlread` produces; each field type turns text into a value or raises a
`PydanticCustomError` whose type is a key of the strings table.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from projcat.dates import DateError, PartialDate, parse_partial_date
from projcat.strings import FI


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "mapping"
    if value is None or value == "":
        return "empty"
    return "text"


def _text(value: Any) -> str:
    if isinstance(value, (list, dict)):
        raise PydanticCustomError("field.not_text", "not text", {"kind": _kind(value)})
    if not isinstance(value, str):
        value = str(value)
    if not value.strip():
        raise PydanticCustomError("field.empty", "empty", {})
    return value.strip()


def _list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise PydanticCustomError("field.not_list", "not a list", {"kind": _kind(value)})
    return value


def _date(value: Any) -> PartialDate:
    if isinstance(value, PartialDate):
        return value
    text = _text(value)
    try:
        return parse_partial_date(text)
    except DateError as exc:
        raise PydanticCustomError(
            exc.code, "bad date", {"value": exc.value, "suggestion": exc.suggestion}
        ) from None


_AMOUNT = re.compile(r"^\d+(?:\.\d+)?$")


def _amount(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise PydanticCustomError("amount.invalid", "bad amount", {"value": str(value)})
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    text = _text(value)
    if not _AMOUNT.match(text):
        raise PydanticCustomError("amount.invalid", "bad amount", {"value": text})
    try:
        return Decimal(text)
    except InvalidOperation:
        raise PydanticCustomError("amount.invalid", "bad amount", {"value": text}) from None


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value)
    if text not in ("true", "false"):
        raise PydanticCustomError("flag.invalid", "bad flag", {"value": text})
    return text == "true"


_OBFUSCATED_AT = re.compile(r"\s*(\(at\)|\[at\]|\(a\)|\[a\]|\{at\}| at )\s*", re.IGNORECASE)
_EMAIL = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}$")


def _email(value: Any) -> str:
    text = _text(value)
    if "@" not in text and _OBFUSCATED_AT.search(text):
        suggestion = _OBFUSCATED_AT.sub("@", text, count=1)
        raise PydanticCustomError(
            "email.obfuscated", "obfuscated email", {"value": text, "suggestion": suggestion}
        )
    if not _EMAIL.match(text):
        raise PydanticCustomError("email.invalid", "bad email", {"value": text})
    return text


_PHONE = re.compile(r"^\+?[0-9][0-9 ()\-]{4,20}[0-9]$")


def _phone(value: Any) -> str:
    text = _text(value)
    if not _PHONE.match(text):
        raise PydanticCustomError("phone.invalid", "bad phone", {"value": text})
    return text


_URL_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
ALLOWED_SCHEMES = ("https", "http", "mailto", "tel")


def _url(value: Any) -> str:
    text = _text(value)
    # Browsers ignore control characters and whitespace inside a scheme,
    # so "java\tscript:" is still javascript: -- judge the cleaned form.
    cleaned = re.sub(r"[\x00-\x20\x7f]+", "", text)
    if cleaned.startswith("//"):
        raise PydanticCustomError("url.invalid", "bad url", {"value": text})
    scheme = _URL_SCHEME.match(cleaned)
    if scheme:
        name = scheme.group(1).lower()
        if name not in ALLOWED_SCHEMES:
            raise PydanticCustomError("url.scheme", "bad scheme", {"scheme": name, "value": text})
        if name in ("http", "https") and not re.match(r"^https?://[^/\s]+", cleaned, re.IGNORECASE):
            raise PydanticCustomError("url.invalid", "bad url", {"value": text})
        return text
    if not text.startswith("/") or any(c.isspace() for c in text):
        raise PydanticCustomError("url.invalid", "bad url", {"value": text})
    return text


_LANG = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")


def _lang(value: Any) -> str:
    text = _text(value)
    if not _LANG.match(text):
        raise PydanticCustomError("lang.invalid", "bad language", {"value": text})
    return text


def _status(value: Any) -> str:
    text = _text(value)
    if text != "ended":
        raise PydanticCustomError("status.invalid", "bad status", {"value": text})
    return text


Text = Annotated[str, BeforeValidator(_text)]
TextList = Annotated[list[Text], BeforeValidator(_list)]
Date = Annotated[
    PartialDate,
    BeforeValidator(_date),
    WithJsonSchema({"type": "string", "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$", "examples": ["2021-11-30", "2021-11", "2021"]}),
]
Amount = Annotated[Decimal, BeforeValidator(_amount), WithJsonSchema({"type": "number", "minimum": 0})]
Flag = Annotated[bool, BeforeValidator(_flag), WithJsonSchema({"type": "boolean"})]
Email = Annotated[str, BeforeValidator(_email), WithJsonSchema({"type": "string", "format": "email"})]
Phone = Annotated[str, BeforeValidator(_phone), WithJsonSchema({"type": "string"})]
Url = Annotated[str, BeforeValidator(_url), WithJsonSchema({"type": "string"})]
Lang = Annotated[str, BeforeValidator(_lang), WithJsonSchema({"type": "string", "pattern": _LANG.pattern})]
Status = Annotated[Literal["ended"], BeforeValidator(_status), WithJsonSchema({"enum": ["ended"]})]


def doc(name: str) -> str:
    """A field's description for editors, from the strings table."""
    return FI[f"doc.{name}"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Funding(_Strict):
    funder: Text = Field(description=doc("funding.funder"))
    amount_eur: Amount | None = Field(None, description=doc("funding.amount_eur"))
    up_to: Flag = Field(False, description=doc("funding.up_to"))
    note: Text | None = Field(None, description=doc("funding.note"))


class Contact(_Strict):
    name: Text = Field(description=doc("contact.name"))
    role: Text | None = Field(None, description=doc("contact.role"))
    email: Email | None = Field(None, description=doc("contact.email"))
    phone: Phone | None = Field(None, description=doc("contact.phone"))


class Document(_Strict):
    title: Text = Field(description=doc("document.title"))
    url: Url | None = Field(None, description=doc("document.url"))
    type: Text | None = Field(None, description=doc("document.type"))
    size: Text | None = Field(None, description=doc("document.size"))
    accessible: Flag = Field(True, description=doc("document.accessible"))
    accessibility_note: Text | None = Field(None, description=doc("document.accessibility_note"))


def _items(model: type[BaseModel]) -> Any:
    return Annotated[list[model], BeforeValidator(_list)]  # type: ignore[valid-type]


class Project(_Strict):
    """One development project: the front matter of `content/projects/<slug>.md`."""

    title: Text = Field(description=doc("title"))
    short_title: Text | None = Field(None, description=doc("short_title"))
    title_lang: Lang | None = Field(None, description=doc("title_lang"))
    theme: Text | None = Field(None, description=doc("theme"))
    start: Date | None = Field(None, description=doc("start"))
    end: Date | None = Field(None, description=doc("end"))
    status: Status | None = Field(None, description=doc("status"))
    summary: Text | None = Field(None, description=doc("summary"))
    lead: Text | None = Field(None, description=doc("lead"))
    partners: TextList = Field(default_factory=list, description=doc("partners"))
    funding: _items(Funding) = Field(default_factory=list, description=doc("funding"))
    contacts: _items(Contact) = Field(default_factory=list, description=doc("contacts"))
    documents: _items(Document) = Field(default_factory=list, description=doc("documents"))
    keywords: TextList = Field(default_factory=list, description=doc("keywords"))


FIELD_NAMES: dict[type[BaseModel], tuple[str, ...]] = {
    model: tuple(model.model_fields) for model in (Project, Funding, Contact, Document)
}
