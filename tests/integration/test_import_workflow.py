"""The example workflow of a daily mirror (docs/examples/import-daily.yml), its steps run here
as GitHub Actions would run them, with curl and gh stood in for and a local bare repository as
the remote: the day's papers are imported, committed, pushed and published, once."""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import FIXTURES, REPO, make_site

EXAMPLE = REPO / "docs" / "examples" / "import-daily.yml"
FAKE_CURL = """#!/bin/sh
# curl as the workflow calls it: the day's list is the Hugging Face sample, or with $PAGES the
# page p of the URL (p0.json, p1.json, ...; [] past the last); the URL is noted
echo "$@" >> "$CALLS"
for arg in "$@"; do
  case "$arg" in http*) url="$arg" ;; esac
done
page=$(echo "$url" | sed -n 's/.*[?&]p=\\([0-9]*\\).*/\\1/p')
while [ $# -gt 0 ]; do
  if [ "$1" = "--output" ]; then
    if [ -z "$PAGES" ]; then cp "$SAMPLE" "$2"
    elif [ -f "$PAGES/p${page:-0}.json" ]; then cp "$PAGES/p${page:-0}.json" "$2"
    else echo "[]" > "$2"; fi
  fi
  shift
done
"""
FAKE_GH = """#!/bin/sh
echo "gh $@" >> "$CALLS"
"""


@pytest.fixture(scope="module")
def workflow() -> dict[Any, Any]:
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def git(folder: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True, check=True)
    return done.stdout


def run_steps(steps: list[dict[str, Any]], folder: Path, env: dict[str, str]) -> None:
    """Each step's script, in order, as Actions runs it (bash -eo pipefail), with what earlier
    steps wrote to $GITHUB_ENV."""
    github_env = Path(env["GITHUB_ENV"])
    for step in steps:
        extra = {k: str(v) for k, v in (step.get("env") or {}).items()}
        lines = github_env.read_text().splitlines() if github_env.exists() else []
        extra.update(line.split("=", 1) for line in lines if "=" in line)
        done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
                              cwd=folder, env={**env, **extra}, capture_output=True, text=True)
        assert done.returncode == 0, (step.get("name"), done.stderr)


def test_it_runs_every_morning_and_may_push_and_start_the_pages_workflow(workflow: dict[Any, Any]) -> None:
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert triggers["schedule"] and "workflow_dispatch" in triggers
    assert workflow["permissions"] == {"contents": "write", "actions": "write"}
    steps = workflow["jobs"]["import"]["steps"]
    # The first majors that run on Node 24: GitHub's runners dropped Node 20 in September 2026.
    assert [s["uses"] for s in steps if "uses" in s] == ["actions/checkout@v6", "actions/setup-python@v6"]
    assert any(s.get("run", "").startswith("python -m pip install --quiet -e .") for s in steps)
    assert (REPO / ".github/workflows/pages.yml").is_file()  # the workflow it starts


def checked_out(workflow: dict[Any, Any], tmp_path: Path) -> tuple[Path, Path, list[dict[str, Any]], dict[str, str]]:
    """A catalogue pushed to a bare remote, as actions/checkout leaves it; the remote; the
    workflow's steps that run scripts; their environment."""
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "--quiet", "--bare", "--initial-branch=main", str(remote)], check=True)
    site = make_site(tmp_path / "catalogue")
    git(site, "init", "--quiet", "--initial-branch=main")
    git(site, "add", ".")
    git(site, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "--quiet", "-m", "start")
    git(site, "remote", "add", "origin", str(remote))
    git(site, "push", "--quiet", "--set-upstream", "origin", "main")  # as actions/checkout leaves it
    tools = tmp_path / "bin"
    tools.mkdir()
    for name, script in (("curl", FAKE_CURL), ("gh", FAKE_GH)):
        (tools / name).write_text(script)
        (tools / name).chmod(0o755)
    calls = tmp_path / "calls.txt"
    env = {**os.environ, "PATH": f"{tools}{os.pathsep}{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
           "CALLS": str(calls), "SAMPLE": str(FIXTURES / "samples" / "hf_daily.json"),
           "GITHUB_ENV": str(tmp_path / "github_env"), "GITHUB_REF_NAME": "main", "GH_TOKEN": "x",
           "GIT_CONFIG_GLOBAL": str(tmp_path / "gitconfig"), "GIT_CONFIG_NOSYSTEM": "1"}
    steps = [s for s in workflow["jobs"]["import"]["steps"] if "run" in s and "pip install" not in s["run"]]
    assert shutil.which("site-gen", path=env["PATH"])
    return site, remote, steps, env


