from datetime import date

import pytest

from projcat.content.dates import DateError, PartialDate, parse_partial_date


@pytest.mark.parametrize(
    "text, expected, precision",
    [
        ("2021", PartialDate(2021), "year"),
        ("2021-11", PartialDate(2021, 11), "month"),
        ("2021-11-30", PartialDate(2021, 11, 30), "day"),
        ("2024-02-29", PartialDate(2024, 2, 29), "day"),
    ],
)
def test_reads_each_precision(text: str, expected: PartialDate, precision: str) -> None:
    value = parse_partial_date(text)
    assert value == expected
    assert value.precision == precision
    assert value.iso() == text


@pytest.mark.parametrize("text", ["2021-11-31", "2021-02-29", "2021-13-01", "2021-00", "2021-04-00"])
def test_impossible_dates_are_named_impossible(text: str) -> None:
    with pytest.raises(DateError) as caught:
        parse_partial_date(text)
    assert caught.value.code == "date.impossible"


@pytest.mark.parametrize(
    "text, suggestion",
    [("31.10.2021", "2021-10-31"), ("2021-1-5", "2021-01-05"), ("20211130", "2021-11-30")],
)
def test_other_notations_suggest_the_iso_form(text: str, suggestion: str) -> None:
    with pytest.raises(DateError) as caught:
        parse_partial_date(text)
    assert caught.value.code == "date.format"
    assert caught.value.suggestion == suggestion


@pytest.mark.parametrize("text", ["31.11.2021", "2021-2-29", "20211331"])
def test_another_notation_of_a_day_that_does_not_exist_suggests_nothing(text: str) -> None:
    # Guessing a nearby date would put a wrong date on the page.
    with pytest.raises(DateError) as caught:
        parse_partial_date(text)
    assert caught.value.code == "date.format_impossible"
    assert caught.value.suggestion == ""


@pytest.mark.parametrize("text", ["1899", "2200-01", "9999-12-31", "0001"])
def test_implausible_years_are_refused(text: str) -> None:
    with pytest.raises(DateError) as caught:
        parse_partial_date(text)
    assert caught.value.code == "date.out_of_range"


def test_a_range_in_one_field_is_named_a_range() -> None:
    with pytest.raises(DateError) as caught:
        parse_partial_date("2020-2021")
    assert caught.value.code == "date.range"


def test_first_and_last_day_follow_precision() -> None:
    assert PartialDate(2021).last_day == date(2021, 12, 31)
    assert PartialDate(2021, 2).last_day == date(2021, 2, 28)
    assert PartialDate(2024, 2).last_day == date(2024, 2, 29)
    assert PartialDate(2021, 11).first_day == date(2021, 11, 1)
