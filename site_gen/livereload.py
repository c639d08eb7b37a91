"""The preview over HTTP: the output folder under the base path, reloads, the error overlay."""

from __future__ import annotations

import base64
import hashlib
import html
import ipaddress
import os
import re
import secrets
import shutil
import socket
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import Message
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

EVENTS_PATH = "/__livereload"  # outside the base path; never a file of the site
WAIT_FOR_BUILD = 10.0  # seconds a request waits for a running build, then takes what is on disk
PING = 15.0  # seconds between heartbeats on an idle WebSocket
WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # RFC 6455, section 1.3
TEXT = "; charset=utf-8"
CONTENT_TYPES = {
    ".html": "text/html" + TEXT, ".htm": "text/html" + TEXT, ".css": "text/css" + TEXT,
    ".js": "text/javascript" + TEXT, ".mjs": "text/javascript" + TEXT, ".txt": "text/plain" + TEXT,
    ".md": "text/plain" + TEXT, ".bib": "text/plain" + TEXT, ".xml": "application/xml" + TEXT,
    ".json": "application/json", ".map": "application/json",
    ".webmanifest": "application/manifest+json", ".svg": "image/svg+xml", ".png": "image/png",
    ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif", ".webp": "image/webp",
    ".avif": "image/avif", ".ico": "image/vnd.microsoft.icon", ".woff2": "font/woff2",
    ".woff": "font/woff", ".ttf": "font/ttf", ".otf": "font/otf", ".pdf": "application/pdf",
    ".wasm": "application/wasm", ".gz": "application/gzip",
}  # fmt: skip
HTML = CONTENT_TYPES[".html"]
_ENCODED_SEPARATORS = re.compile(r"%(2f|5c|00)", re.IGNORECASE)


def content_type(name: str) -> str:
    return CONTENT_TYPES.get(os.path.splitext(name)[1].lower(), "application/octet-stream")


@dataclass(frozen=True, slots=True)
class Redirect:
    location: str


def split_target(raw: str) -> tuple[str, str]:
    """A request target as (path, '?query'); the fragment, if a client sent one, is dropped."""
    target = raw.split("#", 1)[0]
    path, sep, query = target.partition("?")
    return path, sep + query


def header_url(path: str) -> str:
    """A path for a ``Location`` header: what a browser would percent-encode (``/café/``, ``{``),
    encoded, and every other character as written."""
    return quote(path, safe="".join(map(chr, range(0x21, 0x7F))))


def site_parts(path: str, base: str) -> tuple[str, ...] | Redirect | None:
    """The decoded path segments under ``base``; a redirect to the base; or None (not found).

    The path and the base are compared decoded: a browser sends ``/café/`` as ``/caf%C3%A9/``.
    Anything that could name a file outside the output folder is None: '..' and '.', encoded
    separators, backslashes, NUL, empty segments ('//etc/passwd'), undecodable bytes.
    """
    if _ENCODED_SEPARATORS.search(path):
        return None
    try:
        text = unquote(path, errors="strict")
    except UnicodeDecodeError:
        return None
    home = unquote(base)
    if text in ("/", home.rstrip("/")) and text != home:
        return Redirect(header_url(base))
    if not text.startswith(home):
        return None
    parts = text[len(home) :].split("/")
    if parts[-1] == "":
        parts.pop()
    if any(p in ("", ".", "..") or "\\" in p or "\x00" in p for p in parts):
        return None
    return tuple(parts)


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root + os.sep)


def locate(out: Path, parts: Sequence[str], trailing_slash: bool) -> Path | Redirect | None:
    """The file to serve, resolved now (the build swaps the folder in), never outside ``out``."""
    root = os.path.realpath(out)
    real = os.path.realpath(os.path.join(root, *parts))
    if not _inside(real, root):
        return None
    if os.path.isdir(real):
        if parts and not trailing_slash:
            return Redirect(quote("/".join(parts)) + "/")
        real = os.path.realpath(os.path.join(real, "index.html"))
        if not _inside(real, root):
            return None
    elif trailing_slash:
        return None
    return Path(real) if os.path.isfile(real) else None


def route(raw: str, base: str, out: Path) -> Path | Redirect | None:
    path, query = split_target(raw)
    parts = site_parts(path, base)
    if isinstance(parts, Redirect):
        return Redirect(parts.location + query)
    if parts is None:
        return None
    found = locate(out, parts, path.endswith("/"))
    if isinstance(found, Redirect):
        return Redirect(header_url(base) + found.location + query)
    return found


