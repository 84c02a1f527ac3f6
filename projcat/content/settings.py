"""`site.yaml`: the site's own facts, typed like a record and checked as strictly."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, ClassVar, Self
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BeforeValidator, Field, ModelWrapValidatorHandler, WithJsonSchema, model_validator
from pydantic_core import PydanticCustomError

from projcat.content.localtext import LocalText, LocalTextField, site_languages
from projcat.content.records import (
    Date,
    Document,
    Email,
    Items,
    Kind,
    Phone,
    Strict,
    Text,
    Url,
    as_list,
    as_text,
    doc,
)
from projcat.content.sitepaths import STATIC_FOLDER
from projcat.languages import LANGUAGES
from projcat.strings import N_

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




def _distinct(codes: tuple[str, ...]) -> tuple[str, ...]:
    if not codes:
        raise PydanticCustomError("field.empty", "empty", {})
    for index, code in enumerate(codes):
        if code in codes[:index]:
            raise PydanticCustomError("site.duplicate_language", "language twice", {"value": code})
    return codes


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


# The examples of the fields declared here for issue 15; editors/schema.py composes example.<doc key>.
N_("example.site.favicon"), N_("example.site.image")

ThemeId = Annotated[str, BeforeValidator(_theme_id),
                    WithJsonSchema({"type": "string", "pattern": THEME_ID.pattern}), Kind("theme_id")]
Language = Annotated[str, BeforeValidator(_language), WithJsonSchema({"enum": list(LANGUAGES)}), Kind("language")]
Languages = Annotated[tuple[Language, ...], BeforeValidator(as_list), AfterValidator(_distinct),
                      WithJsonSchema({"type": "array", "items": {"enum": list(LANGUAGES)},
                                      "minItems": 1, "uniqueItems": True}),
                      Kind("list")]
LocalTextList = Annotated[list[LocalTextField], BeforeValidator(as_list), Kind("list")]
TimeZone = Annotated[str, BeforeValidator(_time_zone), WithJsonSchema({"type": "string"}), Kind("time_zone")]
BaseUrl = Annotated[str, BeforeValidator(_base_url), WithJsonSchema({"type": "string", "pattern": "/$"}),
                    Kind("base_url")]


class Theme(Strict):
    doc_prefix: ClassVar[str] = "site.theme."
    id: ThemeId = Field(description=doc("site.theme.id"))
    name: LocalTextField = Field(description=doc("site.theme.name"))
    intro: LocalTextField | None = Field(None, description=doc("site.theme.intro"))


class SiteDocument(Document):
    # Its own fields are `doc.site.document.*`; the inherited ones `doc.document.*`.
    doc_prefix: ClassVar[str] = "site.document."
    title: LocalTextField = Field(description=doc("document.title"))
    # Every text a reader sees takes one text per language, as the site's other texts do.
    type: LocalTextField | None = Field(None, description=doc("document.type"))
    size: LocalTextField | None = Field(None, description=doc("document.size"))
    accessibility_note: LocalTextField | None = Field(None, description=doc("document.accessibility_note"))
    description: LocalTextField | None = Field(None, description=doc("site.document.description"))
    date: Date | None = Field(None, description=doc("site.document.date"))


# `not-assessed`: a new site whose organisation has not yet assessed it (what `init` writes).
COMPLIANCE_LEVELS: tuple[str, ...] = ("full", "partial", "none", "not-assessed")
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
    name: LocalTextField = Field(description=doc("site.accessibility.supervisory_authority.name"))
    url: Url = Field(description=doc("site.accessibility.supervisory_authority.url"))
    email: Email | None = Field(None, description=doc("site.accessibility.supervisory_authority.email"))
    phone: Phone | None = Field(None, description=doc("site.accessibility.supervisory_authority.phone"))


# Since 1 January 2026 the Lupa- ja valvontavirasto supervises the accessibility
# requirements of digital services in Finland (it took the task over from the
# regional state administrative agencies). One value, so a change of authority
# is one edit here or one `supervisory_authority` in a site's `site.yaml`.
DEFAULT_SUPERVISORY_AUTHORITY = SupervisoryAuthority(
    name=LocalText("Lupa- ja valvontavirasto", {"fi": "Lupa- ja valvontavirasto"}),
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
    assessor: LocalTextField | None = Field(None, description=doc("site.accessibility.assessor"))
    feedback_email: Email | None = Field(None, description=doc("site.accessibility.feedback_email"))
    feedback_phone: Phone | None = Field(None, description=doc("site.accessibility.feedback_phone"))
    feedback_url: Url | None = Field(None, description=doc("site.accessibility.feedback_url"))
    feedback_handler: LocalTextField | None = Field(None, description=doc("site.accessibility.feedback_handler"))
    other_issues: LocalTextList = Field(default_factory=list, description=doc("site.accessibility.other_issues"))
    supervisory_authority: Annotated[SupervisoryAuthority, Kind("section")] = Field(
        DEFAULT_SUPERVISORY_AUTHORITY, description=doc("site.accessibility.supervisory_authority"))

    @property
    def has_feedback_channel(self) -> bool:
        return bool(self.feedback_email or self.feedback_phone or self.feedback_url)


CMS_BACKENDS: tuple[str, ...] = ("github", "gitlab", "gitea")
# The advice shown with the problems below (`Problem.hint` composes <code>.hint).
N_("site.bad_cms_backend.hint"), N_("site.bad_port.hint"), N_("site.bad_media_folder.hint")
_MEDIA_FOLDER = re.compile(r"^[a-z0-9_-]+(?:/[a-z0-9_-]+)*$")


def _port(value: Any) -> int:
    text = as_text(value)
    if not text.isdigit() or not 1024 <= int(text) <= 65535:
        raise PydanticCustomError("site.bad_port", "bad port", {"value": text})
    return int(text)


def _media_folder(value: Any) -> str:
    text = as_text(value)
    if not _MEDIA_FOLDER.match(text):
        raise PydanticCustomError("site.bad_media_folder", "bad media folder", {"value": text})
    return text


CmsBackend = Annotated[str, BeforeValidator(_one_of("site.bad_cms_backend", CMS_BACKENDS)),
                       WithJsonSchema({"enum": list(CMS_BACKENDS)}), Kind("choice")]
Port = Annotated[int, BeforeValidator(_port),
                 WithJsonSchema({"type": ["integer", "string"], "pattern": "^[0-9]+$", "minimum": 1024,
                                 "maximum": 65535}), Kind("port")]
MediaFolder = Annotated[str, BeforeValidator(_media_folder),
                        WithJsonSchema({"type": "string", "pattern": _MEDIA_FOLDER.pattern}), Kind("media_folder")]


class Cms(Strict):
    """Editing in the browser (Decap CMS): where it commits, and how editors sign in."""

    doc_prefix: ClassVar[str] = "site.cms."
    backend: CmsBackend = Field(description=doc("site.cms.backend"))
    repo: Text = Field(description=doc("site.cms.repo"))
    branch: Text = Field("main", description=doc("site.cms.branch"))
    base_url: Url | None = Field(None, description=doc("site.cms.base_url"))
    auth_endpoint: Text | None = Field(None, description=doc("site.cms.auth_endpoint"))
    app_id: Text | None = Field(None, description=doc("site.cms.app_id"))
    api_root: Url | None = Field(None, description=doc("site.cms.api_root"))
    media_folder: MediaFolder = Field("tiedostot", description=doc("site.cms.media_folder"))
    local_port: Port = Field(8081, description=doc("site.cms.local_port"))


COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def _colour(value: Any) -> str:
    text = as_text(value)
    if not COLOUR.match(text):
        raise PydanticCustomError("site.bad_colour", "bad colour", {"value": text})
    return text.lower()


N_("site.bad_colour.hint"), N_("example.site.brand.logo"), N_("example.site.brand.logo_alt")
N_("example.site.brand.colour"), N_("example.site.brand.header_colour")
Colour = Annotated[str, BeforeValidator(_colour), WithJsonSchema({"type": "string", "pattern": COLOUR.pattern}),
                   Kind("colour")]


class Brand(Strict):
    """The organisation's look: a logo in the header and two colours (checked for contrast in `content.brand`)."""

    doc_prefix: ClassVar[str] = "site.brand."
    logo: Url | None = Field(None, description=doc("site.brand.logo"))
    logo_alt: LocalTextField | None = Field(None, description=doc("site.brand.logo_alt"))
    colour: Colour | None = Field(None, description=doc("site.brand.colour"))
    header_colour: Colour | None = Field(None, description=doc("site.brand.header_colour"))


