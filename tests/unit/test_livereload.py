"""The preview's request routing, content types, injected script and error overlay."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from site_gen.livereload import (
    BuildState,
    Redirect,
    content_type,
    decorate,
    error_overlay,
    locate,
    route,
    site_parts,
    websocket_accept,
    websocket_frame,
)


@pytest.fixture
def out(tmp_path: Path) -> Path:
    site = tmp_path / "_site"
    (site / "papers" / "a").mkdir(parents=True)
    (site / "index.html").write_text("<html><body>home</body></html>")
    (site / "papers" / "a" / "index.html").write_text("<html><body>a</body></html>")
    (site / "feed.xml").write_text("<feed/>")
    (tmp_path / "secret.txt").write_text("secret")
    return site


@pytest.mark.parametrize(
    "path, base, expected",
    [
        ("/", "/", ()),
        ("/papers/a/", "/", ("papers", "a")),
        ("/cat/papers/a/", "/cat/", ("papers", "a")),
        ("/cat/caf%C3%A9.html", "/cat/", ("café.html",)),
        ("/", "/cat/", Redirect("/cat/")),
        ("/cat", "/cat/", Redirect("/cat/")),
        ("/other/", "/cat/", None),
        ("/catalogue/", "/cat/", None),
        ("/caf%C3%A9/papers/a/", "/café/", ("papers", "a")),  # as a browser sends a base of its own
        ("/a%7Bb%7D%60/x.html", "/a{b}`/", ("x.html",)),
        ("/a{b}`/x.html", "/a{b}`/", ("x.html",)),
        ("/", "/文献/", Redirect("/%E6%96%87%E7%8C%AE/")),  # a Location header holds ASCII only
        ("/caf%C3%A9", "/café/", Redirect("/caf%C3%A9/")),
        ("/caf%C3%A9%2f..%2f", "/café/", None),
    ],
)
def test_paths_under_the_base(path: str, base: str, expected: object) -> None:
    assert site_parts(path, base) == expected


@pytest.mark.parametrize(
    "path",
    [
        "/../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/%2E%2E/etc/passwd",
        "/..%2f..%2fetc/passwd",
        "/..%2F..%2Fetc%2Fpasswd",
        "//etc/passwd",
        "/papers//a/",
        "/..\\..\\etc\\passwd",
        "/%5c..%5cetc",
        "/a%00.html",
        "/./index.html",
        "/%ff%fe",
        "/papers/%2e%2e/%2e%2e/x",
    ],
)
def test_escapes_are_refused(path: str) -> None:
    assert site_parts(path, "/") is None


def test_route_serves_files_and_folders(out: Path) -> None:
    assert route("/", "/", out) == (out / "index.html").resolve()
    assert route("/papers/a/?q=x#top", "/", out) == (out / "papers/a/index.html").resolve()
    assert route("/feed.xml", "/", out) == (out / "feed.xml").resolve()
    assert route("/papers/a", "/", out) == Redirect("/papers/a/")
    assert route("/cat/papers/a?q=1", "/cat/", out) == Redirect("/cat/papers/a/?q=1")
    assert route("/?q=1", "/cat/", out) == Redirect("/cat/?q=1")
    assert route("/caf%C3%A9/papers/a?q=1", "/café/", out) == Redirect("/caf%C3%A9/papers/a/?q=1")
    assert route("/missing/", "/", out) is None
    assert route("/feed.xml/", "/", out) is None


def test_symlinks_out_of_the_folder_are_not_followed(out: Path) -> None:
    os.symlink(out.parent / "secret.txt", out / "leak.txt")
    os.symlink(out.parent, out / "up")
    os.symlink(out / "feed.xml", out / "inside.xml")
    assert route("/leak.txt", "/", out) is None
    assert route("/up/secret.txt", "/", out) is None
    assert locate(out, ("up",), True) is None
    assert route("/inside.xml", "/", out) == (out / "feed.xml").resolve()


def test_an_index_that_links_outside_is_refused(out: Path) -> None:
    (out / "trap").mkdir()
    os.symlink(out.parent / "secret.txt", out / "trap" / "index.html")
    assert route("/trap/", "/", out) is None


def test_a_missing_output_folder_finds_nothing(tmp_path: Path) -> None:
    assert route("/", "/", tmp_path / "nothing") is None


@pytest.mark.parametrize(
    "name, expected",
    [
        ("index.html", "text/html; charset=utf-8"),
        ("site.css", "text/css; charset=utf-8"),
        ("search.js", "text/javascript; charset=utf-8"),
        ("lunr-index.json", "application/json"),
        ("feed.xml", "application/xml; charset=utf-8"),
        ("logo.svg", "image/svg+xml"),
        ("font.woff2", "font/woff2"),
        ("robots.txt", "text/plain; charset=utf-8"),
        (".nojekyll", "application/octet-stream"),
        ("PHOTO.PNG", "image/png"),
    ],
)
def test_content_types(name: str, expected: str) -> None:
    assert content_type(name) == expected


def test_the_reload_script_goes_before_the_last_body_end() -> None:
    page = b"<html><body><pre></body></pre></BODY></html>"
    served = decorate(page, "abc-3", ())
    assert served.startswith(b"<html><body><pre></body></pre><script")
    assert served.endswith(b"</script></BODY></html>")
    assert b'"/__livereload?token=abc-3"' in served
    assert b"site-gen-build-error" not in served


def test_a_page_without_body_gets_the_script_at_the_end() -> None:
    assert decorate(b"<p>hi", "t-1", ()).startswith(b"<p>hi<script")


def test_the_overlay_lists_every_problem_escaped() -> None:
    errors = [
        "content/papers/a.md:3: unknown key 'titel' (did you mean 'title'?)",
        "themes/default/templates/base.html:7: template error: <script>alert(1)</script>",
    ]
    overlay = error_overlay(errors)
    assert "Build failed: 2 problems" in overlay
    assert "content/papers/a.md:3: unknown key &#x27;titel&#x27;" in overlay
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in overlay
    assert "<script>alert" not in overlay
    served = decorate(b"<body>page</body>", "t-2", errors)
    assert served.index(b"site-gen-build-error") < served.index(b"data-site-gen-livereload")


def test_build_state_epochs_and_waiting() -> None:
    state = BuildState()
    first = state.token
    assert not state.wait_change(first, 0.01)
    state.begin()
    assert state.building
    state.finish(["x.md:1: bad"])
    assert state.wait_change(first, 0.01)
    token, errors = state.settled(0.01)
    assert token != first and errors == ("x.md:1: bad",)
    state.close()
    assert not state.wait_change(first, 0.01)
    assert BuildState().token != BuildState().token  # a restarted server reloads old tabs


def test_the_websocket_handshake_answers_as_rfc_6455_says() -> None:
    assert websocket_accept("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
    assert websocket_frame(0x1, b"reload") == b"\x81\x06reload"
