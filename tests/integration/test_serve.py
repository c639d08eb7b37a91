"""The preview server on a free port: pages, reload, errors shown and recovered, no escapes."""

from __future__ import annotations

import base64
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from site_gen import config as config_mod
from site_gen.livereload import websocket_accept
from site_gen.serve import Preview, terminate_as_interrupt
from tests.conftest import paper_text
from tests.sitecheck import links_of

BASE = "/cat/"
Response = tuple[int, dict[str, str], bytes]


def fetch(port: int, path: str, method: str = "GET", host: str | None = None) -> Response:
    """One request with the path sent exactly as given (http.client does not normalise it);
    ``host``: the name it gives the server (``Host``), as a browser does from the URL it opened."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, path, headers={} if host is None else {"Host": host})
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def raw_request(port: int, target: bytes) -> Response:
    """A request line written byte for byte on a socket."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(b"GET " + target + b" HTTP/1.0\r\nHost: localhost\r\n\r\n")
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    return status, {}, body


def eventually(check: Callable[[], bool], timeout: float = 8.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return check()


@pytest.fixture
def preview(site_root: Path) -> Iterator[Preview]:
    (site_root / "overrides" / "templates").mkdir(parents=True)
    with (site_root / "site.yaml").open("a") as fh:
        fh.write("theme_dir: overrides\n")
    running = Preview(
        config_mod.load(site_root, {"base_url": BASE}), site_root / "_site", "127.0.0.1", 0
    )
    running.start()
    running.serve_in_background()
    yield running
    running.close()


def port_of(preview: Preview) -> int:
    return int(preview.server.server_address[1])


def page(preview: Preview, path: str) -> str:
    return fetch(port_of(preview), BASE + path)[2].decode("utf-8")


def test_pages_are_served_under_the_base_with_their_types(preview: Preview) -> None:
    port = port_of(preview)
    assert preview.url == f"http://127.0.0.1:{port}{BASE}"
    status, headers, _ = fetch(port, "/")
    assert (status, headers["location"]) == (302, BASE)
    assert fetch(port, "/cat")[1]["location"] == BASE
    assert fetch(port, "/cat/papers/first-paper")[1]["location"] == "/cat/papers/first-paper/"
    expected = {
        "": "text/html; charset=utf-8",
        "papers/first-paper/": "text/html; charset=utf-8",
        "feed.xml": "application/xml; charset=utf-8",
        "sitemap.xml": "application/xml; charset=utf-8",
        "search/lunr-index.json": "application/json",
        "search/documents.json": "application/json",
        "robots.txt": "text/plain; charset=utf-8",
        "assets/css/site.css": "text/css; charset=utf-8",
        "assets/js/lunr.min.js": "text/javascript; charset=utf-8",
    }
    for path, ctype in expected.items():
        status, headers, body = fetch(port, BASE + path)
        assert (status, headers["content-type"]) == (200, ctype), path
        assert int(headers["content-length"]) == len(body)
    assert "First paper on speech" in page(preview, "papers/first-paper/")
    status, headers, body = fetch(port, BASE + "no/such/page/")
    assert status == 404 and headers["content-type"].startswith("text/html")
    assert body == fetch(port, BASE + "no/such/page/")[2]  # the site's own 404.html
    assert fetch(port, "/elsewhere/")[0] == 404
    status, headers, body = fetch(port, BASE, method="HEAD")
    assert status == 200 and body == b"" and int(headers["content-length"]) > 0


def test_every_link_of_the_served_site_answers(preview: Preview) -> None:
    """Crawl from the base path as a browser would: no link leaves it or fails."""
    port, seen, queue = port_of(preview), set(), [BASE]
    while queue:
        url = queue.pop()
        status, headers, body = fetch(port, url)
        assert status == 200, f"{url}: {status}"
        if not headers["content-type"].startswith("text/html"):
            continue
        for link in links_of(body.decode("utf-8")):
            parts = urlsplit(urljoin(url, link))
            if parts.scheme or parts.netloc or parts.path in seen:
                continue
            assert parts.path.startswith(BASE), f"{url} links outside the base path: {link}"
            seen.add(parts.path)
            queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    assert len(seen) > 15


def test_the_reload_script_is_in_served_html_only(preview: Preview) -> None:
    assert "/__livereload?token=" in page(preview, "")
    assert "/__livereload?token=" in page(preview, "papers/first-paper/")
    assert "__livereload" not in page(preview, "feed.xml")
    site = preview.out
    assert (site / "index.html").is_file()
    for path in site.rglob("*"):
        if path.is_file():
            assert b"__livereload" not in path.read_bytes(), path


def test_an_edited_paper_is_served_and_open_pages_are_told(
    preview: Preview, site_root: Path
) -> None:
    port = port_of(preview)
    token = re.search(r"token=([\w-]+)", page(preview, "")).group(1)  # type: ignore[union-attr]
    events = Events(port, token)
    paper = site_root / "content" / "papers" / "first-paper.md"
    started = time.monotonic()
    paper.write_text(paper.read_text().replace("First paper on speech", "Revised speech paper"))
    assert eventually(lambda: "Revised speech paper" in page(preview, "papers/first-paper/"), 5)
    events.wait_reload(5)
    assert time.monotonic() - started < 5
    assert (
        "Revised speech paper"
        in (preview.out / "papers" / "first-paper" / "index.html").read_text()
    )


def test_a_broken_edit_shows_the_errors_and_a_fix_recovers(
    preview: Preview, site_root: Path
) -> None:
    paper = site_root / "content" / "papers" / "second-paper.md"
    good = paper.read_text()
    before = (preview.out / "papers" / "second-paper" / "index.html").read_bytes()
    paper.write_text(
        good.replace('title: "Second paper"', 'title: "Second paper"\ntitel: oops\ndate: [2025')
    )
    assert eventually(lambda: "site-gen-build-error" in page(preview, "papers/second-paper/"))
    shown = page(preview, "papers/second-paper/")
    assert re.search(r"<li>content/papers/second-paper\.md:\d+: [^<]+</li>", shown), shown
    assert "Second paper" in shown  # over the last good page
    assert (preview.out / "papers" / "second-paper" / "index.html").read_bytes() == before
    assert fetch(port_of(preview), BASE + "feed.xml")[0] == 200
    paper.write_text(good.replace("Mixture of experts.", "Mixture of experts, fixed."))
    assert eventually(lambda: "fixed." in page(preview, "papers/second-paper/"))
    assert "site-gen-build-error" not in page(preview, "papers/second-paper/")


def test_a_template_error_names_the_template_line(preview: Preview, site_root: Path) -> None:
    override = site_root / "overrides" / "templates" / "paper.html"
    override.write_text(
        '{% extends "theme/paper.html" %}\n{% block content %}\n{{ paper.title | nosuchfilter }}\n'
        "{% endblock %}\n"
    )
    assert eventually(lambda: "site-gen-build-error" in page(preview, ""))
    assert re.search(r"overrides/templates/paper\.html:3: template error", page(preview, ""))
    override.unlink()
    assert eventually(lambda: "site-gen-build-error" not in page(preview, ""))


def test_a_theme_folder_made_or_replaced_while_serving_is_followed(preview: Preview, site_root: Path) -> None:
    later = site_root / "later"
    config = site_root / "site.yaml"
    config.write_text(config.read_text().replace("theme_dir: overrides", "theme_dir: later"))
    assert eventually(lambda: "theme_dir" in page(preview, ""))  # is not a folder: create it
    for text in ("made after the start", "edited after that"):
        (later / "templates" / "partials").mkdir(parents=True, exist_ok=True)
        (later / "templates" / "partials" / "site_footer.html").write_text(f"<footer>{text}</footer>")
        assert eventually(lambda: text in page(preview, ""), 5), text  # noqa: B023
    shutil.rmtree(later)  # as a checkout of another branch may do
    assert eventually(lambda: "theme_dir&#x27; is not a folder" in page(preview, ""), 5)  # as a build says
    (later / "templates" / "partials").mkdir(parents=True)
    (later / "templates" / "partials" / "site_footer.html").write_text("<footer>made again</footer>")
    assert eventually(lambda: "made again" in page(preview, ""), 5)
    (later / "templates" / "partials" / "site_footer.html").write_text("<footer>and edited</footer>")
    assert eventually(lambda: "and edited" in page(preview, ""), 5)


def test_a_broken_theme_yaml_fixed_while_serving_is_seen(preview: Preview, site_root: Path) -> None:
    mine = site_root / "themes" / "mine"
    (mine / "templates" / "partials").mkdir(parents=True)
    (mine / "templates" / "partials" / "site_footer.html").write_text("<footer>my own theme</footer>")
    meta = mine / "theme.yaml"
    meta.write_text("extends: default\n")
    config = site_root / "site.yaml"
    config.write_text(config.read_text() + "theme: mine\n")
    assert eventually(lambda: "my own theme" in page(preview, ""), 5)
    meta.write_text("extends: [default\n")
    assert eventually(lambda: "themes/mine/theme.yaml:" in page(preview, ""), 5)
    meta.write_text("extends: default\n")
    assert eventually(lambda: "site-gen-build-error" not in page(preview, ""), 5)
    assert "my own theme" in page(preview, "")


def test_the_content_folder_replaced_while_serving_is_still_watched(preview: Preview, site_root: Path) -> None:
    content = site_root / "content"
    shutil.copytree(content, site_root / "content-copy")
    shutil.rmtree(content)  # as a checkout of another branch, or a restore from a backup, may do
    assert eventually(lambda: "papers/first-paper/" not in page(preview, ""))
    (site_root / "content-copy").rename(content)
    assert eventually(lambda: "papers/first-paper/" in page(preview, ""))
    paper = content / "papers" / "second-paper.md"
    paper.write_text(paper.read_text().replace("Second paper", "Edited in the new folder"))
    assert eventually(lambda: "Edited in the new folder" in page(preview, "papers/second-paper/"), 5)


def test_a_content_dir_removed_while_serving_fails_as_a_build_does(preview: Preview, site_root: Path) -> None:
    """site.yaml names the folder: a build refuses to replace the site with an empty one."""
    shutil.move(site_root / "content", site_root / "papers-src")
    config = site_root / "site.yaml"
    config.write_text(config.read_text().replace("Test catalogue", "Moved catalogue") + "content_dir: papers-src\n")
    assert eventually(lambda: "Moved catalogue" in page(preview, ""))
    assert "site-gen-build-error" not in page(preview, "") and "papers/first-paper/" in page(preview, "")
    shutil.move(site_root / "papers-src", site_root / "elsewhere")
    assert eventually(lambda: "content_dir&#x27; is not a folder" in page(preview, ""), 5)
    assert (preview.out / "papers" / "first-paper" / "index.html").is_file()
    assert "papers/first-paper/" in page(preview, "")
    shutil.move(site_root / "elsewhere", site_root / "papers-src")
    assert eventually(lambda: "site-gen-build-error" not in page(preview, ""), 5)
    assert "papers/first-paper/" in page(preview, "")


def test_a_config_edit_rebuilds_with_the_same_base(preview: Preview, site_root: Path) -> None:
    config = site_root / "site.yaml"
    good = config.read_text().replace("Test catalogue", "Renamed catalogue")
    config.write_text(good)
    assert eventually(lambda: "Renamed catalogue" in page(preview, ""))
    config.write_text(good + "page_sise: 3\n")
    assert eventually(lambda: re.search(r"site\.yaml:\d+: [^<]*page_sise", page(preview, "")))
    paper = site_root / "content" / "papers" / "first-paper.md"
    paper.write_text(paper.read_text().replace("First paper", "Edited paper"))
    assert eventually(lambda: "Edited paper" in page(preview, "papers/first-paper/"), 2) is False
    assert "page_sise" in page(preview, "")  # still broken: site.yaml is read again every time
    config.write_text(good)
    assert eventually(lambda: "Edited paper" in page(preview, "papers/first-paper/"))
    assert "site-gen-build-error" not in page(preview, "")


def test_requests_during_rebuilds_see_whole_pages(preview: Preview, site_root: Path) -> None:
    port, seen, stop = port_of(preview), [], threading.Event()

    def hammer() -> None:
        while not stop.is_set():
            status, _, body = fetch(port, BASE + "tags/speech/")
            seen.append((status, body.rstrip().endswith(b"</html>")))

    threads = [threading.Thread(target=hammer) for _ in range(4)]
    for thread in threads:
        thread.start()
    paper = site_root / "content" / "papers" / "third-paper.md"
    try:
        for i in range(5):
            paper.write_text(
                paper_text(f"Third paper, take {i}", "Both.", date="2024-12", tags="[speech, moe]")
            )
            assert eventually(lambda i=i: f"take {i}" in page(preview, "tags/speech/"))
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert len(seen) > 20 and set(seen) == {(200, True)}


@pytest.mark.parametrize(
    "target",
    [
        b"/../../etc/passwd",
        b"/%2e%2e/%2e%2e/etc/passwd",
        b"/..%2f..%2fetc/passwd",
        b"//etc/passwd",
        b"/cat/../../etc/passwd",
        b"/cat/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        b"/cat/..%2f..%2f..%2fetc/passwd",
        b"/cat//etc/passwd",
        b"/cat/%2fetc%2fpasswd",
        b"/cat/..\\..\\etc\\passwd",
        b"/cat/%00",
        b"/etc/passwd",
        b"/cat/etc/passwd",
        b"http://127.0.0.1/etc/passwd",
        b"/cat/%2E%2E/site.yaml",
    ],
)
def test_traversal_gets_404(preview: Preview, target: bytes) -> None:
    status, _, body = raw_request(port_of(preview), target)
    assert status == 404
    assert b"root:" not in body and b"Test catalogue\ntheme_dir" not in body


def test_a_symlink_out_of_the_site_gets_404(preview: Preview, site_root: Path) -> None:
    (site_root / "secret.txt").write_text("top secret")
    os.symlink(site_root / "secret.txt", preview.out / "leak.txt")
    os.symlink(site_root, preview.out / "up")
    for target in (b"/cat/leak.txt", b"/cat/up/secret.txt", b"/cat/up/site.yaml"):
        status, _, body = raw_request(port_of(preview), target)
        assert status == 404 and b"top secret" not in body


class Events:
    """A tab's WebSocket, opened with the token of the page it shows."""

    def __init__(self, port: int, token: str) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        key = base64.b64encode(os.urandom(16)).decode("ascii")
        self.sock.sendall(
            f"GET /__livereload?token={token} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n".encode("ascii")
        )
        self.stream = self.sock.makefile("rb")
        assert self.stream.readline().startswith(b"HTTP/1.1 101 ")
        headers = dict(iter(lambda: self.stream.readline().rstrip(b"\r\n").partition(b": ")[::2], (b"", b"")))
        assert headers[b"Sec-WebSocket-Accept"].decode() == websocket_accept(key)

    def wait_reload(self, timeout: float) -> None:
        self.sock.settimeout(timeout)
        try:
            while True:
                head = self.stream.read(2)
                assert len(head) == 2, "the WebSocket closed without a reload"
                opcode, payload = head[0] & 0x0F, self.stream.read(head[1] & 0x7F)
                if opcode == 0x1:
                    assert payload == b"reload"
                    return
        except TimeoutError:
            raise AssertionError(f"no reload within {timeout}s") from None
        finally:
            self.sock.close()


def test_a_tab_of_an_older_site_reloads_at_once(preview: Preview) -> None:
    Events(port_of(preview), "old-server-1").wait_reload(2)


def test_the_reload_address_answers_only_websockets(preview: Preview) -> None:
    status, headers, _ = fetch(port_of(preview), "/__livereload?token=x")
    assert status == 400 and headers["content-type"] == "text/plain; charset=utf-8"


@pytest.mark.parametrize("host", ["localhost", "LOCALHOST:{port}", "127.0.0.1:{port}", "127.1.2.3",
                                  "[::1]:{port}", "catalogue.localhost:{port}", "localhost.:{port}"])
def test_a_preview_on_loopback_answers_at_its_loopback_names(preview: Preview, host: str) -> None:
    port = port_of(preview)
    assert fetch(port, BASE, host=host.format(port=port))[0] == 200


@pytest.mark.parametrize("host", ["evil.example", "evil.example:{port}", "127.0.0.1.evil.example",
                                  "localhost.evil.example:{port}", "192.168.1.20:{port}", ""])
def test_a_preview_on_loopback_refuses_other_names(preview: Preview, host: str) -> None:
    """DNS rebinding: a page of evil.example whose name now resolves to 127.0.0.1 would read the
    preview, and open its reload socket, as its own site."""
    port = port_of(preview)
    status, _, body = fetch(port, BASE, host=host.format(port=port))
    assert status == 403 and b"localhost" in body
    assert fetch(port, "/__livereload?token=x", host=host.format(port=port))[0] == 403
    assert handshake(port, Host=host.format(port=port), Origin=f"http://{host.format(port=port)}")[0] == 403


def test_a_preview_on_every_address_answers_any_name(site_root: Path) -> None:
    running = Preview(config_mod.load(site_root), site_root / "_site", "0.0.0.0", 0)
    running.start()
    running.serve_in_background()
    try:
        assert fetch(port_of(running), "/", host="my-laptop.lan:8000")[0] == 200
    finally:
        running.close()


def handshake(port: int, **headers: str) -> tuple[int, dict[str, str]]:
    """A WebSocket handshake with the headers of a browser's, each changed or left out (None) as given."""
    sent = {"Host": f"127.0.0.1:{port}", "Upgrade": "websocket", "Connection": "Upgrade",
            "Sec-WebSocket-Key": base64.b64encode(os.urandom(16)).decode("ascii"), "Sec-WebSocket-Version": "13",
            "Origin": f"http://127.0.0.1:{port}"}
    sent.update({k.replace("_", "-"): v for k, v in headers.items()})
    lines = "".join(f"{k}: {v}\r\n" for k, v in sent.items() if v is not None)
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(f"GET /__livereload?token=x HTTP/1.1\r\n{lines}\r\n".encode("latin-1"))
        head = sock.makefile("rb").read(4096).partition(b"\r\n\r\n")[0].decode("latin-1").split("\r\n")
    fields = {k.lower(): v for k, _, v in (line.partition(": ") for line in head[1:])}
    return int(head[0].split()[1]), fields


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 101),
        ({"Origin": None}, 101),  # not a browser
        ({"Origin": "http://localhost:1", "Host": "localhost:8000"}, 101),  # a proxy in front changed the port
        ({"Origin": "http://evil.example"}, 403),
        ({"Origin": "https://127.0.0.1.evil.example"}, 403),
        ({"Origin": "null"}, 403),
        ({"Sec-WebSocket-Key": "\xff\xfe\xfd"}, 400),
        ({"Sec-WebSocket-Key": "not base64!"}, 400),
        ({"Sec-WebSocket-Key": base64.b64encode(b"too short").decode()}, 400),
        ({"Sec-WebSocket-Key": None}, 400),
        ({"Upgrade": None}, 400),
        ({"Sec-WebSocket-Version": "8"}, 426),
    ],
)
def test_a_websocket_handshake_is_checked_before_it_is_answered(
    preview: Preview, headers: dict[str, str | None], status: int, capfd: pytest.CaptureFixture[str]
) -> None:
    port = port_of(preview)
    got, fields = handshake(port, **{k.replace("-", "_"): v for k, v in headers.items()})
    assert got == status
    if status == 426:
        assert fields["sec-websocket-version"] == "13"
    assert fetch(port, BASE)[0] == 200  # the server still answers
    assert "Traceback" not in capfd.readouterr().err