def _no_default(schema: dict[str, Any]) -> None:
    # The default is the site's `language`, not a value an editor could write.
    schema.pop("default", None)


# Which rules a programme's funding is shown by (README, "EU funding"): the EU's rules of 2021–2027
# (Regulation (EU) 2021/1060), of 2014–2020 (Regulation 1303/2013 and 821/2014), the Recovery and
# Resilience Facility, directly managed EU programmes, Interreg, or national funding with no EU rules.
PROGRAMME_RULES: tuple[str, ...] = ("eu-2021-2027", "eu-2014-2020", "nextgenerationeu", "eu-direct", "interreg",
                                    "national")
STATEMENT_KINDS: tuple[str, ...] = ("funded", "co-funded")
N_("site.bad_rules.hint"), N_("site.bad_statement.hint"), N_("programme.needs_fund.hint")
N_("programme.needs_logo.hint"), N_("programme.duplicate.hint"), N_("site.bad_programme_id.hint")

def _programme_id(value: Any) -> str:
    text = as_text(value)
    if not THEME_ID.match(text):
        raise PydanticCustomError("site.bad_programme_id", "bad programme id", {"value": text})
    return text


# Written like a theme's id, so that it is as easy to name from a record.
ProgrammeId = Annotated[str, BeforeValidator(_programme_id),
                        WithJsonSchema({"type": "string", "pattern": THEME_ID.pattern}), Kind("theme_id")]
