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

from projcat.records import Date, Document, Text, _items, _Strict, _text
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