class BuildState:
    """The epoch of the served site, the errors of the last build, and who waits for them."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._instance = secrets.token_hex(4)  # a restarted server reloads the tabs of the old one
        self.epoch = 0
        self.errors: tuple[str, ...] = ()
        self.building = False
        self.closed = False

    @property
    def token(self) -> str:
        return f"{self._instance}-{self.epoch}"

    def begin(self) -> None:
        with self._cond:
            self.building = True

    def finish(self, errors: Sequence[str]) -> None:
        with self._cond:
            self.epoch += 1
            self.errors = tuple(errors)
            self.building = False
            self._cond.notify_all()

    def close(self) -> None:
        with self._cond:
            self.closed = True
            self._cond.notify_all()

    def settled(self, timeout: float = WAIT_FOR_BUILD) -> tuple[str, tuple[str, ...]]:
        """Wait (a bounded time) for a running build; then the token and errors of the site."""
        with self._cond:
            self._cond.wait_for(lambda: not self.building or self.closed, timeout)
            return self.token, self.errors

    def wait_change(self, token: str, timeout: float) -> bool:
        with self._cond:
            self._cond.wait_for(lambda: self.closed or self.token != token, timeout)
            return self.token != token and not self.closed


def reload_script(token: str) -> str:
    """A WebSocket that says ``reload``; reconnected a second after it drops (a restarted server
    reloads the tab at once: its token is new)."""
    url = f"{EVENTS_PATH}?token={quote(token)}"
    return (
        f'<script data-site-gen-livereload>(()=>{{const u=new URL("{url}",location.href);'
        'u.protocol=u.protocol==="https:"?"wss:":"ws:";'
        'const c=()=>{const s=new WebSocket(u);s.onclose=()=>setTimeout(c,1000);'
        's.onmessage=e=>{if(e.data==="reload"){s.onclose=null;s.close();location.reload();}};};c();})();</script>'
    )


def websocket_accept(key: str) -> str:
    """The handshake's answer to a client's ``Sec-WebSocket-Key``."""
    return base64.b64encode(hashlib.sha1((key + WEBSOCKET_GUID).encode("ascii")).digest()).decode("ascii")


def websocket_frame(opcode: int, payload: bytes = b"") -> bytes:
    """A final, unmasked frame from the server with a payload under 126 bytes."""
    assert len(payload) < 126
    return bytes((0x80 | opcode, len(payload))) + payload


TEXT_FRAME, CLOSE_FRAME, PONG_FRAME = 0x1, 0x8, 0xA
WEBSOCKET_VERSION = "13"


def host_name(authority: str) -> str:
    """The host of a ``host[:port]`` (``[::1]:8000`` gives ``[::1]``), lowercased."""
    host = authority.strip().lower()
    return host if host.endswith("]") else host.rpartition(":")[0] if ":" in host else host


def loopback(host: str) -> bool:
    """Whether a host name or address (``localhost``, ``app.localhost``, ``127.0.0.1``, ``[::1]``)
    is this machine's loopback, which no other machine reaches."""
    name = host.strip().lower().removeprefix("[").removesuffix("]").rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def handshake_refusal(headers: Message) -> tuple[HTTPStatus, str] | None:
    """Why a WebSocket handshake is refused, as (status, reason); None when it is a good one.

    A key must be 16 bytes in base64 and the version 13 (RFC 6455, section 4.2.1). A page of
    another site must not open the socket: a browser names the page's site in ``Origin``, whose
    host must be the one the request was sent to (any port, as a proxy in front may change it).
    """
    if headers.get("Upgrade", "").lower() != "websocket":
        return HTTPStatus.BAD_REQUEST, "a WebSocket, for the pages of the preview"
    key = headers.get("Sec-WebSocket-Key", "").strip()
    try:
        good_key = len(base64.b64decode(key.encode("ascii"), validate=True)) == 16
    except ValueError:  # not ASCII, or not base64
        good_key = False
    if not good_key:
        return HTTPStatus.BAD_REQUEST, "Sec-WebSocket-Key must be 16 bytes in base64"
    if headers.get("Sec-WebSocket-Version", "").strip() != WEBSOCKET_VERSION:
        return HTTPStatus.UPGRADE_REQUIRED, f"only WebSocket version {WEBSOCKET_VERSION} is spoken"
    origin = headers.get("Origin")
    if origin is not None:
        parts = urlsplit(origin.strip())
        if parts.scheme not in ("http", "https") or host_name(parts.netloc) != host_name(headers.get("Host", "")):
            return HTTPStatus.FORBIDDEN, "the preview's reloads are for its own pages"
    return None


OVERLAY_STYLE = (
    "#site-gen-build-error{all:initial;position:fixed;inset:0;z-index:2147483647;overflow:auto;"
    "box-sizing:border-box;padding:2rem;background:#1d1f21f2;color:#f5f5f5;"
    "font:14px/1.6 ui-monospace,Menlo,Consolas,monospace}"
    "#site-gen-build-error h1{all:unset;display:block;color:#ff6b6b;font:bold 20px/1.4 system-ui}"
    "#site-gen-build-error p{all:unset;display:block;margin:.5rem 0 1rem;color:#ccc;"
    "font:14px system-ui}"
    "#site-gen-build-error li{white-space:pre-wrap}"
)


