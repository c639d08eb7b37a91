"""``site-gen serve``: build, serve under the base path, rebuild on changes, reload open tabs."""

from __future__ import annotations

import errno
import gc
import os
import queue
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

from . import build as build_mod
from . import config as config_mod
from . import preview
from .config import CONFIG_FILE, SiteConfig
from .errors import SiteGenError, printable
from .livereload import BuildState, PreviewHTTPServer
from .textutil import counted
from .watch import Change, Kind, Sources, Watcher, classify_all, collect

RETRY_CONFIG = 1.0  # seconds between readings of a site.yaml that did not read


def run_build(config: SiteConfig, out: Path) -> build_mod.BuildReport:
    """The one place the preview builds: the build's cache makes it redo only what changed."""
    return build_mod.build(config, out, detach=True)


def command_line_overrides(config: SiteConfig) -> dict[str, Any]:
    """What the command line set over site.yaml; kept when site.yaml is read again.

    The base path always stays: the server answers under the one it started with.
    """
    try:
        plain = config_mod.load(config.root)
    except SiteGenError:
        plain = config
    keys = ("site_url", "strict")
    found = {k: getattr(config, k) for k in keys if getattr(config, k) != getattr(plain, k)}
    return {**found, "base_url": config.base_url}


class Preview:
    """The server, the watcher and the builder; ``serve`` runs one in the foreground."""

    def __init__(self, config: SiteConfig, out: Path, host: str, port: int) -> None:
        self.config = config
        self.overrides = command_line_overrides(config)
        self.config_stale = False  # site.yaml changed and has not been read back successfully
        self.out = out.resolve()
        self.state = BuildState()
        self.server = PreviewHTTPServer(host, port, self.out, config.base_url, self.state)
        self.inbox: queue.Queue[Path] = queue.Queue()
        self.stop = threading.Event()
        self.watcher = Watcher(Sources.of(config), self.inbox, self.warn)
        self.threads: list[threading.Thread] = []
        self.warm: build_mod.Warm | None = None  # what the last build left to show the next edit at once

    @property
    def url(self) -> str:
        """The preview's address as a browser on this machine opens it: a server listening on
        every address (``0.0.0.0``, ``::``) is shown at the loopback one."""
        host, port = self.server.server_address[:2]
        host = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(str(host), str(host))
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}{self.config.base_url}"

    def start(self) -> None:
        """Build once (a failure still serves, with the errors shown), then watch and rebuild in a
        thread of its own."""
        self.begin()
        self._spawn(self.rebuild_until_stopped, "rebuild")

    def begin(self) -> None:
        """Watch, then build once (a failure still serves, with the errors shown). A file saved
        while that build runs, which may take a while on a large catalogue, is in the inbox for
        the next build: watching only after it, the preview missed the edit until another one."""
        self.watcher.start()
        self.rebuild(())

    def serve_in_background(self) -> None:
        self._spawn(lambda: self.server.serve_forever(poll_interval=0.05), "http")

    def _spawn(self, target: Callable[[], None], name: str) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        self.threads.append(thread)
        thread.start()

    def close(self) -> None:
        self.stop.set()
        self.state.close()
        if any(t.name == "http" for t in self.threads):
            self.server.shutdown()
        self.watcher.close()
        for thread in self.threads:
            thread.join(5)
        self.server.server_close()

    def rebuild_until_stopped(self) -> None:
        """Rebuild after each burst of changes until ``close``. ``serve`` runs this in the main
        thread, where Ctrl-C interrupts a running build: it stops its workers and removes what it
        wrote, and the site stays as it was."""
        while not self.stop.is_set():
            paths = collect(self.inbox, self.stop, give_up=RETRY_CONFIG if self.config_stale else None)
            changes = classify_all(paths, self.watcher.sources)
            if not paths and self.config_reads():
                changes = [Change(Kind.CONFIG, self.watcher.sources.config_file)]
            if changes and not self.stop.is_set():
                self.rebuild(changes)

    def config_reads(self) -> bool:
        """Whether site.yaml, which did not read, does now: it may name a folder that was missing
        (``theme_dir``, ``content_dir``), and that folder, made since, is not watched."""
        try:
            config_mod.load(self.config.root, self.overrides)
        except SiteGenError:
            return False
        return True

    def show_edit(self, changes: Sequence[Change]) -> bool:
        """An edit of existing papers: write the pages it changes at once and reload the tabs; the
        build that follows makes the rest exact (related papers, search, feeds)."""
        if not self.warm or not changes or any(c.kind is not Kind.PAPER or not c.path.is_file() for c in changes):
            return False
        started = time.perf_counter()
        gc.disable()  # a full collection, over the whole catalogue's objects, would hold up the pages
        try:
            shown = preview.show_edit(self.warm, self.out, [c.path for c in changes])
        except Exception:  # whatever it is, the build reports it
            return False
        finally:
            gc.enable()
        if shown is None:
            return False
        pages, self.warm = shown
        self.state.finish([])
        took = time.perf_counter() - started
        print(f"Showed {pages} pages in {took:.2f}s after {describe(changes, self.config.root)}; building",
              flush=True)
        return True

    def rebuild(self, changes: Sequence[Change]) -> bool:
        """Build; print and publish the outcome (errors keep the last good site on disk). Pages
        are served during the build only when an edit was shown already (``show_edit``)."""
        started = time.perf_counter()
        if not self.show_edit(changes):
            self.state.begin()
        errors: list[str] = []
        try:
            self.refresh(changes)
            report = run_build(self.config, self.out)
            self.warm = report.warm
        except SiteGenError as exc:
            errors = [str(d) for d in exc.diagnostics]
            self.warm = None
        except Exception as exc:  # a bug must not stop the preview: show it like a build error
            traceback.print_exc()
            errors = [f"site-gen: internal error while building: {exc!r}"]
        except BaseException:  # stopped (Ctrl-C): requests waiting for this build take the site on disk
            self.state.close()
            raise
        self.state.finish(errors)
        # The last build's objects, in reference cycles (templates, their globals, the site),
        # went through gc.freeze while its workers ran, and the collector never counts what
        # gc.unfreeze gives back: without a full pass, every build would stay in memory.
        gc.collect()
        if self.warm:
            preview.compile_templates(self.warm)
        because = f" after {describe(changes, self.config.root)}" if changes else ""
        if errors:
            print(*errors, sep="\n", file=sys.stderr)
            print(
                f"Build failed{because}: {counted(len(errors), 'problem')}, shown in the browser till fixed",
                file=sys.stderr,
                flush=True,
            )
            return False
        took = time.perf_counter() - started
        for warning in report.warnings:
            print(warning, file=sys.stderr)
        done = f"{report.rendered} of {report.pages}" if report.incremental else f"{report.pages}"
        print(
            f"{'Rebuilt' if changes else 'Built'} {done} pages in {took:.2f}s{because}", flush=True
        )
        return True

    def refresh(self, changes: Sequence[Change]) -> None:
        """Read site.yaml again after it changed (until it reads), and follow the theme folders and
        the content folder (made, removed or replaced since they were last watched). A folder that
        came or went is read with site.yaml: a ``content_dir`` or ``theme_dir`` it names that is
        gone fails the build, as ``site-gen build`` does, instead of replacing the site without it."""
        self.config_stale |= any(c.kind in (Kind.CONFIG, Kind.FOLDER) for c in changes)
        if self.config_stale:
            self.config = config_mod.load(self.config.root, self.overrides)
            self.config_stale = False
        if any(c.kind in (Kind.CONFIG, Kind.TEMPLATE, Kind.FOLDER) for c in changes):
            sources = Sources.of(self.config)
            if sources != self.watcher.sources or any(c.kind is Kind.FOLDER for c in changes):
                self.watcher.close()
                self.watcher = Watcher(sources, self.inbox, self.warn).start()

    def warn(self, message: str) -> None:
        print(message, file=sys.stderr, flush=True)


