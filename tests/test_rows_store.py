"""The build cache's SQLite store: one row per entry, never trusted when it cannot be."""

from __future__ import annotations

from pathlib import Path

from projcat.build.rows import SqliteStore


def _filled(path: Path, code: str = "code-a") -> None:
    store = SqliteStore(path, code)
    store.space("records")["a.md"] = {"title": "A"}
    store.space("html")[("## Otsikko", 3)] = "<h3>Otsikko</h3>"
    store.commit()
    store.close()


def test_entries_written_at_commit_are_read_back_by_key(tmp_path: Path) -> None:
    path = tmp_path / "build.sqlite"
    _filled(path)
    store = SqliteStore(path, "code-a")
    assert store.space("records")["a.md"] == {"title": "A"}
    assert store.space("html")[("## Otsikko", 3)] == "<h3>Otsikko</h3>"
    assert "b.md" not in store.space("records")
    assert store.rows_read == {"records": 1, "html": 1}


def test_entries_not_committed_are_not_kept(tmp_path: Path) -> None:
    path = tmp_path / "build.sqlite"
    _filled(path)
    store = SqliteStore(path, "code-a")
    store.space("records")["b.md"] = {"title": "B"}
    store.close()  # a build killed before it finished
    assert "b.md" not in SqliteStore(path, "code-a").space("records")


def test_a_cache_from_other_code_is_set_aside(tmp_path: Path) -> None:
    path = tmp_path / "build.sqlite"
    _filled(path, "code-a")
    store = SqliteStore(path, "code-b")
    assert "a.md" not in store.space("records")
    assert (tmp_path / "build.sqlite.unusable").is_file()
    store.space("records")["c.md"] = 3
    store.commit()
    assert SqliteStore(path, "code-b").space("records")["c.md"] == 3


def test_a_corrupted_file_is_set_aside_and_a_new_one_started(tmp_path: Path) -> None:
    path = tmp_path / "build.sqlite"
    _filled(path)
    data = path.read_bytes()
    path.write_bytes(b"garbage" + data[7:len(data) // 2])
    store = SqliteStore(path, "code-a")
    assert "a.md" not in store.space("records")
    store.space("records")["a.md"] = 1
    store.commit()
    assert SqliteStore(path, "code-a").space("records")["a.md"] == 1


def test_retain_drops_the_rows_not_named_without_reading_them(tmp_path: Path) -> None:
    path = tmp_path / "build.sqlite"
    store = SqliteStore(path, "code-a")
    for name in ("a", "b", "c"):
        store.space("pages")[name] = name.encode()
    store.commit()
    store.close()
    store = SqliteStore(path, "code-a")
    assert store.space("pages").retain({"a"}) == 2
    store.commit()
    assert store.rows_read == {}
    assert sorted(SqliteStore(path, "code-a").space("pages")) == ["a"]
