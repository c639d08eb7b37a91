"""The template environment: Jinja2 as configured for a build, and what it changes in Jinja."""

from __future__ import annotations

import traceback
from pathlib import Path

import jinja2
import pytest
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup, escape

from site_gen.cli import main
from site_gen.config import SiteConfig
from site_gen.errors import BuildFailed
from site_gen.themes import Environment, Theme, escape_output
from tests.conftest import make_site, paper_text


def environment(templates: dict[str, str]) -> Environment:
    return Environment(
        loader=jinja2.DictLoader(templates),
        autoescape=jinja2.select_autoescape(("html",), default_for_string=True),
        undefined=jinja2.StrictUndefined,
    )


@given(st.text())
def test_escape_output_is_escape(text: str) -> None:
    assert escape_output(text) == escape(text)
    assert type(escape_output(text)) is str


@pytest.mark.parametrize("value", [Markup("<b>&amp;</b>"), 3, 2.5, None, ["<a>"], "'\"<>&"])
def test_escape_output_of_every_kind_of_value(value: object) -> None:
    assert escape_output(value) == escape(value)


def test_escape_output_keeps_markup_as_it_is() -> None:
    html = Markup("<p>" + "x" * 1000 + "</p>")
    assert escape_output(html) is html


def test_output_is_escaped_as_jinja_escapes_it() -> None:
    templates = {
        "page.html": "{{ text }}|{{ safe }}|{{ number }}|{{ text | upper }}|{{ safe ~ text }}"
                     "|{% autoescape false %}{{ text }}{% endautoescape %}",
        "page.txt": "{{ text }}",
    }
    ours, jinja = environment(templates), jinja2.Environment(
        loader=jinja2.DictLoader(templates), autoescape=jinja2.select_autoescape(("html",)))
    context = {"text": "<a href=\"x\">'&'</a>", "safe": Markup("<em>&amp;</em>"), "number": 7}
    for name in templates:
        assert ours.get_template(name).render(context) == jinja.get_template(name).render(context)
    assert ours.get_template("page.html").render(context).startswith("&lt;a href=&#34;x&#34;&gt;&#39;&amp;&#39;")
    assert ours.get_template("page.txt").render(context) == context["text"]


def test_output_of_autoescaped_templates_goes_through_escape_output() -> None:
    ours = environment({})
    assert "site_gen_escape_output(" in str(ours.compile("{{ x }}", raw=True))
    assert "site_gen_escape_output(" not in str(ours.compile("{% autoescape false %}{{ x }}{% endautoescape %}",
                                                             raw=True))


def test_undefined_values_still_fail() -> None:
    with pytest.raises(jinja2.UndefinedError):
        environment({"page.html": "{{ missing }}"}).get_template("page.html").render()


def test_a_template_error_names_its_line() -> None:
    template = environment({"page.html": "one\ntwo\n{{ 1 // x }}\n"}).get_template("page.html")
    with pytest.raises(ZeroDivisionError) as info:
        template.render(x=0)
    assert traceback.extract_tb(info.value.__traceback__)[-1][:2] == ("<template>", 3)


def test_template_globals_are_a_plain_dict(tmp_path: Path) -> None:
    # A ChainMap would be iterated for every render's context.
    ours = Theme(SiteConfig(root=tmp_path)).environment()
    ours.globals["site_name"] = "Papers"
    template = ours.from_string("{{ site_name }}", {"extra": 1})
    assert type(template.globals) is dict
    assert template.render() == "Papers"
    assert template.globals["extra"] == 1


