"""The GitHub Pages workflow: its shape, and its build command run with a sample base path."""

from __future__ import annotations

import os
import shlex
import stat
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.sitecheck import broken_links

REPO = Path(__file__).resolve().parents[2]
WORKFLOW = REPO / ".github" / "workflows" / "pages.yml"


@pytest.fixture(scope="module")
def workflow() -> dict[Any, Any]:
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def steps_using(job: dict[str, Any], action: str) -> list[dict[str, Any]]:
    return [s for s in job["steps"] if str(s.get("uses", "")).split("@")[0] == action]


def build_step(workflow: dict[Any, Any]) -> dict[str, Any]:
    (step,) = [s for s in workflow["jobs"]["build"]["steps"] if "make build" in s.get("run", "")]
    return step


NOT_ON_PULL_REQUEST = "github.event_name != 'pull_request'"


def test_it_runs_on_push_to_main_with_the_documented_settings(workflow: dict[Any, Any]) -> None:
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert triggers["push"]["branches"] == ["main"]
    assert "workflow_dispatch" in triggers and "pull_request" in triggers
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    # Deployments share one group and never cancel each other; a pull request's builds have a
    # group of their own, so that they neither wait for a deployment nor replace one waiting.
    assert workflow["concurrency"] == {
        "group": "${{ github.event_name == 'pull_request' && format('pages-pr-{0}', github.event.number) "
                 "|| 'pages' }}",
        "cancel-in-progress": "${{ github.event_name == 'pull_request' }}",
    }


def test_a_pull_request_is_built_but_neither_uploaded_nor_deployed(workflow: dict[Any, Any]) -> None:
    build = workflow["jobs"]["build"]
    skipped = [*steps_using(build, "actions/configure-pages"), *steps_using(build, "actions/upload-pages-artifact")]
    assert [s.get("if") for s in skipped] == [NOT_ON_PULL_REQUEST] * 2
    assert "if" not in build_step(workflow) and "if" not in build
    assert workflow["jobs"]["deploy"]["if"] == NOT_ON_PULL_REQUEST


def test_every_action_is_a_release_that_runs_on_node_24(workflow: dict[Any, Any]) -> None:
    """GitHub's runners dropped Node 20 in September 2026: these are the first majors on Node 24."""
    majors = {"actions/checkout": 6, "actions/configure-pages": 6, "actions/setup-python": 6,
              "actions/setup-node": 6, "actions/upload-pages-artifact": 5, "actions/deploy-pages": 5}
    used = {s["uses"] for job in workflow["jobs"].values() for s in job["steps"] if "uses" in s}
    assert used == {f"{action}@v{major}" for action, major in majors.items()}


def test_build_job_sets_up_python_and_node_and_uploads_the_site(workflow: dict[Any, Any]) -> None:
    build = workflow["jobs"]["build"]
    assert steps_using(build, "actions/checkout")
    (pages,) = steps_using(build, "actions/configure-pages")
    assert pages["id"] == "pages"
    (python,) = steps_using(build, "actions/setup-python")
    assert python["with"]["python-version"] == "3.11" and python["with"]["cache"] == "pip"
    (node,) = steps_using(build, "actions/setup-node")
    assert str(node["with"]["node-version"]) == "24" and node["with"]["cache"] == "npm"
    (upload,) = steps_using(build, "actions/upload-pages-artifact")
    assert upload["with"]["path"].rstrip("/") == "_site"
    assert upload["with"]["include-hidden-files"] is True, "the site as built, .nojekyll included"
    order = [str(s.get("uses", s.get("run"))) for s in build["steps"]]
    assert order.index(build_step(workflow)["run"]) < order.index(upload["uses"])


def test_deploy_job_deploys_to_the_pages_environment(workflow: dict[Any, Any]) -> None:
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    (step,) = steps_using(deploy, "actions/deploy-pages")
    assert deploy["environment"] == {
        "name": "github-pages",
        "url": f"${{{{ steps.{step['id']}.outputs.page_url }}}}",
    }


