"""The pure middle: status from the as-of date, grouping, ordering, next change."""

from datetime import date

import pytest

from projcat.catalogue import archive_by_year, build_catalogue, next_change, status_of, title_key
from projcat.content.records import Project, ValidRecord
from projcat.content.settings import SiteConfig


def record(slug: str, **fields: object) -> ValidRecord:
    fields.setdefault("title", slug.capitalize())
    return ValidRecord(slug, f"content/projects/{slug}.md", Project.model_validate(fields), "", 5)


SITE = SiteConfig.model_validate({
    "title": "T", "organisation": "O",
    "themes": [{"id": "b-teema", "name": "B"}, {"id": "a-teema", "name": "A"}],
})


@pytest.mark.parametrize(
    "fields, as_of, expected",
    [
        ({}, date(2000, 1, 1), "ongoing"),
        ({"start": "2021-02-01"}, date(2021, 1, 31), "upcoming"),
        ({"start": "2021-02-01"}, date(2021, 2, 1), "ongoing"),
        ({"end": "2021-11-30"}, date(2021, 11, 30), "ongoing"),
        ({"end": "2021-11-30"}, date(2021, 12, 1), "ended"),
        ({"end": "2021"}, date(2021, 12, 31), "ongoing"),
        ({"end": "2021"}, date(2022, 1, 1), "ended"),
        ({"end": "2021-11"}, date(2021, 11, 30), "ongoing"),
        ({"end": "2021-11"}, date(2021, 12, 1), "ended"),
        ({"start": "2030", "status": "ended"}, date(2021, 1, 1), "ended"),
        ({"start": "2020", "end": "2040", "status": "ended"}, date(2021, 1, 1), "ended"),
    ],
)
def test_status_at_the_end_dates_precision(fields: dict, as_of: date, expected: str) -> None:
    assert status_of(Project.model_validate({"title": "x", **fields}), as_of) == expected


def test_finnish_letters_sort_after_z() -> None:
    titles = ["Öljy", "Ähkä", "Zeta", "Åland", "alfa", "Beeta"]
    assert sorted(titles, key=title_key) == ["alfa", "Beeta", "Zeta", "Åland", "Ähkä", "Öljy"]


def test_groups_follow_configured_theme_order_with_others_last() -> None:
    records = [
        record("yksi", theme="a-teema", end="2020"),
        record("kaksi", theme="b-teema"),
        record("kolme"),
        record("nelja", theme="a-teema"),
    ]
    catalogue = build_catalogue(records, SITE, date(2021, 6, 1))
    assert [g.id for g in catalogue.groups] == ["b-teema", "a-teema", None]
    a_group = catalogue.groups[1]
    assert [e.slug for e in a_group.current] == ["nelja"]
    assert [e.slug for e in a_group.ended] == ["yksi"]
    assert [e.slug for e in catalogue.groups[2].current] == ["kolme"]


def test_no_others_group_when_every_project_has_a_theme() -> None:
    catalogue = build_catalogue([record("yksi", theme="a-teema")], SITE, date(2021, 6, 1))
    assert [g.id for g in catalogue.groups] == ["b-teema", "a-teema"]


def test_archive_groups_by_year_newest_first_and_by_end_date_within_a_year() -> None:
    entries = build_catalogue(
        [
            record("vanha", end="2019-05-01"),
            record("kevat", end="2021-03"),
            record("syksy", end="2021-10-31"),
            record("vuosi", end="2021"),
            record("tuntematon", status="ended"),
            record("kaynnissa", end="2030"),
        ],
        SITE, date(2022, 6, 1),
    ).entries
    archive = archive_by_year(list(entries))
    assert [g.year for g in archive] == [2021, 2019, None]
    assert [e.slug for e in archive[0].entries] == ["vuosi", "syksy", "kevat"]
    assert [e.slug for e in archive[2].entries] == ["tuntematon"]


def test_next_change_is_the_day_after_an_end_or_a_start_day() -> None:
    records = [
        record("paattyy-paivana", end="2026-12-30"),
        record("paattyy-vuonna", end="2026"),
        record("paattyy-kuussa", end="2026-12"),
        record("alkaa", start="2027-01-01"),
        record("ohi", end="2020"),
        record("merkitty", end="2026-06-01", status="ended"),
    ]
    change = next_change(records, date(2026, 11, 27))
    assert change is not None
    assert change.day == date(2026, 12, 31)
    assert (change.starting, change.ending) == (0, 1)
    later = next_change(records, date(2026, 12, 31))
    assert later is not None and later.day == date(2027, 1, 1)
    assert (later.starting, later.ending) == (1, 2)


def test_no_next_change_without_dates() -> None:
    assert next_change([record("ohjelma")], date(2026, 1, 1)) is None
