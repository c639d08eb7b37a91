"""The only writer of the built site: a staging folder beside the output, swapped in atomically."""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import platform
import shutil
import signal
import struct
import sys
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath
from types import TracebackType

from .errors import BuildFailed, Diagnostic
from .model import OutputFile

MARKER = ".nojekyll"  # every site we build has it; a folder without it is not ours to replace
_RENAME_EXCHANGE = 2
BUCKET = 16  # folders made in one bucket folder (see Writer)
BUCKET_PREFIX = ".bucket-"


def check_output_dir(out: Path, protected: Iterable[Path], sources: Iterable[Path] = ()) -> None:
    """Refuse an output folder that is, or contains, a ``protected`` folder, that lies inside a
    ``sources`` folder (content, themes), or that is not a previous build."""
    out = out.resolve()
    for folder in protected:
        folder = folder.resolve()
        if out == folder or folder.is_relative_to(out):
            raise BuildFailed([Diagnostic(str(out), 0, f"refusing to write the site into {out}: "
                                          f"it would replace {folder}", "choose another --out folder")])
    for folder in sources:
        if out.is_relative_to(folder.resolve()):
            raise BuildFailed([Diagnostic(str(out), 0, f"refusing to write the site into {out}: "
                                          f"it is inside {folder.resolve()}", "choose another --out folder")])
    if out.exists() and not out.is_dir():
        raise BuildFailed([Diagnostic(str(out), 0, "refusing to replace a file with the site: the output "
                                      "must be a folder", "choose another --out folder")])
    if out.exists() and any(out.iterdir()) and not (out / MARKER).exists():
        raise BuildFailed([Diagnostic(str(out), 0, "refusing to replace a folder that is not a built site",
                                      "remove it yourself or choose another --out folder")])


def safe_relative(path: PurePosixPath) -> bool:
    text = str(path)
    return bool(text) and not path.is_absolute() and ".." not in path.parts and "\\" not in text \
        and "\x00" not in text and text != "."


