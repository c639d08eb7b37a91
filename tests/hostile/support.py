"""Helpers of the hostile-input tests: run the command line, snapshot a folder tree."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

CASES = REPO / "tests" / "sites" / "broken"
HOSTILE = REPO / "tests" / "sites" / "hostile"


def site_gen(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``site-gen ARGS`` in a child process, without BASE_URL or SITE_URL from the environment."""
    env = {k: v for k, v in os.environ.items() if k not in ("BASE_URL", "SITE_URL")}
    return subprocess.run([sys.executable, "-m", "site_gen.cli", *args], capture_output=True, text=True,
                          cwd=REPO, timeout=timeout, env=env)


def site_build(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return site_gen("build", "--root", str(root), *args)


def tree(folder: Path, skip: tuple[str, ...] = ()) -> dict[str, str]:
    """Every file, folder and link under ``folder`` with a digest of its contents; the folders ``skip``
    (relative to ``folder``) left out."""
    found: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        here = Path(dirpath)
        dirnames[:] = [d for d in dirnames if str((here / d).relative_to(folder)) not in skip]
        for name in dirnames + filenames:
            path = here / name
            rel = str(path.relative_to(folder))
            if path.is_symlink():
                found[rel] = "link:" + os.readlink(path)
            elif path.is_dir():
                found[rel] = "dir"
            elif path.is_file():
                found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
            else:
                found[rel] = "special"
    return found