def test_the_environments_of_one_theme_compile_each_template_once(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A renderer made after the first (the preview makes one for each edit) loads what the
    theme's first environment compiled; a template changed since is compiled again."""
    templates = tmp_path / "mine" / "templates"
    templates.mkdir(parents=True)
    (templates / "page.html").write_text("<p>{{ x }}</p>", encoding="utf-8")
    theme = Theme(SiteConfig(root=tmp_path, theme_dir="mine"))
    compiled: list[str | None] = []
    compile_ = Environment.compile

    def counted(self: Environment, source: str, name: str | None = None, *args: object, **kwargs: object) -> object:
        compiled.append(name)
        return compile_(self, source, name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Environment, "compile", counted)
    assert theme.environment().get_template("page.html").render(x="<a>") == "<p>&lt;a&gt;</p>"
    assert theme.environment().get_template("page.html").render(x=1) == "<p>1</p>"
    assert compiled == ["page.html"]
    (templates / "page.html").write_text("<b>{{ x }}</b>", encoding="utf-8")
    assert theme.environment().get_template("page.html").render(x=2) == "<b>2</b>"
    assert compiled == ["page.html", "page.html"]
    assert Theme(SiteConfig(root=tmp_path, theme_dir="mine")).environment().get_template("page.html")
    assert len(compiled) == 3  # another theme keeps its own


def test_a_parent_theme_that_is_not_there_is_named_at_the_extends_line(tmp_path: Path) -> None:
    (tmp_path / "themes" / "mine").mkdir(parents=True)
    (tmp_path / "themes" / "mine" / "theme.yaml").write_text("# mine\nextends: defualt\n", encoding="utf-8")
    with pytest.raises(BuildFailed) as failed:
        Theme(SiteConfig(root=tmp_path, theme="mine"))
    [problem] = failed.value.diagnostics
    assert str(problem) == "themes/mine/theme.yaml:2: theme 'defualt' not found in themes/"


@pytest.mark.parametrize(("theme_yaml", "problem"), [
    ("# mine\nextends: defualt\n", "themes/mine/theme.yaml:2: theme 'defualt' not found in themes/"),
    ("# mine\nextends: [default\n", "themes/mine/theme.yaml:3: YAML syntax error: did not find expected ',' or "
                                     "']' (while parsing a flow sequence at line 2)"),
    ("# mine\nname: Mine\nextend: default\n",
     "themes/mine/theme.yaml:3: unknown key 'extend' (did you mean 'extends'?)"),
    ("extends: 3\n", "themes/mine/theme.yaml:1: 'extends' must be a string, not a number (put the value in quotes)"),
    ("extends: ''\n", "themes/mine/theme.yaml:1: 'extends' must not be empty"),
    ("- default\n", "themes/mine/theme.yaml:1: expected a mapping of keys, not a list"),
])
@pytest.mark.parametrize("command", ["check", "build"])
def test_check_reports_the_theme_as_build_does(tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str,
                                               theme_yaml: str, problem: str) -> None:
    root = make_site(tmp_path / "site", {"paper.md": paper_text()}, config="title: T\ntheme: mine\n")
    (root / "themes" / "mine").mkdir(parents=True)
    (root / "themes" / "mine" / "theme.yaml").write_text(theme_yaml, encoding="utf-8")
    assert main([command, "--root", str(root)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    written = "" if command == "check" else "; nothing was written"  # check never writes
    assert err.splitlines() == [problem, f"site-gen {command}: 1 problem{written}"]


def test_check_compiles_every_template_and_names_each_syntax_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_site(tmp_path / "site", {"paper.md": paper_text()}, config="title: T\ntheme_dir: mine\n")
    templates = root / "mine" / "templates"
    (templates / "partials").mkdir(parents=True)
    (templates / "tag.html").write_text('{% extends "base.html" %}\n{% block content %}{% for t in %}{% endblock %}\n')
    (templates / "partials" / "paper_card.html").write_text("<p>{{ paper.title }</p>\n")
    (templates / "years.html").write_text('{% extends "base.html" %}{% block content %}{{ x | plain }}{% endblock %}')
    assert main(["check", "--root", str(root)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [
        "mine/templates/partials/paper_card.html:1: template error: unexpected '}'",
        "mine/templates/tag.html:2: template error: Expected an expression, got 'end of statement block'",
        "site-gen check: 2 problems",
    ]


@pytest.mark.parametrize("theme_yaml", ["", "# a theme of its own\n", "name: Mine\ndescription: Wide pages\n"])
def test_a_theme_yaml_without_extends_ends_the_list_of_folders(tmp_path: Path, theme_yaml: str) -> None:
    (tmp_path / "themes" / "mine").mkdir(parents=True)
    (tmp_path / "themes" / "mine" / "theme.yaml").write_text(theme_yaml, encoding="utf-8")
    assert Theme(SiteConfig(root=tmp_path, theme="mine")).dirs == [tmp_path / "themes" / "mine"]
