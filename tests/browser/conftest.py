"""Browser fixtures: the seed catalogue built twice (at / and under /paper-catalogue/), each
served by a static HTTP server thread, and headless Chromium driven by Playwright.

These tests need Debian's chromium (/usr/bin/chromium) and the playwright package; when
either is missing they fail, they never skip.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from bench.browser import _QuietHandler

try:
    from playwright.sync_api import (
        Browser,
        ConsoleMessage,
        Page,
        Playwright,
        Request,
        sync_playwright,
    )
except ImportError as exc:  # a missing dependency is a failure, not a skip
    raise RuntimeError(
        "the browser tests need the playwright package: pip install -e '.[test]'"
    ) from exc

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "tests" / "fixtures" / "seed" / "daily-2025-03-11.txt"
SEED_TAGS = REPO / "tests" / "fixtures" / "sites" / "seed-tags.yaml"
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
    "--disable-sync",
]
SUB_PATH = "/paper-catalogue/"
TIMEOUT_MS = 10_000


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


def site_gen(*args: str, cwd: Path) -> None:
    """Run the site-gen command line as a user would."""
    command = [sys.executable, "-m", "site_gen.cli", *args]
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}"


@dataclass(frozen=True)
class SeedBuild:
    root: Path  # the project folder
    site: Path  # built for /
    sub: Path  # built for SUB_PATH


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory: pytest.TempPathFactory) -> SeedBuild:
    """The seed dump imported with a small fixed taxonomy, then built at / and under SUB_PATH."""
    root = tmp_path_factory.mktemp("seed-site")
    (root / "content").mkdir()
    shutil.copy(REPO / "site.yaml", root / "site.yaml")
    shutil.copy(SEED_TAGS, root / "content" / "tags.yaml")
    site_gen("import", "daily", str(SEED), "--year", "2025", "--root", str(root), cwd=root)
    site_gen("build", "--root", str(root), "--out", str(root / "_site"), cwd=root)
    site_gen(
        "build", "--root", str(root), "--base-url", SUB_PATH, "--out", str(root / "_sub"), cwd=root
    )
    return SeedBuild(root, root / "_site", root / "_sub")


AUTHORS = (
    "Shengkui Zhao", "Yukun Ma", "Ana García", "Zoë Müller", "Wei Chen",
    "Priya Natarajan", "Tomás Ribeiro", "Kenji Sato", "Olusegun Adeyemi", "Marie Dubois",
)  # fmt: skip
MATH_PAPER = "papers/fast-attention-in-subquadratic-time/"
LINKED_PAPER = "papers/mossformer2-combining-transformer-and-rnn-free-recurrent-network-for-enhanced/"
MATH_TEXT = r"""---
title: "Fast attention in $O(n \\log n)$ time"
date: 2024-06-02
tags: [benchmarks]
authors: [Wei Chen, Marie Dubois]
---
Self-attention costs $O(n^2)$ in the sequence length $n$. We give an algorithm with cost
$\mathcal{O}(n \log n)$ and show that

$$\sum_{i=1}^{n} \alpha_i v_i \approx \mathrm{softmax}(QK^\top) V$$

holds within $\epsilon$ for every input. Finding the best of $n$ arms takes
$O\left(H(I)\cdot\left(\ln\delta^{-1}+\mathsf{Ent}(I)\right)+\Delta_{[2]}^{-2}\ln\ln\Delta_{[2]}^{-1}\right)$ samples.
"""
LINKS = """\
venue: "Interspeech"
doi: "10.1000/example.2312.11825"
arxiv: "2312.11825"
pdf: "https://arxiv.org/pdf/2312.11825"
code: "https://github.com/example/mossformer2"
"""


@pytest.fixture(scope="session")
def rich_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every kind of page: the seed papers given authors (so author pages exist), dates over three
    years (and one undated paper), a paper with every link, and a paper with TeX math; built for /."""
    root = tmp_path_factory.mktemp("rich-site")
    (root / "content").mkdir()
    shutil.copy(REPO / "site.yaml", root / "site.yaml")
    shutil.copy(SEED_TAGS, root / "content" / "tags.yaml")
    site_gen("import", "daily", str(SEED), "--year", "2025", "--root", str(root), cwd=root)
    papers = root / "content" / "papers"
    for i, path in enumerate(sorted(papers.glob("*.md"))):
        names = ", ".join(AUTHORS[(i + 3 * k) % len(AUTHORS)] for k in range(2 + i % 4))
        date = "" if i == 7 else f"date: {2025 - i % 3}-{(i * 5) % 12 + 1:02d}-{(i * 7) % 28 + 1:02d}\n"
        extra = LINKS if LINKED_PAPER.split("/")[1] == path.stem else ""
        text = path.read_text(encoding="utf-8")
        assert "\ndate: 2025-03-11\n" in text, f"{path.name}: the seed's date line has changed"
        path.write_text(text.replace("date: 2025-03-11\n", f"{date}authors: [{names}]\n{extra}", 1), encoding="utf-8")
    (papers / (MATH_PAPER.split("/")[1] + ".md")).write_text(MATH_TEXT, encoding="utf-8")
    site_gen("build", "--root", str(root), "--out", str(root / "_site"), cwd=root)
    return root / "_site"


