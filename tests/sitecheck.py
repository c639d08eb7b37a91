"""Checks over a built site: every internal link resolves to a file; tree snapshots."""

from __future__ import annotations

import hashlib
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)


def links_of(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.links


def resolve(site: Path, base: str, link: str, page: Path) -> Path | None:
    """The file an internal link points at, or None for external links."""
    parts = urlsplit(link)
    if parts.scheme or parts.netloc or link.startswith(("#", "mailto:")):
        return None
    path = unquote(parts.path)
    if path.startswith("/"):
        assert path.startswith(base), f"{page}: link {link!r} is outside the base path {base!r}"
        target = site / path[len(base):]
    else:
        target = page.parent / path
    if path.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target


def broken_links(site: Path, base: str = "/") -> list[str]:
    broken = []
    for page in sorted(site.rglob("*.html")):
        for link in links_of(page.read_text(encoding="utf-8")):
            target = resolve(site, base, link, page)
            if target is not None and not target.is_file():
                broken.append(f"{page.relative_to(site)}: {link}")
    return broken


def snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}
