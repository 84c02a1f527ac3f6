"""The preview server's pure rules: which file a request names, who may connect, what is injected."""

from __future__ import annotations

import pytest

from projcat.preview.serving import (
    CLIENT_PATH,
    Refused,
    allowed_hosts,
    host_allowed,
    inject,
    only_fingerprints_differ,
    origin_allowed,
    page_of,
    site_path,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("/", "index.html"),
        ("/hankkeet/alfa/", "hankkeet/alfa/index.html"),
        ("/assets/style.css", "assets/style.css"),
        ("/tiedostot/raportti%20uusi.pdf", "tiedostot/raportti uusi.pdf"),
        ("/hankkeet/alfa", "hankkeet/alfa"),
    ],
)
def test_a_request_path_names_a_file_of_the_served_folder(raw: str, expected: str) -> None:
    assert site_path(raw, "/") == expected


@pytest.mark.parametrize(
    "raw",
    [
        "/../site.yaml", "/%2e%2e/site.yaml", "/%2E%2e/site.yaml", "/..%2fsite.yaml", "/a%2Fb",
        "/..%5csite.yaml", "/..\\site.yaml", "/./index.html", "/%2e/index.html", "/a//b", "/a%00.html",
        "/hankkeet/../../site.yaml", "relative",
    ],
)
def test_paths_that_would_leave_or_need_normalising_are_refused(raw: str) -> None:
    with pytest.raises(Refused):
        site_path(raw, "/")


def test_the_base_path_is_part_of_every_address() -> None:
    assert site_path("/hankkeet/", "/hankkeet/") == "index.html"
    assert site_path("/hankkeet/teemat/x/", "/hankkeet/") == "teemat/x/index.html"
    assert site_path("/", "/hankkeet/") is None
    assert site_path("/muu/", "/hankkeet/") is None
    assert page_of("http://127.0.0.1:8000/hankkeet/hankkeet/a/?x=1#y", "/hankkeet/") == "hankkeet/a/index.html"
    assert page_of("http://127.0.0.1:8000/../x", "/") is None


def test_only_the_servers_own_origin_may_connect() -> None:
    allowed = allowed_hosts("127.0.0.1", 8000)
    assert origin_allowed("http://127.0.0.1:8000", "127.0.0.1:8000", allowed)
    assert origin_allowed("http://localhost:8000", "localhost:8000", allowed)
    assert not origin_allowed("http://localhost:8000", "127.0.0.1:8000", allowed)
    assert not origin_allowed("http://evil.example", "127.0.0.1:8000", allowed)
    assert not origin_allowed("http://evil.example:8000", "evil.example:8000", allowed)
    assert not origin_allowed("null", "127.0.0.1:8000", allowed)
    assert not origin_allowed(None, "127.0.0.1:8000", allowed)
    assert not host_allowed("127.0.0.1:8001", allowed)
    # Bound to every address, any host name the machine is reached by is its own.
    assert host_allowed("192.0.2.5:8000", allowed_hosts("0.0.0.0", 8000))
    assert origin_allowed("http://192.0.2.5:8000", "192.0.2.5:8000", allowed_hosts("0.0.0.0", 8000))
    assert host_allowed("[::1]:8000", allowed_hosts("::1", 8000))


def test_the_reload_script_goes_before_the_end_of_head_and_carries_the_build_token() -> None:
    page = b"<!DOCTYPE html><html><head><title>x</title></HEAD><body></head></body></html>"
    served = inject(page, "abc.7")
    head, _, rest = served.partition(b"</HEAD>")
    assert CLIENT_PATH.encode() in head and b'"abc.7"' in head
    assert CLIENT_PATH.encode() not in rest
    added = served[len(b"<!DOCTYPE html><html><head><title>x</title>"):served.index(b"</HEAD>")]
    assert served.replace(added, b"") == page
    assert inject(b"<p>no head</p>", "t").startswith(b"<p>no head</p><script ")


def test_a_page_that_differs_only_in_an_asset_fingerprint_is_a_style_change() -> None:
    old = b'<link href="/assets/style.css?v=0123456789"><h1>A</h1>'
    assert only_fingerprints_differ(old, old.replace(b"0123456789", b"abcdefabcd"))
    assert not only_fingerprints_differ(old, old.replace(b"<h1>A", b"<h1>B").replace(b"0123456789", b"abcdefabcd"))
