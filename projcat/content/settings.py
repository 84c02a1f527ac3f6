"""`site.yaml`: the site's own facts, typed like a record and checked as strictly."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, ClassVar
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BeforeValidator, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from projcat.content.records import Date, Document, Email, Items, Kind, Phone, Strict, Text, TextList, Url, as_text, doc
from projcat.strings import LANGUAGES

THEME_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _theme_id(value: Any) -> str:
    text = as_text(value)
    if not THEME_ID.match(text):
        raise PydanticCustomError("site.bad_theme_id", "bad theme id", {"value": text})
    return text


def _language(value: Any) -> str:
    text = as_text(value)
    if text not in LANGUAGES:
        raise PydanticCustomError(
            "site.bad_language", "unsupported language", {"value": text, "choices": ", ".join(LANGUAGES)}
        )
    return text


def _time_zone(value: Any) -> str:
    text = as_text(value)
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise PydanticCustomError("site.bad_time_zone", "bad time zone", {"value": text}) from None
    return text


def _base_url(value: Any) -> str:
    text = as_text(value)
    parts = urlsplit(text)
    ok = text.endswith("/") and not parts.query and not parts.fragment and " " not in text
    if parts.scheme:
        ok = ok and parts.scheme in ("http", "https") and bool(parts.netloc)
    else:
        ok = ok and text.startswith("/") and not text.startswith("//")
    if not ok:
        raise PydanticCustomError("site.bad_base_url", "bad base url", {"value": text})
    return text


ThemeId = Annotated[str, BeforeValidator(_theme_id),
                    WithJsonSchema({"type": "string", "pattern": THEME_ID.pattern}), Kind("theme_id")]
Language = Annotated[str, BeforeValidator(_language), WithJsonSchema({"enum": list(LANGUAGES)}), Kind("language")]
TimeZone = Annotated[str, BeforeValidator(_time_zone), WithJsonSchema({"type": "string"}), Kind("time_zone")]
BaseUrl = Annotated[str, BeforeValidator(_base_url), WithJsonSchema({"type": "string", "pattern": "/$"}),
                    Kind("base_url")]


class Theme(Strict):
    doc_prefix: ClassVar[str] = "site.theme."
    id: ThemeId = Field(description=doc("site.theme.id"))
    name: Text = Field(description=doc("site.theme.name"))
    intro: Text | None = Field(None, description=doc("site.theme.intro"))


class SiteDocument(Document):
    # Its own fields are `doc.site.document.*`; the inherited ones `doc.document.*`.
    doc_prefix: ClassVar[str] = "site.document."
    description: Text | None = Field(None, description=doc("site.document.description"))
    date: Date | None = Field(None, description=doc("site.document.date"))


COMPLIANCE_LEVELS: tuple[str, ...] = ("full", "partial", "none")
ASSESSMENT_KINDS: tuple[str, ...] = ("self", "external")


def _one_of(code: str, choices: tuple[str, ...]) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        text = as_text(value)
        if text not in choices:
            raise PydanticCustomError(code, "not one of the choices", {"value": text, "choices": ", ".join(choices)})
        return text

    return check


Compliance = Annotated[str, BeforeValidator(_one_of("site.bad_compliance", COMPLIANCE_LEVELS)),
                       WithJsonSchema({"enum": list(COMPLIANCE_LEVELS)}), Kind("choice")]
AssessmentKind = Annotated[str, BeforeValidator(_one_of("site.bad_assessment", ASSESSMENT_KINDS)),
                           WithJsonSchema({"enum": list(ASSESSMENT_KINDS)}), Kind("choice")]


class SupervisoryAuthority(Strict):
    doc_prefix: ClassVar[str] = "site.accessibility.supervisory_authority."
    name: Text = Field(description=doc("site.accessibility.supervisory_authority.name"))
    url: Url = Field(description=doc("site.accessibility.supervisory_authority.url"))
    email: Email | None = Field(None, description=doc("site.accessibility.supervisory_authority.email"))
    phone: Phone | None = Field(None, description=doc("site.accessibility.supervisory_authority.phone"))


# Since 1 January 2026 the Lupa- ja valvontavirasto supervises the accessibility
# requirements of digital services in Finland (it took the task over from the
# regional state administrative agencies). One value, so a change of authority
# is one edit here or one `supervisory_authority` in a site's `site.yaml`.
DEFAULT_SUPERVISORY_AUTHORITY = SupervisoryAuthority(
    name="Lupa- ja valvontavirasto",
    url="https://www.saavutettavuusvaatimukset.fi/",
    email=None,
    phone=None,
)


class Accessibility(Strict):
    """The facts of the accessibility statement (saavutettavuusseloste) that only the organisation knows."""

    doc_prefix: ClassVar[str] = "site.accessibility."
    compliance: Compliance | None = Field(
        None, description=doc("site.accessibility.compliance"))
    prepared: Date = Field(description=doc("site.accessibility.prepared"))
    reviewed: Date | None = Field(None, description=doc("site.accessibility.reviewed"))
    assessment: AssessmentKind = Field(
        "self", description=doc("site.accessibility.assessment"))
    assessor: Text | None = Field(None, description=doc("site.accessibility.assessor"))
    feedback_email: Email | None = Field(None, description=doc("site.accessibility.feedback_email"))
    feedback_phone: Phone | None = Field(None, description=doc("site.accessibility.feedback_phone"))
    feedback_url: Url | None = Field(None, description=doc("site.accessibility.feedback_url"))
    feedback_handler: Text | None = Field(None, description=doc("site.accessibility.feedback_handler"))
    other_issues: TextList = Field(default_factory=list, description=doc("site.accessibility.other_issues"))
    supervisory_authority: Annotated[SupervisoryAuthority, Kind("section")] = Field(
        DEFAULT_SUPERVISORY_AUTHORITY, description=doc("site.accessibility.supervisory_authority"))

    @property
    def has_feedback_channel(self) -> bool:
        return bool(self.feedback_email or self.feedback_phone or self.feedback_url)


class SiteConfig(Strict):
    doc_prefix: ClassVar[str] = "site."
    title: Text = Field(description=doc("site.title"))
    organisation: Text = Field(description=doc("site.organisation"))
    language: Language = Field("fi", description=doc("site.language"))
    time_zone: TimeZone = Field("Europe/Helsinki", description=doc("site.time_zone"))
    base_url: BaseUrl = Field("/", description=doc("site.base_url"))
    intro: Text | None = Field(None, description=doc("site.intro"))
    themes: Items[Theme] = Field(description=doc("site.themes"))
    documents: Items[SiteDocument] = Field(default_factory=list, description=doc("site.documents"))
    accessibility: Annotated[Accessibility, Kind("section")] | None = Field(
        None, description=doc("site.accessibility"))


@dataclass(frozen=True)
class Paths:
    """Where a site's parts live; `root` is the folder holding `site.yaml`."""

    root: Path

    @property
    def site_file(self) -> Path:
        return self.root / "site.yaml"

    @property
    def content(self) -> Path:
        return self.root / "content" / "projects"

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    @property
    def static(self) -> Path:
        return self.root / "static"


def base_path(base_url: str) -> str:
    """The URL path every internal link starts with, e.g. `/hankkeet/`."""
    path = urlsplit(base_url).path or "/"
    return path if path.endswith("/") else path + "/"