def test_its_steps_import_commit_push_and_publish_the_new_papers_once(
    workflow: dict[Any, Any], tmp_path: Path
) -> None:
    site, remote, steps, env = checked_out(workflow, tmp_path)
    calls = Path(env["CALLS"])
    run_steps(steps, site, env)
    made = sorted(p.name for p in (site / "content/papers").glob("*.md"))
    assert len(made) == 20 and not (site / "papers.json").exists()
    assert git(site, "status", "--porcelain") == ""
    log = git(remote, "log", "--format=%an|%s", "main")
    assert log.splitlines()[0].startswith("github-actions[bot]|Import the daily papers of 20")
    assert sorted(git(remote, "ls-tree", "--name-only", "main", "content/papers/").split()) == \
        sorted(f"content/papers/{name}" for name in made)
    called = calls.read_text().splitlines()
    assert "https://huggingface.co/api/daily_papers?date=20" in called[0]
    assert called[1:] == ["gh workflow run pages.yml --ref main"]

    calls.unlink()
    run_steps(steps, site, env)  # the same list again: nothing to commit, nothing to publish
    assert len(git(remote, "log", "--format=%s", "main").splitlines()) == 2
    assert calls.read_text().count("gh ") == 0


def test_a_day_of_more_papers_than_a_page_holds_is_imported_whole(
    workflow: dict[Any, Any], tmp_path: Path
) -> None:
    """The API gives at most 100 papers a request: a busy day comes in pages, all imported."""
    site, remote, steps, env = checked_out(workflow, tmp_path)
    sample = json.loads((FIXTURES / "samples" / "hf_daily.json").read_text(encoding="utf-8"))
    items = []
    for n in range(150):
        item = copy.deepcopy(sample[n % len(sample)])
        item["paper"]["id"] = f"2607.{90000 + n}"
        item["paper"]["title"] = item["title"] = f"Paper number {n} of a busy day"
        items.append(item)
    pages = tmp_path / "pages"
    pages.mkdir()
    for k in range(2):
        (pages / f"p{k}.json").write_text(json.dumps(items[k * 100 : (k + 1) * 100]))
    run_steps(steps, site, {**env, "PAGES": str(pages)})
    assert len(list((site / "content/papers").glob("*.md"))) == 150
    urls = [line for line in Path(env["CALLS"]).read_text().splitlines() if "huggingface.co" in line]
    assert len(urls) == 2 and "p=0" in urls[0] and "p=1" in urls[1] and "limit=100" in urls[0]
    assert not (site / "papers.json").exists() and not (site / "page.json").exists()
    assert git(site, "status", "--porcelain") == ""


def test_a_push_made_while_it_imports_is_kept_under_its_commit(workflow: dict[Any, Any], tmp_path: Path) -> None:
    site, remote, steps, env = checked_out(workflow, tmp_path)
    other = tmp_path / "other"
    subprocess.run(["git", "clone", "--quiet", str(remote), str(other)], check=True)
    (other / "content/papers").mkdir(parents=True, exist_ok=True)
    (other / "content/papers/by-hand.md").write_text('---\ntitle: "Added by hand"\n---\nBody.\n')
    git(other, "add", ".")
    git(other, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "--quiet", "-m", "by hand")
    git(other, "push", "--quiet")
    run_steps(steps, site, env)
    assert git(remote, "log", "--format=%s", "main").splitlines()[:2] == [
        git(site, "log", "-1", "--format=%s").strip(), "by hand"]
    assert "content/papers/by-hand.md" in git(remote, "ls-tree", "--name-only", "main", "content/papers/").split()