# --- the command line, in a process of its own ---------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def site_gen(root: Path, *args: str, ignore_sigint: bool = False) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "site_gen.cli", "serve", "--root", str(root), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=(lambda: signal.signal(signal.SIGINT, signal.SIG_IGN)) if ignore_sigint else None,
    )


def test_a_port_in_use_is_one_clear_line(site_root: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = site_gen(site_root, "--port", str(port))
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 1
    assert err.strip().splitlines() == [
        f"site-gen serve: 127.0.0.1:{port} is already in use (is another server running?); "
        f"try --port {port + 1} (make serve PORT={port + 1})"
    ]
    assert not (site_root / "_site").exists()  # nothing built for a server that cannot start


@pytest.mark.parametrize("sig, ignored", [(signal.SIGINT, False), (signal.SIGTERM, False), (signal.SIGINT, True)],
                         ids=["sigint", "sigterm", "sigint-ignored-at-start"])
def test_ctrl_c_stops_cleanly(site_root: Path, sig: signal.Signals, ignored: bool) -> None:
    """Also when the server was started with SIGINT ignored (as a shell starts a background job)."""
    port = free_port()
    proc = site_gen(site_root, "--port", str(port), ignore_sigint=ignored)
    try:
        assert eventually(lambda: _answers(port), 20), (
            proc.stderr.read() if proc.poll() is not None else ""
        )
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "Traceback" not in err and err == ""
    assert f"Serving http://127.0.0.1:{port}/" in out and out.rstrip().endswith("Stopped.")
    assert out.startswith(f"Building the site for http://127.0.0.1:{port}/ …\nBuilt ")  # not silent meanwhile


SLOW_PAPER = """{% extends "theme/paper.html" %}
{% block content %}{% for i in range(6000) %}{% for j in range(6000) %}{% endfor %}{% endfor %}
{{ super() }}{% endblock %}
"""  # seconds a page: a build that is still running when Ctrl-C comes


@pytest.mark.parametrize("sig, jobs", [(signal.SIGINT, "2"), (signal.SIGTERM, "2"), (signal.SIGTERM, "4")],
                         ids=["sigint", "sigterm", "sigterm-idle-workers"])
def test_ctrl_c_during_a_build_with_workers_stops_it_cleanly(site_root: Path, sig: signal.Signals, jobs: str) -> None:
    """Ctrl-C in a terminal reaches the server and the workers of its build: the build stops
    where it is, without a traceback, and leaves the last site as it was and nothing else. So
    does SIGTERM sent to them all (by `timeout`, or a service manager stopping the preview),
    also when a worker it ends was waiting for a task."""
    (site_root / "overrides" / "templates").mkdir(parents=True)
    with (site_root / "site.yaml").open("a") as fh:
        fh.write("theme_dir: overrides\n")
    proc = subprocess.Popen([sys.executable, "-m", "site_gen.cli", "serve", "--root", str(site_root),
                             "--port", str(free_port())], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True, env={**os.environ, "SITE_GEN_JOBS": jobs})
    try:
        assert proc.stdout and any("Serving" in line for line in iter(proc.stdout.readline, ""))
        built = (site_root / "_site" / "papers" / "first-paper" / "index.html").read_bytes()
        (site_root / "overrides" / "templates" / "paper.html").write_text(SLOW_PAPER)
        staging = site_root / f"_site.staging-{proc.pid}"
        assert eventually(staging.exists, 30), "the full build after the template edit never started"
        time.sleep(0.5)  # a worker is rendering pages
        os.killpg(proc.pid, sig)  # what Ctrl-C does: the whole foreground group
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 0 and err == ""
    assert out.rstrip().endswith("Stopped.")
    assert eventually(lambda: not _group_alive(proc.pid), 5), "workers outlived the server"
    # the build's folder is removed by a process of its own, a moment later
    assert eventually(lambda: sorted(p.name for p in site_root.iterdir() if p.name.startswith("_site")) == ["_site"])
    for parent in ("/dev/shm", tempfile.gettempdir()):
        assert not list(Path(parent).glob(f"site-gen-results-{proc.pid}-*"))
    assert (site_root / "_site" / "papers" / "first-paper" / "index.html").read_bytes() == built


def test_a_second_ctrl_c_while_stopping_is_ignored() -> None:
    before = signal.getsignal(signal.SIGINT)
    with terminate_as_interrupt():
        with pytest.raises(KeyboardInterrupt):
            signal.raise_signal(signal.SIGINT)
        signal.raise_signal(signal.SIGINT)  # the server is stopping: its build's cleanup goes on
        signal.raise_signal(signal.SIGTERM)
    assert signal.getsignal(signal.SIGINT) is before


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


def _answers(port: int) -> bool:
    try:
        return fetch(port, "/")[0] == 200
    except OSError:
        return False


def test_an_edit_saved_during_the_first_build_is_built_after_it(
    site_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first build of a large catalogue takes a while, and a paper saved once it has read the
    papers is not in the site it makes: the build after it brings the edit."""
    import site_gen.serve as serve_mod

    paper = site_root / "content" / "papers" / "first-paper.md"
    real, builds = serve_mod.run_build, []

    def build_then_edit(config: config_mod.SiteConfig, out: Path) -> object:
        report = real(config, out)
        if not builds:
            time.sleep(0.5)  # the rest of a long build
            paper.write_text(paper.read_text().replace("First paper on speech", "Saved meanwhile"))
        builds.append(out)
        return report

    monkeypatch.setattr(serve_mod, "run_build", build_then_edit)
    preview = Preview(config_mod.load(site_root), site_root / "_site", "127.0.0.1", 0)
    preview.start()
    preview.serve_in_background()
    try:
        port = port_of(preview)
        assert eventually(lambda: b"Saved meanwhile" in fetch(port, "/papers/first-paper/")[2])
        assert eventually(lambda: len(builds) == 2)  # the build after it, which brings search and feeds
    finally:
        preview.close()


def test_a_first_failed_build_still_serves_the_errors(site_root: Path) -> None:
    bad = site_root / "content" / "papers" / "bad-paper.md"
    bad.write_text("---\ntitle: [unclosed\n---\nBody.\n")
    preview = Preview(config_mod.load(site_root), site_root / "_site", "127.0.0.1", 0)
    preview.start()
    preview.serve_in_background()
    try:
        port = port_of(preview)
        status, _, body = fetch(port, "/")
        assert status == 404 and b"site-gen-build-error" in body
        assert re.search(rb"content/papers/bad-paper\.md:\d+: ", body)
        bad.unlink()
        assert eventually(lambda: fetch(port, "/")[0] == 200)
        assert b"site-gen-build-error" not in fetch(port, "/")[2]
    finally:
        preview.close()


@pytest.mark.parametrize(("host", "shown"), [("0.0.0.0", "127.0.0.1"), ("127.0.0.1", "127.0.0.1")])
def test_a_preview_on_every_address_is_shown_at_one_a_browser_opens(site_root: Path, host: str,
                                                                    shown: str) -> None:
    preview = Preview(config_mod.load(site_root), site_root / "_site", host, 0)
    try:
        assert preview.url == f"http://{shown}:{port_of(preview)}/"
    finally:
        preview.server.server_close()


def test_each_rebuild_frees_the_last_one(tmp_path: Path) -> None:
    """A long-lived preview keeps one build's papers, however many builds it has run: a build
    large enough to fork workers freezes the collector's view of the last build's leftovers."""
    import gc

    from bench.generate import generate
    from site_gen.cli import GC_YOUNG
    from site_gen.model import Paper

    project = generate(tmp_path / "project", 1600, seed=5).root
    thresholds = gc.get_threshold()
    gc.set_threshold(GC_YOUNG, *thresholds[1:])  # as the command runs
    preview = Preview(config_mod.load(project), project / "_site", "127.0.0.1", 0)
    try:
        preview.rebuild(())
        for number, path in enumerate(sorted((project / "content" / "papers").glob("*.md"))[:4]):
            path.write_text(path.read_text(encoding="utf-8").replace('title: "', f'title: "Edit {number} ', 1),
                            encoding="utf-8")
            assert preview.rebuild(())
        alive = sum(type(thing) is Paper for thing in gc.get_objects())
        assert alive <= 2 * 1600, f"{alive} papers alive after five builds of 1,600"
    finally:
        preview.server.server_close()
        gc.set_threshold(*thresholds)