class Writer:
    """Writes files under one folder; refuses escapes and writing the same path twice.

    A full build's folders of pages (``papers/<slug>/``, ``authors/<name>/``, ...) are made in a
    bucket folder of this writer and moved into place at once, where the staging folder spreads
    the folders made in it over the disk (``spread_subfolders``). On an ext4 without a journal
    (some virtual machines' disks), the kernel gives a new file or folder a number by scanning
    past every number of its block group freed in the last minutes, so that packing a site's
    folders into a few groups made a cold build right after ``make clean`` slower each time
    (10,000 folders with a file each, three times in a row after deleting the last: 0.7, 2.4 and
    4.5 s of system time). Spreading each folder costs a scan of every block group instead
    (1.6–1.8 s every time); one for a bucket of ``BUCKET`` folders, which then go beside it,
    costs 0.8–1.0 s."""

    def __init__(self, folder: Path, atomic: bool = False) -> None:
        self.folder = folder
        self.atomic = atomic  # updating a live site: write temporary files, rename them all in commit()
        self.pending: list[tuple[str, str]] = []
        self.written: set[PurePosixPath] = set()
        self._dirs: set[str] = set()
        self._tops: set[str] = set()  # folders right under ``folder`` made by this writer
        self._spread: bool | None = None  # whether ``folder`` spreads its folders: asked once needed
        self._bucket: str | None = None
        self._placed = 0
        self.bytes = 0

    def write(self, item: OutputFile) -> None:
        if not safe_relative(item.path):
            raise BuildFailed([Diagnostic(str(item.path), 0, "output path escapes the output folder")])
        if item.path in self.written:
            raise BuildFailed([Diagnostic(str(item.path), 0, "two pages would be written to the same file")])
        self.written.add(item.path)
        target = os.path.join(self.folder, item.path)
        parent = os.path.dirname(target)
        if parent not in self._dirs and not self.atomic:  # atomic: made by commit, or a failed build leaves them
            parts = item.path.parts
            if len(parts) > 2:  # papers/<slug>/index.html
                if parts[0] not in self._tops:
                    self._tops.add(parts[0])
                    _make_folder(os.path.join(self.folder, parts[0]))
                first = os.path.join(self.folder, parts[0], parts[1])
                if first not in self._dirs:
                    if self._spread is None:
                        self._spread = spread_subfolders(str(self.folder), mark=False)
                    if self._spread:
                        self._place(first)
                    else:
                        _make_folder(first)
                    self._dirs.add(first)
            _make_folder(parent)
            self._dirs.add(parent)
        if self.atomic:
            # Temporary files wait beside the site, not in it: a build killed before its commit
            # leaves nothing in the site, and the next build removes the folder (remove_leftovers).
            scratch = self.folder.with_name(f"{self.folder.name}.pending-{os.getpid()}")
            if not self.pending:
                scratch.mkdir(exist_ok=True)
            tmp = os.path.join(scratch, f"{id(self):x}-{len(self.pending)}")  # one process may have several writers
            self.pending.append((tmp, target))
            _write_file(tmp, item.data)
        else:
            _write_file(target, item.data)
        self.bytes += len(item.data)

    def _place(self, path: str) -> None:
        """Make the folder ``path`` in this writer's bucket, then move it to ``path``."""
        if self._bucket is None or self._placed % BUCKET == 0:
            self.close()
            self._bucket = os.path.join(self.folder, f"{BUCKET_PREFIX}{os.getpid()}-{id(self):x}-{self._placed}")
            with contextlib.suppress(FileExistsError):  # left by a writer of this process that was not closed
                os.mkdir(self._bucket)
        self._placed += 1
        made = os.path.join(self._bucket, os.path.basename(path))
        os.mkdir(made)
        try:
            os.rename(made, path)  # replaces an empty folder that another process made meanwhile
        except OSError as error:
            os.rmdir(made)
            if os.path.isdir(path) and error.errno in (errno.ENOTEMPTY, errno.EEXIST):
                return  # made meanwhile by another process, and in use
            if os.path.lexists(path):
                raise
            self._spread = False  # a file system that does not move folders so: make them in place
            self.close()
            _make_folder(path)

    def close(self) -> None:
        """Remove the bucket folder of ``_place``, empty once its folders are moved."""
        if self._bucket is not None:
            with contextlib.suppress(OSError):
                os.rmdir(self._bucket)
            self._bucket = None

    def commit(self) -> None:
        """Put every file written in atomic mode in place, each by an atomic rename (the pending
        files may include some that another process wrote, in its own scratch folder), making the
        folders they go in only now. Ctrl-C waits till all are in place: a site is never left half
        old, half new."""
        if not self.pending:
            return
        with uninterrupted():
            made: set[str] = set()
            for tmp, target in self.pending:
                parent = os.path.dirname(target)
                if parent not in made:
                    _make_folder(parent)
                    made.add(parent)
                os.replace(tmp, target)
            self._clear()

    def discard(self) -> None:
        """Forget the files written in atomic mode: the site stays as it was."""
        discard(self.pending)
        self.pending = []

    def _clear(self) -> None:
        _remove_scratch(self.pending)
        self.pending = []

    def remove(self, paths: Iterable[str]) -> None:
        """Delete files that are no longer part of the site, then the folders they leave empty."""
        folder = str(self.folder)
        parents: set[str] = set()
        for rel in paths:
            if not safe_relative(PurePosixPath(rel)):
                continue
            target = os.path.join(folder, rel)
            with contextlib.suppress(FileNotFoundError):
                os.unlink(target)
            parent = os.path.dirname(rel)
            while parent and parent not in parents:
                parents.add(parent)
                parent = os.path.dirname(parent)
        for parent in sorted(parents, key=lambda p: -p.count("/")):  # the deepest first
            with contextlib.suppress(OSError):
                os.rmdir(os.path.join(folder, parent))

    def __enter__(self) -> Writer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def write_all(self, items: Iterable[OutputFile]) -> None:
        for item in items:
            self.write(item)

    def copy(self, source: Path, rel: PurePosixPath) -> None:
        self.write(OutputFile(rel, source.read_bytes()))


