"""The two generators under test: how to clean, build and identify site-gen and Hugo."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Builder:
    """One generator building one project into `out`."""

    name: str
    project: Path
    out: Path
    command: tuple[str, ...]
    leftovers: tuple[str, ...]  # glob patterns, relative to `project`, that a cold build lacks

    def clean(self) -> None:
        """Remove the output, staging folders and caches, so that the next build is cold."""
        for pattern in self.leftovers:
            for path in self.project.glob(pattern):
                if path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path)
                else:
                    path.unlink()


def site_gen_executable() -> str:
    """`site-gen` beside the running Python (the project's venv), else on PATH."""
    beside = Path(sys.executable).parent / "site-gen"
    if beside.exists():
        return str(beside)
    found = shutil.which("site-gen")
    if found is None:
        raise FileNotFoundError("site-gen is not installed: run `make setup` first")
    return found


def site_gen(project: Path) -> Builder:
    project = project.resolve()  # the build runs in the project folder
    out = project / "_site"
    command = (site_gen_executable(), "build", "--root", str(project), "--out", str(out))
    return Builder("site-gen", project, out, command, ("_site*", ".cache"))


def hugo_executable() -> str | None:
    return shutil.which("hugo")


def hugo(project: Path) -> Builder | None:
    executable = hugo_executable()
    if executable is None:
        return None
    project = project.resolve()
    out = project / "public"
    command = (executable, "--quiet", "--source", str(project), "--destination", str(out))
    return Builder("hugo", project, out, command, ("public", "resources", ".hugo_build.lock"))


def version(command: list[str]) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    except OSError:
        return "not installed"
    return (done.stdout or done.stderr).strip().splitlines()[0] if done.returncode == 0 else "?"


EDIT = "\n\nThis sentence was added to measure a one-paper rebuild.\n"


def edit_paper(path: Path) -> bytes:
    """Append a sentence to a paper's abstract; return the original bytes.

    The file is replaced (write, then rename), never written in place: the Hugo project
    hard-links the same file and must keep the original.
    """
    original = path.read_bytes()
    replace_file(path, original.rstrip(b"\n") + EDIT.encode())
    return original


def replace_file(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)
