"""Reused: hankkeet.json and hankkeet.csv carry every record's facts, and the JSON
Schema published beside them accepts every published record."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from conftest import FIXTURE_AS_OF, FIXTURE_SITE, REPO
from projcat.content.records import Contact, Document, Funding, Indicator, Project
from projcat.engine import pipeline

SITES = {
    "fixture": (FIXTURE_SITE, FIXTURE_AS_OF, "https://www.example.fi/hankkeet/"),
    "shipped": (REPO, date(2021, 10, 26), "/"),
}


@pytest.fixture(scope="module", params=sorted(SITES))
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    root, as_of, base_url = SITES[request.param]
    out = tmp_path_factory.mktemp(request.param) / "site"
    result = pipeline.build(root, out, as_of, base_url=base_url)
    return out, result


def _records(result: Any) -> dict[str, Any]:
    return {r.slug: r for r in result.check.records}


def test_json_round_trips_every_record(built: tuple[Path, Any]) -> None:
    out, result = built
    base_url = result.check.site.base_url
    data = json.loads((out / "hankkeet.json").read_text(encoding="utf-8"))
    records = _records(result)
    statuses = {e.slug: e.status for e in result.check.catalogue.entries}
    assert [p["slug"] for p in data["projects"]] == sorted(records)
    for item in data["projects"]:
        record = records[item["slug"]]
        assert Project.model_validate(item["record"]) == record.project, item["slug"]
        assert item["description"] == record.body.strip()
        assert item["status"] == statuses[item["slug"]]
        # The page's address: absolute when the site's host is known.
        assert item["url"] == f"{base_url.rstrip('/')}/hankkeet/{item['slug']}/"
        assert (out / "hankkeet" / item["slug"] / "index.html").is_file()


def test_every_published_record_is_valid_against_the_published_schema(built: tuple[Path, Any]) -> None:
    out, _ = built
    schema = json.loads((out / "hanke.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    data = json.loads((out / "hankkeet.json").read_text(encoding="utf-8"))
    for item in data["projects"]:
        errors = [e.message for e in validator.iter_errors(item["record"])]
        assert errors == [], (item["slug"], errors)
    # The schema is strict: a misspelt field is caught, as the generator catches it.
    bad = dict(data["projects"][0]["record"], titel="x")
    assert list(validator.iter_errors(bad))


def _list(cell: str) -> list[str]:
    return cell.split("; ") if cell else []


def _from_row(row: dict[str, str]) -> dict[str, Any]:
    """A record as its front matter, read back from one CSV row."""
    front: dict[str, Any] = {}
    for name in Project.model_fields:
        if name in ("funding", "contacts", "documents", "indicators"):
            model = {"funding": Funding, "contacts": Contact, "documents": Document, "indicators": Indicator}[name]
            items = []
            number = 1
            while f"{name}_{number}_{next(iter(model.model_fields))}" in row:
                item = {f: row[f"{name}_{number}_{f}"] for f in model.model_fields if row[f"{name}_{number}_{f}"]}
                if item:
                    items.append(item)
                number += 1
            front[name] = items
        elif name in ("partners", "keywords"):
            front[name] = _list(row[name])
        else:
            value = row["record_status" if name == "status" else name]
            if value:
                front[name] = value
    return front


def test_csv_opens_in_a_spreadsheet_and_round_trips_every_record(built: tuple[Path, Any]) -> None:
    out, result = built
    raw = (out / "hankkeet.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 byte order mark, so Excel reads ä and ö"
    text = raw.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))
    records = _records(result)
    assert [row["slug"] for row in rows] == sorted(records)
    statuses = {e.slug: e.status for e in result.check.catalogue.entries}
    for row in rows:
        record = records[row["slug"]]
        assert Project.model_validate(_from_row(row)) == record.project, row["slug"]
        assert row["description"] == record.body.strip()
        assert row["status"] == statuses[row["slug"]]
    # Finnish letters are stored as themselves, not escaped.
    assert re.search("[äöÄÖ]", text)


def test_the_index_links_the_open_data(built: tuple[Path, Any]) -> None:
    out, result = built
    index = (out / "index.html").read_text(encoding="utf-8")
    base = "/hankkeet/" if result.check.site.base_url.endswith("/hankkeet/") else "/"
    section = index.split('id="avoin-data"', 1)[1].split("</section>", 1)[0]
    for name in ("hankkeet.json", "hankkeet.csv", "hanke.schema.json", "feed.xml"):
        assert f'href="{base}{name}"' in section, name
        assert (out / name).is_file(), name
    # Every page's footer points at that section.
    assert f'href="{base}#avoin-data"' in (out / "paattyneet" / "index.html").read_text(encoding="utf-8")
