"""Pagefind's filter indexes, written in one order whatever order Pagefind chose.

Pagefind (1.5) writes each filter's values, and the list of filters in a
language's `pf_meta` file, in its hash maps' order, which differs from run
to run; the files are named by a hash of their bytes. Unchanged pages would
then give a differently named index every build, and a daily rebuild, which
must change nothing, would rewrite it. So after Pagefind has run, each
filter file's values are sorted, the file is named by its new bytes, and
the `pf_meta` file that names the filters, and the entry file that names
that, follow.

The files are gzip of a signature and one CBOR value; the small CBOR
reader and writer below cover what Pagefind writes (integers, byte and
text strings, arrays and maps).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from typing import Any

SIGNATURE = b"pagefind_dcd"
_FILTER = re.compile(r"^(?P<dir>.*/)?filter/(?P<name>(?P<lang>[^/_]+)_[0-9a-f]+)\.pf_filter$")
_META = re.compile(r"^(?P<dir>.*/)?pagefind\.(?P<name>(?P<lang>[^/_]+)_[0-9a-f]+)\.pf_meta$")
_ENTRY = "pagefind-entry.json"


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.at = 0

    def _length(self, info: int) -> int:
        if info < 24:
            return info
        size = 1 << (info - 24)
        value = int.from_bytes(self.data[self.at:self.at + size], "big")
        self.at += size
        return value

    def value(self) -> Any:
        head = self.data[self.at]
        self.at += 1
        major, info = head >> 5, head & 0x1F
        if major > 5 or info > 27:
            raise ValueError(f"unexpected CBOR item {head:#x}")
        length = self._length(info)
        if major == 0:
            return length
        if major == 1:
            return -1 - length
        if major in (2, 3):
            raw = self.data[self.at:self.at + length]
            self.at += length
            return raw if major == 2 else raw.decode("utf-8")
        if major == 4:
            return [self.value() for _ in range(length)]
        return {self.value(): self.value() for _ in range(length)}


def _head(major: int, length: int) -> bytes:
    if length < 24:
        return bytes([major << 5 | length])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if length < 1 << (8 * size):
            return bytes([major << 5 | info]) + length.to_bytes(size, "big")
    raise ValueError("CBOR length too large")


def _write(value: Any) -> bytes:
    if isinstance(value, bool) or value is None:
        raise ValueError("unexpected CBOR simple value")
    if isinstance(value, int):
        return _head(0, value) if value >= 0 else _head(1, -1 - value)
    if isinstance(value, bytes):
        return _head(2, len(value)) + value
    if isinstance(value, str):
        raw = value.encode("utf-8")
        return _head(3, len(raw)) + raw
    if isinstance(value, list):
        return _head(4, len(value)) + b"".join(_write(item) for item in value)
    if isinstance(value, dict):
        return _head(5, len(value)) + b"".join(_write(k) + _write(v) for k, v in value.items())
    raise ValueError(f"unexpected value {type(value).__name__}")


def _load(data: bytes) -> Any:
    raw = gzip.decompress(data)
    if not raw.startswith(SIGNATURE):
        raise ValueError("not a Pagefind data file")
    return _Reader(raw[len(SIGNATURE):]).value()


def _dump(value: Any) -> bytes:
    return gzip.compress(SIGNATURE + _write(value), mtime=0)


def _named(lang: str, data: bytes, digits: int) -> str:
    return f"{lang}_{hashlib.sha256(data).hexdigest()[:digits]}"


def stable_bundle(files: dict[str, bytes]) -> dict[str, bytes]:
    """The bundle `files` (path -> bytes) with its filter indexes in sorted order and named to match.

    A bundle whose files are not as expected is returned as it is: the order is
    a nicety for rebuilds, never a reason for a build to fail."""
    try:
        return _stable(files)
    except (ValueError, KeyError, IndexError, TypeError, OSError, EOFError):
        return files


def _stable(files: dict[str, bytes]) -> dict[str, bytes]:
    out = dict(files)
    renamed: dict[str, str] = {}
    for path, data in files.items():
        found = _FILTER.match(path)
        if found is None:
            continue
        name, values = _load(data)
        packed = _dump([name, sorted(values, key=lambda item: item[0])])
        new = _named(found["lang"], packed, len(found["name"]) - len(found["lang"]) - 1)
        del out[path]
        out[f"{found['dir'] or ''}filter/{new}.pf_filter"] = packed
        renamed[found["name"]] = new
    if not renamed:
        return files
    metas: dict[str, str] = {}
    for path, data in files.items():
        found = _META.match(path)
        if found is None:
            continue
        meta = _load(data)
        # The list of [filter name, file name] pairs: the one whose names were all renamed.
        for index, part in enumerate(meta):
            if isinstance(part, list) and part and all(
                    isinstance(pair, list) and len(pair) == 2 and pair[1] in renamed for pair in part):
                meta[index] = sorted([[pair[0], renamed[pair[1]]] for pair in part])
        packed = _dump(meta)
        new = _named(found["lang"], packed, len(found["name"]) - len(found["lang"]) - 1)
        del out[path]
        out[f"{found['dir'] or ''}pagefind.{new}.pf_meta"] = packed
        metas[found["name"]] = new
    for path, data in files.items():
        if path == _ENTRY or path.endswith("/" + _ENTRY):
            entry = json.loads(data)
            for language in entry["languages"].values():
                language["hash"] = metas.get(language["hash"], language["hash"])
            # As Pagefind writes it: compact, in its own key order.
            out[path] = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return dict(sorted(out.items()))