def shown(path: Path, root: Path) -> str:
    """A path as the user knows it: relative to the project folder when inside it."""
    root = root.resolve()
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)


def describe(changes: Sequence[Change], root: Path) -> str:
    names = ", ".join(printable(shown(c.path, root)) for c in changes[:3])
    more = f" and {len(changes) - 3} more" if len(changes) > 3 else ""
    return f"{names}{more} changed"


def listen_error(exc: OSError, host: str, port: int) -> str:
    """One line for a port that cannot be bound, with the likely fix."""
    where = f"{host}:{port}"
    if exc.errno == errno.EADDRINUSE:
        return (
            f"site-gen serve: {where} is already in use (is another server running?); "
            f"try --port {port + 1} (make serve PORT={port + 1})"
        )
    if exc.errno == errno.EACCES:
        return f"site-gen serve: no permission to listen on {where}; try --port 8000"
    reason = exc.strerror or str(exc)
    return f"site-gen serve: cannot listen on {where}: {reason}; try --host 127.0.0.1"


@contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM stops the server as Ctrl-C does, and Ctrl-C stops it even when the process was
    started with SIGINT ignored, as a program run in the background by a shell or a tool may be
    (only the main thread can install handlers). Once stopping, the server finishes: a second
    Ctrl-C would leave a build's workers or folders behind."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    owner = os.getpid()
    stopping = False

    def interrupt(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        if os.getpid() != owner:  # a build's forked worker inherited this: end as SIGTERM does
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        if not stopping:
            stopping = True
            raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    previous_int = signal.signal(signal.SIGINT, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
        signal.signal(signal.SIGINT, previous_int)


def serve(config: SiteConfig, out: Path, host: str = "127.0.0.1", port: int = 8000) -> int:
    try:
        preview = Preview(config, out, host, port)
    except OSError as exc:
        print(listen_error(exc, host, port), file=sys.stderr)
        return 1
    except OverflowError:
        print(f"site-gen serve: port {port} is out of range; try --port 8000", file=sys.stderr)
        return 1
    with terminate_as_interrupt():
        try:
            print(f"Building the site for {preview.url} …", flush=True)  # a large catalogue takes a while
            preview.begin()
            watched = [f"{shown(p, config.root)}/" for p in preview.watcher.roots]
            print(f"Watching {', '.join([*watched, CONFIG_FILE])}")
            print(f"Serving {preview.url} (Ctrl-C to stop)", flush=True)
            if host not in ("127.0.0.1", "localhost", "::1"):
                print(
                    f"Listening on {host}: other machines on the network can see the preview",
                    flush=True,
                )
            preview.serve_in_background()
            preview.rebuild_until_stopped()
        except KeyboardInterrupt:
            pass
        finally:
            preview.close()
    print("Stopped.", flush=True)
    return 0
