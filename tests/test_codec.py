"""The build cache's codec: kept values come back equal and of the same types, and a name
outside the tool's value classes is refused without being looked up or called."""

from __future__ import annotations

import dataclasses
import json
import sys
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from enum import Enum
from pathlib import Path, PurePosixPath
from typing import Any, NamedTuple

import pytest
from markupsafe import Markup
from pydantic import BaseModel, ValidationError

from conftest import FIXTURE_AS_OF, copy_real_site
from projcat.content.localtext import LocalText
from projcat.content.records import Funding
from projcat.engine import codec, disk, pipeline
from projcat.engine.cache import CacheStats
from projcat.engine.codec import Sharing, Untrusted
from projcat.engine.disk import DiskCache
from projcat.languages import PathWords


def same(left: Any, right: Any, where: str = "value") -> None:
    """Equal, and of the same type at every depth (`==` alone forgives a str for a LocalText,
    a dict for a mappingproxy, 1.0 for 1)."""
    assert type(left) is type(right), f"{where}: {type(left).__name__} vs {type(right).__name__}"
    if isinstance(left, BaseModel):
        same(left.__dict__, right.__dict__, where)
        assert left.__pydantic_fields_set__ == right.__pydantic_fields_set__, where
        assert left.__pydantic_extra__ == right.__pydantic_extra__, where
        assert left.__pydantic_private__ == right.__pydantic_private__, where
    elif isinstance(left, LocalText):
        assert str(left) == str(right) and dict(left.by_lang) == dict(right.by_lang), where
    elif isinstance(left, dict):
        assert list(left) == list(right), f"{where}: keys"
        for key in left:
            same(key, next(k for k in right if k == key), f"{where}[{key!r}] key")
            same(left[key], right[key], f"{where}[{key!r}]")
    elif isinstance(left, (list, tuple)):
        assert len(left) == len(right), where
        for at, (one, other) in enumerate(zip(left, right, strict=True)):
            same(one, other, f"{where}[{at}]")
    elif dataclasses.is_dataclass(left) and not isinstance(left, type):
        same(vars(left), vars(right), f"{where}.{type(left).__name__}")
    elif isinstance(left, Decimal):
        assert str(left) == str(right), where
    else:
        assert left == right, where


def round_trip(value: Any) -> Any:
    sharing = Sharing()
    text = codec.encode(value, sharing)
    shared = dict(sharing.new)
    made: dict[str, Any] = {}

    def resolve(digest: str) -> Any:
        if digest not in made:
            made[digest] = codec.decode(shared[digest], resolve)
        return made[digest]

    return codec.decode(text, resolve)


class _Colour(Enum):
    RED = "red"


class _Pair(NamedTuple):
    left: int
    right: str


def test_an_enum_and_a_named_tuple_of_the_tools_come_back(monkeypatch: pytest.MonkeyPatch) -> None:
    import projcat.languages
    for cls in (_Colour, _Pair):
        monkeypatch.setattr(cls, "__module__", "projcat.languages")
        monkeypatch.setattr(projcat.languages, cls.__qualname__, cls, raising=False)
    monkeypatch.setattr(codec, "_BY_CLASS", {})
    monkeypatch.setattr(codec, "_BY_TAG", {})
    same([_Colour.RED, _Pair(1, "a")], round_trip([_Colour.RED, _Pair(1, "a")]))
    assert round_trip(_Colour.RED) is _Colour.RED


@pytest.mark.parametrize("value", [
    None, True, 0, -7, 1.5, float("inf"), "", "ääkköset", [1, [2, (3,)]], (), (1, "a", None),
    {"a": 1, ("b", 2): [3]}, {1, 2, "x"}, frozenset({("a", 1)}), b"<p>\xc3\xa4</p>", b"\xff\x00\xfe",
    date(2025, 6, 15), datetime(2025, 6, 15, 12, 30),
    datetime(2025, 6, 15, 12, 30, tzinfo=timezone(timedelta(hours=3))),
    Decimal("1.50"), Decimal("12000000"), Path("content/projects/a.md"), PurePosixPath("a/b"),
    Markup("<b>x</b>"), LocalText("Asuminen", {"fi": "Asuminen", "sv": "Boende"}), LocalText("Vain", {}),
    [Markup("a"), "a"], PathWords(theme="aiheet"), "ä\n" * 300, b"\xff\n" * 300, Markup("<p>") * 200,
    ("x" * 256, b"y" * 1000, {"z" * 300: "\n"}),
])
def test_values_of_every_kept_kind_come_back_equal_and_of_the_same_type(value: Any) -> None:
    same(value, round_trip(value))


def test_a_pydantic_model_comes_back_with_the_fields_it_was_given() -> None:
    funding = Funding.model_validate({"funder": "Euroopan aluekehitysrahasto", "amount_eur": "12000.50"})
    back = round_trip(funding)
    same(funding, back)
    assert back == funding and back.model_dump(exclude_unset=True) == funding.model_dump(exclude_unset=True)
    with pytest.raises(ValidationError):  # still frozen
        back.funder = "ESR"  # type: ignore[misc]