def error_overlay(errors: Sequence[str]) -> str:
    """The build's problems over the page, escaped, one ``path:line: message`` per line."""
    items = "".join(f"<li>{html.escape(e)}</li>" for e in errors)
    plural = "s" if len(errors) != 1 else ""
    return (
        f'<div id="site-gen-build-error" role="alert"><style>{OVERLAY_STYLE}</style>'
        f"<h1>Build failed: {len(errors)} problem{plural}</h1>"
        "<p>Fix the files below and this page reloads by itself. "
        "The last good site is still on disk, underneath this message.</p>"
        f"<ul>{items}</ul></div>"
    )


def decorate(page: bytes, token: str, errors: Sequence[str]) -> bytes:
    """A served HTML page: the reload script, and the overlay while the build is broken."""
    extra = (error_overlay(errors) if errors else "") + reload_script(token)
    end = page.lower().rfind(b"</body>")
    at = end if end >= 0 else len(page)
    return page[:at] + extra.encode("utf-8") + page[at:]


NOT_FOUND = b"<!doctype html><meta charset=utf-8><title>Not found</title><h1>Not found</h1>"


class Handler(BaseHTTPRequestHandler):
    server: PreviewHTTPServer
    timeout = 60  # idle connections (browsers open spare ones) do not hold a thread forever

    def handle(self) -> None:
        try:
            super().handle()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the browser went away: a reload, a closed tab

    def do_GET(self) -> None:
        self.respond(head=False)

    def do_HEAD(self) -> None:
        self.respond(head=True)

    def respond(self, head: bool) -> None:
        host = self.headers.get("Host")
        if self.server.local and host is not None and not loopback(host_name(host) or host):
            # A name that a page's site made resolve to this machine (DNS rebinding) would let that
            # page read the preview as its own
            body = b"the preview answers at localhost or 127.0.0.1 (HOST=0.0.0.0 shares it under any name)"
            return self.send(HTTPStatus.FORBIDDEN, CONTENT_TYPES[".txt"], len(body), None if head else body)
        path, query = split_target(self.path)
        if path == EVENTS_PATH:
            return self.events(parse_qs(query[1:]).get("token", [""])[0])
        srv = self.server
        token, errors = srv.state.settled()
        found = route(self.path, srv.base, srv.out)
        if isinstance(found, Redirect):
            return self.redirect(found.location)
        status = HTTPStatus.OK if found else HTTPStatus.NOT_FOUND
        if found is None:
            page = locate(srv.out, ("404.html",), False)
            found = page if isinstance(page, Path) else None
        if found is None or not self.send_file(found, status, head, token, errors):
            body = decorate(NOT_FOUND, token, errors)
            self.send(HTTPStatus.NOT_FOUND, HTML, len(body), None if head else body)

    def send_file(
        self, path: Path, status: HTTPStatus, head: bool, token: str, errors: Sequence[str]
    ) -> bool:
        try:
            handle = open(path, "rb")
        except OSError:  # gone since it was found: a build swapped the folder meanwhile
            return False
        with handle:
            ctype = content_type(path.name)
            if ctype == HTML:
                body = decorate(handle.read(), token, errors)
                self.send(status, ctype, len(body), None if head else body)
            else:
                self.send(status, ctype, os.fstat(handle.fileno()).st_size, None)
                if not head:
                    shutil.copyfileobj(handle, self.wfile)
        return True

    def send(
        self, status: HTTPStatus, ctype: str, length: int, body: bytes | None, extra: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(length))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if body is not None:
            self.wfile.write(body)

    def redirect(self, location: str) -> None:
        self.send_response(HTTPStatus.FOUND)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def events(self, token: str) -> None:
        """A WebSocket that says ``reload`` once the site differs from the one the page came from.
        Not server-sent events: a browser opens at most six HTTP connections to a host, and an
        event stream would hold one for each open tab, so the seventh tab would never load."""
        refused = handshake_refusal(self.headers)
        if refused:
            status, reason = refused
            body = reason.encode("utf-8")
            version = {"Sec-WebSocket-Version": WEBSOCKET_VERSION} if status is HTTPStatus.UPGRADE_REQUIRED else {}
            self.send(status, CONTENT_TYPES[".txt"], len(body), body, version)
            return
        key = self.headers["Sec-WebSocket-Key"].strip()
        self.close_connection = True
        self.wfile.write(
            b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + f"Sec-WebSocket-Accept: {websocket_accept(key)}\r\n\r\n".encode("ascii")
        )
        state = self.server.state
        while not state.closed:
            if state.wait_change(token, PING):
                self.wfile.write(websocket_frame(TEXT_FRAME, b"reload"))
                break
            # An unsolicited pong: a heartbeat that needs no answer; a closed tab shows up as a
            # broken pipe here
            self.wfile.write(websocket_frame(PONG_FRAME))
        self.wfile.write(websocket_frame(CLOSE_FRAME, (1001 if state.closed else 1000).to_bytes(2, "big")))

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the preview reports builds, not requests."""


class PreviewHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, host: str, port: int, out: Path, base: str, state: BuildState) -> None:
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.out, self.base, self.state = out, base, state
        self.local = loopback(host)  # then only loopback names may be asked for (``Host``)
        super().__init__((host, port), Handler)
