"""`site.yaml`: the site's own facts, typed like a record and checked as strictly."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BeforeValidator, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from projcat.records import Date, Document, Email, Phone, Text, TextList, Url, _items, _Strict, _text
from projcat.strings import LANGUAGES

THEME_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _theme_id(value: Any) -> str:
    text = _text(value)
    if not THEME_ID.match(text):
        raise PydanticCustomError("site.bad_theme_id", "bad theme id", {"value": text})
    return text


def _language(value: Any) -> str:
    text = _text(value)
    if text not in LANGUAGES:
        raise PydanticCustomError(
            "site.bad_language", "unsupported language", {"value": text, "choices": ", ".join(LANGUAGES)}
        )
    return text


def _time_zone(value: Any) -> str:
    text = _text(value)
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise PydanticCustomError("site.bad_time_zone", "bad time zone", {"value": text}) from None
    return text


def _base_url(value: Any) -> str:
    text = _text(value)
    parts = urlsplit(text)
    ok = text.endswith("/") and not parts.query and not parts.fragment and " " not in text
    if parts.scheme:
        ok = ok and parts.scheme in ("http", "https") and bool(parts.netloc)
    else:
        ok = ok and text.startswith("/") and not text.startswith("//")
    if not ok:
        raise PydanticCustomError("site.bad_base_url", "bad base url", {"value": text})
    return text


ThemeId = Annotated[str, BeforeValidator(_theme_id), WithJsonSchema({"type": "string"})]


class Theme(_Strict):
    id: ThemeId = Field(description="Teeman tunniste osoitteessa /teemat/<id>/.")
    name: Text = Field(description="Teeman nimi.")
    intro: Text | None = Field(None, description="Teeman esittely (Markdown).")


class SiteDocument(Document):
    description: Text | None = Field(None, description="Asiakirjan kuvaus.")
    date: Date | None = Field(None, description="Asiakirjan päivämäärä.")


COMPLIANCE_LEVELS: tuple[str, ...] = ("full", "partial", "none")
ASSESSMENT_KINDS: tuple[str, ...] = ("self", "external")


def _choice(code: str, choices: tuple[str, ...]) -> Any:
    def check(value: Any) -> str:
        text = _text(value)
        if text not in choices:
            raise PydanticCustomError(code, "not one of the choices", {"value": text, "choices": ", ".join(choices)})
        return text

    return Annotated[str, BeforeValidator(check), WithJsonSchema({"enum": list(choices)})]


class SupervisoryAuthority(_Strict):
    name: Text = Field(description="Valvontaviranomaisen nimi.")
    url: Url = Field(description="Valvontaviranomaisen verkkosivu, jolta ilmoituksen voi tehdä.")
    email: Email | None = Field(None, description="Valvontaviranomaisen sähköpostiosoite.")
    phone: Phone | None = Field(None, description="Valvontaviranomaisen puhelinnumero.")


# Since 1 January 2026 the Lupa- ja valvontavirasto supervises the accessibility
# requirements of digital services in Finland (it took the task over from the
# regional state administrative agencies). One value, so a change of authority
# is one edit here or one `supervisory_authority` in a site's `site.yaml`.
DEFAULT_SUPERVISORY_AUTHORITY = SupervisoryAuthority(
    name="Lupa- ja valvontavirasto",
    url="https://www.saavutettavuusvaatimukset.fi/",
)


class Accessibility(_Strict):
    """The facts of the accessibility statement (saavutettavuusseloste) that only the organisation knows."""

    compliance: _choice("site.bad_compliance", COMPLIANCE_LEVELS) | None = Field(
        None,
        description="Vaatimustenmukaisuus: full (täysin), partial (osittain) tai none (ei vaatimusten mukainen). "
        "Puuttuessa päätellään: osittain, jos jokin asiakirja tai puute on merkitty ei-saavutettavaksi.",
    )
    prepared: Date = Field(description="Päivä, jona seloste laadittiin (VVVV-KK-PP).")
    reviewed: Date | None = Field(None, description="Päivä, jona seloste viimeksi tarkistettiin; puuttuessa laatimispäivä.")
    assessment: _choice("site.bad_assessment", ASSESSMENT_KINDS) = Field(
        "self", description="Arvioinnin tapa: self (itsearviointi) tai external (ulkopuolinen arviointi)."
    )
    assessor: Text | None = Field(None, description="Ulkopuolisen arvioinnin tekijä.")
    feedback_email: Email | None = Field(None, description="Sähköpostiosoite saavutettavuuspalautteelle.")
    feedback_phone: Phone | None = Field(None, description="Puhelinnumero saavutettavuuspalautteelle.")
    feedback_url: Url | None = Field(None, description="Palautelomakkeen osoite.")
    feedback_handler: Text | None = Field(
        None, description="Kuka käsittelee saavutettavuuspalautteen, esim. kaupungin viestintä; puuttuessa organisaatio."
    )
    other_issues: TextList = Field(
        default_factory=list,
        description="Muut tiedossa olevat saavutettavuuspuutteet, kukin omalla rivillään; ei-saavutettavat asiakirjat "
        "kootaan selosteeseen itsestään.",
    )
    supervisory_authority: SupervisoryAuthority = Field(
        DEFAULT_SUPERVISORY_AUTHORITY,
        description="Valvontaviranomainen (name, url, email, phone); oletuksena Lupa- ja valvontavirasto.",
    )

    @property
    def has_feedback_channel(self) -> bool:
        return bool(self.feedback_email or self.feedback_phone or self.feedback_url)


class SiteConfig(_Strict):
    title: Text = Field(description="Sivuston nimi.")
    organisation: Text = Field(description="Organisaatio, jonka sivusto on.")
    language: Annotated[str, BeforeValidator(_language)] = Field("fi", description="Sivuston kieli.")
    time_zone: Annotated[str, BeforeValidator(_time_zone)] = Field(
        "Europe/Helsinki", description="Aikavyöhyke, jonka mukaan 'tänään' lasketaan."
    )
    base_url: Annotated[str, BeforeValidator(_base_url)] = Field(
        "/", description="Sivuston osoite tai polku, lopussa /."
    )
    intro: Text | None = Field(None, description="Etusivun johdanto (Markdown).")
    themes: _items(Theme) = Field(description="Teemat esitysjärjestyksessä.")
    documents: _items(SiteDocument) = Field(default_factory=list, description="Etusivun asiakirjat.")
    accessibility: Accessibility | None = Field(
        None, description="Saavutettavuusselosteen tiedot (sivu /saavutettavuusseloste/)."
    )


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