def step_env(step: dict[str, Any], base_path: str, base_url: str) -> dict[str, str]:
    """The step's environment, with configure-pages's outputs (empty when it was skipped)."""
    outputs = {"steps.pages.outputs.base_path": base_path, "steps.pages.outputs.base_url": base_url}
    env = {**os.environ}
    for key, value in step.get("env", {}).items():
        for expression, output in outputs.items():
            value = value.replace(f"${{{{ {expression} }}}}", output)
        assert "${{" not in value, f"{key}: an expression the test does not know: {value}"
        env[key] = value
    return env


def make_arguments(step: dict[str, Any], base_path: str, base_url: str, tmp: Path) -> list[str]:
    """Run the step's script in bash as the runner does, with a `make` that records its args."""
    env = step_env(step, base_path, base_url)
    assert "${{" not in step["run"]  # outputs reach the script through env, never spliced in
    fake = tmp / "bin" / "make"
    fake.parent.mkdir(exist_ok=True)
    fake.write_text('#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done > "$MAKE_ARGS"\n')
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    env["PATH"] = f"{fake.parent}{os.pathsep}{env['PATH']}"
    env["MAKE_ARGS"] = str(tmp / "make-args")
    subprocess.run(["bash", "-e", "-c", step["run"]], env=env, check=True)
    return (tmp / "make-args").read_text().splitlines()


@pytest.mark.parametrize(
    "base_path, expected",
    [
        ("/paper-catalogue", "/paper-catalogue/"),
        ("", "/"),
        ("/paper-catalogue/", "/paper-catalogue/"),
    ],
)
def test_the_base_path_from_configure_pages(
    workflow: dict[Any, Any], tmp_path: Path, base_path: str, expected: str
) -> None:
    args = make_arguments(build_step(workflow), base_path, "https://octo.github.io", tmp_path)
    assert args == ["build", f"BASE_URL={expected}"]


def site_gen_command(make_args: list[str]) -> list[str]:
    """What the Makefile runs for those arguments (a dry run: nothing is installed)."""
    dry = subprocess.run(["make", "-n", "-C", str(REPO), *make_args], capture_output=True,
                         text=True, check=True)  # fmt: skip
    (line,) = [x for x in dry.stdout.splitlines() if "site-gen build" in x]
    command = shlex.split(line)
    return [str(REPO / command[0]), *command[1:]]


def test_the_step_builds_a_site_whose_links_work_under_the_base_path(
    workflow: dict[Any, Any], tmp_path: Path, site_root: Path
) -> None:
    step = build_step(workflow)
    url = "https://octo.github.io/paper-catalogue"
    command = site_gen_command(make_arguments(step, "/paper-catalogue", url, tmp_path))
    env = step_env(step, "/paper-catalogue", url)
    subprocess.run(command, cwd=site_root, env=env, check=True, capture_output=True)
    site = site_root / "_site"
    assert 'href="/paper-catalogue/tags/"' in (site / "index.html").read_text(encoding="utf-8")
    assert f"{url}/papers/first-paper/" in (site / "sitemap.xml").read_text(encoding="utf-8")
    assert broken_links(site, "/paper-catalogue/") == []


def test_a_pull_request_builds_at_the_root_with_the_site_url_of_site_yaml(
    workflow: dict[Any, Any], tmp_path: Path, site_root: Path
) -> None:
    """configure-pages is skipped: its outputs are empty, and an empty SITE_URL overrides nothing."""
    step = build_step(workflow)
    command = site_gen_command(make_arguments(step, "", "", tmp_path))
    assert command[1:] == ["build", "--base-url", "/"]
    (site_root / "site.yaml").write_text("title: T\nsite_url: https://lab.example.org/papers/\n", encoding="utf-8")
    subprocess.run(command, cwd=site_root, env=step_env(step, "", ""), check=True, capture_output=True)
    sitemap = (site_root / "_site" / "sitemap.xml").read_text(encoding="utf-8")
    assert "https://lab.example.org/papers/papers/first-paper/" in sitemap
