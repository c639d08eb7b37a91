"""The writer of the built site: folders of many unrelated folders are marked to be spread out."""

from __future__ import annotations

import fcntl
import os
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
