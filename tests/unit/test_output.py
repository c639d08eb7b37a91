"""The writer of the built site: its folders of pages are made in buckets that the disk spreads out."""

from __future__ import annotations

import errno
import fcntl
import os
import signal
import struct
from pathlib import Path, PurePosixPath

import pytest

from site_gen import output
from site_gen.errors import BuildFailed
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
    assert not output.spread_subfolders(str(folder), mark=False)  # only asked
    assert flags(folder) == before
    marked = output.spread_subfolders(str(folder))
    assert output.spread_subfolders(str(folder)) == marked  # a second time changes nothing
    if takes_the_flag(probe):
        assert marked and before is not None and flags(folder) == before | output._TOPDIR_FL
        assert output.spread_subfolders(str(folder), mark=False)
    else:  # elsewhere nothing happens, and nothing fails
        assert not marked and flags(folder) == before


def test_spread_subfolders_ignores_what_is_not_a_folder(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    assert not output.spread_subfolders(str(tmp_path / "file"))
    assert not output.spread_subfolders(str(tmp_path / "missing"))


PATHS = ["index.html", "feed.xml", "papers/a/index.html", "papers/b/index.html", "tags/nlp/page/2/index.html",
         "tags/nlp/index.html", "tags/index.html", "assets/css/site.css", "search/manifest.json",
         "papers/c/index.html", "authors/d/index.html", "papers/e/index.html"]


def made_folders(monkeypatch: pytest.MonkeyPatch, spreads: bool) -> list[str]:
    """The folders the writer makes (``os.mkdir``), in a folder that spreads its folders or not."""
    made: list[str] = []
    mkdir = os.mkdir

    def recorded(path: str, mode: int = 0o777) -> None:
        made.append(str(path))
        mkdir(path, mode)

    monkeypatch.setattr(output, "spread_subfolders", lambda path, mark=True: spreads)
    monkeypatch.setattr(os, "mkdir", recorded)
    return made


def site_files(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def test_the_writer_makes_folders_of_pages_in_buckets_of_a_spreading_folder(tmp_path: Path,
                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(output, "BUCKET", 2)
    made = made_folders(monkeypatch, spreads=True)
    site = tmp_path / "site"
    with output.Writer(site) as writer:
        for path in PATHS:
            writer.write(OutputFile(PurePosixPath(path), path.encode()))
    buckets = [path for path in made if os.path.basename(path).startswith(output.BUCKET_PREFIX)]
    assert [os.path.dirname(path) for path in buckets] == [str(site)] * 4  # 7 folders, 2 a bucket
    in_buckets = [os.path.basename(path) for path in made if os.path.dirname(path) in buckets]
    assert in_buckets == ["a", "b", "nlp", "css", "c", "d", "e"]
    assert site_files(site) == {path: path.encode() for path in PATHS}
    assert not any(p.name.startswith(output.BUCKET_PREFIX) for p in site.iterdir())  # removed once empty


def test_the_writer_makes_folders_in_place_where_the_folder_does_not_spread(tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    made = made_folders(monkeypatch, spreads=False)
    site = tmp_path / "site"
    with output.Writer(site) as writer:
        for path in PATHS:
            writer.write(OutputFile(PurePosixPath(path), path.encode()))
    assert str(site / "papers" / "a") in made and not any(output.BUCKET_PREFIX in path for path in made)
    assert site_files(site) == {path: path.encode() for path in PATHS}


def test_a_folder_another_process_made_meanwhile_is_kept_with_its_files(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    made_folders(monkeypatch, spreads=True)
    site = tmp_path / "site"
    (site / "papers" / "a").mkdir(parents=True)  # empty: replaced by the writer's own
    (site / "tags" / "nlp" / "page" / "2").mkdir(parents=True)
    (site / "tags" / "nlp" / "page" / "2" / "index.html").write_bytes(b"theirs")
    (site / "authors").mkdir()
    (site / "authors" / "d").write_bytes(b"a file")
    with output.Writer(site) as writer:
        writer.write(OutputFile(PurePosixPath("papers/a/index.html"), b"a"))
        writer.write(OutputFile(PurePosixPath("tags/nlp/index.html"), b"nlp"))
        with pytest.raises(NotADirectoryError):
            writer.write(OutputFile(PurePosixPath("authors/d/index.html"), b"d"))
    assert site_files(site) == {"papers/a/index.html": b"a", "tags/nlp/index.html": b"nlp",
                                "tags/nlp/page/2/index.html": b"theirs", "authors/d": b"a file"}
    assert not any(p.name.startswith(output.BUCKET_PREFIX) for p in site.iterdir())


def test_a_file_system_that_cannot_move_a_folder_gets_its_folders_made_in_place(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    made = made_folders(monkeypatch, spreads=True)
    rename = os.rename

    def refused(source: str, target: str) -> None:
        if output.BUCKET_PREFIX in str(source):
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        rename(source, target)

    monkeypatch.setattr(os, "rename", refused)
    site = tmp_path / "site"
    with output.Writer(site) as writer:
        for path in PATHS:
            writer.write(OutputFile(PurePosixPath(path), path.encode()))
    assert site_files(site) == {path: path.encode() for path in PATHS}
    assert sum(output.BUCKET_PREFIX in path for path in made) == 2  # the first folder's bucket and its try
    assert not any(p.name.startswith(output.BUCKET_PREFIX) for p in site.iterdir())


def test_a_bucket_left_by_a_writer_of_the_same_name_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    made_folders(monkeypatch, spreads=True)
    site = tmp_path / "site"
    writer = output.Writer(site)
    site.mkdir()
    (site / f"{output.BUCKET_PREFIX}{os.getpid()}-{id(writer):x}-0").mkdir()  # a writer never closed, since gone
    with writer:
        writer.write(OutputFile(PurePosixPath("papers/a/index.html"), b"a"))
    assert site_files(site) == {"papers/a/index.html": b"a"}
    assert [p.name for p in site.iterdir()] == ["papers"]


def test_a_staging_folder_is_marked_and_left_without_buckets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    marked: list[str] = []
    monkeypatch.setattr(output, "spread_subfolders", lambda path, mark=True: bool(marked.append(path)) or True)
    staging = output.Staging(tmp_path / "_site")
    with staging as writer:
        assert marked == [str(staging.folder)]
        writer.write(OutputFile(PurePosixPath("papers/a/index.html"), b"a"))
        other = output.Writer(staging.folder)  # a worker's writer, never closed
        other.write(OutputFile(PurePosixPath("papers/b/index.html"), b"b"))
        staging.commit()
    assert sorted(p.name for p in (tmp_path / "_site").iterdir()) == ["papers"]
    assert site_files(tmp_path / "_site") == {"papers/a/index.html": b"a", "papers/b/index.html": b"b"}


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


def test_an_update_makes_the_folders_of_its_files_only_when_they_are_put_in_place(tmp_path: Path) -> None:
    """A failed incremental build leaves the site as it was: not even an empty folder (the new
    search files of a large catalogue go in a folder of their own)."""
    site = tmp_path / "_site"
    site.mkdir()
    writer = output.Writer(site, atomic=True)
    writer.write(OutputFile(PurePosixPath("search/0123abcd/t0.json"), b"[]"))
    writer.write(OutputFile(PurePosixPath("papers/new/index.html"), b"new"))
    assert list(site.iterdir()) == []
    writer.discard()
    assert list(site.iterdir()) == [] and sorted(p.name for p in tmp_path.iterdir()) == ["_site"]
    writer = output.Writer(site, atomic=True)
    writer.write(OutputFile(PurePosixPath("search/0123abcd/t0.json"), b"[]"))
    writer.commit()
    assert site_files(site) == {"search/0123abcd/t0.json": b"[]"}


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


def test_the_writer_refuses_paths_that_escape_its_folder_or_come_twice(tmp_path: Path) -> None:
    site = tmp_path / "_site"
    site.mkdir()
    writer = output.Writer(site)
    for bad in ("../outside.html", "papers/../../outside.html", "/etc/x.html", "a\\b.html", "."):
        with pytest.raises(BuildFailed, match="escapes the output folder"):
            writer.write(OutputFile(PurePosixPath(bad), b"x"))
    writer.write(OutputFile(PurePosixPath("papers/a/index.html"), b"first"))
    with pytest.raises(BuildFailed, match="two pages would be written to the same file"):
        writer.write(OutputFile(PurePosixPath("papers/a/index.html"), b"second"))
    assert site_files(site) == {"papers/a/index.html": b"first"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["_site"]


def test_removing_the_pages_of_a_tag_leaves_no_empty_folder(tmp_path: Path) -> None:
    """A tag whose papers are gone: its pages go, and the folders they leave empty, the deepest first."""
    site = tmp_path / "_site"
    site.mkdir()
    with output.Writer(site) as writer:
        for rel in ("tags/gone/index.html", "tags/gone/page/2/index.html", "tags/gone/page/3/index.html",
                    "tags/kept/index.html"):
            writer.write(OutputFile(PurePosixPath(rel), b"x"))
    writer.remove(["tags/gone/index.html", "tags/gone/page/2/index.html", "tags/gone/page/3/index.html",
                   "../outside.html"])
    assert site_files(site) == {"tags/kept/index.html": b"x"}
    assert sorted(str(p.relative_to(site)) for p in site.rglob("*") if p.is_dir()) == ["tags", "tags/kept"]