def test_a_value_shared_by_two_entries_is_kept_once_and_comes_back_one_object() -> None:
    from projcat.content.settings import SiteConfig
    site = SiteConfig.model_validate({"title": "Hankkeet", "organisation": "Kunta", "themes": [
        {"id": "ilmasto", "name": "Ilmasto"}]})
    sharing = Sharing()
    first, second = codec.encode(("a", site), sharing), codec.encode({"site": site}, sharing)
    assert len(sharing.new) == 1 and str(site.title).encode() not in first + second
    made: dict[str, Any] = {}

    def resolve(digest: str) -> Any:
        return made.setdefault(digest, codec.decode(sharing.new[digest], resolve))

    one, other = codec.decode(first, resolve), codec.decode(second, resolve)
    assert one[1] is other["site"]
    same(one[1], site)


class _Elsewhere(Enum):
    RED = "red"


def test_a_class_outside_the_tools_values_is_not_written() -> None:
    with pytest.raises(TypeError):
        codec.encode(_Elsewhere.RED)  # an enum, but not one of the tool's
    with pytest.raises(TypeError):
        codec.encode(object())


# Names a hostile store might hold: functions that would run something, classes that are not
# values, the tool's own code that is not a value class, a module that is not loaded yet.
HOSTILE_NAMES = ["os:system", "subprocess:Popen", "builtins:eval", "posix:mkdir", "projcat.cli:main",
                 "projcat.content.load:read_record", "projcat.render.markup:Renderer",
                 "projcat.engine.disk:DiskCache", "projcat.render.pages:Environment", "shutil:rmtree",
                 "projcat.content.nonexistent:Value", "antigravity:fly", "projcat.content.records:Strict.x"]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
@pytest.mark.parametrize("kind", [20, 21, 22, 23, 24, 25])
def test_a_name_outside_the_allow_list_is_refused_and_nothing_is_imported(name: str, kind: int) -> None:
    loaded = set(sys.modules)
    with pytest.raises(Untrusted):
        codec.decode(json.dumps([kind, name, "echo ran", [0], [0]]))
    assert {module for module in set(sys.modules) - loaded if not module.startswith("projcat.")} == set()


@pytest.mark.parametrize("text", ["", "{", "[]", "[99]", "[\"x\"]", "{\"a\": 1}", "[0, {\"a\": 1}]", "[2, 1]",
                                  "[7, \"2025-13-01\"]", "[9, \"nan?\"]", "[6, \"***\"]", "[14, \"abc\"]",
                                  "[22, \"projcat.content.dates:PartialDate\", 2025]", "[" * 100_000])
def test_text_that_is_not_a_kept_value_is_untrusted(text: str) -> None:
    with pytest.raises(Untrusted):
        codec.decode(text)


@pytest.mark.parametrize("site", ["shipped", "bilingual"])
def test_every_entry_of_a_real_sites_store_comes_back_equal_and_of_the_same_types(site: str, tmp_path: Path) -> None:
    """Every kind of value the memo keeps (records, validation, media, views, open data lines,
    list items, pages, settings, Markdown HTML) from the shipped site and the bilingual example."""
    root = _real_site(site, tmp_path)
    cache = DiskCache.load(root)
    pipeline.build(root, tmp_path / "out", FIXTURE_AS_OF, cache=cache)
    loaded = disk.load_store(root)
    assert loaded is not None
    built = {name: {key: cache.memory.persisted(name, key, value) for key, value in space.items()}
             for name, space in cache.store.spaces().items()}
    kept = {name: {key: value for key, value in space.items() if value is not None} for name, space in built.items()}
    kept = {name: space for name, space in kept.items() if space}
    assert {"records", "media", "view", "data", "piece", "page", "settings", "html"} <= set(kept)
    assert {name for name, space in loaded.spaces().items() if space} == set(kept)
    for name, space in kept.items():
        same(space, dict(loaded.space(name)), name)


def _real_site(site: str, tmp_path: Path) -> Path:
    return copy_real_site(site, tmp_path / "site-src")


class _Counting(DiskCache):
    """Keeps the statistics of its builds."""

    last: CacheStats

    def finish_build(self, sweep: bool = True) -> CacheStats:
        self.last = super().finish_build(sweep)
        return self.last


@pytest.mark.parametrize("site", ["shipped", "bilingual"])
def test_the_saved_store_of_a_real_site_is_used_by_the_next_build(site: str, tmp_path: Path) -> None:
    root = _real_site(site, tmp_path)
    first = _Counting(root, disk.load_store(root))
    files = pipeline.build(root, tmp_path / "first", FIXTURE_AS_OF, cache=first).files
    assert first.last.pages_rendered and first.last.views_made
    second = _Counting(root, disk.load_store(root))
    assert second.store.fresh is False
    assert pipeline.build(root, tmp_path / "second", FIXTURE_AS_OF, cache=second).files == files
    assert second.last.records_parsed == [] and second.last.views_made == [] and second.last.pages_rendered == []
    assert second.last.pages_reused == len(first.last.pages_rendered)