ProgrammeRules = Annotated[str, BeforeValidator(_one_of("site.bad_rules", PROGRAMME_RULES)),
                           WithJsonSchema({"enum": list(PROGRAMME_RULES)}), Kind("choice")]
StatementKind = Annotated[str, BeforeValidator(_one_of("site.bad_statement", STATEMENT_KINDS)),
                          WithJsonSchema({"enum": list(STATEMENT_KINDS)}), Kind("choice")]


class Programme(Strict):
    """A funding programme the site's records name (`funding[].programme`): how its support is shown."""

    doc_prefix: ClassVar[str] = "site.programme."
    id: ProgrammeId = Field(description=doc("site.programme.id"))
    rules: ProgrammeRules = Field(description=doc("site.programme.rules"))
    name: LocalTextField | None = Field(None, description=doc("site.programme.name"))
    fund: LocalTextField | None = Field(None, description=doc("site.programme.fund"))
    statement: StatementKind = Field("funded", description=doc("site.programme.statement"))
    logo: Url | None = Field(None, description=doc("site.programme.logo"))
    logo_alt: LocalTextField | None = Field(None, description=doc("site.programme.logo_alt"))

    @property
    def is_eu(self) -> bool:
        return self.rules != "national"


class SiteConfig(Strict):
    doc_prefix: ClassVar[str] = "site."
    title: LocalTextField = Field(description=doc("site.title"))
    organisation: LocalTextField = Field(description=doc("site.organisation"))
    language: Language = Field("fi", description=doc("site.language"))
    # Empty only while validating: then `(language,)`.
    languages: Languages = Field((), description=doc("site.languages"), json_schema_extra=_no_default)
    time_zone: TimeZone = Field("Europe/Helsinki", description=doc("site.time_zone"))
    base_url: BaseUrl = Field("/", description=doc("site.base_url"))
    intro: LocalTextField | None = Field(None, description=doc("site.intro"))
    # Site-relative paths (a file under `static/`) or full addresses, like a document's `url`.
    favicon: Url | None = Field(None, description=doc("site.favicon"))
    image: Url | None = Field(None, description=doc("site.image"))
    themes: Items[Theme] = Field(description=doc("site.themes"))
    documents: Items[SiteDocument] = Field(default_factory=list, description=doc("site.documents"))
    programmes: Items[Programme] = Field(default_factory=list, description=doc("site.programmes"))
    accessibility: Annotated[Accessibility, Kind("section")] | None = Field(
        None, description=doc("site.accessibility"))
    cms: Annotated[Cms, Kind("section")] | None = Field(None, description=doc("site.cms"))
    brand: Annotated[Brand, Kind("section")] | None = Field(None, description=doc("site.brand"))

    @model_validator(mode="wrap")
    @classmethod
    def _in_site_languages(cls, data: Any, handler: ModelWrapValidatorHandler[SiteConfig]) -> SiteConfig:
        # The texts' main language and allowed languages are the site's: read them first.
        with site_languages(_raw_languages(data)):
            return handler(data)

    @model_validator(mode="after")
    def _main_language(self) -> Self:
        if not self.languages:
            object.__setattr__(self, "languages", (self.language,))
        elif "language" not in self.model_fields_set:
            object.__setattr__(self, "language", self.languages[0])
        elif self.language != self.languages[0]:
            raise PydanticCustomError("site.language_mismatch", "language is not the first of languages",
                                      {"value": self.language, "expected": self.languages[0]})
        return self

    def programme(self, programme_id: str | None) -> Programme | None:
        return next((p for p in self.programmes if p.id == programme_id), None)


def _raw_languages(data: Any) -> tuple[str, ...]:
    """The site's languages as written, as far as they can be read; the checks come later."""
    if not isinstance(data, dict):
        return ("fi",)
    raw = data.get("languages")
    if isinstance(raw, list):
        codes = tuple(dict.fromkeys(str(item).strip() for item in raw if isinstance(item, (str, int))))
        if codes:
            return codes
    language = data.get("language")
    return (str(language).strip(),) if isinstance(language, str) and language.strip() else ("fi",)


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
        return self.root / STATIC_FOLDER


def base_path(base_url: str) -> str:
    """The URL path every internal link starts with, e.g. `/hankkeet/`."""
    path = urlsplit(base_url).path or "/"
    return path if path.endswith("/") else path + "/"
