"""The writer of the built site: folders of many unrelated folders are marked to be spread out."""

from __future__ import annotations

import fcntl
import os
import signal
import struct
from pathlib import Path, PurePosixPath

import pytest

from site_gen import output
from site_gen.model import OutputFile


def flags(path: Path) -> int | None:
    """The folder's inode flags (``lsattr``), or None where the file system has none."""
    ioctls = output._flag_ioctls()
    if ioctls is None:
        return None
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        return int(struct.unpack("i", fcntl.ioctl(fd, ioctls[0], b"\0\0\0\0"))[0])
    except OSError:
        return None
    finally:
        os.close(fd)


def takes_the_flag(path: Path) -> bool:
    """Whether the file system lets a folder here be marked (ext2/3/4 do; XFS, Btrfs and tmpfs do not)."""
    ioctls = output._flag_ioctls()
    before = flags(path)
    if ioctls is None or before is None:
        return False
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.ioctl(fd, ioctls[1], struct.pack("i", before | output._TOPDIR_FL))
    except OSError:
        return False
    finally:
        os.close(fd)
    return flags(path) == before | output._TOPDIR_FL


def test_spread_subfolders_sets_the_top_of_hierarchy_flag(tmp_path: Path) -> None:
    folder, probe = tmp_path / "papers", tmp_path / "probe"
    folder.mkdir()
    probe.mkdir()
    before = flags(folder)
    output.spread_subfolders(str(folder))
    output.spread_subfolders(str(folder))  # a second time changes nothing
    if takes_the_flag(probe):
        assert before is not None and flags(folder) == before | output._TOPDIR_FL
    else:  # elsewhere nothing happens, and nothing fails
        assert flags(folder) == before


def test_spread_subfolders_ignores_what_is_not_a_folder(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    output.spread_subfolders(str(tmp_path / "file"))
    output.spread_subfolders(str(tmp_path / "missing"))


def test_the_writer_marks_each_first_level_folder_of_folders_once(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    marked: list[str] = []
    monkeypatch.setattr(output, "spread_subfolders", marked.append)
    writer = output.Writer(tmp_path / "site")
    for path in ["index.html", "feed.xml", "papers/a/index.html", "papers/b/index.html", "tags/nlp/page/2/index.html",
                 "tags/index.html", "assets/css/site.css", "search/manifest.json"]:
        writer.write(OutputFile(PurePosixPath(path), b"x"))
    assert marked == [str(tmp_path / "site" / top) for top in ("papers", "tags", "assets")]
    assert (tmp_path / "site" / "papers" / "b" / "index.html").read_bytes() == b"x"


def test_a_staging_folder_is_marked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    marked: list[str] = []
    monkeypatch.setattr(output, "spread_subfolders", marked.append)
    staging = output.Staging(tmp_path / "_site")
    with staging:
        assert marked == [str(staging.folder)]


def test_ctrl_c_during_an_update_comes_once_every_file_is_in_place(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "_site"
    site.mkdir()
    for name in "abc":
        (site / f"{name}.html").write_text("old")
    writer = output.Writer(site, atomic=True)
    writer.write_all(OutputFile(PurePosixPath(f"{name}.html"), b"new") for name in "abc")
    replace = os.replace

    def interrupted(source: str, target: str) -> None:
        replace(source, target)
        signal.raise_signal(signal.SIGINT)  # Ctrl-C after the first file

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        writer.commit()
    assert [(site / f"{name}.html").read_text() for name in "abc"] == ["new"] * 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["_site"]  # no scratch folder left
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_ctrl_c_during_a_site_swap_comes_once_the_new_site_is_in_place(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "_site"
    out.mkdir()
    (out / "index.html").write_text("old")
    rename = os.rename

    def interrupted(source: Path, target: Path) -> None:
        rename(source, target)
        signal.raise_signal(signal.SIGINT)  # Ctrl-C between moving the old site away and the new one in

    monkeypatch.setattr(output, "_exchange", lambda a, b: False)  # as where renameat2 is missing (macOS)
    monkeypatch.setattr(os, "rename", interrupted)
    staging = output.Staging(out)
    with pytest.raises(KeyboardInterrupt), staging as writer:
        writer.write(OutputFile(PurePosixPath("index.html"), b"new"))
        staging.commit()
    assert (out / "index.html").read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["_site"]  # the old site is removed too


def test_a_stop_signal_in_an_uninterrupted_block_goes_to_its_handler_after_it() -> None:
    stopped: list[int] = []
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: stopped.append(signum))
    try:
        with output.uninterrupted():
            signal.raise_signal(signal.SIGTERM)
            assert stopped == []
        assert stopped == [signal.SIGTERM]
        assert signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL
    finally:
        signal.signal(signal.SIGTERM, previous)


def test_the_folder_of_a_build_stopped_by_ctrl_c_is_removed_by_a_process_of_its_own(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Removing thousands of files would keep Ctrl-C waiting for seconds."""
    removed: list[tuple[Path, bool]] = []
    monkeypatch.setattr(output, "remove_tree", lambda folder, out, detach=False: removed.append((folder, detach)))
    out = tmp_path / "_site"
    for stop, detached in ((KeyboardInterrupt, True), (ValueError, False)):
        staging = output.Staging(out, detach=True)
        with pytest.raises(stop), staging:
            raise stop
        assert removed.pop() == (staging.folder, detached)