LONG_WORD = "Pneumonoultramicroscopicsilicovolcanoconiosisresistantsupercalifragilisticformer"
LONG_URL = "https://example.org/" + "/".join(["a-path-segment-without-spaces"] * 6) + "/index.html"
LONG_NAME = "Wolfeschlegelsteinhausenbergerdorffvoralternwarengewissenhaftschaferswessenschafewarenwohlgepflege Sr."
MESSY_TAGS = f"""\
tags:
  - slug: long
    name: "{LONG_WORD}architectures"
    description: "{LONG_URL}"
    keywords: [{LONG_WORD.lower()}]
  - slug: speech
    name: Speech
    description: Speech processing.
    keywords: [speech]
"""
MESSY_PAPERS = {
    "long-words": f"""---
title: "{LONG_WORD}: {LONG_URL}"
date: 2025-03-11
tags: [long, speech]
authors: ["{LONG_NAME}", "Ada Lovelace"]
venue: "{LONG_WORD}Conference{LONG_WORD}"
url: "{LONG_URL}"
---
See {LONG_URL} for the data; the identifier `{LONG_WORD.lower()}_{LONG_WORD.lower()}` in code; {LONG_WORD}.

```python
result = train(model, data, epochs=10, learning_rate=3e-4, schedule="cosine", warmup_steps=500)
```
""",
    "many-authors": """---
title: "A paper by forty authors"
date: 2025-03-09
tags: [speech]
authors: [{}]
---
Forty people wrote this.
""".format(", ".join(f"Author{i} Name{i}" for i in range(1, 41))),
    "razdelenie-rechi": """---
title: "Разделение речи с помощью трансформеров"
date: 2025-03-08
tags: [speech]
authors: ["Иван Петров", "张伟"]
---
Модель разделяет «речь» нескольких дикторов.
""",
    "second": f"""---
title: "A second paper on speech"
date: 2025-03-10
tags: [speech]
authors: ["{LONG_NAME}"]
---
Speech.
""",
}


@pytest.fixture(scope="session")
def messy_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Papers with what overflows a narrow screen: words and URLs longer than a phone is wide, in a
    title, an author's name, a venue, a tag and an abstract, and a line of code in an abstract; a
    paper by forty authors; and one in Cyrillic with a Chinese author; built for /."""
    root = tmp_path_factory.mktemp("messy-site")
    (root / "content" / "papers").mkdir(parents=True)
    (root / "site.yaml").write_text(f"title: {LONG_WORD}\n", encoding="utf-8")
    (root / "content" / "tags.yaml").write_text(MESSY_TAGS, encoding="utf-8")
    for slug, text in MESSY_PAPERS.items():
        (root / "content" / "papers" / f"{slug}.md").write_text(text, encoding="utf-8")
    site_gen("build", "--root", str(root), "--out", str(root / "_site"), cwd=root)
    return root / "_site"


class _StaticHandler(_QuietHandler):
    """Serves `directory` under `prefix`; anything outside the prefix is a 404. A browser that
    leaves mid-response (a test that ends while a page still loads) is not a traceback."""

    prefix = "/"

    def translate_path(self, path: str) -> str:
        route = unquote(urlsplit(path).path)
        if not route.startswith(self.prefix) and route + "/" != self.prefix:
            return str(Path(self.directory) / ".no-such-file")
        return super().translate_path("/" + route[len(self.prefix) :])


def _serve(directory: Path, prefix: str) -> Iterator[str]:
    handler = type("Handler", (_StaticHandler,), {"prefix": prefix})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(directory))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture(scope="session")
def root_url(seed_build: SeedBuild) -> Iterator[str]:
    """The site built for / served at http://127.0.0.1:PORT/."""
    yield from _serve(seed_build.site, "/")


@pytest.fixture(scope="session")
def sub_url(seed_build: SeedBuild) -> Iterator[str]:
    """The site built with --base-url /paper-catalogue/ served under that path only."""
    yield from _serve(seed_build.sub, SUB_PATH)


@pytest.fixture(scope="session")
def rich_url(rich_build: Path) -> Iterator[str]:
    """The catalogue of `rich_build` served at http://127.0.0.1:PORT/."""
    yield from _serve(rich_build, "/")


@pytest.fixture(scope="session")
def messy_url(messy_build: Path) -> Iterator[str]:
    """The catalogue of `messy_build` served at http://127.0.0.1:PORT/."""
    yield from _serve(messy_build, "/")


# Module scope: a test module that starts its own sync_playwright() must not find one running.
@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not CHROMIUM.is_file():
        pytest.fail(f"the browser tests need Chromium at {CHROMIUM} (apt-get install chromium)")
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
    )
    yield browser
    browser.close()


@dataclass
class Console:
    """What a page reported: console errors and warnings, uncaught exceptions, failed requests."""

    errors: list[str] = field(default_factory=list)

    def on_message(self, message: ConsoleMessage) -> None:
        if message.type in ("error", "warning"):
            self.errors.append(
                f"console.{message.type}: {message.text} ({message.location.get('url', '')})"
            )

    def on_page_error(self, error: Exception) -> None:
        self.errors.append(f"uncaught: {error}")

    def on_request_failed(self, request: Request) -> None:
        failure = request.failure or ""
        if "ERR_ABORTED" not in failure:  # requests cut short by a navigation are not errors
            self.errors.append(f"request failed: {request.url} ({failure})")


@pytest.fixture
def console() -> Console:
    return Console()


@pytest.fixture
def page(browser: Browser, console: Console) -> Iterator[Page]:
    """A fresh page (own context: no cache or history shared between tests) that records errors."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    tab.on("console", console.on_message)
    tab.on("pageerror", console.on_page_error)
    tab.on("requestfailed", console.on_request_failed)
    yield tab
    context.close()