_CREATE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0)


def _write_file(path: str, data: bytes) -> None:
    """``open(path, "wb").write(data)`` in three system calls (a site has tens of thousands of files:
    ``open`` adds a ``fstat``, an ``ioctl`` and a ``lseek`` to each)."""
    fd = os.open(path, _CREATE, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


def _make_folder(path: str) -> None:
    """``os.makedirs(path, exist_ok=True)``, in one system call when the parent exists."""
    try:
        os.mkdir(path)
    except FileExistsError:
        if not os.path.isdir(path):
            raise
    except FileNotFoundError:
        os.makedirs(path, exist_ok=True)


@functools.cache
def _flag_ioctls() -> tuple[int, int] | None:
    """``FS_IOC_GETFLAGS`` and ``FS_IOC_SETFLAGS`` on Linux where ioctl numbers have the common
    layout (x86, Arm, RISC-V, s390); None elsewhere."""
    if sys.platform != "linux" or platform.machine() not in {"x86_64", "i686", "aarch64", "armv7l", "riscv64", "s390x"}:
        return None
    size = struct.calcsize("l") << 16  # the ioctls are declared with a long argument
    return (2 << 30) | size | (ord("f") << 8) | 1, (1 << 30) | size | (ord("f") << 8) | 2


_TOPDIR_FL = 0x00020000  # FS_TOPDIR_FL, what ``chattr +T`` sets


def spread_subfolders(path: str, mark: bool = True) -> bool:
    """Whether a folder is the top of a hierarchy of unrelated folders (``chattr +T``); ``mark``:
    make it one first. ext2, ext3 and ext4 place each folder made in such a folder in a block
    group of its own choosing (the one with fewest folders) rather than beside it. Elsewhere, or
    if the file system refuses, False."""
    ioctls = _flag_ioctls()
    if ioctls is None:
        return False
    import fcntl  # here: Linux only

    get, set_ = ioctls
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return False
    try:
        flags = struct.unpack("i", fcntl.ioctl(fd, get, b"\0\0\0\0"))[0]
        if mark and not flags & _TOPDIR_FL:
            fcntl.ioctl(fd, set_, struct.pack("i", flags | _TOPDIR_FL))
            flags = struct.unpack("i", fcntl.ioctl(fd, get, b"\0\0\0\0"))[0]
        return bool(flags & _TOPDIR_FL)
    except OSError:
        return False
    finally:
        os.close(fd)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically with renameat2(RENAME_EXCHANGE) where the kernel and libc allow it."""
    import ctypes.util  # here: only a full build over a previous site needs it

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    return bool(fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE) == 0)


_STOPS = (signal.SIGINT, signal.SIGTERM)


@contextlib.contextmanager
def uninterrupted() -> Iterator[None]:
    """Ctrl-C and SIGTERM wait till the block is done, then act as they would have: for what must
    not stop halfway, putting a site (or the cache that describes it) in place. Only the main
    thread receives signals; elsewhere the block runs as it is."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    previous = {signum: signal.getsignal(signum) for signum in _STOPS}
    if None in previous.values():  # a handler set outside Python, which could not be put back
        yield
        return
    for stop in _STOPS:
        signal.signal(stop, lambda signum, frame: received.append(signum))
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        for late in dict.fromkeys(received):
            signal.raise_signal(late)


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def discard(pending: Iterable[tuple[str, str]]) -> None:
    """Remove temporary files (and their scratch folders) that will not be put in place."""
    pending = list(pending)
    for tmp, _ in pending:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    _remove_scratch(pending)


def _remove_scratch(pending: Iterable[tuple[str, str]]) -> None:
    for folder in {os.path.dirname(tmp) for tmp, _ in pending}:
        with contextlib.suppress(OSError):
            os.rmdir(folder)


def remove_leftovers(out: Path) -> None:
    """Staging, old and scratch folders beside ``out`` that a killed build left (its process is gone)."""
    for path in out.parent.glob(f"{out.name}.*-*"):
        kind, _, pid = path.name[len(out.name) + 1 :].partition("-")
        alive = pid.isdigit() and (int(pid) == os.getpid() or process_alive(int(pid)))
        if kind in ("staging", "old", "pending") and pid.isdigit() and not alive:
            shutil.rmtree(path, ignore_errors=True)


# Run by a process of its own (isolated: the working folder is not on its path): take the folder
# under a name with this process's id (so that a build meanwhile leaves it alone, see
# remove_leftovers), then delete it, yielding to other work.
_REMOVER = """import os, shutil, sys
folder, name = sys.argv[1], f"{sys.argv[2]}.old-{os.getpid()}"
try:
    os.rename(folder, name)
except OSError:
    sys.exit()
os.nice(10)
shutil.rmtree(name, ignore_errors=True)
"""


def remove_tree(folder: Path, out: Path, detach: bool = False) -> None:
    """Delete a folder beside ``out`` (a previous site): at once, or (``detach``) by a process that
    this one does not wait for. Freeing a 10,000-paper site's 29,000 files and folders takes the
    kernel seconds that a build need not spend; a build that finds the folder left by a process
    that is gone removes it (``remove_leftovers``). A thread collects the process once it is done,
    or a long-lived process (the preview) would keep it as a zombie till its next full build."""
    if detach:
        import subprocess  # here: only a full build over a previous site needs it

        try:
            remover = subprocess.Popen([sys.executable, "-I", "-c", _REMOVER, str(folder), str(out)],
                                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL, start_new_session=True)
        except OSError:
            pass
        else:
            threading.Thread(target=remover.wait, name="remover", daemon=True).start()
            return
    shutil.rmtree(folder, ignore_errors=True)


class Staging:
    """``with Staging(out) as w: ...; w.commit()`` builds beside ``out`` and swaps only on success.
    ``detach``: the previous site, and the folder of a build stopped by Ctrl-C, are removed by a
    process of its own (``remove_tree``)."""

    def __init__(self, out: Path, detach: bool = False) -> None:
        self.out = out
        self.folder = out.with_name(f"{out.name}.staging-{os.getpid()}")
        self.writer = Writer(self.folder)
        self.committed = False
        self.entered = False
        self.detach = detach
        self.old: Path | None = None  # the previous site, once swapped out, till it is removed

    def __enter__(self) -> Writer:
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        spread_subfolders(str(self.folder))
        self.entered = True
        return self.writer

    def commit(self) -> None:
        self.writer.close()
        for entry in os.scandir(self.folder):  # a worker's writer that was not closed
            if entry.name.startswith(BUCKET_PREFIX):
                with contextlib.suppress(OSError):
                    os.rmdir(entry.path)
        with uninterrupted():  # between the renames, there is no site
            if self.out.exists() and _exchange(self.folder, self.out):
                old: Path | None = self.folder  # now holds the previous site
            else:
                old = self.out.with_name(f"{self.out.name}.old-{os.getpid()}") if self.out.exists() else None
                if old:
                    os.rename(self.out, old)
                os.rename(self.folder, self.out)
            self.committed, self.old = True, old
        self._remove_old()

    def _remove_old(self) -> None:
        if self.old:
            remove_tree(self.old, self.out, self.detach)
            self.old = None

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if not self.committed:  # a build that failed, or was stopped (then detached: Ctrl-C ends it at once)
            remove_tree(self.folder, self.out, self.detach and exc_type is KeyboardInterrupt)
        self._remove_old()  # Ctrl-C came during the swap, and was raised once it was done
